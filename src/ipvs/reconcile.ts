/**
 * Desired vs current IPVS table → the ops that make the kernel match (checker child).
 * Pure and O(services + dests): both tables are indexed by stable string keys.
 *
 * Ownership: a service in `current` but not in `desired` belongs to someone else (an
 * admin's ipvsadm, another daemon) and is left alone, unless it is in `owned` (we
 * installed it earlier, e.g. before a reload) or `manageAll` is set. Within a desired
 * service every destination is ours: extra ones are removed.
 *
 * Order (deterministic, follows the tables' order): destination removals, then service
 * removals (the kernel drops a service's dests with it), then per desired service its
 * add/edit followed by its destinations' adds/edits — or the additions first
 * (`removalsLast`).
 */
import { formatIp, parseIp } from '../core/ip.js';
import { IP_VS_CONN_F_TUNNEL, type IpvsDest, type IpvsDestKey, type IpvsOp, type IpvsService, type IpvsServiceKey, type IpvsTable } from './ipvs-types.js';

const PLAIN_IPV4 = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;
const canonicalCache = new Map<string, string>();

/**
 * Canonical text of an address (RFC 5952 for IPv6) so '2001:DB8::1' and '2001:db8::1'
 * match. Dotted IPv4 without leading zeros is already canonical; other spellings are
 * parsed once and remembered (tables repeat the same addresses across services).
 */
function canonical(address: string): string {
  if (PLAIN_IPV4.test(address)) return address;
  let c = canonicalCache.get(address);
  if (c === undefined) {
    const a = parseIp(address);
    c = a ? formatIp(a) : address;
    if (canonicalCache.size >= 65536) canonicalCache.clear();
    canonicalCache.set(address, c);
  }
  return c;
}

/** Stable identity of a service: equal for the same kernel service, whatever the spelling. */
export function serviceKeyId(key: IpvsServiceKey): string {
  return key.type === 'fwmark' ? `v${key.family}/fwm/${key.fwmark >>> 0}` : `v${key.family}/${key.protocol}/${canonical(key.address)}/${key.port}`;
}

/** Stable identity of a destination within its service. */
export function destKeyId(dest: IpvsDestKey): string {
  return `v${dest.family}/${canonical(dest.address)}/${dest.port}`;
}

export interface ReconcileOptions {
  /** Remove every current service that is not desired (keepalived's lvs_flush-like ownership of the whole table). */
  readonly manageAll?: boolean;
  /** Services we installed before; removed when no longer desired even without manageAll. */
  readonly owned?: readonly IpvsServiceKey[];
  /**
   * Additions and edits before removals (a health transition: a sorry server goes in before
   * the real servers leave, so the service never has an empty pool). Default: removals first.
   */
  readonly removalsLast?: boolean;
}

export function sameServiceParams(a: IpvsService, b: IpvsService): boolean {
  return (
    a.scheduler === b.scheduler &&
    a.flags === b.flags &&
    a.timeoutS === b.timeoutS &&
    a.netmask >>> 0 === b.netmask >>> 0 &&
    (a.peName ?? '') === (b.peName ?? '')
  );
}

/** Tunnel options only matter (and are only compared) for TUN destinations; absent = the kernel's 0. */
export function sameDestParams(a: IpvsDest, b: IpvsDest): boolean {
  if (a.fwdMethod !== b.fwdMethod || a.weight !== b.weight || a.upperThreshold !== b.upperThreshold || a.lowerThreshold !== b.lowerThreshold) return false;
  if (a.fwdMethod !== IP_VS_CONN_F_TUNNEL) return true;
  return (a.tunType ?? 0) === (b.tunType ?? 0) && (a.tunPort ?? 0) === (b.tunPort ?? 0) && (a.tunFlags ?? 0) === (b.tunFlags ?? 0);
}

function indexDests(dests: readonly IpvsDest[]): Map<string, IpvsDest> {
  const m = new Map<string, IpvsDest>();
  for (const d of dests) {
    const id = destKeyId(d);
    if (!m.has(id)) m.set(id, d);
  }
  return m;
}

export function reconcile(desired: IpvsTable, current: IpvsTable, opts: ReconcileOptions = {}): IpvsOp[] {
  const desiredById = new Map<string, IpvsTable[number]>();
  for (const e of desired) {
    const id = serviceKeyId(e.service.key);
    if (!desiredById.has(id)) desiredById.set(id, e);
  }
  const currentById = new Map<string, IpvsTable[number]>();
  for (const e of current) {
    const id = serviceKeyId(e.service.key);
    if (!currentById.has(id)) currentById.set(id, e);
  }
  const owned = new Set((opts.owned ?? []).map(serviceKeyId));

  // Each table's destinations are indexed once per service that both tables hold.
  const wantedDests = new Map<string, Map<string, IpvsDest>>();
  const currentDests = new Map<string, Map<string, IpvsDest>>();
  const destRemovals: IpvsOp[] = [];
  const serviceRemovals: IpvsOp[] = [];
  for (const [id, cur] of currentById) {
    const want = desiredById.get(id);
    if (want === undefined) {
      if (opts.manageAll === true || owned.has(id)) serviceRemovals.push({ type: 'del-service', key: cur.service.key });
      continue;
    }
    const wanted = indexDests(want.dests);
    const have = indexDests(cur.dests);
    wantedDests.set(id, wanted);
    currentDests.set(id, have);
    for (const [did, d] of have) {
      if (!wanted.has(did)) destRemovals.push({ type: 'del-dest', key: cur.service.key, dest: { family: d.family, address: d.address, port: d.port } });
    }
  }

  const additions: IpvsOp[] = [];
  for (const [id, want] of desiredById) {
    const cur = currentById.get(id);
    const key = want.service.key;
    if (cur === undefined) additions.push({ type: 'add-service', service: want.service });
    else if (!sameServiceParams(want.service, cur.service)) additions.push({ type: 'edit-service', service: want.service });
    const curDests = currentDests.get(id) ?? new Map<string, IpvsDest>();
    for (const [did, d] of wantedDests.get(id) ?? indexDests(want.dests)) {
      const have = curDests.get(did);
      if (have === undefined) additions.push({ type: 'add-dest', key, dest: d });
      else if (!sameDestParams(d, have)) additions.push({ type: 'edit-dest', key, dest: d });
    }
  }
  return opts.removalsLast === true ? [...additions, ...destRemovals, ...serviceRemovals] : [...destRemovals, ...serviceRemovals, ...additions];
}
