/**
 * rtnetlink routes and policy rules (keepalived's virtual_routes / virtual_rules).
 * struct rtmsg (12 B: u8 family, dst_len, src_len, tos, table, protocol, scope, type;
 * u32 flags) with RTA_*, and struct fib_rule_hdr (12 B: u8 family, dst_len, src_len, tos,
 * table, res1, res2, action; u32 flags) with FRA_*. Leaving out rtm_flags makes the kernel
 * answer ENODEV, not EINVAL (docs/native-addon.md P11), hence the golden-byte tests.
 */
import {
  attr,
  attrMap,
  attrString,
  attrU32,
  attrU8,
  compact,
  optional,
  readBytes,
  readString,
  readU32,
  readU8,
} from './attr.js';
import {
  FIB_RULE_HDR_LEN,
  FRA_DST,
  FRA_FWMARK,
  FRA_FWMASK,
  FRA_IIFNAME,
  FRA_OIFNAME,
  FRA_PRIORITY,
  FRA_PROTOCOL,
  FRA_SRC,
  FRA_TABLE,
  NLM_F_ACK,
  NLM_F_REQUEST,
  RTA_DST,
  RTA_GATEWAY,
  RTA_OIF,
  RTA_PREFSRC,
  RTA_PRIORITY,
  RTA_SRC,
  RTA_TABLE,
  RTMSG_LEN,
} from './constants.js';
import { encodeMessage } from './message.js';
import { defineStruct } from './struct.js';

export interface RtMsg {
  readonly family: number;
  readonly dstLen: number;
  readonly srcLen: number;
  readonly tos: number;
  /** Low 8 bits of the table id; RTA_TABLE carries the full u32. */
  readonly table: number;
  readonly protocol: number;
  readonly scope: number;
  readonly type: number;
  readonly flags: number;
}

const rtmsg = defineStruct<keyof RtMsg>('rtmsg', [
  ['family', 'u8'],
  ['dstLen', 'u8'],
  ['srcLen', 'u8'],
  ['tos', 'u8'],
  ['table', 'u8'],
  ['protocol', 'u8'],
  ['scope', 'u8'],
  ['type', 'u8'],
  ['flags', 'u32'],
]);

export const encodeRtMsg = (m: RtMsg): Uint8Array => rtmsg.encode(m);
export const decodeRtMsg = (b: Uint8Array): RtMsg => rtmsg.decode(b);

export interface RouteFields {
  readonly dst?: Uint8Array;
  readonly src?: Uint8Array;
  readonly gateway?: Uint8Array;
  readonly oif?: number;
  /** RTA_PRIORITY: the metric. */
  readonly priority?: number;
  readonly prefsrc?: Uint8Array;
  /** Full table id (RTA_TABLE). */
  readonly table?: number;
}

export interface RouteMessage extends RouteFields {
  readonly header: RtMsg;
}

export function decodeRouteMessage(payload: Uint8Array): RouteMessage {
  const header = decodeRtMsg(payload);
  const a = attrMap(payload.subarray(RTMSG_LEN));
  return {
    header,
    ...compact({
      dst: optional(a, RTA_DST, readBytes),
      src: optional(a, RTA_SRC, readBytes),
      gateway: optional(a, RTA_GATEWAY, readBytes),
      oif: optional(a, RTA_OIF, readU32),
      priority: optional(a, RTA_PRIORITY, readU32),
      prefsrc: optional(a, RTA_PREFSRC, readBytes),
      table: optional(a, RTA_TABLE, readU32) ?? header.table,
    }),
  };
}

/** RTM_NEWROUTE / RTM_DELROUTE with NLM_F_ACK plus `extraFlags`. */
export function encodeRouteRequest(type: number, extraFlags: number, seq: number, header: RtMsg, f: RouteFields): Uint8Array {
  const parts: Uint8Array[] = [encodeRtMsg(f.table !== undefined && f.table > 255 ? { ...header, table: 0 } : header)];
  if (f.table !== undefined) parts.push(attrU32(RTA_TABLE, f.table));
  if (f.dst !== undefined) parts.push(attr(RTA_DST, f.dst));
  if (f.src !== undefined) parts.push(attr(RTA_SRC, f.src));
  if (f.gateway !== undefined) parts.push(attr(RTA_GATEWAY, f.gateway));
  if (f.oif !== undefined) parts.push(attrU32(RTA_OIF, f.oif));
  if (f.priority !== undefined) parts.push(attrU32(RTA_PRIORITY, f.priority));
  if (f.prefsrc !== undefined) parts.push(attr(RTA_PREFSRC, f.prefsrc));
  return encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_ACK | extraFlags, seq, pid: 0 }, parts);
}

// ---------- rules ----------

export interface FibRuleHdr {
  readonly family: number;
  readonly dstLen: number;
  readonly srcLen: number;
  readonly tos: number;
  readonly table: number;
  readonly action: number;
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

export interface RuleFields {
  readonly src?: Uint8Array;
  readonly dst?: Uint8Array;
  readonly priority?: number;
  /** Full table id (FRA_TABLE). */
  readonly table?: number;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly iifName?: string;
  readonly oifName?: string;
  /** FRA_PROTOCOL (u8): who installed the rule, e.g. RTPROT_KEEPALIVED. */
  readonly protocol?: number;
}

export interface RuleMessage extends RuleFields {
  readonly header: FibRuleHdr;
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
      iifName: optional(a, FRA_IIFNAME, readString),
      oifName: optional(a, FRA_OIFNAME, readString),
      protocol: optional(a, FRA_PROTOCOL, readU8),
    }),
  };
}

/** RTM_NEWRULE / RTM_DELRULE with NLM_F_ACK plus `extraFlags`. */
export function encodeRuleRequest(type: number, extraFlags: number, seq: number, header: FibRuleHdr, f: RuleFields): Uint8Array {
  const parts: Uint8Array[] = [encodeFibRuleHdr(f.table !== undefined && f.table > 255 ? { ...header, table: 0 } : header)];
  if (f.table !== undefined) parts.push(attrU32(FRA_TABLE, f.table));
  if (f.priority !== undefined) parts.push(attrU32(FRA_PRIORITY, f.priority));
  if (f.src !== undefined) parts.push(attr(FRA_SRC, f.src));
  if (f.dst !== undefined) parts.push(attr(FRA_DST, f.dst));
  if (f.fwmark !== undefined) parts.push(attrU32(FRA_FWMARK, f.fwmark));
  if (f.fwmask !== undefined) parts.push(attrU32(FRA_FWMASK, f.fwmask));
  if (f.iifName !== undefined) parts.push(attrString(FRA_IIFNAME, f.iifName));
  if (f.oifName !== undefined) parts.push(attrString(FRA_OIFNAME, f.oifName));
  if (f.protocol !== undefined) parts.push(attrU8(FRA_PROTOCOL, f.protocol));
  return encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_ACK | extraFlags, seq, pid: 0 }, parts);
}
