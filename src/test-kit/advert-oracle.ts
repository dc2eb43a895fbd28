/**
 * The receive fuzz oracle's structural half (src/test-kit/advert-fuzz.ts has the instance
 * half): what RFC 3768 §5 / RFC 5798 §5 say of a VRRP payload on its own, computed apart from
 * src/vrrp/packet.ts.
 */
import { internetChecksum } from '../core/checksum.js';
import type { Family } from '../core/ip.js';
import type { DropReason } from '../vrrp/types.js';

/** auth_hmac's trailer after the message (by size only; keepalived.conf(5) auth_hmac). */
export const AUTH_EXT_LEN = 28;

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Header, addresses and (v2) auth data: RFC 3768 §5.1 / RFC 5798 §5.1. */
export function advertLength(family: Family, version: number, count: number): number {
  return 8 + count * (family === 4 ? 4 : 16) + (version === 2 ? 8 : 0);
}

export function structuralViolations(whole: Uint8Array, family: Family, src: Uint8Array, dst: Uint8Array, group: Uint8Array): DropReason[] {
  let p = whole;
  if (p.length < 8) return ['packet-too-short'];
  const version = p[0]! >>> 4;
  if ((version !== 2 && version !== 3) || (version === 2 && family === 6)) return ['version'];
  const out: DropReason[] = [];
  const expected = advertLength(family, version, p[3]!);
  const trailer = p.length === expected + AUTH_EXT_LEN;
  if (p.length < expected) out.push('packet-too-short');
  if (p.length > expected && !trailer) out.push('length-mismatch');
  // With a trailer, the IPv4 checksum covers the message; IPv6's (the kernel's) covers it all.
  if (trailer && family === 4) p = p.subarray(0, expected);
  if ((p[0]! & 0x0f) !== 1) out.push('invalid-type');
  if (version === 2 && p[4]! > 2) out.push('auth-invalid-type');
  const plain = internetChecksum(p) === 0;
  const ok =
    version === 2 ? plain : plain || internetChecksum(pseudo(family, src, dst, p.length), p) === 0 || (!equal(dst, group) && internetChecksum(pseudo(family, src, group, p.length), p) === 0);
  if (!ok) out.push('checksum');
  return out;
}

export function pseudo(family: Family, src: Uint8Array, dst: Uint8Array, len: number): Uint8Array {
  const ph = new Uint8Array(family === 4 ? 12 : 40);
  if (family === 4) {
    ph.set(src.subarray(0, 4), 0);
    ph.set(dst.subarray(0, 4), 4);
    ph[9] = 112;
    ph[10] = len >>> 8;
    ph[11] = len & 0xff;
  } else {
    ph.set(src.subarray(0, 16), 0);
    ph.set(dst.subarray(0, 16), 16);
    ph[34] = len >>> 8;
    ph[35] = len & 0xff;
    ph[39] = 112;
  }
  return ph;
}

