/**
 * The IpvsOps that turn one IPVS table into another, for each health transition (one VS
 * before/after) and for reload (old desired table → new): the ipvs module's reconcile with
 * every service of `from` owned and additions before removals. applyOps is its inverse for
 * tests and the in-memory IPVS fake.
 */
import type { IpvsDest, IpvsOp, IpvsService, IpvsTable } from '../ipvs/ipvs-types.js';
import { reconcile } from '../ipvs/reconcile.js';
import { serviceKeyText } from './ipvs-desired.js';

const destKey = (d: { readonly family: number; readonly address: string; readonly port: number }): string => `${d.family}|${d.address}|${d.port}`;

export type TableDiff = (to: IpvsTable, from: IpvsTable) => IpvsOp[];

/** Ops to go from `from` to `to` (argument order as reconcile(desired, current)); never touches services outside both. */
export const diffTables: TableDiff = (to, from) => reconcile(to, from, { owned: from.map((e) => e.service.key), removalsLast: true });

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
        m.get(serviceKeyText(op.key))?.dests.delete(destKey(op.dest));
        break;
    }
  }
  return [...m.values()].map((e) => ({ service: e.service, dests: [...e.dests.values()] }));
}
