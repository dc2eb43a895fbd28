/**
 * The IpvsOps that turn one IPVS table into another, keyed by service and destination
 * (O(n) with Maps): used for each health transition (one VS before/after) and for reload
 * (old desired table → new). The daemon can be given the ipvs module's `reconcile`
 * instead; this one never touches services outside `from` ∪ `to`.
 */
import type { IpvsDest, IpvsOp, IpvsService, IpvsTable } from '../ipvs/ipvs-types.js';
import { serviceKeyText } from './ipvs-desired.js';

const destKey = (d: IpvsDest): string => `${d.family}|${d.address}|${d.port}`;

function sameService(a: IpvsService, b: IpvsService): boolean {
  return a.scheduler === b.scheduler && a.flags === b.flags && a.timeoutS === b.timeoutS && a.netmask === b.netmask && a.peName === b.peName;
}

function sameDest(a: IpvsDest, b: IpvsDest): boolean {
  return (
    a.fwdMethod === b.fwdMethod &&
    a.weight === b.weight &&
    a.upperThreshold === b.upperThreshold &&
    a.lowerThreshold === b.lowerThreshold &&
    a.tunType === b.tunType &&
    a.tunPort === b.tunPort &&
    a.tunFlags === b.tunFlags
  );
}

export type TableDiff = (to: IpvsTable, from: IpvsTable) => IpvsOp[];

/** Ops to go from `from` to `to` (argument order as reconcile(desired, current)). */
export const diffTables: TableDiff = (to, from) => {
  const ops: IpvsOp[] = [];
  const old = new Map(from.map((e) => [serviceKeyText(e.service.key), e]));
  const seen = new Set<string>();
  for (const e of to) {
    const k = serviceKeyText(e.service.key);
    seen.add(k);
    const o = old.get(k);
    if (!o) {
      ops.push({ type: 'add-service', service: e.service });
      for (const d of e.dests) ops.push({ type: 'add-dest', key: e.service.key, dest: d });
      continue;
    }
    if (!sameService(o.service, e.service)) ops.push({ type: 'edit-service', service: e.service });
    const oldDests = new Map(o.dests.map((d) => [destKey(d), d]));
    const newKeys = new Set<string>();
    for (const d of e.dests) {
      const dk = destKey(d);
      newKeys.add(dk);
      const od = oldDests.get(dk);
      if (!od) ops.push({ type: 'add-dest', key: e.service.key, dest: d });
      else if (!sameDest(od, d)) ops.push({ type: 'edit-dest', key: e.service.key, dest: d });
    }
    for (const [dk, od] of oldDests) {
      if (!newKeys.has(dk)) ops.push({ type: 'del-dest', key: e.service.key, dest: { family: od.family, address: od.address, port: od.port } });
    }
  }
  for (const [k, o] of old) if (!seen.has(k)) ops.push({ type: 'del-service', key: o.service.key });
  return ops;
};

/** Apply ops to an in-memory table (tests, fakes): keepalived's EEXIST/ENOENT leniency. */
export function applyOps(table: IpvsTable, ops: readonly IpvsOp[]): IpvsTable {
  const m = new Map<string, { service: IpvsService; dests: Map<string, IpvsDest> }>();
  for (const e of table) m.set(serviceKeyText(e.service.key), { service: e.service, dests: new Map(e.dests.map((d) => [destKey(d), d])) });
  for (const op of ops) {
    switch (op.type) {
      case 'flush':
        m.clear();
        break;
      case 'add-service':
        if (!m.has(serviceKeyText(op.service.key))) m.set(serviceKeyText(op.service.key), { service: op.service, dests: new Map() });
        break;
      case 'edit-service': {
        const e = m.get(serviceKeyText(op.service.key));
        if (e) e.service = op.service;
        break;
      }
      case 'del-service':
        m.delete(serviceKeyText(op.key));
        break;
      case 'add-dest':
      case 'edit-dest': {
        const e = m.get(serviceKeyText(op.key));
        if (e && (op.type === 'edit-dest' || !e.dests.has(destKey(op.dest)))) e.dests.set(destKey(op.dest), op.dest);
        break;
      }
      case 'del-dest':
        m.get(serviceKeyText(op.key))?.dests.delete(`${op.dest.family}|${op.dest.address}|${op.dest.port}`);
        break;
    }
  }
  return [...m.values()].map((e) => ({ service: e.service, dests: [...e.dests.values()] }));
}
