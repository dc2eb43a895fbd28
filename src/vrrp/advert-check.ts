/**
 * Receive checks that need the instance (RFC 3768 §7.1, RFC 5798 §7.1, and keepalived's
 * vrrp_check_packet), applied after decodeAdvert() has done the structural ones. Pure: the
 * VRRP child passes the instance's receive context and gets back either the advert (with
 * warnings and soft errors to count) or a DropReason plus keepalived's log line. The one
 * state it moves is the AH sequence number, as keepalived does while checking.
 *
 * Order and texts follow Debian 12's keepalived 2.2.7 (log formats checked against its
 * binary). Differences from keepalived ≥ 2.3.3 are flags: `strictAddressList`.
 */
import { bytesEqual, formatIp, type Family } from '../core/ip.js';
import { checkTrailer, hmacPseudoHeader, type HmacFailure, type HmacReplayTable, type HmacSettings } from './auth-hmac.js';
import { ahIcvValid, type AhSequence, type ReceivedAh } from './ipsec-ah.js';
import { AUTH_AH, AUTH_NONE, AUTH_PASS, VRRP_AUTH_DATA_LEN, VRRP_PROTO, VRRP_TTL, type AdvertMeta, type DropReason, type VrrpAdvert } from './types.js';

/** The instance's authentication (v2 only; ignored for v3 as keepalived does). */
export type InstanceAuth =
  | { readonly type: 'none' }
  /** `password`: the 8 auth-data bytes (see packet.ts passwordAuthData). */
  | { readonly type: 'pass'; readonly password: Uint8Array }
  /**
   * IPsec AH (ipsec-ah.ts): `key` is the 8 auth-data bytes; `seq` the instance's sequence
   * state, shared with its send path and advanced here as adverts are accepted.
   */
  | { readonly type: 'ah'; readonly key: Uint8Array; readonly seq: AhSequence };

export interface ReceiveContext {
  /** Instance name for log lines ("(VI_1) …"). */
  readonly name: string;
  readonly version: 2 | 3;
  readonly vrid: number;
  readonly family: Family;
  /** Our configured advert interval (v2: whole seconds × 100). */
  readonly advertIntCs: number;
  readonly auth: InstanceAuth;
  /** Configured VIPs (not eVIPs), raw bytes. */
  readonly vips: readonly Uint8Array[];
  /** True when the instance has unicast peers (then TTL is not checked and adverts must be unicast). */
  readonly unicast: boolean;
  readonly unicastPeers: readonly Uint8Array[];
  /** Global `vrrp_check_unicast_src` or instance `check_unicast_src`. */
  readonly checkUnicastSrc: boolean;
  /** `skip_check_adv_addr`: skip the VIP checks when the advert comes from the master we last accepted. */
  readonly skipCheckAdvAddr: boolean;
  readonly lastMasterSrc: Uint8Array | null;
  /** Addresses of this host on the interface: adverts from them are our own, looped back. */
  readonly ownAddresses: readonly Uint8Array[];
  /** `auth_hmac`: the resolved settings and the per-sender anti-replay marks (moved by the check). */
  readonly authExt?: { readonly settings: HmacSettings; readonly replay: HmacReplayTable } | null;
  /** The wall clock when the advert arrived (ms since the epoch): auth_hmac's freshness window. */
  readonly wallMs?: number;
  /**
   * Drop adverts whose VIP count or list differs from ours. Default true: keepalived 2.2.7
   * (Debian 12) drops them — so mismatched configs give two masters, and we must behave the
   * same next to 2.2.7 peers. false = keepalived ≥ 2.3.3: accept, warn, count Address List.
   */
  readonly strictAddressList?: boolean;
}

export interface CheckedAdvert {
  readonly advert: VrrpAdvert;
  /** Lines to log (rate-limit them); the advert is still accepted. */
  readonly warnings: readonly string[];
  /** Errors keepalived counts even though it accepts the advert (non-strict address list). */
  readonly countedErrors: readonly DropReason[];
}

export type AdvertCheckResult =
  | { readonly ok: true; readonly value: CheckedAdvert }
  /** `log`: keepalived's line for this drop, or null where it drops silently. */
  | { readonly ok: false; readonly reason: DropReason; readonly log: string | null };

const NONE: readonly never[] = [];

const drop = (reason: DropReason, log: string | null): AdvertCheckResult => ({ ok: false, reason, log });

const contains = (list: readonly Uint8Array[], a: Uint8Array): boolean => list.some((x) => bytesEqual(x, a));

function isMulticastDst(family: Family, dst: Uint8Array): boolean {
  return family === 4 ? (dst[0]! & 0xf0) === 0xe0 : dst[0] === 0xff;
}

function authTypeOf(auth: InstanceAuth): number {
  switch (auth.type) {
    case 'none':
      return AUTH_NONE;
    case 'pass':
      return AUTH_PASS;
    case 'ah':
      return AUTH_AH;
  }
}

/** Constant-time compare so the password check does not leak a prefix length through timing. */
function sameAuthData(a: Uint8Array, b: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < VRRP_AUTH_DATA_LEN; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** An IPv4 address as keepalived's `%u` of an in_addr prints it on a little-endian host. */
function inAddrAsPrinted(a: Uint8Array): number {
  return ((a[3]! << 24) | (a[2]! << 16) | (a[1]! << 8) | a[0]!) >>> 0;
}

/**
 * keepalived's AH check, in its order: an AH header for another protocol is ignored, then the
 * ICV (a wrong password or a changed field), the SPI (the sender's address), and the sequence
 * number, which must grow; accepting one advances the instance's sequence state.
 */
function checkAh(ctx: ReceiveContext, auth: Extract<InstanceAuth, { type: 'ah' }>, ah: ReceivedAh, meta: AdvertMeta): AdvertCheckResult | null {
  const n = ctx.name;
  if (ah.header.nextHeader !== VRRP_PROTO) return drop('ah-next-header', null);
  if (!ahIcvValid(auth.key, ah.ipAndAh, ah.payload, ctx.unicast)) {
    return drop('auth-failure', `(${n}) IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !`);
  }
  if (!bytesEqual(ah.header.spi, meta.src)) {
    return drop('auth-failure', `IPSEC AH : invalid IPSEC SPI value. ${inAddrAsPrinted(meta.src)} and expect ${inAddrAsPrinted(ah.header.spi)}`);
  }
  const local = auth.seq.seq;
  if (!auth.seq.accept(ah.header.seq)) {
    return drop('auth-failure', `(${n}) IPSEC-AH : sequence number ${ah.header.seq} already processed. Packet dropped. Local(${local})`);
  }
  return null;
}

const AUTH_EXT_DROP: Readonly<Record<HmacFailure, { readonly reason: DropReason; readonly label: string }>> = {
  missing: { reason: 'auth-ext-missing', label: 'Missing' },
  malformed: { reason: 'auth-ext-malformed', label: 'Malformed' },
  'unknown-key': { reason: 'auth-ext-unknown-key', label: 'Unknown Key' },
  'bad-hmac': { reason: 'auth-ext-bad-hmac', label: 'Invalid HMAC' },
  stale: { reason: 'auth-ext-stale', label: 'Stale' },
  replay: { reason: 'auth-ext-replay', label: 'Replay' },
};

/**
 * The `auth_hmac` trailer: verified when present; when absent only `enforce` drops (the other
 * modes accept legacy adverts during a migration, counting them as Missing). An instance
 * without auth_hmac takes a trailer-bearing advert for a length error, as an older keepalived.
 * Returns a drop, the Missing count to keep, or null. The log lines are ours.
 */
function checkAuthExt(ctx: ReceiveContext, meta: AdvertMeta): AdvertCheckResult | 'missing' | null {
  const ext = ctx.authExt;
  const got = meta.authExt;
  if (!ext) return got ? drop('length-mismatch', null) : null;
  const line = (f: HmacFailure): string => `(${ctx.name}) Authentication extension error from ${formatIp(meta.src)}: ${AUTH_EXT_DROP[f].label}`;
  if (!got) return ext.settings.mode === 'enforce' ? drop('auth-ext-missing', line('missing')) : 'missing';
  const pseudo = hmacPseudoHeader(ctx.family, ctx.version, ctx.vrid, meta.src);
  const f = checkTrailer(ext.settings, ext.replay, pseudo, got.message, got.trailer, meta.src, ctx.wallMs ?? 0);
  return f === null ? null : drop(AUTH_EXT_DROP[f].reason, line(f));
}

function checkV2Auth(ctx: ReceiveContext, adv: VrrpAdvert, meta: AdvertMeta): AdvertCheckResult | null {
  const n = ctx.name;
  const want = authTypeOf(ctx.auth);
  if (adv.authType !== want) return drop('auth-type-mismatch', `(${n}) received a ${adv.authType} auth, expecting ${want}!`);
  if (ctx.auth.type === 'pass' && !sameAuthData(adv.authData ?? new Uint8Array(0), ctx.auth.password)) {
    return drop('auth-failure', `(${n}) received an invalid passwd!`);
  }
  if (ctx.auth.type === 'ah' && meta.ah) return checkAh(ctx, ctx.auth, meta.ah, meta);
  return null;
}

/**
 * Instance-context checks for a structurally valid advert. `meta` is what the socket told us
 * (source, destination, TTL/hop limit). Drops return keepalived's log line.
 */
export function checkAdvert(ctx: ReceiveContext, adv: VrrpAdvert, meta: AdvertMeta): AdvertCheckResult {
  const n = ctx.name;
  // Allocated only when there is something to say: most adverts pass without either.
  let warnings: string[] | null = null;
  let countedErrors: DropReason[] | null = null;
  const strict = ctx.strictAddressList ?? true;

  if (adv.family !== ctx.family || meta.family !== ctx.family) {
    return drop('family', `(${n}) received an IPv${adv.family} advert, expecting IPv${ctx.family}`);
  }
  // Multicast loopback or a unicast peer list containing ourselves: not an election input.
  if (contains(ctx.ownAddresses, meta.src)) return drop('own-packet', null);
  // keepalived checks this first: an AH instance takes only protocol 51, the others only 112.
  if ((meta.ah != null) !== (ctx.auth.type === 'ah')) {
    return drop('auth-type-mismatch', meta.ah != null ? `(${n}) Received AH header but auth type not AH` : `(${n}) No AH header but auth type is AH`);
  }

  if (!ctx.unicast && meta.ttl !== VRRP_TTL) {
    return drop('ttl', `(${n}) invalid TTL/HL. Received ${meta.ttl} and expect ${VRRP_TTL}`);
  }
  if (adv.version !== ctx.version) {
    return drop('version', `(${n}) wrong version. Received ${adv.version} and expect ${ctx.version}`);
  }
  if (ctx.version === 2) {
    const authDrop = checkV2Auth(ctx, adv, meta);
    if (authDrop) return authDrop;
  }
  const ext = checkAuthExt(ctx, meta);
  if (ext === 'missing') countedErrors = ['auth-ext-missing'];
  else if (ext) return ext;
  if (ctx.version === 2) {
    // RFC 3768 §7.1: a v2 interval mismatch must be dropped (prevents two masters in one VRID).
    if (adv.advertIntCs !== ctx.advertIntCs) {
      return drop('advert-interval', `(${n}) advertisement interval mismatch mine=${Math.floor(ctx.advertIntCs / 100)} sec rcv'd=${adv.advertIntCs / 100} sec`);
    }
  }
  if (adv.vrid !== ctx.vrid) {
    return drop('vrid-unknown', `(${n}) received VRID mismatch. Received ${adv.vrid}, Expected ${ctx.vrid}`);
  }

  // keepalived skips the address checks for a repeat advert from the master it already accepted.
  const checkVipAddr = !ctx.skipCheckAdvAddr || ctx.lastMasterSrc === null || !bytesEqual(ctx.lastMasterSrc, meta.src);
  if (checkVipAddr && adv.addresses.length !== ctx.vips.length) {
    const line = `(${n}) received an unexpected ip number count ${adv.addresses.length}, expected ${ctx.vips.length}!`;
    if (strict) return drop('address-list', line);
    (warnings ??= []).push(line);
    countedErrors = [...(countedErrors ?? []).filter((r) => r !== 'address-list'), 'address-list'];
  }

  if (isMulticastDst(ctx.family, meta.dst) === ctx.unicast) {
    const [want, got] = ctx.unicast ? ['un', 'mult'] : ['mult', 'un'];
    return drop('cast-mismatch', `(${n}) Expected ${want}icast packet but received ${got}icast packet`);
  }

  if (checkVipAddr) {
    for (const vip of ctx.vips) {
      if (contains(adv.addresses, vip)) continue;
      const line = `(${n}) ip address associated with VRID ${ctx.vrid} not present in MASTER advert: ${formatIp(vip)}`;
      if (strict) return drop('address-list', line);
      (warnings ??= []).push(line);
      countedErrors = [...(countedErrors ?? []).filter((r) => r !== 'address-list'), 'address-list'];
      break;
    }
    if (ctx.unicast && ctx.checkUnicastSrc && !contains(ctx.unicastPeers, meta.src)) {
      return drop('unicast-src', `(${n}) unicast source address ${formatIp(meta.src)} not a unicast peer`);
    }
  }

  // RFC 5798 §6.4.2: a v3 backup adopts the master's interval, so a mismatch is only worth a line.
  if (ctx.version === 3 && adv.advertIntCs !== ctx.advertIntCs) {
    (warnings ??= []).push(`(${n}) advertisement interval changed: mine=${ctx.advertIntCs * 10} milli-sec, rcved=${adv.advertIntCs * 10} milli-sec`);
  }
  return { ok: true, value: { advert: adv, warnings: warnings ?? NONE, countedErrors: countedErrors ?? NONE } };
}
