/**
 * The nftables ruleset keepalived 2.2.7 installs for no_accept / vrrp_strict and for VMACs
 * (keepalived.conf(5) `nftables`, `nftables_priority`, `nftables_counters`,
 * `nftables_ifindex`), reproduced message for message from captures of the real daemon
 * (test/fixtures/nft, docs/data-plane.md "nftables"):
 *
 *   table ip|ip6 TABLE             created by the first change that needs it
 *     chain out, chain in          base chains, type filter, hooks output/input, priority P
 *     set vips                     VIPs of MASTER instances that must not be accepted: dropped
 *                                  as destination (in) and source (out)
 *     ip6: set neighbor-discovery  NS/NA accepted first, so address resolution still works
 *     ip6: chains in_link_local / out_link_local, set vips_link_local (address . ifindex) or
 *          vips_link_local_name (address . ifname, with dont_track_primary and no nftables_ifindex)
 *     map vmac_map, ip6: set vmac_set   IGMP/MLD leaving a macvlan VMAC is duplicated onto its
 *                                  base interface and dropped; router solicitations are dropped
 *
 * Pure: every step takes the state (what exists in the kernel) and returns the new state and
 * the operations of one transaction (nft-codec.ts encodes them). keepalived numbers sets with
 * one counter for the daemon's life, carried in the state so our messages match its bytes.
 */
import type { Family } from '../core/ip.js';
import type { NftChain, NftOp, NftSet, NftSetElement, NftSetElements } from './nft-codec.js';
import type { NftExpr, NftVerdict } from './nft-expr.js';
import {
  BYTEORDER_BIG_ENDIAN,
  BYTEORDER_HOST_ENDIAN,
  IFNAMSIZ,
  NF_ACCEPT,
  NF_INET_LOCAL_IN,
  NF_INET_LOCAL_OUT,
  NFPROTO_IPV4,
  NFPROTO_IPV6,
  NFT_CMP_EQ,
  NFT_META_IIF,
  NFT_META_IIFNAME,
  NFT_META_L4PROTO,
  NFT_META_OIF,
  NFT_META_OIFKIND,
  NFT_META_OIFNAME,
  NFT_PAYLOAD_NETWORK_HEADER,
  NFT_PAYLOAD_TRANSPORT_HEADER,
  NFT_REG_1,
  NFT_REG_2,
  NFT_SET_CONSTANT,
  NFT_SET_MAP,
  NFT_TYPE_BITS,
  NFT_TYPE_ICMP6_TYPE,
  NFT_TYPE_IFINDEX,
  NFT_TYPE_IFNAME,
  NFT_TYPE_IP6ADDR,
  NFT_TYPE_IPADDR,
  NFTNL_UDATA_SET_DATABYTEORDER,
  NFTNL_UDATA_SET_KEYBYTEORDER,
} from './nft-constants.js';
import { HOST_LE } from './attr.js';

export interface NftRulesetOptions {
  /** `nftables TABLE` (default keepalived). */
  readonly table: string;
  /** `nftables_priority` (default -1) of the base chains. */
  readonly priority: number;
  /** `nftables_counters`: a counter in every rule. */
  readonly counters: boolean;
  /**
   * Key of link-local VIPs: 'ifindex' (the default, and with `nftables_ifindex`) or 'ifname'
   * (an instance with dont_track_primary when `nftables_ifindex` is not set).
   */
  readonly linkLocalKey: 'ifindex' | 'ifname';
}

export const DEFAULT_NFT_RULESET_OPTIONS: NftRulesetOptions = { table: 'keepalived', priority: -1, counters: false, linkLocalKey: 'ifindex' };

/** A VIP that must not be accepted while its instance is MASTER. */
export interface NftVip {
  /** 4 or 16 bytes, network order. */
  readonly address: Uint8Array;
  readonly ifindex: number;
  readonly ifname: string;
}

/** A VMAC (macvlan) and the interface it sits on. */
export interface NftVmac {
  readonly family: Family;
  readonly ifindex: number;
  readonly baseIfindex: number;
}

interface FamilyState {
  readonly noAccept: boolean;
  readonly linkLocal: boolean;
  readonly vmac: boolean;
}

export interface NftRulesetState {
  /** keepalived's NFTA_SET_ID counter: one per daemon, never reset. */
  readonly nextSetId: number;
  /** Present once the family's table and chain `out` exist. */
  readonly v4?: FamilyState;
  readonly v6?: FamilyState;
  /** Families whose table existed before we started: the first setup deletes it (keepalived: "Deleting old ip keepalived table"). */
  readonly staleTables: readonly Family[];
}

export interface NftStep {
  readonly state: NftRulesetState;
  /** One transaction; empty when nothing changes. */
  readonly ops: readonly NftOp[];
}

export function initialNftState(staleTables: readonly Family[] = []): NftRulesetState {
  return { nextSetId: 1, staleTables };
}

// ---------- expressions ----------

const nfproto = (f: Family): number => (f === 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
const payload = (base: number, offset: number, len: number): NftExpr => ({ type: 'payload', dreg: NFT_REG_1, base, offset, len });
const net = (offset: number, len: number): NftExpr => payload(NFT_PAYLOAD_NETWORK_HEADER, offset, len);
const cmpEq = (sreg: number, data: Uint8Array): NftExpr => ({ type: 'cmp', sreg, op: NFT_CMP_EQ, data });
const meta = (key: number, dreg: number): NftExpr => ({ type: 'meta', key, dreg });

function u32Host(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, HOST_LE);
  return b;
}

function ifnameBytes(name: string): Uint8Array {
  const b = new Uint8Array(IFNAMSIZ);
  b.set(new TextEncoder().encode(name).subarray(0, IFNAMSIZ - 1));
  return b;
}

/** IPv4 saddr/daddr and IPv6 saddr/daddr offsets in the network header. */
const ADDR = { 4: { src: 12, dst: 16, len: 4 }, 6: { src: 8, dst: 24, len: 16 } } as const;
const IPPROTO_ICMPV6 = 58;
const IPPROTO_IGMP = 2;
const ICMPV6_MLD2_REPORT = 143;
const ND_ROUTER_SOLICIT = 133;
const ND_NEIGHBOR_SOLICIT = 135;
const ND_NEIGHBOR_ADVERT = 136;

function ruleOp(opts: NftRulesetOptions, f: Family, chain: string, match: readonly NftExpr[], verdict: NftVerdict): NftOp {
  const exprs = [...match, ...(opts.counters ? [{ type: 'counter' } as const] : []), { type: 'verdict', verdict } as const];
  return { op: 'newrule', rule: { family: nfproto(f), table: opts.table, chain, exprs } };
}

// ---------- objects ----------

/** libnftnl set userdata: key (and data) byte order TLVs, value a host-order u32. */
function byteorderUserdata(key: number, data?: number): Uint8Array {
  const tlv = (type: number, v: number): number[] => [type, 4, ...u32Host(v)];
  return Uint8Array.from([...tlv(NFTNL_UDATA_SET_KEYBYTEORDER, key), ...(data !== undefined ? tlv(NFTNL_UDATA_SET_DATABYTEORDER, data) : [])]);
}

/** The family's table and chain `out` (every part needs them), after deleting a stale table; appends to `ops`. */
function ensureTable(state: NftRulesetState, opts: NftRulesetOptions, f: Family, ops: NftOp[]): FamilyState {
  const fs = familyState(state, f);
  if (fs) return fs;
  if (state.staleTables.includes(f)) ops.push({ op: 'deltable', family: nfproto(f), name: opts.table });
  ops.push({ op: 'newtable', table: { family: nfproto(f), name: opts.table } }, baseChain(opts, f, 'out'));
  return { noAccept: false, linkLocal: false, vmac: false };
}

function baseChain(opts: NftRulesetOptions, f: Family, name: 'in' | 'out'): NftOp {
  const chain: NftChain = {
    family: nfproto(f),
    table: opts.table,
    name,
    hook: { hooknum: name === 'in' ? NF_INET_LOCAL_IN : NF_INET_LOCAL_OUT, priority: opts.priority },
    policy: NF_ACCEPT,
    type: 'filter',
  };
  return { op: 'newchain', chain };
}

const regularChain = (opts: NftRulesetOptions, name: string): NftOp => ({ op: 'newchain', chain: { family: NFPROTO_IPV6, table: opts.table, name } });

function setOp(opts: NftRulesetOptions, f: Family, s: Omit<NftSet, 'family' | 'table'>): NftOp {
  return { op: 'newset', set: { family: nfproto(f), table: opts.table, ...s } };
}

function elemsOp(opts: NftRulesetOptions, f: Family, set: string, elements: readonly NftSetElement[], how: 'add' | 'add-excl' | 'delete', setId?: number): NftOp {
  const elems: NftSetElements = { family: nfproto(f), table: opts.table, set, ...(setId !== undefined ? { setId } : {}), elements };
  return how === 'delete' ? { op: 'delsetelem', elems } : { op: 'newsetelem', elems, exclusive: how === 'add-excl' };
}

const linkLocalSetName = (opts: NftRulesetOptions): string => (opts.linkLocalKey === 'ifindex' ? 'vips_link_local' : 'vips_link_local_name');

function familyState(state: NftRulesetState, f: Family): FamilyState | undefined {
  return f === 4 ? state.v4 : state.v6;
}

function withFamily(state: NftRulesetState, f: Family, fs: FamilyState, nextSetId: number): NftRulesetState {
  const staleTables = state.staleTables.filter((x) => x !== f);
  return f === 4 ? { ...state, v4: fs, nextSetId, staleTables } : { ...state, v6: fs, nextSetId, staleTables };
}

/** The no_accept chains, sets and rules of a family (keepalived's order). */
function noAcceptSetup(opts: NftRulesetOptions, f: Family, firstId: number): { ops: NftOp[]; nextId: number } {
  const a = ADDR[f];
  const drop: NftVerdict = { kind: 'drop' };
  const vips = (off: number): NftExpr[] => [net(off, a.len), { type: 'lookup', sreg: NFT_REG_1, set: 'vips' }];
  if (f === 4) {
    return {
      ops: [
        baseChain(opts, f, 'in'),
        setOp(opts, f, { name: 'vips', keyType: NFT_TYPE_IPADDR, keyLen: 4, id: firstId, userdata: byteorderUserdata(BYTEORDER_BIG_ENDIAN) }),
        ruleOp(opts, f, 'in', vips(a.dst), drop),
        ruleOp(opts, f, 'out', vips(a.src), drop),
      ],
      nextId: firstId + 1,
    };
  }
  const ndId = firstId + 1;
  const nd: NftExpr[] = [net(6, 1), cmpEq(NFT_REG_1, Uint8Array.of(IPPROTO_ICMPV6)), payload(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1), { type: 'lookup', sreg: NFT_REG_1, set: 'neighbor-discovery' }];
  const fe80 = (off: number): NftExpr[] => [
    net(off, 16),
    { type: 'bitwise', sreg: NFT_REG_1, dreg: NFT_REG_1, len: 16, mask: Uint8Array.of(0xff, 0xc0, ...new Uint8Array(14)), xor: new Uint8Array(16) },
    cmpEq(NFT_REG_1, Uint8Array.of(0xfe, 0x80, ...new Uint8Array(14))),
  ];
  return {
    ops: [
      baseChain(opts, f, 'in'),
      regularChain(opts, 'in_link_local'),
      regularChain(opts, 'out_link_local'),
      setOp(opts, f, { name: 'vips', keyType: NFT_TYPE_IP6ADDR, keyLen: 16, id: firstId, userdata: byteorderUserdata(BYTEORDER_BIG_ENDIAN) }),
      setOp(opts, f, { name: 'neighbor-discovery', flags: NFT_SET_CONSTANT, keyType: NFT_TYPE_ICMP6_TYPE, keyLen: 1, id: ndId, userdata: byteorderUserdata(BYTEORDER_HOST_ENDIAN) }),
      elemsOp(opts, f, 'neighbor-discovery', [{ key: Uint8Array.of(ND_NEIGHBOR_SOLICIT) }, { key: Uint8Array.of(ND_NEIGHBOR_ADVERT) }], 'add', ndId),
      ruleOp(opts, f, 'in', nd, { kind: 'accept' }),
      ruleOp(opts, f, 'in', fe80(a.dst), { kind: 'goto', chain: 'in_link_local' }),
      ruleOp(opts, f, 'out', nd, { kind: 'accept' }),
      ruleOp(opts, f, 'out', fe80(a.src), { kind: 'goto', chain: 'out_link_local' }),
      ruleOp(opts, f, 'in', vips(a.dst), drop),
      ruleOp(opts, f, 'out', vips(a.src), drop),
    ],
    nextId: ndId + 1,
  };
}

function linkLocalSetup(opts: NftRulesetOptions, id: number): NftOp[] {
  const byIndex = opts.linkLocalKey === 'ifindex';
  const name = linkLocalSetName(opts);
  const keyType = (NFT_TYPE_IP6ADDR << NFT_TYPE_BITS) | (byIndex ? NFT_TYPE_IFINDEX : NFT_TYPE_IFNAME);
  const rule = (chain: string, off: number, metaKey: number): NftOp =>
    ruleOp(opts, 6, chain, [net(off, 16), meta(metaKey, NFT_REG_2), { type: 'lookup', sreg: NFT_REG_1, set: name }], { kind: 'drop' });
  return [
    setOp(opts, 6, { name, keyType, keyLen: 16 + (byIndex ? 4 : IFNAMSIZ), id, userdata: byteorderUserdata(BYTEORDER_HOST_ENDIAN) }),
    rule('in_link_local', ADDR[6].dst, byIndex ? NFT_META_IIF : NFT_META_IIFNAME),
    rule('out_link_local', ADDR[6].src, byIndex ? NFT_META_OIF : NFT_META_OIFNAME),
  ];
}

const isLinkLocal = (a: Uint8Array): boolean => a.length === 16 && a[0] === 0xfe && ((a[1] ?? 0) & 0xc0) === 0x80;

function vipElements(opts: NftRulesetOptions, vips: readonly NftVip[]): { global: NftSetElement[]; linkLocal: NftSetElement[] } {
  const global: NftSetElement[] = [];
  const linkLocal: NftSetElement[] = [];
  for (const v of vips) {
    if (!isLinkLocal(v.address)) global.push({ key: v.address });
    else linkLocal.push({ key: Uint8Array.from([...v.address, ...(opts.linkLocalKey === 'ifindex' ? u32Host(v.ifindex) : ifnameBytes(v.ifname))]) });
  }
  return { global, linkLocal };
}

function checkVips(f: Family, vips: readonly NftVip[]): void {
  for (const v of vips) if (v.address.length !== (f === 4 ? 4 : 16)) throw new RangeError(`VIP of ${v.address.length} bytes in the IPv${f} set`);
}

// ---------- steps ----------

/** An instance of family `f` becomes MASTER without accept: its VIPs join the drop sets. */
export function addVips(state: NftRulesetState, opts: NftRulesetOptions, f: Family, vips: readonly NftVip[]): NftStep {
  checkVips(f, vips);
  if (vips.length === 0) return { state, ops: [] };
  const { global, linkLocal } = vipElements(opts, vips);
  const ops: NftOp[] = [];
  let fs = ensureTable(state, opts, f, ops);
  let id = state.nextSetId;
  if (!fs.noAccept) {
    const s = noAcceptSetup(opts, f, id);
    ops.push(...s.ops);
    id = s.nextId;
    fs = { ...fs, noAccept: true };
  }
  if (linkLocal.length > 0 && !fs.linkLocal) {
    ops.push(...linkLocalSetup(opts, id++));
    fs = { ...fs, linkLocal: true };
  }
  if (global.length > 0) ops.push(elemsOp(opts, f, 'vips', global, 'add-excl'));
  if (linkLocal.length > 0) ops.push(elemsOp(opts, f, linkLocalSetName(opts), linkLocal, 'add-excl'));
  return { state: withFamily(state, f, fs, id), ops };
}

/** The instance leaves MASTER (or stops): its VIPs leave the sets; the table stays. */
export function deleteVips(state: NftRulesetState, opts: NftRulesetOptions, f: Family, vips: readonly NftVip[]): NftStep {
  checkVips(f, vips);
  const fs = familyState(state, f);
  if (!fs?.noAccept || vips.length === 0) return { state, ops: [] };
  const { global, linkLocal } = vipElements(opts, vips);
  const ops: NftOp[] = [];
  if (global.length > 0) ops.push(elemsOp(opts, f, 'vips', global, 'delete'));
  if (linkLocal.length > 0 && fs.linkLocal) ops.push(elemsOp(opts, f, linkLocalSetName(opts), linkLocal, 'delete'));
  return { state, ops };
}

/** A VMAC is created: IGMP (IPv4) or MLD (IPv6) leaving it goes out of its base interface instead. */
export function addVmac(state: NftRulesetState, opts: NftRulesetOptions, vmac: NftVmac): NftStep {
  const f = vmac.family;
  const ops: NftOp[] = [];
  let fs = ensureTable(state, opts, f, ops);
  let id = state.nextSetId;
  let mapId: number | undefined;
  let setId: number | undefined;
  if (!fs.vmac) {
    mapId = id++;
    const hostUd = byteorderUserdata(BYTEORDER_HOST_ENDIAN);
    ops.push(
      setOp(opts, f, { name: 'vmac_map', flags: NFT_SET_MAP, keyType: NFT_TYPE_IFINDEX, keyLen: 4, dataType: NFT_TYPE_IFINDEX, dataLen: 4, id: mapId, userdata: byteorderUserdata(BYTEORDER_HOST_ENDIAN, BYTEORDER_HOST_ENDIAN) }),
    );
    if (f === 6) {
      setId = id++;
      ops.push(setOp(opts, f, { name: 'vmac_set', keyType: NFT_TYPE_IFINDEX, keyLen: 4, id: setId, userdata: hostUd }));
    }
    ops.push(...vmacRules(opts, f));
    fs = { ...fs, vmac: true };
  }
  ops.push(elemsOp(opts, f, 'vmac_map', [{ key: u32Host(vmac.ifindex), data: u32Host(vmac.baseIfindex) }], 'add', mapId));
  if (f === 6) ops.push(elemsOp(opts, f, 'vmac_set', [{ key: u32Host(vmac.ifindex) }], 'add', setId));
  return { state: withFamily(state, f, fs, id), ops };
}

/**
 * keepalived 2.2.7 puts NFTA_LOOKUP_SET_ID 1 in both VMAC lookups, whatever the sets' ids
 * (test/fixtures/nft/vmac-v6-first); harmless, the kernel finds the set by name first.
 */
const VMAC_LOOKUP_SET_ID = 1;

function vmacRules(opts: NftRulesetOptions, f: Family): NftOp[] {
  const macvlan = [meta(NFT_META_OIFKIND, NFT_REG_2), cmpEq(NFT_REG_2, ifnameBytes('macvlan')), meta(NFT_META_OIF, NFT_REG_2)];
  const dupToBase: NftExpr[] = [...macvlan, { type: 'lookup', sreg: NFT_REG_2, dreg: NFT_REG_2, set: 'vmac_map', setId: VMAC_LOOKUP_SET_ID }, { type: 'dup', sregAddr: NFT_REG_1, sregDev: NFT_REG_2 }];
  const drop: NftVerdict = { kind: 'drop' };
  if (f === 4) return [ruleOp(opts, f, 'out', [net(9, 1), cmpEq(NFT_REG_1, Uint8Array.of(IPPROTO_IGMP)), net(ADDR[4].dst, 4), ...dupToBase], drop)];
  const icmp6 = (type: number): NftExpr[] => [meta(NFT_META_L4PROTO, NFT_REG_1), cmpEq(NFT_REG_1, Uint8Array.of(IPPROTO_ICMPV6)), payload(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1), cmpEq(NFT_REG_1, Uint8Array.of(type))];
  return [
    ruleOp(opts, f, 'out', [...icmp6(ICMPV6_MLD2_REPORT), net(ADDR[6].dst, 16), ...dupToBase], drop),
    ruleOp(opts, f, 'out', [...icmp6(ND_ROUTER_SOLICIT), ...macvlan, { type: 'lookup', sreg: NFT_REG_2, set: 'vmac_set', setId: VMAC_LOOKUP_SET_ID }], drop),
  ];
}

/** A VMAC is deleted: its entries leave vmac_map (and vmac_set). */
export function deleteVmac(state: NftRulesetState, opts: NftRulesetOptions, vmac: NftVmac): NftStep {
  const f = vmac.family;
  if (!familyState(state, f)?.vmac) return { state, ops: [] };
  const ops = [elemsOp(opts, f, 'vmac_map', [{ key: u32Host(vmac.ifindex), data: u32Host(vmac.baseIfindex) }], 'delete')];
  if (f === 6) ops.push(elemsOp(opts, f, 'vmac_set', [{ key: u32Host(vmac.ifindex) }], 'delete'));
  return { state, ops };
}

/** keepalived's exit: both tables go (their chains, sets and rules with them). */
export function deleteTables(state: NftRulesetState, opts: NftRulesetOptions): NftStep {
  const ops: NftOp[] = [];
  if (state.v4) ops.push({ op: 'deltable', family: NFPROTO_IPV4, name: opts.table });
  if (state.v6) ops.push({ op: 'deltable', family: NFPROTO_IPV6, name: opts.table });
  return { state: { nextSetId: state.nextSetId, staleTables: [] }, ops };
}

export interface StrictModeInput {
  readonly options: NftRulesetOptions;
  /** VMACs in creation order (keepalived creates them at start-up, before any VIP). */
  readonly vmacs?: readonly NftVmac[];
  /** Per family, the groups of VIPs that must not be accepted, one group per instance in keepalived's order. */
  readonly vips: { readonly 4?: readonly (readonly NftVip[])[]; readonly 6?: readonly (readonly NftVip[])[] };
  readonly staleTables?: readonly Family[];
}

/**
 * The whole ruleset at once, as keepalived builds it from nothing: the VMAC parts first, then
 * IPv4 and IPv6 VIP groups. One transaction; `nft list ruleset` afterwards is identical to
 * keepalived's with the same VMACs and MASTER instances.
 */
export function strictModeRuleset(input: StrictModeInput): { readonly state: NftRulesetState; readonly ops: NftOp[] } {
  let state = initialNftState(input.staleTables);
  const ops: NftOp[] = [];
  const run = (step: NftStep): void => {
    state = step.state;
    ops.push(...step.ops);
  };
  for (const v of input.vmacs ?? []) run(addVmac(state, input.options, v));
  for (const f of [4, 6] as const) for (const group of input.vips[f] ?? []) run(addVips(state, input.options, f, group));
  return { state, ops };
}
