/**
 * rtnetlink routes (keepalived's virtual_routes / static_routes): struct rtmsg (12 B: u8
 * family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags) with the RTA_*
 * attributes keepalived 2.2.7 sends — destination, source prefix, preferred source, gateway,
 * device, metric, realms, metrics, ECMP nexthops, lightweight-tunnel encapsulation, IPv6
 * preference and expiry, ttl-propagate — in its order (test/fixtures/rtnl). Leaving out
 * rtm_flags makes the kernel answer ENODEV, not EINVAL (docs/native-addon.md P11), hence the
 * golden-byte tests. Policy rules are in fib-rule.ts.
 */
import { attr, attrMap, attrU32, compact, optional, readBytes, readU16, readU32, readU8 } from './attr.js';
import {
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  RTA_DST,
  RTA_ENCAP,
  RTA_ENCAP_TYPE,
  RTA_EXPIRES,
  RTA_FLOW,
  RTA_GATEWAY,
  RTA_METRICS,
  RTA_MULTIPATH,
  RTA_OIF,
  RTA_PREF,
  RTA_PREFSRC,
  RTA_PRIORITY,
  RTA_SRC,
  RTA_TABLE,
  RTA_TTL_PROPAGATE,
  RTMSG_LEN,
  RTM_GETROUTE,
} from './constants.js';
import { encodeMessage } from './message.js';
import {
  type RouteEncap,
  type RouteMetrics,
  type RouteNexthop,
  decodeEncap,
  decodeMetrics,
  decodeMultipath,
  encodeEncap,
  encodeMetrics,
  encodeMultipath,
} from './route-nested.js';
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
  /** RTA_SRC: source prefix (IPv6 `from`); its length is rtm_src_len. */
  readonly src?: Uint8Array;
  readonly gateway?: Uint8Array;
  readonly oif?: number;
  /** RTA_PRIORITY: the metric. */
  readonly priority?: number;
  /** RTA_PREFSRC: `src` of ip-route(8). */
  readonly prefsrc?: Uint8Array;
  /** Full table id (RTA_TABLE). */
  readonly table?: number;
  /** RTA_FLOW: realms (from << 16 | to, as ip-route(8) `realms FROM/TO`). */
  readonly flow?: number;
  readonly metrics?: RouteMetrics;
  /** RTA_MULTIPATH: ECMP nexthops. */
  readonly multipath?: readonly RouteNexthop[];
  readonly encap?: RouteEncap;
  /** RTA_PREF (IPv6): ICMPV6_ROUTER_PREF_LOW/MEDIUM/HIGH. */
  readonly pref?: number;
  /** RTA_EXPIRES (IPv6): seconds. */
  readonly expires?: number;
  /** RTA_TTL_PROPAGATE (MPLS routes): 0 disabled, 1 enabled. */
  readonly ttlPropagate?: number;
}

export interface RouteMessage extends RouteFields {
  readonly header: RtMsg;
}

export function decodeRouteMessage(payload: Uint8Array): RouteMessage {
  const header = decodeRtMsg(payload);
  const a = attrMap(payload.subarray(RTMSG_LEN));
  const encapType = optional(a, RTA_ENCAP_TYPE, readU16);
  const encap = a.get(RTA_ENCAP);
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
      flow: optional(a, RTA_FLOW, readU32),
      metrics: optional(a, RTA_METRICS, decodeMetrics),
      multipath: optional(a, RTA_MULTIPATH, decodeMultipath),
      encap: encapType !== undefined && encap !== undefined ? decodeEncap(encapType, encap) : undefined,
      pref: optional(a, RTA_PREF, readU8),
      expires: optional(a, RTA_EXPIRES, readU32),
      ttlPropagate: optional(a, RTA_TTL_PROPAGATE, readU8),
    }),
  };
}

/** The attributes of a route request, in keepalived's order. */
export function routeAttrs(f: RouteFields): Uint8Array[] {
  const parts: Uint8Array[] = [];
  if (f.table !== undefined && f.table > 255) parts.push(attrU32(RTA_TABLE, f.table));
  if (f.dst !== undefined) parts.push(attr(RTA_DST, f.dst));
  if (f.src !== undefined) parts.push(attr(RTA_SRC, f.src));
  if (f.prefsrc !== undefined) parts.push(attr(RTA_PREFSRC, f.prefsrc));
  if (f.encap !== undefined) parts.push(...encodeEncap(f.encap));
  if (f.gateway !== undefined) parts.push(attr(RTA_GATEWAY, f.gateway));
  if (f.oif !== undefined) parts.push(attrU32(RTA_OIF, f.oif));
  if (f.priority !== undefined) parts.push(attrU32(RTA_PRIORITY, f.priority));
  if (f.flow !== undefined) parts.push(attrU32(RTA_FLOW, f.flow));
  if (f.metrics !== undefined) parts.push(attr(RTA_METRICS, encodeMetrics(f.metrics)));
  if (f.multipath !== undefined) parts.push(attr(RTA_MULTIPATH, encodeMultipath(f.multipath)));
  if (f.pref !== undefined) parts.push(attr(RTA_PREF, Uint8Array.of(f.pref)));
  if (f.expires !== undefined) parts.push(attrU32(RTA_EXPIRES, f.expires));
  if (f.ttlPropagate !== undefined) parts.push(attr(RTA_TTL_PROPAGATE, Uint8Array.of(f.ttlPropagate)));
  return parts;
}

/**
 * RTM_NEWROUTE / RTM_DELROUTE with NLM_F_ACK plus `extraFlags`. A table above 255 goes in
 * RTA_TABLE with rtm_table RT_TABLE_UNSPEC.
 */
export function encodeRouteRequest(type: number, extraFlags: number, seq: number, header: RtMsg, f: RouteFields): Uint8Array {
  const hdr = encodeRtMsg(f.table !== undefined && f.table > 255 ? { ...header, table: 0 } : f.table !== undefined ? { ...header, table: f.table } : header);
  return encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_ACK | extraFlags, seq, pid: 0 }, [hdr, ...routeAttrs(f)]);
}

/** RTM_GETROUTE dump of one family (AF_UNSPEC: both). */
export function encodeGetRouteDump(seq: number, family: number): Uint8Array {
  return encodeMessage({ type: RTM_GETROUTE, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, pid: 0 }, [
    encodeRtMsg({ family, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 }),
  ]);
}
