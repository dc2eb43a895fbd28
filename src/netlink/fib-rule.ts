/**
 * rtnetlink policy rules (keepalived's virtual_rules / static_rules, ip-rule(8)): struct
 * fib_rule_hdr (12 B: u8 family, dst_len, src_len, tos, table, res1, res2, action; u32 flags,
 * FIB_RULE_INVERT for `not`) with the FRA_* selectors and actions of linux/fib_rules.h, sent
 * in keepalived 2.2.7's order (test/fixtures/rtnl). A table above 255 goes in FRA_TABLE with
 * the header's table RT_TABLE_UNSPEC, as keepalived does.
 */
import { attr, attrMap, attrString, attrU32, attrU64BE, attrU8, compact, optional, readBytes, readString, readU32, readU64BE, readU8, view, HOST_LE } from './attr.js';
import {
  FIB_RULE_HDR_LEN,
  FRA_DPORT_RANGE,
  FRA_DST,
  FRA_FLOW,
  FRA_FWMARK,
  FRA_FWMASK,
  FRA_GOTO,
  FRA_IIFNAME,
  FRA_IP_PROTO,
  FRA_L3MDEV,
  FRA_OIFNAME,
  FRA_PRIORITY,
  FRA_PROTOCOL,
  FRA_SPORT_RANGE,
  FRA_SRC,
  FRA_SUPPRESS_IFGROUP,
  FRA_SUPPRESS_PREFIXLEN,
  FRA_TABLE,
  FRA_TUN_ID,
  FRA_UID_RANGE,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  RTM_GETRULE,
} from './constants.js';
import { encodeMessage } from './message.js';
import { defineStruct } from './struct.js';

export interface FibRuleHdr {
  readonly family: number;
  readonly dstLen: number;
  readonly srcLen: number;
  readonly tos: number;
  readonly table: number;
  /** FR_ACT_* */
  readonly action: number;
  /** FIB_RULE_* (FIB_RULE_INVERT). */
  readonly flags: number;
}

const fibRuleHdr = defineStruct<keyof FibRuleHdr>('fib_rule_hdr', [
  ['family', 'u8'],
  ['dstLen', 'u8'],
  ['srcLen', 'u8'],
  ['tos', 'u8'],
  ['table', 'u8'],
  [null, 'u8'], // res1
  [null, 'u8'], // res2
  ['action', 'u8'],
  ['flags', 'u32'],
]);

export const encodeFibRuleHdr = (h: FibRuleHdr): Uint8Array => fibRuleHdr.encode(h);
export const decodeFibRuleHdr = (b: Uint8Array): FibRuleHdr => fibRuleHdr.decode(b);

/** struct fib_rule_uid_range / fib_rule_port_range: inclusive bounds. */
export interface FibRange {
  readonly start: number;
  readonly end: number;
}

export interface RuleFields {
  readonly src?: Uint8Array;
  readonly dst?: Uint8Array;
  readonly priority?: number;
  /** Full table id (FRA_TABLE). */
  readonly table?: number;
  readonly fwmark?: number;
  readonly fwmask?: number;
  /** FRA_FLOW: realms (from << 16 | to, as ip-rule(8) `realms FROM/TO`). */
  readonly flow?: number;
  /** FRA_TUN_ID (`tun_id`), big-endian u64. */
  readonly tunId?: bigint;
  readonly suppressIfgroup?: number;
  readonly suppressPrefixlen?: number;
  readonly iifName?: string;
  readonly oifName?: string;
  /** FRA_L3MDEV: look up the table of the l3mdev (VRF) the packet came from or goes to. */
  readonly l3mdev?: number;
  readonly uidRange?: FibRange;
  /** FRA_PROTOCOL (u8): who installed the rule, e.g. RTPROT_KEEPALIVED. */
  readonly protocol?: number;
  /** FRA_IP_PROTO: IPPROTO_* */
  readonly ipProto?: number;
  readonly sportRange?: FibRange;
  readonly dportRange?: FibRange;
  /** FRA_GOTO: target priority of FR_ACT_GOTO. */
  readonly goto?: number;
}

export interface RuleMessage extends RuleFields {
  readonly header: FibRuleHdr;
}

function encodeRange(type: number, r: FibRange, width: 'u16' | 'u32'): Uint8Array {
  const n = width === 'u16' ? 2 : 4;
  const b = new Uint8Array(2 * n);
  const dv = view(b);
  if (width === 'u16') {
    dv.setUint16(0, r.start, HOST_LE);
    dv.setUint16(2, r.end, HOST_LE);
  } else {
    dv.setUint32(0, r.start >>> 0, HOST_LE);
    dv.setUint32(4, r.end >>> 0, HOST_LE);
  }
  return attr(type, b);
}

function decodeRange(width: 'u16' | 'u32'): (d: Uint8Array) => FibRange {
  return (d) => {
    const n = width === 'u16' ? 2 : 4;
    if (d.length < 2 * n) return { start: 0, end: 0 };
    const dv = view(d);
    return width === 'u16' ? { start: dv.getUint16(0, HOST_LE), end: dv.getUint16(2, HOST_LE) } : { start: dv.getUint32(0, HOST_LE), end: dv.getUint32(4, HOST_LE) };
  };
}

export function decodeRuleMessage(payload: Uint8Array): RuleMessage {
  const header = decodeFibRuleHdr(payload);
  const a = attrMap(payload.subarray(FIB_RULE_HDR_LEN));
  return {
    header,
    ...compact({
      src: optional(a, FRA_SRC, readBytes),
      dst: optional(a, FRA_DST, readBytes),
      priority: optional(a, FRA_PRIORITY, readU32),
      table: optional(a, FRA_TABLE, readU32) ?? header.table,
      fwmark: optional(a, FRA_FWMARK, readU32),
      fwmask: optional(a, FRA_FWMASK, readU32),
      flow: optional(a, FRA_FLOW, readU32),
      tunId: optional(a, FRA_TUN_ID, readU64BE),
      suppressIfgroup: optional(a, FRA_SUPPRESS_IFGROUP, readU32),
      suppressPrefixlen: optional(a, FRA_SUPPRESS_PREFIXLEN, readU32),
      iifName: optional(a, FRA_IIFNAME, readString),
      oifName: optional(a, FRA_OIFNAME, readString),
      l3mdev: optional(a, FRA_L3MDEV, readU8),
      uidRange: optional(a, FRA_UID_RANGE, decodeRange('u32')),
      protocol: optional(a, FRA_PROTOCOL, readU8),
      ipProto: optional(a, FRA_IP_PROTO, readU8),
      sportRange: optional(a, FRA_SPORT_RANGE, decodeRange('u16')),
      dportRange: optional(a, FRA_DPORT_RANGE, decodeRange('u16')),
      goto: optional(a, FRA_GOTO, readU32),
    }),
  };
}

/** The attributes of a rule request, in keepalived's order. */
export function ruleAttrs(f: RuleFields): Uint8Array[] {
  const p: Uint8Array[] = [];
  const u32 = (t: number, v: number | undefined): void => void (v !== undefined && p.push(attrU32(t, v)));
  const u8 = (t: number, v: number | undefined): void => void (v !== undefined && p.push(attrU8(t, v)));
  if (f.table !== undefined && f.table > 255) p.push(attrU32(FRA_TABLE, f.table));
  if (f.src !== undefined) p.push(attr(FRA_SRC, f.src));
  if (f.dst !== undefined) p.push(attr(FRA_DST, f.dst));
  u32(FRA_PRIORITY, f.priority);
  u32(FRA_FWMARK, f.fwmark);
  u32(FRA_FWMASK, f.fwmask);
  u32(FRA_FLOW, f.flow);
  if (f.tunId !== undefined) p.push(attrU64BE(FRA_TUN_ID, f.tunId));
  u32(FRA_SUPPRESS_IFGROUP, f.suppressIfgroup);
  u32(FRA_SUPPRESS_PREFIXLEN, f.suppressPrefixlen);
  if (f.iifName !== undefined) p.push(attrString(FRA_IIFNAME, f.iifName));
  if (f.oifName !== undefined) p.push(attrString(FRA_OIFNAME, f.oifName));
  u8(FRA_L3MDEV, f.l3mdev);
  if (f.uidRange !== undefined) p.push(encodeRange(FRA_UID_RANGE, f.uidRange, 'u32'));
  u8(FRA_PROTOCOL, f.protocol);
  u8(FRA_IP_PROTO, f.ipProto);
  if (f.sportRange !== undefined) p.push(encodeRange(FRA_SPORT_RANGE, f.sportRange, 'u16'));
  if (f.dportRange !== undefined) p.push(encodeRange(FRA_DPORT_RANGE, f.dportRange, 'u16'));
  u32(FRA_GOTO, f.goto);
  return p;
}

/** RTM_NEWRULE / RTM_DELRULE with NLM_F_ACK plus `extraFlags`. */
export function encodeRuleRequest(type: number, extraFlags: number, seq: number, header: FibRuleHdr, f: RuleFields): Uint8Array {
  const hdr = encodeFibRuleHdr(f.table !== undefined && f.table > 255 ? { ...header, table: 0 } : f.table !== undefined ? { ...header, table: f.table } : header);
  return encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_ACK | extraFlags, seq, pid: 0 }, [hdr, ...ruleAttrs(f)]);
}

/** RTM_GETRULE dump of one family (AF_UNSPEC: both). */
export function encodeGetRuleDump(seq: number, family: number): Uint8Array {
  return encodeMessage({ type: RTM_GETRULE, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, pid: 0 }, [
    encodeFibRuleHdr({ family, dstLen: 0, srcLen: 0, tos: 0, table: 0, action: 0, flags: 0 }),
  ]);
}
