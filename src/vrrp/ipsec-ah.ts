/**
 * VRRPv2 `auth_type AH` (keepalived.conf(5) `authentication`): the IPsec Authentication Header
 * of RFC 2402 §2 between the IPv4 header and the VRRP payload, IP protocol 51, with
 * HMAC-MD5-96 (RFC 2403) as keepalived builds and checks it. Pure (hashing is CPU only); the
 * VRRP child's send path (instance-advert.ts) signs with it and the receive checks
 * (advert-check.ts) verify with it.
 *
 * What keepalived 2.2.7 does, checked byte for byte against its adverts
 * (test/fixtures/keepalived-ah-adverts.json):
 * - AH header: next header 112, payload length 4 (RFC 2402 §2.2: 24 bytes in 32-bit words
 *   minus 2), reserved 0, SPI = the sender's IPv4 address as it stands in the IP header, a
 *   32-bit sequence number, then the 12-byte ICV;
 * - ICV: HMAC-MD5 keyed with the 8 auth-data bytes (auth_pass truncated to 8, zero-padded),
 *   over the IP header with TOS, flags/fragment offset and header checksum zeroed — and the
 *   TTL too, but only for unicast instances — then the AH header with the ICV zeroed, then the
 *   VRRP payload; the first 12 bytes of the digest (RFC 2403 §2). The IP ID is covered, so
 *   the sender writes it (1, 2, … per instance; 0 is skipped: the kernel would replace it);
 * - the VRRP payload carries auth type 2 and 8 zero bytes of auth data;
 * - one sequence counter per instance serves both directions: each advert sent increments
 *   it, each advert accepted sets it to the received value, which must be greater.
 */
import { createHmac } from 'node:crypto';
import { VRRP_PROTO } from './types.js';

/** IPPROTO_AH (RFC 2402 §2: the IP protocol number of the Authentication Header). */
export const IPPROTO_AH = 51;
/** Fixed part (12) + HMAC-MD5-96 ICV (12). */
export const AH_HEADER_LEN = 24;
export const AH_ICV_LEN = 12;
const AH_ICV_OFFSET = 12;
/** RFC 2402 §2.2: the AH length in 32-bit words, minus 2. */
export const AH_PAYLOAD_LEN = AH_HEADER_LEN / 4 - 2;
/** keepalived stops counting here: the counter is then "cycled" (see AhSequence.nextToSend). */
const SEQ_CEILING = 0xfffffffd;

/** The AH header fields a receiver reads (the ICV stays in the datagram). */
export interface AhHeader {
  readonly nextHeader: number;
  readonly payloadLen: number;
  /** The 4 SPI bytes as sent (keepalived: the sender's address, network order). */
  readonly spi: Uint8Array;
  readonly seq: number;
}

/** A received AH datagram, as the receive pipeline hands it to the checks (views into the buffer). */
export interface ReceivedAh {
  readonly header: AhHeader;
  /** The IP header (options included) and the AH header as received: what the ICV covers first. */
  readonly ipAndAh: Uint8Array;
  /** The VRRP payload: what the ICV covers last. */
  readonly payload: Uint8Array;
}

export function decodeAhHeader(ah: Uint8Array): AhHeader {
  return {
    nextHeader: ah[0]!,
    payloadLen: ah[1]!,
    spi: ah.subarray(4, 8),
    seq: ((ah[8]! << 24) | (ah[9]! << 16) | (ah[10]! << 8) | ah[11]!) >>> 0,
  };
}

/** The fixed fields of an AH header for VRRP at `ah[0..24)`: next header 112, SPI, ICV left zero. */
export function writeAhHeader(ah: Uint8Array, spi: Uint8Array): void {
  ah.fill(0, 0, AH_HEADER_LEN);
  ah[0] = VRRP_PROTO;
  ah[1] = AH_PAYLOAD_LEN;
  ah.set(spi.subarray(0, 4), 4);
}

export function writeAhSeq(ah: Uint8Array, seq: number): void {
  ah[8] = (seq >>> 24) & 0xff;
  ah[9] = (seq >>> 16) & 0xff;
  ah[10] = (seq >>> 8) & 0xff;
  ah[11] = seq & 0xff;
}

/**
 * The 12-byte ICV of a datagram `ipAndAh` (IP header with options, then the AH header)
 * followed by `payload`. The inputs are not modified: mutable fields are zeroed in a copy.
 */
export function ahIcv(key: Uint8Array, ipAndAh: Uint8Array, payload: Uint8Array, zeroTtl: boolean): Uint8Array {
  const h = ipAndAh.slice();
  const ihl = h.length - AH_HEADER_LEN;
  h[1] = 0; // TOS
  h[6] = 0; // flags, fragment offset
  h[7] = 0;
  h[10] = 0; // header checksum
  h[11] = 0;
  if (zeroTtl) h[8] = 0;
  h.fill(0, ihl + AH_ICV_OFFSET, ihl + AH_HEADER_LEN);
  return new Uint8Array(createHmac('md5', key).update(h).update(payload).digest().subarray(0, AH_ICV_LEN));
}

/**
 * Sign an outgoing datagram in place: `datagram` is the 20-byte IPv4 header, the AH header
 * and the VRRP payload, all fields final but the ICV.
 */
export function signAhDatagram(datagram: Uint8Array, key: Uint8Array, unicast: boolean): void {
  const headers = 20 + AH_HEADER_LEN;
  datagram.set(ahIcv(key, datagram.subarray(0, headers), datagram.subarray(headers), unicast), 20 + AH_ICV_OFFSET);
}

/** Constant-time compare of the received ICV with the computed one. */
export function ahIcvValid(key: Uint8Array, ipAndAh: Uint8Array, payload: Uint8Array, zeroTtl: boolean): boolean {
  const want = ahIcv(key, ipAndAh, payload, zeroTtl);
  const got = ipAndAh.subarray(ipAndAh.length - AH_ICV_LEN);
  let diff = 0;
  for (let i = 0; i < AH_ICV_LEN; i++) diff |= want[i]! ^ got[i]!;
  return diff === 0;
}

/**
 * keepalived's per-instance AH sequence state (its `ipsecah_counter`): the last number sent or
 * accepted, and whether the counter has run out ("cycled"). One object per instance, shared by
 * its send path and its receive checks, kept across a reload of an unchanged instance.
 */
export class AhSequence {
  seq = 0;
  cycled = false;

  /** The number for the next advert. At the ceiling the counter stops and is marked cycled. */
  nextToSend(): number {
    if (this.seq > SEQ_CEILING) this.cycled = true;
    else this.seq++;
    return this.seq;
  }

  /** Anti-replay (RFC 2402 §3.4.3, as keepalived does it): a received number must be greater. */
  accept(seq: number): boolean {
    if (seq <= this.seq) return false;
    this.seq = seq;
    return true;
  }

  /**
   * A MASTER that received a lower-priority advert (already accepted, so `seq` is its number)
   * continues above it, so that its answer is accepted (keepalived "Syncing seq_num - Increment seq").
   */
  syncAbove(): void {
    this.seq = (this.seq + 1) >>> 0;
    this.cycled = false;
  }

  /** A BACKUP accepted an advert: a live master exists, the counter is usable again. */
  clearCycled(): void {
    this.cycled = false;
  }

  /** Becoming MASTER with a cycled counter restarts it (keepalived resets the anti-replay). */
  onBecomingMaster(): void {
    if (!this.cycled) return;
    this.cycled = false;
    this.seq = 0;
  }
}

/** keepalived's per-instance IP ID for AH adverts: 1, 2 … 65535, 1 … (0 would be replaced by the kernel). */
export class Ipv4IdCounter {
  private id = 0;

  next(): number {
    this.id = (this.id + 1) & 0xffff;
    if (this.id === 0) this.id = 1;
    return this.id;
  }
}
