/** Shared helpers for the VRRP codec tests (test-only; not imported by production code). */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseIp } from '../core/ip.js';
import type { Prng } from './prng.js';
import type { RawVrrpDatagram, VrrpAdvert } from '../vrrp/types.js';
import { encodeIpv4Header, setIpv4Id } from '../vrrp/ip-header.js';
import { AH_HEADER_LEN, IPPROTO_AH, signAhDatagram, writeAhHeader, writeAhSeq } from '../vrrp/ipsec-ah.js';
import { hmacPseudoHeader, signTrailer, type HmacSettings } from '../vrrp/auth-hmac.js';
import { encodeAdvert, MCAST_GROUP4_BYTES, passwordAuthData } from '../vrrp/packet.js';

/** Repository root, from dist/src/test-kit/*.js or src/test-kit/*.ts alike. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), dirname(fileURLToPath(import.meta.url)).includes('/dist/') ? '../../..' : '../..');

export function ip(s: string): Uint8Array {
  const a = parseIp(s);
  if (!a) throw new Error(`bad test address ${s}`);
  return a.bytes;
}

export function advert(over: Partial<VrrpAdvert> = {}): VrrpAdvert {
  return {
    version: 3,
    family: 4,
    vrid: 51,
    priority: 100,
    advertIntCs: 100,
    authType: 0,
    authData: null,
    addresses: [ip('192.0.2.100')],
    ...over,
  };
}

/** A random but encodable advert. */
export function randomAdvert(r: Prng): VrrpAdvert {
  const version = r.chance(0.5) ? 2 : 3;
  const family = version === 2 ? 4 : r.pick([4, 6] as const);
  const count = r.chance(0.1) ? r.int(0, 255) : r.int(0, 6);
  const addresses = Array.from({ length: count }, () => r.bytes(family === 4 ? 4 : 16));
  const authType = version === 2 ? r.pick([0, 1, 2]) : 0;
  return {
    version,
    family,
    vrid: r.int(1, 255),
    priority: r.int(0, 255),
    advertIntCs: version === 2 ? r.int(0, 255) * 100 : r.int(0, 0xfff),
    authType,
    authData: version === 2 ? (authType === 1 ? passwordAuthData(r.chance(0.5) ? 'secret' : 'a-much-longer-password') : r.bytes(8)) : null,
    addresses,
  };
}

/** Fields of the adverts a keepalived config produces (test/fixtures/keepalived-adverts.json). */
export interface CaptureExpect {
  readonly version: 2 | 3;
  readonly vrid: number;
  readonly priority: number;
  readonly advertIntCs: number;
  readonly authType: number;
  readonly password: string | null;
  readonly addresses: readonly string[];
  readonly unicastDst: string | null;
}

export interface CapturedFrame {
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  /** The whole IP datagram (IPv4 or IPv6 header + VRRP), hex. */
  readonly ip: string;
  /** The VRRP payload alone, hex. */
  readonly vrrp: string;
}

export interface KeepalivedAdvertFixture {
  readonly keepalivedVersion: string;
  readonly captureDate: string;
  readonly captures: readonly {
    readonly name: string;
    readonly family: 4 | 6;
    readonly config: string;
    readonly expect: CaptureExpect;
    readonly frames: readonly CapturedFrame[];
  }[];
}

/**
 * An IPv4 advert as the raw socket delivers it (IP header included), from `src` to `dst`
 * (default the VRRP group) with `ttl` (default 255); `patch` edits the bytes afterwards.
 */
export function ipv4Datagram(adv: VrrpAdvert, o: { src: Uint8Array; dst?: Uint8Array; ttl?: number; ifindex?: number; patch?: (b: Uint8Array) => void }): RawVrrpDatagram {
  const dst = o.dst ?? MCAST_GROUP4_BYTES;
  const payload = encodeAdvert(adv, { family: 4, src: o.src, dst });
  const data = new Uint8Array(20 + payload.length);
  data.set(encodeIpv4Header({ src: o.src, dst, payloadLength: payload.length, ...(o.ttl !== undefined ? { ttl: o.ttl } : {}) }), 0);
  data.set(payload, 20);
  o.patch?.(data);
  return { family: 4, data, src: o.src, scopeId: 0, dst, ttl: o.ttl ?? 255, ifindex: o.ifindex ?? 2, truncated: false };
}

/**
 * An `auth_type AH` advert as the raw socket delivers it: IPv4 header (protocol 51), AH header
 * with `spi` (default the source), `seq` and `id`, signed with `password` as keepalived signs
 * (TTL zeroed in the ICV input when `unicast`); `patch` edits the bytes after signing.
 */
export function ahDatagram(
  adv: VrrpAdvert,
  o: { src: Uint8Array; password: string; seq: number; id?: number; dst?: Uint8Array; ttl?: number; unicast?: boolean; spi?: Uint8Array; patch?: (b: Uint8Array) => void },
): RawVrrpDatagram {
  const dst = o.dst ?? MCAST_GROUP4_BYTES;
  const payload = encodeAdvert(adv, { family: 4, src: o.src, dst });
  const data = new Uint8Array(20 + AH_HEADER_LEN + payload.length);
  data.set(encodeIpv4Header({ src: o.src, dst, payloadLength: AH_HEADER_LEN + payload.length, protocol: IPPROTO_AH, ...(o.ttl !== undefined ? { ttl: o.ttl } : {}) }), 0);
  setIpv4Id(data, o.id ?? 1);
  const ah = data.subarray(20, 20 + AH_HEADER_LEN);
  writeAhHeader(ah, o.spi ?? o.src);
  writeAhSeq(ah, o.seq);
  data.set(payload, 20 + AH_HEADER_LEN);
  signAhDatagram(data, passwordAuthData(o.password), o.unicast ?? false);
  o.patch?.(data);
  return { family: 4, data, src: o.src, scopeId: 0, dst, ttl: o.ttl ?? 255, ifindex: 2, truncated: false };
}

/**
 * An IPv4 advert with an `auth_hmac` trailer signed with `settings` (key `settings.activeKey`)
 * and sequence `seq`, as the raw socket delivers it; `patch` edits the bytes afterwards.
 */
export function hmacDatagram(adv: VrrpAdvert, o: { src: Uint8Array; settings: HmacSettings; seq: bigint; dst?: Uint8Array; ttl?: number; patch?: (b: Uint8Array) => void }): RawVrrpDatagram {
  const dst = o.dst ?? MCAST_GROUP4_BYTES;
  const message = encodeAdvert(adv, { family: 4, src: o.src, dst });
  const data = new Uint8Array(20 + message.length + 28);
  data.set(encodeIpv4Header({ src: o.src, dst, payloadLength: message.length + 28, ...(o.ttl !== undefined ? { ttl: o.ttl } : {}) }), 0);
  data.set(message, 20);
  signTrailer(data.subarray(20 + message.length), message, o.settings, hmacPseudoHeader(4, adv.version, adv.vrid, o.src), o.seq);
  o.patch?.(data);
  return { family: 4, data, src: o.src, scopeId: 0, dst, ttl: o.ttl ?? 255, ifindex: 2, truncated: false };
}
