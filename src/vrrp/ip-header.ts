/**
 * IPv4 header for VRRP over a raw IP_HDRINCL socket (keepalived builds its own header so it
 * can set TOS and TTL and pick the source), and the parse of a received IPv4 datagram into
 * meta fields + VRRP payload. Pure; run by the VRRP child. RFC 791 §3.1; RFC 3768 §5.1 /
 * RFC 5798 §5.1 (TTL 255, protocol 112); with `auth_type AH` protocol 51 and an RFC 2402 AH
 * header before the VRRP payload (ipsec-ah.ts). IPv6 needs none of this: the kernel builds
 * the header and hands us the payload with the hop limit as ancillary data.
 */
import { type Result, ok, fail } from '../core/result.js';
import { AH_HEADER_LEN, decodeAhHeader, IPPROTO_AH, type ReceivedAh } from './ipsec-ah.js';
import { VRRP_PROTO, VRRP_TTL, type DropReason } from './types.js';

export const IPV4_HEADER_LEN = 20;
/** IPTOS_PREC_INTERNETCONTROL: keepalived's TOS for adverts. */
export const VRRP_IPV4_TOS = 0xc0;

export interface Ipv4HeaderFields {
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  /** VRRP payload length; total length = 20 + this. */
  readonly payloadLength: number;
  /** Default 255 (RFC); keepalived's `unicast_ttl` may lower it for unicast. */
  readonly ttl?: number;
  /** Default 0: the kernel fills the ID when it is zero (keepalived writes a counter; either is valid). */
  readonly id?: number;
  readonly tos?: number;
  /** Default 112; 51 (IPPROTO_AH) for `auth_type AH`. */
  readonly protocol?: number;
}

/**
 * Write a 20-byte header (no options) at `target[offset..]`. The header checksum is left 0:
 * with IP_HDRINCL Linux always computes it (raw(7)); it also fills a zero ID. The total
 * length is filled here because the kernel only fills it for some paths.
 */
export function writeIpv4Header(target: Uint8Array, offset: number, f: Ipv4HeaderFields): void {
  const h = target.subarray(offset, offset + IPV4_HEADER_LEN);
  const total = IPV4_HEADER_LEN + f.payloadLength;
  const id = f.id ?? 0;
  h.fill(0);
  h[0] = 0x45; // version 4, IHL 5
  h[1] = f.tos ?? VRRP_IPV4_TOS;
  h[2] = total >>> 8;
  h[3] = total & 0xff;
  h[4] = (id >>> 8) & 0xff;
  h[5] = id & 0xff;
  // flags/fragment offset 0 (keepalived does not set DF)
  h[8] = f.ttl ?? VRRP_TTL;
  h[9] = f.protocol ?? VRRP_PROTO;
  h.set(f.src.subarray(0, 4), 12);
  h.set(f.dst.subarray(0, 4), 16);
}

/** Rewrite the ID of the IPv4 header at `datagram[0..20)` (AH covers it, so the sender must write it). */
export function setIpv4Id(datagram: Uint8Array, id: number): void {
  datagram[4] = (id >>> 8) & 0xff;
  datagram[5] = id & 0xff;
}

export function encodeIpv4Header(f: Ipv4HeaderFields): Uint8Array {
  const h = new Uint8Array(IPV4_HEADER_LEN);
  writeIpv4Header(h, 0, f);
  return h;
}

export interface ReceivedIpv4 {
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly ttl: number;
  readonly tos: number;
  /** Header length in bytes (IHL × 4), options included. */
  readonly headerLength: number;
  /** The IP total length field (datagram size without link-layer padding). */
  readonly totalLength: number;
  /** The VRRP payload: a view into the input buffer, trimmed to the total length. */
  readonly payload: Uint8Array;
  /** Present when the datagram is IP protocol 51: the AH header before the payload. */
  readonly ah: ReceivedAh | null;
}


/**
 * Parse a received IPv4 datagram carrying VRRP, directly (protocol 112) or behind an AH
 * header (protocol 51). Options are skipped (their contents are not ours to judge). A buffer
 * longer than the total length is accepted and trimmed — Ethernet pads short frames to 60
 * bytes and keepalived ≥ 2.3.2 tolerates it; a shorter one is not. Never throws.
 */
export function decodeIpv4Datagram(buf: Uint8Array): Result<ReceivedIpv4, DropReason> {
  if (buf.length < IPV4_HEADER_LEN) return fail('packet-too-short');
  const b0 = buf[0]!;
  if (b0 >>> 4 !== 4) return fail('ip-header');
  const headerLength = (b0 & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LEN) return fail('ip-header');
  const totalLength = (buf[2]! << 8) | buf[3]!;
  if (totalLength < headerLength) return fail('ip-header');
  // tot_len beyond what arrived: truncated datagram (keepalived: "ip_tot_len mismatch").
  if (buf.length < totalLength) return fail('length-mismatch');
  const protocol = buf[9];
  if (protocol !== VRRP_PROTO && protocol !== IPPROTO_AH) return fail('ip-header');
  let ah: ReceivedAh | null = null;
  let payloadAt = headerLength;
  if (protocol === IPPROTO_AH) {
    // keepalived: "IPv4 VRRP packet with AH too short" (dropped before any instance is known).
    if (totalLength < headerLength + AH_HEADER_LEN) return fail('packet-too-short');
    payloadAt += AH_HEADER_LEN;
    ah = { header: decodeAhHeader(buf.subarray(headerLength, payloadAt)), ipAndAh: buf.subarray(0, payloadAt), payload: buf.subarray(payloadAt, totalLength) };
  }
  return ok({
    src: buf.slice(12, 16),
    dst: buf.slice(16, 20),
    ttl: buf[8]!,
    tos: buf[1]!,
    headerLength,
    totalLength,
    payload: buf.subarray(payloadAt, totalLength),
    ah,
  });
}
