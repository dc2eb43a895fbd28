/**
 * `auth_hmac` (keepalived.conf(5) of keepalived 2.4; draft-cassen-vrrp-auth-hmac): an
 * authenticated trailer after the VRRP message, for VRRPv2 and v3, IPv4 and IPv6, multicast
 * and unicast. Pure (hashing is CPU only; the wall clock comes in as an argument); the VRRP
 * child's send path signs with it (instance-advert.ts) and its receive checks verify with it
 * (advert-check.ts). Checked against the draft's appendix vectors (auth-hmac.test.ts).
 *
 * Trailer (28 bytes): ext type (1 = HMAC-SHA256/128), key id, 2 reserved zero bytes, then a
 * 64-bit sequence — UTC seconds (32 bits), a 1/65536 s fraction (16), a counter (16) — and
 * the first 16 bytes of HMAC-SHA256 over: a 20-byte pseudo-header (4 or 6, VRRP version, VRID,
 * 0, the sender's address, zero-padded), the VRRP message with its checksum read as zero, the
 * trailer's first 12 bytes and 16 zero bytes. The IP header and the checksum are left out, so
 * one signature serves every unicast copy and the kernel's IPv6 checksum does not disturb it.
 *
 * Anti-replay: per sender, the sequence must grow (serial arithmetic over 64 bits). In `time`
 * mode the seconds must also lie within ±time_window of our clock — checked before the HMAC, so
 * replayed captures cost no digest — and a remembered mark that has fallen out of the window
 * is forgotten (a sender whose clock was stepped back recovers). `monotonic` keeps growth only.
 */
import { createHmac } from 'node:crypto';
import type { Family } from '../core/ip.js';
import type { AuthHmacSpec } from '../config/model.js';
import { VRRP_AUTH_EXT_LEN } from './types.js';

export const HMAC_EXT_TYPE_SHA256 = 1;
export const HMAC_LEN = 16;
export const HMAC_PSEUDO_LEN = 20;
/** Offset of the HMAC inside the trailer: what comes before it is signed as is. */
const HMAC_AT = VRRP_AUTH_EXT_LEN - HMAC_LEN;
/** Multicast senders remembered per instance (concurrent senders occur only during contention). */
export const HMAC_MCAST_SENDERS = 4;
/** Lower bound of the default freshness window, seconds. */
export const HMAC_WINDOW_FLOOR_S = 5;
const CHECKSUM_AT = 6;
const U64 = (1n << 64n) - 1n;

export type HmacMode = 'enforce' | 'permissive' | 'receive-only';

/** An instance's auth_hmac, resolved: key bytes by id, and the rules. */
export interface HmacSettings {
  readonly keys: ReadonlyMap<number, Uint8Array>;
  /** The key id used to sign; a missing key signs with a zero HMAC, which every receiver refuses. */
  readonly activeKey: number;
  readonly mode: HmacMode;
  /** `anti_replay time` (default) rather than `monotonic`. */
  readonly antiReplayTime: boolean;
  readonly timeWindowS: number;
}

/** Why a trailer was refused (keepalived's "Authentication Extension Errors" lines). */
export type HmacFailure = 'missing' | 'malformed' | 'unknown-key' | 'bad-hmac' | 'stale' | 'replay';

/** The default window: three advert intervals, at least 5 s. */
export function defaultTimeWindowS(advertIntCs: number): number {
  return Math.max(HMAC_WINDOW_FLOOR_S, Math.ceil((3 * advertIntCs) / 100));
}

/**
 * A configured key's bytes: `hex:` digits, or the text itself. A `file:` key's content is read
 * by the caller and given here (a trailing newline is dropped; it may itself be `hex:…`).
 */
export function keyBytes(value: string): Uint8Array | null {
  if (value.startsWith('hex:')) {
    const hex = value.slice(4);
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
    return Uint8Array.from(Buffer.from(hex, 'hex'));
  }
  return new TextEncoder().encode(value);
}

/** Key sizes auth_hmac accepts (keepalived.conf(5)). */
export const HMAC_KEY_MIN = 32;
export const HMAC_KEY_MAX = 64;

/**
 * An instance's auth_hmac block resolved for the run: key bytes (`file:` keys through
 * `readFile`, which may throw), the active key (default: the first one listed), the window
 * (default max(3 × advert_int, 5) s), and `enforce` under vrrp_strict. Keys that cannot be used
 * are left out and reported, one line each.
 */
export function resolveHmacSettings(
  spec: AuthHmacSpec,
  opts: { readonly advertIntCs: number; readonly strict: boolean; readonly name: string },
  readFile: (path: string) => string,
): { readonly settings: HmacSettings; readonly problems: readonly string[] } {
  const keys = new Map<number, Uint8Array>();
  const problems: string[] = [];
  for (const k of spec.keys) {
    let text = k.value;
    if (text.startsWith('file:')) {
      try {
        text = readFile(text.slice(5)).replace(/\r?\n$/, '');
      } catch (e) {
        problems.push(`(${opts.name}) auth_hmac key ${k.id}: cannot read ${text.slice(5)} (${e instanceof Error ? e.message : String(e)}) - ignoring`);
        continue;
      }
    }
    const bytes = keyBytes(text);
    if (!bytes || bytes.length < HMAC_KEY_MIN || bytes.length > HMAC_KEY_MAX) {
      problems.push(`(${opts.name}) auth_hmac key ${k.id} must be ${HMAC_KEY_MIN} to ${HMAC_KEY_MAX} bytes long - ignoring`);
      continue;
    }
    keys.set(k.id, bytes);
  }
  const activeKey = spec.activeKey ?? spec.keys[0]?.id ?? 0;
  if (!keys.has(activeKey)) problems.push(`(${opts.name}) auth_hmac active_key ${activeKey} has no usable key: adverts will carry a zero HMAC, which every receiver refuses`);
  return {
    settings: {
      keys,
      activeKey,
      mode: opts.strict ? 'enforce' : spec.mode,
      antiReplayTime: spec.antiReplay === 'time',
      timeWindowS: spec.timeWindowS ?? defaultTimeWindowS(opts.advertIntCs),
    },
    problems,
  };
}

export function hmacPseudoHeader(family: Family, version: 2 | 3, vrid: number, src: Uint8Array): Uint8Array {
  const p = new Uint8Array(HMAC_PSEUDO_LEN);
  p[0] = family;
  p[1] = version;
  p[2] = vrid;
  p.set(src.subarray(0, family === 4 ? 4 : 16), 4);
  return p;
}

/** The 16-byte HMAC of `message` (its checksum read as zero) and the trailer's first 12 bytes. */
export function trailerHmac(key: Uint8Array, pseudo: Uint8Array, message: Uint8Array, trailer: Uint8Array): Uint8Array {
  const h = createHmac('sha256', key);
  h.update(pseudo);
  h.update(message.subarray(0, CHECKSUM_AT));
  h.update(new Uint8Array(2));
  h.update(message.subarray(CHECKSUM_AT + 2));
  h.update(trailer.subarray(0, HMAC_AT));
  h.update(new Uint8Array(HMAC_LEN));
  return new Uint8Array(h.digest().subarray(0, HMAC_LEN));
}

function readSeq(t: Uint8Array): bigint {
  const v = new DataView(t.buffer, t.byteOffset, t.byteLength);
  return (BigInt(v.getUint32(4)) << 32n) | BigInt(v.getUint32(8));
}

const secondsOf = (seq: bigint): number => Number(seq >> 32n);

/** RFC 1982 serial arithmetic over 64 bits: `a` comes after `b`. */
function seqAfter(a: bigint, b: bigint): boolean {
  return BigInt.asIntN(64, a - b) > 0n;
}

/** Signed distance in seconds between two 32-bit second counts (wrap-safe). */
function secondsApart(a: number, b: number): number {
  return (a - b) | 0;
}

/** The wall clock as a sequence with the counter cleared: seconds, then a 1/65536 s fraction. */
function clockSeq(wallMs: number): bigint {
  const sec = Math.floor(wallMs / 1000);
  const frac = Math.floor(((wallMs - sec * 1000) * 65536) / 1000);
  return ((BigInt(sec >>> 0) << 32n) | (BigInt(frac) << 16n)) & U64;
}

/** A sender's sequence: the larger of the clock and the last value plus one. */
export class HmacSendSequence {
  last = 0n;

  next(wallMs: number, s: Pick<HmacSettings, 'antiReplayTime' | 'timeWindowS'>): bigint {
    const clk = clockSeq(wallMs);
    if (seqAfter(clk, this.last)) {
      this.last = clk;
      return this.last;
    }
    // A clock stepped back leaves our numbers ahead of what receivers accept: time mode
    // restarts from the clock once past the window; monotonic mode keeps growing.
    const ahead = secondsApart(secondsOf(this.last), secondsOf(clk));
    this.last = s.antiReplayTime && ahead > s.timeWindowS ? clk : (this.last + 1n) & U64;
    return this.last;
  }
}

/**
 * Fill and sign the trailer in place. `message` is the VRRP message it follows (the checksum
 * need not be final: the HMAC reads it as zero).
 */
export function signTrailer(trailer: Uint8Array, message: Uint8Array, s: HmacSettings, pseudo: Uint8Array, seq: bigint): void {
  trailer.fill(0, 0, VRRP_AUTH_EXT_LEN);
  trailer[0] = HMAC_EXT_TYPE_SHA256;
  trailer[1] = s.activeKey;
  const v = new DataView(trailer.buffer, trailer.byteOffset, trailer.byteLength);
  v.setUint32(4, Number(seq >> 32n));
  v.setUint32(8, Number(seq & 0xffffffffn));
  const key = s.keys.get(s.activeKey);
  if (key) trailer.set(trailerHmac(key, pseudo, message, trailer), HMAC_AT);
}

interface ReplayMark {
  seq: bigint;
  lastUsed: number;
}

/**
 * Per-sender high-water marks of one instance: each unicast peer has its own; any other
 * sender takes one of HMAC_MCAST_SENDERS slots, the least recently used evicted. A slot is
 * only claimed after the HMAC verified, so forged sources cannot churn the table.
 */
export class HmacReplayTable {
  private readonly peers = new Map<string, ReplayMark | null>();
  private readonly others = new Map<string, ReplayMark>();
  private clock = 0;

  constructor(unicastPeers: readonly Uint8Array[] = []) {
    for (const p of unicastPeers) this.peers.set(p.join('.'), null);
  }

  /** Accept `seq` from `src` if it grows the sender's mark (after expiring a mark outside the window). */
  accept(src: Uint8Array, seq: bigint, nowS: number, s: Pick<HmacSettings, 'antiReplayTime' | 'timeWindowS'>): boolean {
    const k = src.join('.');
    const isPeer = this.peers.has(k);
    let mark = isPeer ? this.peers.get(k)! : (this.others.get(k) ?? null);
    if (mark && s.antiReplayTime && Math.abs(secondsApart(nowS, secondsOf(mark.seq))) > s.timeWindowS) mark = null;
    if (mark && !seqAfter(seq, mark.seq)) return false;
    const next = { seq, lastUsed: ++this.clock };
    if (isPeer) this.peers.set(k, next);
    else {
      this.others.delete(k);
      if (this.others.size >= HMAC_MCAST_SENDERS) this.others.delete(this.others.keys().next().value!);
      this.others.set(k, next);
    }
    return true;
  }
}

/**
 * Verify a received trailer, in keepalived's order: scheme and reserved bytes, freshness
 * (time mode, before any digest), key, HMAC, then replay. `src` is the advert's source.
 */
export function checkTrailer(
  s: HmacSettings,
  replay: HmacReplayTable,
  pseudo: Uint8Array,
  message: Uint8Array,
  trailer: Uint8Array,
  src: Uint8Array,
  wallMs: number,
): HmacFailure | null {
  if (trailer[0] !== HMAC_EXT_TYPE_SHA256 || trailer[2] !== 0 || trailer[3] !== 0) return 'malformed';
  const seq = readSeq(trailer);
  const nowS = Math.floor(wallMs / 1000) >>> 0;
  if (s.antiReplayTime && Math.abs(secondsApart(nowS, secondsOf(seq))) > s.timeWindowS) return 'stale';
  const key = s.keys.get(trailer[1]!);
  if (!key) return 'unknown-key';
  if (!constantTimeEqual(trailerHmac(key, pseudo, message, trailer), trailer.subarray(HMAC_AT, HMAC_AT + HMAC_LEN))) return 'bad-hmac';
  if (!replay.accept(src, seq, nowS, s)) return 'replay';
  return null;
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
