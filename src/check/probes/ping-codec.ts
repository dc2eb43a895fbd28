/**
 * ICMP/ICMPv6 echo request encoding and echo reply decoding for PING_CHECK (RFC 792,
 * RFC 4443 §4.1-4.2). Pure. ICMPv6 checksums are left 0: the kernel fills them on both
 * ping (SOCK_DGRAM) and raw ICMPv6 sockets.
 */
import type { Family } from '../../core/ip.js';
import { internetChecksum } from '../../core/checksum.js';

export const ICMP_ECHO_REPLY = 0;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP6_ECHO_REQUEST = 128;
export const ICMP6_ECHO_REPLY = 129;

export interface Echo {
  readonly id: number;
  readonly seq: number;
  readonly payload: Uint8Array;
}

export function encodeEchoRequest(family: Family, e: Echo): Uint8Array {
  const out = new Uint8Array(8 + e.payload.length);
  const v = new DataView(out.buffer);
  out[0] = family === 4 ? ICMP_ECHO_REQUEST : ICMP6_ECHO_REQUEST;
  v.setUint16(4, e.id & 0xffff);
  v.setUint16(6, e.seq & 0xffff);
  out.set(e.payload, 8);
  if (family === 4) v.setUint16(2, internetChecksum(out));
  return out;
}

/**
 * Decodes an echo reply. `ipHeader`: the datagram starts with the IPv4 header (raw IPv4
 * sockets). Returns undefined for anything else (other ICMP types, short or corrupt packets).
 */
export function decodeEchoReply(family: Family, data: Uint8Array, ipHeader = false): Echo | undefined {
  let icmp = data;
  if (ipHeader) {
    if (data.length < 20 || data[0]! >> 4 !== 4) return undefined;
    const ihl = (data[0]! & 0x0f) * 4;
    if (ihl < 20 || data.length < ihl) return undefined;
    icmp = data.subarray(ihl);
  }
  if (icmp.length < 8) return undefined;
  if (icmp[0] !== (family === 4 ? ICMP_ECHO_REPLY : ICMP6_ECHO_REPLY) || icmp[1] !== 0) return undefined;
  // IPv4: verify the checksum (ICMPv6's covers a pseudo-header and was checked by the kernel).
  if (family === 4 && internetChecksum(icmp) !== 0) return undefined;
  const v = new DataView(icmp.buffer, icmp.byteOffset, icmp.byteLength);
  return { id: v.getUint16(4), seq: v.getUint16(6), payload: icmp.slice(8) };
}
