/**
 * VRRP advertisement codec: the VRRP payload of RFC 3768 §5 (v2) and RFC 5798 §5 (v3),
 * for IPv4 and IPv6. Pure; used by the VRRP child to build what it sends and to check,
 * structurally, what it receives (instance-level checks live in advert-check.ts).
 *
 * Wire layout (both versions): ver<<4|type, VRID, priority, count, then
 *   v2: auth type, advert interval (s), checksum, IPv4 addresses, 8 bytes auth data;
 *   v3: 4 reserved bits + 12-bit Max Adver Int (cs), checksum, IPv4 or IPv6 addresses.
 * The v2 checksum covers the payload only; the v3 one adds the IP pseudo-header
 * (RFC 5798 §5.2.8) unless keepalived's compatibility modes say otherwise (see ChecksumMode).
 */
import { internetChecksum } from '../core/checksum.js';
import { KaError } from '../core/errors.js';
import { bytesEqual, parseIpv4, parseIpv6, type Family } from '../core/ip.js';
import { type Result, ok, fail } from '../core/result.js';
import {
  AUTH_AH,
  AUTH_NONE,
  AUTH_PASS,
  VRRP_AUTH_DATA_LEN,
  VRRP_AUTH_EXT_LEN,
  VRRP_HEADER_LEN,
  VRRP_MAX_ADDRESSES,
  VRRP_MCAST_GROUP4,
  VRRP_MCAST_GROUP6,
  VRRP_PROTO,
  VRRP_TYPE_ADVERT,
  VRRP_V3_MAX_ADVERT_INT_CS,
  type ChecksumMode,
  type DecodedAdvert,
  type DropReason,
  type VrrpAdvert,
} from './types.js';

const CHECKSUM_OFFSET = 6;

export const MCAST_GROUP4_BYTES: Uint8Array = parseIpv4(VRRP_MCAST_GROUP4)!;
export const MCAST_GROUP6_BYTES: Uint8Array = parseIpv6(VRRP_MCAST_GROUP6)!;

export function addressLength(family: Family): 4 | 16 {
  return family === 4 ? 4 : 16;
}

/**
 * The one size formula every bound derives from: header, addresses, and (v2 only) the
 * trailing auth data. v2 exists only over IPv4 (RFC 3768); keepalived never sends v2/IPv6.
 */
export function advertLength(family: Family, version: 2 | 3, count: number): number {
  return VRRP_HEADER_LEN + count * addressLength(family) + (version === 2 ? VRRP_AUTH_DATA_LEN : 0);
}

export function minAdvertLength(family: Family, version: 2 | 3): number {
  return advertLength(family, version, 0);
}

export function maxAdvertLength(family: Family, version: 2 | 3): number {
  return advertLength(family, version, VRRP_MAX_ADDRESSES);
}

/** v2 PASS auth data: the password's bytes, zero-padded and truncated to 8 (keepalived copies at most 8). */
export function passwordAuthData(password: string): Uint8Array {
  const out = new Uint8Array(VRRP_AUTH_DATA_LEN);
  out.set(new TextEncoder().encode(password).subarray(0, VRRP_AUTH_DATA_LEN));
  return out;
}

export function mcastGroupFor(family: Family): Uint8Array {
  return family === 4 ? MCAST_GROUP4_BYTES : MCAST_GROUP6_BYTES;
}

/** IPv4 (RFC 791 style, 12 bytes) or IPv6 (RFC 8200 §8.1, 40 bytes) pseudo-header for protocol 112. */
export function pseudoHeader(family: Family, src: Uint8Array, dst: Uint8Array, length: number): Uint8Array {
  if (family === 4) {
    const ph = new Uint8Array(12);
    ph.set(src.subarray(0, 4), 0);
    ph.set(dst.subarray(0, 4), 4);
    ph[9] = VRRP_PROTO;
    ph[10] = length >>> 8;
    ph[11] = length & 0xff;
    return ph;
  }
  const ph = new Uint8Array(40);
  ph.set(src.subarray(0, 16), 0);
  ph.set(dst.subarray(0, 16), 16);
  ph[34] = length >>> 8;
  ph[35] = length & 0xff;
  ph[39] = VRRP_PROTO;
  return ph;
}

export interface ChecksumContext {
  readonly family: Family;
  /** IP source and destination of the datagram carrying the advert. */
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  /** Multicast group used as the pseudo-destination in 'old-unicast' mode (default 224.0.0.18 / ff02::12). */
  readonly mcastGroup?: Uint8Array;
}

/**
 * Internet checksum of a VRRP payload as it would be sent: with the checksum field taken as
 * zero, and the pseudo-header chosen by `mode` (v2 payloads never use one).
 */
export function advertChecksum(payload: Uint8Array, version: 2 | 3, ctx: ChecksumContext, mode: ChecksumMode = 'pseudo-header'): number {
  const body = payload.slice();
  body[CHECKSUM_OFFSET] = 0;
  body[CHECKSUM_OFFSET + 1] = 0;
  return sumWithMode(body, version, ctx, mode);
}

function sumWithMode(payload: Uint8Array, version: 2 | 3, ctx: ChecksumContext, mode: ChecksumMode): number {
  if (version === 2 || mode === 'v2-style') return internetChecksum(payload);
  const dst = mode === 'old-unicast' ? (ctx.mcastGroup ?? mcastGroupFor(ctx.family)) : ctx.dst;
  return internetChecksum(pseudoHeader(ctx.family, ctx.src, dst, payload.length), payload);
}

/** True when the payload's own checksum field verifies under `mode`. */
export function checksumValid(payload: Uint8Array, version: 2 | 3, ctx: ChecksumContext, mode: ChecksumMode): boolean {
  return sumWithMode(payload, version, ctx, mode) === 0;
}

export interface EncodeOptions extends ChecksumContext {
  /** v3 only; default 'pseudo-header'. */
  readonly checksumMode?: ChecksumMode;
}

function encodeError(msg: string): KaError {
  return new KaError('KA_ERR_VRRP_CONFIG', `cannot encode VRRP advert: ${msg}`);
}

/** Validate the fields our own config produced; a violation is a bug upstream, so it throws. */
function checkEncodable(adv: VrrpAdvert): void {
  const { version, family } = adv;
  if (version === 2 && family !== 4) throw encodeError('VRRPv2 is IPv4 only');
  if (!Number.isInteger(adv.vrid) || adv.vrid < 1 || adv.vrid > 255) throw encodeError(`VRID ${adv.vrid} not in 1..255`);
  if (!Number.isInteger(adv.priority) || adv.priority < 0 || adv.priority > 255) throw encodeError(`priority ${adv.priority} not in 0..255`);
  if (adv.addresses.length > VRRP_MAX_ADDRESSES) throw encodeError(`${adv.addresses.length} addresses (max ${VRRP_MAX_ADDRESSES})`);
  for (const a of adv.addresses) if (a.length !== addressLength(family)) throw encodeError(`address of ${a.length} bytes in an IPv${family} advert`);
  if (version === 2) {
    if (adv.advertIntCs % 100 !== 0 || adv.advertIntCs < 0 || adv.advertIntCs > 255 * 100) throw encodeError(`v2 interval ${adv.advertIntCs} cs is not whole seconds in 0..255`);
    if (adv.authType !== AUTH_NONE && adv.authType !== AUTH_PASS && adv.authType !== AUTH_AH) throw encodeError(`auth type ${adv.authType}`);
    if (adv.authData !== null && adv.authData.length !== VRRP_AUTH_DATA_LEN) throw encodeError('auth data must be 8 bytes');
  } else if (!Number.isInteger(adv.advertIntCs) || adv.advertIntCs < 0 || adv.advertIntCs > VRRP_V3_MAX_ADVERT_INT_CS) {
    throw encodeError(`v3 interval ${adv.advertIntCs} cs not in 0..${VRRP_V3_MAX_ADVERT_INT_CS}`);
  }
}

/** Write the advert's fields (checksum left zero) into `out`, which is exactly advertLength() long. */
function writeFields(adv: VrrpAdvert, out: Uint8Array): void {
  out[0] = (adv.version << 4) | VRRP_TYPE_ADVERT;
  out[1] = adv.vrid;
  out[2] = adv.priority;
  out[3] = adv.addresses.length;
  if (adv.version === 2) {
    out[4] = adv.authType;
    out[5] = adv.advertIntCs / 100;
  } else {
    out[4] = (adv.advertIntCs >>> 8) & 0x0f;
    out[5] = adv.advertIntCs & 0xff;
  }
  let off = VRRP_HEADER_LEN;
  for (const a of adv.addresses) {
    out.set(a, off);
    off += a.length;
  }
  if (adv.version === 2 && adv.authData !== null) out.set(adv.authData, off);
}

function writeChecksum(payload: Uint8Array, sum: number): void {
  payload[CHECKSUM_OFFSET] = sum >>> 8;
  payload[CHECKSUM_OFFSET + 1] = sum & 0xff;
}

/** Encode a VRRP payload (size computed first, one allocation). Throws KA_ERR_VRRP_CONFIG on impossible fields. */
export function encodeAdvert(adv: VrrpAdvert, opts: EncodeOptions): Uint8Array {
  checkEncodable(adv);
  const out = new Uint8Array(advertLength(adv.family, adv.version, adv.addresses.length));
  writeFields(adv, out);
  writeChecksum(out, sumWithMode(out, adv.version, opts, opts.checksumMode ?? 'pseudo-header'));
  return out;
}

/** Encode into a caller's buffer at `offset` (used by the template to share one buffer with the IP header). */
export function encodeAdvertInto(adv: VrrpAdvert, opts: EncodeOptions, target: Uint8Array, offset: number): Uint8Array {
  checkEncodable(adv);
  const len = advertLength(adv.family, adv.version, adv.addresses.length);
  if (offset < 0 || offset + len > target.length) throw encodeError(`target buffer too small (${target.length} < ${offset + len})`);
  const out = target.subarray(offset, offset + len);
  out.fill(0);
  writeFields(adv, out);
  writeChecksum(out, sumWithMode(out, adv.version, opts, opts.checksumMode ?? 'pseudo-header'));
  return out;
}

export interface DecodeOptions extends ChecksumContext {
  /**
   * v3 checksum computations accepted, tried in this order. Default: all three, like keepalived
   * (real destination, then — for a unicast destination — the multicast group, then no pseudo-header).
   */
  readonly acceptChecksumModes?: readonly ChecksumMode[];
}

const ALL_MODES: readonly ChecksumMode[] = ['pseudo-header', 'old-unicast', 'v2-style'];

/**
 * Structural checks only (RFC 3768 §7.1 / RFC 5798 §7.1 items that need no instance):
 * length against the one size formula, version, type, v2 auth type, checksum. Never throws:
 * every bad input becomes a DropReason. A payload exactly one `auth_hmac` trailer longer than
 * the message carries one (auth-hmac.ts): whether the instance wants it is checkAdvert's call.
 * The IPv4 checksum covers the message only; the IPv6 one (the kernel's) the whole payload.
 */
export function decodeAdvert(whole: Uint8Array, opts: DecodeOptions): Result<DecodedAdvert, DropReason> {
  const { family } = opts;
  if (whole.length < VRRP_HEADER_LEN) return fail('packet-too-short');
  const b0 = whole[0]!;
  const rawVersion = b0 >>> 4;
  if (rawVersion !== 2 && rawVersion !== 3) return fail('version');
  const version: 2 | 3 = rawVersion;
  if (version === 2 && family !== 4) return fail('version');
  const count = whole[3]!;
  const expected = advertLength(family, version, count);
  if (whole.length < expected) return fail('packet-too-short');
  const withExt = whole.length === expected + VRRP_AUTH_EXT_LEN;
  if (whole.length > expected && !withExt) return fail('length-mismatch');
  const buf = withExt && family === 4 ? whole.subarray(0, expected) : whole;
  if ((b0 & 0x0f) !== VRRP_TYPE_ADVERT) return fail('invalid-type');
  const authType = version === 2 ? buf[4]! : AUTH_NONE;
  if (authType !== AUTH_NONE && authType !== AUTH_PASS && authType !== AUTH_AH) return fail('auth-invalid-type');

  let checksumMode: ChecksumMode | null = null;
  if (version === 2) {
    if (checksumValid(buf, 2, opts, 'v2-style')) checksumMode = 'v2-style';
  } else {
    const group = opts.mcastGroup ?? mcastGroupFor(family);
    for (const mode of opts.acceptChecksumModes ?? ALL_MODES) {
      // The old-unicast variant differs from the standard one only for unicast destinations.
      if (mode === 'old-unicast' && bytesEqual(opts.dst, group)) continue;
      if (checksumValid(buf, 3, opts, mode)) {
        checksumMode = mode;
        break;
      }
    }
  }
  if (checksumMode === null) return fail('checksum');

  const alen = addressLength(family);
  const addresses: Uint8Array[] = [];
  for (let i = 0, off = VRRP_HEADER_LEN; i < count; i++, off += alen) addresses.push(whole.slice(off, off + alen));
  const authEnd = VRRP_HEADER_LEN + count * alen;
  return ok({
    version,
    family,
    vrid: buf[1]!,
    priority: buf[2]!,
    advertIntCs: version === 2 ? buf[5]! * 100 : ((buf[4]! & 0x0f) << 8) | buf[5]!,
    authType,
    authData: version === 2 ? buf.slice(authEnd, authEnd + VRRP_AUTH_DATA_LEN) : null,
    addresses,
    checksum: (buf[CHECKSUM_OFFSET]! << 8) | buf[CHECKSUM_OFFSET + 1]!,
    checksumMode,
    authExt: withExt ? { message: whole.slice(0, expected), trailer: whole.slice(expected) } : null,
  });
}
