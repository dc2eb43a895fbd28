/**
 * The structured route attributes of rtnetlink (linux/rtnetlink.h, lwtunnel.h,
 * mpls_iptunnel.h): RTA_METRICS (RTAX_* u32s, RTAX_CC_ALGO a string, RTAX_LOCK the bitmask
 * of locked metrics), RTA_MULTIPATH (struct rtnexthop + attributes per ECMP nexthop) and the
 * lightweight-tunnel encapsulations behind RTA_ENCAP_TYPE/RTA_ENCAP (MPLS, IP, IPv6).
 * These containers carry no NLA_F_NESTED flag, as iproute2 and keepalived send them.
 * Attribute order follows keepalived 2.2.7's (test/fixtures/rtnl).
 */
import { attr, attrMap, attrU16, attrU32, attrU64BE, compact, concatBytes, optional, protocolError, readBytes, readString, readU16, readU32, readU64BE, readU8, view, HOST_LE } from './attr.js';
import {
  LWTUNNEL_ENCAP_IP,
  LWTUNNEL_ENCAP_IP6,
  LWTUNNEL_ENCAP_MPLS,
  LWTUNNEL_IP6_DST,
  LWTUNNEL_IP6_FLAGS,
  LWTUNNEL_IP6_HOPLIMIT,
  LWTUNNEL_IP6_ID,
  LWTUNNEL_IP6_SRC,
  LWTUNNEL_IP6_TC,
  LWTUNNEL_IP_DST,
  LWTUNNEL_IP_FLAGS,
  LWTUNNEL_IP_ID,
  LWTUNNEL_IP_SRC,
  LWTUNNEL_IP_TOS,
  LWTUNNEL_IP_TTL,
  MPLS_IPTUNNEL_DST,
  MPLS_IPTUNNEL_TTL,
  RTAX_ADVMSS,
  RTAX_CC_ALGO,
  RTAX_CWND,
  RTAX_FASTOPEN_NO_COOKIE,
  RTAX_FEATURES,
  RTAX_HOPLIMIT,
  RTAX_INITCWND,
  RTAX_INITRWND,
  RTAX_LOCK,
  RTAX_MTU,
  RTAX_QUICKACK,
  RTAX_REORDERING,
  RTAX_RTO_MIN,
  RTAX_RTT,
  RTAX_RTTVAR,
  RTAX_SSTHRESH,
  RTAX_WINDOW,
  RTA_ENCAP,
  RTA_ENCAP_TYPE,
  RTA_FLOW,
  RTA_GATEWAY,
  RTNEXTHOP_LEN,
} from './constants.js';

/** RTA_METRICS, in the kernel's units (rtt and rttvar as the kernel stores them, not ms). */
export interface RouteMetrics {
  readonly mtu?: number;
  readonly window?: number;
  readonly rtt?: number;
  readonly rttvar?: number;
  readonly ssthresh?: number;
  readonly cwnd?: number;
  readonly advmss?: number;
  readonly reordering?: number;
  readonly hoplimit?: number;
  readonly initcwnd?: number;
  /** RTAX_FEATURE_* bits (ecn = 1). */
  readonly features?: number;
  readonly rtoMin?: number;
  readonly initrwnd?: number;
  readonly quickack?: number;
  /** RTAX_CC_ALGO: the congestion control algorithm's name. */
  readonly congctl?: string;
  readonly fastopenNoCookie?: number;
  /** RTAX_LOCK: bit (1 << RTAX_x) for each locked metric. */
  readonly lock?: number;
}

type NumericMetric = Exclude<keyof RouteMetrics, 'congctl' | 'lock'>;

/** keepalived's order; the kernel accepts any. */
const METRIC_ORDER: readonly [NumericMetric, number][] = [
  ['rtt', RTAX_RTT],
  ['rttvar', RTAX_RTTVAR],
  ['rtoMin', RTAX_RTO_MIN],
  ['features', RTAX_FEATURES],
  ['mtu', RTAX_MTU],
  ['window', RTAX_WINDOW],
  ['ssthresh', RTAX_SSTHRESH],
  ['cwnd', RTAX_CWND],
  ['advmss', RTAX_ADVMSS],
  ['reordering', RTAX_REORDERING],
  ['hoplimit', RTAX_HOPLIMIT],
  ['initcwnd', RTAX_INITCWND],
  ['initrwnd', RTAX_INITRWND],
  ['quickack', RTAX_QUICKACK],
  ['fastopenNoCookie', RTAX_FASTOPEN_NO_COOKIE],
];

export function encodeMetrics(m: RouteMetrics): Uint8Array {
  const parts: Uint8Array[] = [];
  // Without a trailing NUL, as keepalived and iproute2 send it (the kernel takes either).
  if (m.congctl !== undefined) parts.push(attr(RTAX_CC_ALGO, new TextEncoder().encode(m.congctl)));
  for (const [k, t] of METRIC_ORDER) {
    const v = m[k];
    if (v !== undefined) parts.push(attrU32(t, v));
  }
  if (m.lock !== undefined) parts.push(attrU32(RTAX_LOCK, m.lock));
  return concatBytes(parts);
}

export function decodeMetrics(data: Uint8Array): RouteMetrics {
  const a = attrMap(data);
  const out: Partial<Record<keyof RouteMetrics, number | string>> = {};
  for (const [k, t] of METRIC_ORDER) {
    const v = optional(a, t, readU32);
    if (v !== undefined) out[k] = v;
  }
  const cc = optional(a, RTAX_CC_ALGO, readString);
  if (cc !== undefined) out.congctl = cc;
  const lock = optional(a, RTAX_LOCK, readU32);
  if (lock !== undefined) out.lock = lock;
  return out as RouteMetrics;
}

// ---------- lightweight tunnels ----------

export type RouteEncap =
  /** Label stack, outermost first (20-bit labels); `ttl` for the pushed labels. */
  | { readonly type: 'mpls'; readonly labels: readonly number[]; readonly ttl?: number }
  | { readonly type: 'ip'; readonly id?: bigint; readonly dst?: Uint8Array; readonly src?: Uint8Array; readonly tos?: number; readonly ttl?: number; readonly flags?: number }
  | { readonly type: 'ip6'; readonly id?: bigint; readonly dst?: Uint8Array; readonly src?: Uint8Array; readonly tc?: number; readonly hoplimit?: number; readonly flags?: number }
  /** Another LWTUNNEL_ENCAP_* (decode only). */
  | { readonly type: 'other'; readonly encapType: number; readonly data: Uint8Array };

/** RFC 3032 label stack entries: label << 12, bottom of stack (bit 8) on the last. */
function mplsLabels(labels: readonly number[]): Uint8Array {
  const b = new Uint8Array(labels.length * 4);
  labels.forEach((l, i) => view(b).setUint32(i * 4, ((l & 0xfffff) << 12) | (i === labels.length - 1 ? 0x100 : 0), false));
  return b;
}

function encapBody(e: Exclude<RouteEncap, { type: 'other' }>): { type: number; body: Uint8Array[] } {
  const p: Uint8Array[] = [];
  const u8 = (t: number, v: number | undefined): void => void (v !== undefined && p.push(attr(t, Uint8Array.of(v))));
  switch (e.type) {
    case 'mpls':
      p.push(attr(MPLS_IPTUNNEL_DST, mplsLabels(e.labels)));
      u8(MPLS_IPTUNNEL_TTL, e.ttl);
      return { type: LWTUNNEL_ENCAP_MPLS, body: p };
    case 'ip':
      if (e.id !== undefined) p.push(attrU64BE(LWTUNNEL_IP_ID, e.id));
      if (e.dst !== undefined) p.push(attr(LWTUNNEL_IP_DST, e.dst));
      if (e.src !== undefined) p.push(attr(LWTUNNEL_IP_SRC, e.src));
      u8(LWTUNNEL_IP_TOS, e.tos);
      u8(LWTUNNEL_IP_TTL, e.ttl);
      if (e.flags !== undefined) p.push(attrU16BE(LWTUNNEL_IP_FLAGS, e.flags));
      return { type: LWTUNNEL_ENCAP_IP, body: p };
    case 'ip6':
      if (e.id !== undefined) p.push(attrU64BE(LWTUNNEL_IP6_ID, e.id));
      if (e.dst !== undefined) p.push(attr(LWTUNNEL_IP6_DST, e.dst));
      if (e.src !== undefined) p.push(attr(LWTUNNEL_IP6_SRC, e.src));
      u8(LWTUNNEL_IP6_TC, e.tc);
      u8(LWTUNNEL_IP6_HOPLIMIT, e.hoplimit);
      if (e.flags !== undefined) p.push(attrU16BE(LWTUNNEL_IP6_FLAGS, e.flags));
      return { type: LWTUNNEL_ENCAP_IP6, body: p };
  }
}

function attrU16BE(type: number, v: number): Uint8Array {
  const b = new Uint8Array(2);
  view(b).setUint16(0, v, false);
  return attr(type, b);
}

/** RTA_ENCAP then RTA_ENCAP_TYPE, keepalived's order. Throws RangeError for 'other'. */
export function encodeEncap(e: RouteEncap): Uint8Array[] {
  if (e.type === 'other') throw new RangeError(`cannot encode encap type ${e.encapType}`);
  const { type, body } = encapBody(e);
  return [attr(RTA_ENCAP, concatBytes(body)), attrU16(RTA_ENCAP_TYPE, type)];
}

export function decodeEncap(encapType: number, data: Uint8Array): RouteEncap {
  const a = attrMap(data);
  const u8 = (t: number): number | undefined => optional(a, t, readU8);
  const u16be = (t: number): number | undefined => optional(a, t, (d) => (d.length < 2 ? 0 : view(d).getUint16(0, false)));
  switch (encapType) {
    case LWTUNNEL_ENCAP_MPLS: {
      const dst = a.get(MPLS_IPTUNNEL_DST) ?? new Uint8Array(0);
      const labels: number[] = [];
      for (let i = 0; i + 4 <= dst.length; i += 4) labels.push(view(dst).getUint32(i, false) >>> 12);
      return { type: 'mpls', labels, ...compact({ ttl: u8(MPLS_IPTUNNEL_TTL) }) };
    }
    case LWTUNNEL_ENCAP_IP:
      return {
        type: 'ip',
        ...compact({
        id: optional(a, LWTUNNEL_IP_ID, readU64BE),
        dst: optional(a, LWTUNNEL_IP_DST, readBytes),
        src: optional(a, LWTUNNEL_IP_SRC, readBytes),
        tos: u8(LWTUNNEL_IP_TOS),
        ttl: u8(LWTUNNEL_IP_TTL),
        flags: u16be(LWTUNNEL_IP_FLAGS),
        }),
      };
    case LWTUNNEL_ENCAP_IP6:
      return {
        type: 'ip6',
        ...compact({
        id: optional(a, LWTUNNEL_IP6_ID, readU64BE),
        dst: optional(a, LWTUNNEL_IP6_DST, readBytes),
        src: optional(a, LWTUNNEL_IP6_SRC, readBytes),
        tc: u8(LWTUNNEL_IP6_TC),
        hoplimit: u8(LWTUNNEL_IP6_HOPLIMIT),
        flags: u16be(LWTUNNEL_IP6_FLAGS),
        }),
      };
    default:
      return { type: 'other', encapType, data: readBytes(data) };
  }
}

// ---------- ECMP nexthops ----------

export interface RouteNexthop {
  readonly gateway?: Uint8Array;
  readonly oif: number;
  /** 1 … 256 (rtnh_hops + 1). */
  readonly weight: number;
  /** RTNH_F_* (RTNH_F_ONLINK). */
  readonly flags?: number;
  /** RTA_FLOW: realms. */
  readonly flow?: number;
  readonly encap?: RouteEncap;
}

export function encodeMultipath(nexthops: readonly RouteNexthop[]): Uint8Array {
  return concatBytes(
    nexthops.map((n) => {
      if (!Number.isInteger(n.weight) || n.weight < 1 || n.weight > 256) throw new RangeError(`nexthop weight ${n.weight} out of 1..256`);
      const attrs: Uint8Array[] = [];
      if (n.gateway !== undefined) attrs.push(attr(RTA_GATEWAY, n.gateway));
      if (n.flow !== undefined) attrs.push(attrU32(RTA_FLOW, n.flow));
      if (n.encap !== undefined) attrs.push(...encodeEncap(n.encap));
      const body = concatBytes(attrs);
      const hdr = new Uint8Array(RTNEXTHOP_LEN);
      const dv = view(hdr);
      dv.setUint16(0, RTNEXTHOP_LEN + body.length, HOST_LE);
      dv.setUint8(2, n.flags ?? 0);
      dv.setUint8(3, n.weight - 1);
      dv.setInt32(4, n.oif, HOST_LE);
      return concatBytes([hdr, body]);
    }),
  );
}

export function decodeMultipath(data: Uint8Array): RouteNexthop[] {
  const out: RouteNexthop[] = [];
  let off = 0;
  while (off + RTNEXTHOP_LEN <= data.length) {
    const dv = view(data.subarray(off));
    const len = dv.getUint16(0, HOST_LE);
    if (len < RTNEXTHOP_LEN || off + len > data.length) throw protocolError(`rtnexthop length ${len} at ${off} of ${data.length}`);
    const a = attrMap(data.subarray(off + RTNEXTHOP_LEN, off + len));
    const flags = dv.getUint8(2);
    const gateway = optional(a, RTA_GATEWAY, readBytes);
    const flow = optional(a, RTA_FLOW, readU32);
    const encapType = optional(a, RTA_ENCAP_TYPE, readU16);
    const encap = a.get(RTA_ENCAP);
    out.push({
      oif: dv.getInt32(4, HOST_LE),
      weight: dv.getUint8(3) + 1,
      ...(flags !== 0 ? { flags } : {}),
      ...(gateway !== undefined ? { gateway } : {}),
      ...(flow !== undefined ? { flow } : {}),
      ...(encapType !== undefined && encap !== undefined ? { encap: decodeEncap(encapType, encap) } : {}),
    });
    off += (len + 3) & ~3;
  }
  return out;
}
