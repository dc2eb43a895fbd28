/**
 * Prebuilt advert for the send path. A master sends the same advert every interval; only
 * the priority (tracking, priority-0 on shutdown) and, for unicast, the destination change.
 * So the VRRP child builds the datagram once — optionally with the 20-byte IPv4 header for
 * IP_HDRINCL — and per send rewrites just those fields and patches the checksum
 * incrementally (RFC 1624 eqn. 3, as keepalived does), never re-encoding.
 *
 * Usage: `const t = buildAdvertTemplate(adv, { src, dst, ipv4Header: {} });`
 *        per send: `t.setPriority(p); for (const peer of peers) { t.setDestination(peer); send(t.datagram); }`
 * `datagram` is mutated in place: copy it if a send is queued rather than written at once.
 */
import { bytesEqual, type Family } from '../core/ip.js';
import { KaError } from '../core/errors.js';
import { advertLength, encodeAdvertInto, type EncodeOptions } from './packet.js';
import { IPV4_HEADER_LEN, writeIpv4Header } from './ip-header.js';
import { AH_HEADER_LEN, IPPROTO_AH } from './ipsec-ah.js';
import { VRRP_AUTH_EXT_LEN, type ChecksumMode, type VrrpAdvert } from './types.js';

const CHECKSUM_OFFSET = 6;

export interface TemplateOptions extends EncodeOptions {
  /**
   * Prepend an IPv4 header (IPv4 only): TTL default 255, ID default 0. `ipsecAh` leaves room
   * for an AH header after it and sets protocol 51 (`auth_type AH`; ipsec-ah.ts fills it).
   */
  readonly ipv4Header?: { readonly ttl?: number; readonly id?: number; readonly ipsecAh?: boolean };
  /** Room for an `auth_hmac` trailer after the message (auth-hmac.ts signs it); it is not in the VRRP checksum. */
  readonly authExt?: boolean;
}

export interface AdvertTemplate {
  /** What goes to the socket: IPv4 header + payload, or the payload alone. Mutated in place. */
  readonly datagram: Uint8Array;
  /** View of the VRRP payload inside `datagram`: the message, then the auth_hmac trailer if any. */
  readonly payload: Uint8Array;
  /** The VRRP message alone, and the auth_hmac trailer after it (null without auth_hmac). */
  readonly message: Uint8Array;
  readonly trailer: Uint8Array | null;
  readonly priority: number;
  readonly dst: Uint8Array;
  /** Rewrite the priority byte and patch the checksum. */
  setPriority(priority: number): void;
  /** Rewrite the IPv4 header destination and, for v3 'pseudo-header' mode, patch the checksum. */
  setDestination(dst: Uint8Array): void;
}

/** One's complement checksum patch: HC' = ~(~HC + ~m + m') over 16-bit words (RFC 1624 eqn. 3). */
export function checksumAdjust(hc: number, oldWords: Uint8Array, newWords: Uint8Array): number {
  let sum = ~hc & 0xffff;
  for (let i = 0; i + 1 < oldWords.length; i += 2) {
    sum += ~((oldWords[i]! << 8) | oldWords[i + 1]!) & 0xffff;
    sum += (newWords[i]! << 8) | newWords[i + 1]!;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function buildAdvertTemplate(adv: VrrpAdvert, opts: TemplateOptions): AdvertTemplate {
  const family: Family = adv.family;
  const ip = family === 4 ? opts.ipv4Header : undefined;
  const withIp = ip !== undefined;
  const ahLen = ip?.ipsecAh === true ? AH_HEADER_LEN : 0;
  const offset = withIp ? IPV4_HEADER_LEN + ahLen : 0;
  const len = advertLength(family, adv.version, adv.addresses.length);
  const extLen = opts.authExt === true ? VRRP_AUTH_EXT_LEN : 0;
  const datagram = new Uint8Array(offset + len + extLen);
  const message = encodeAdvertInto(adv, opts, datagram, offset);
  const payload = datagram.subarray(offset);
  const trailer = extLen > 0 ? datagram.subarray(offset + len) : null;
  if (ip) {
    writeIpv4Header(datagram, 0, {
      src: opts.src,
      dst: opts.dst,
      payloadLength: ahLen + len + extLen,
      ...(ip.ttl !== undefined ? { ttl: ip.ttl } : {}),
      ...(ip.id !== undefined ? { id: ip.id } : {}),
      ...(ahLen > 0 ? { protocol: IPPROTO_AH } : {}),
    });
  }
  const mode: ChecksumMode = opts.checksumMode ?? 'pseudo-header';
  // Only the standard v3 pseudo-header covers the real destination.
  const checksumCoversDst = adv.version === 3 && mode === 'pseudo-header';
  let dst = opts.dst.slice();

  const readSum = (): number => (payload[CHECKSUM_OFFSET]! << 8) | payload[CHECKSUM_OFFSET + 1]!;
  const writeSum = (s: number): void => {
    payload[CHECKSUM_OFFSET] = s >>> 8;
    payload[CHECKSUM_OFFSET + 1] = s & 0xff;
  };

  return {
    datagram,
    payload,
    message,
    trailer,
    get priority() {
      return payload[2]!;
    },
    get dst() {
      return dst;
    },
    setPriority(priority) {
      if (!Number.isInteger(priority) || priority < 0 || priority > 255) throw new KaError('KA_ERR_VRRP_CONFIG', `priority ${priority} not in 0..255`);
      if (payload[2] === priority) return;
      const oldWord = payload.slice(2, 4);
      payload[2] = priority;
      writeSum(checksumAdjust(readSum(), oldWord, payload.subarray(2, 4)));
    },
    setDestination(newDst) {
      if (newDst.length !== dst.length) throw new KaError('KA_ERR_VRRP_CONFIG', `destination of ${newDst.length} bytes for an IPv${family} advert`);
      // The multicast case re-sends to the same group every interval: no copy, no patch.
      if (bytesEqual(newDst, dst)) return;
      if (withIp) datagram.set(newDst, 16);
      if (checksumCoversDst) writeSum(checksumAdjust(readSum(), dst, newDst));
      dst = newDst.slice();
    },
  };
}
