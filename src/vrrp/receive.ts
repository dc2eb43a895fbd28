/**
 * The VRRP child's receive pipeline, pure: a datagram as the socket delivers it → decode the
 * IPv4 header → decodeAdvert (structure) → the instances on that socket with the advert's
 * VRID → checkAdvert (instance context) → AdvertReceived, or a drop counted where keepalived
 * counts it (RFC 3768 §7.1, RFC 5798 §7.1).
 *
 * keepalived looks the instance up by the VRID byte before it checks the packet, so a
 * malformed advert for a known VRID counts on that instance (Packet Errors: Length, Invalid
 * Type …); only what names no instance (a bad IPv4 header, an unknown VRID) stays on the
 * socket. Receive state is per instance (ReceiveState, owned by the instance) and per socket
 * (SocketReceiveState); steady-state receive allocates no context.
 */
import { formatIp, ipBytes, type Family } from '../core/ip.js';
import type { Logger } from '../core/logger.js';
import type { VrrpInstanceConfig } from '../config/model.js';
import { checkAdvert, type InstanceAuth, type ReceiveContext } from './advert-check.js';
import { countDrop, emptyDropCounters, type DropCounters } from './drop-counters.js';
import type { DropLogLimiter } from './drop-log-limit.js';
import { advertisedVips } from './instance-advert.js';
import { decodeIpv4Datagram } from './ip-header.js';
import { HmacReplayTable, type HmacSettings } from './auth-hmac.js';
import { AhSequence } from './ipsec-ah.js';
import { decodeAdvert, passwordAuthData } from './packet.js';
import type { AdvertMeta, DropReason, RawVrrpDatagram } from './types.js';

/**
 * keepalived 2.2.7 (Debian 12) drops adverts whose VIP list differs; keepalived ≥ 2.3.3 accepts
 * them with a warning. We behave like the 2.2.7 peers we run next to.
 */
export const STRICT_ADDRESS_LIST = true;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One instance's receive state: the checks' context and what keepalived counts per instance. */
export interface ReceiveState {
  /** Built once per instance; `lastMasterSrc` and `ownAddresses` are updated in place. */
  readonly check: Mutable<ReceiveContext>;
  /** The interface the instance runs on (whose addresses are "our own"). */
  readonly ifindex: number;
  drops: DropCounters;
}

/** Where the pipeline delivers: the instance (VrrpInstance implements it). */
export interface ReceiveTarget {
  readonly receive: ReceiveState;
  advertReceived(priority: number, advertIntCs: number, src: Uint8Array): void;
}

/** One VRRP socket (interface, family): its instances by VRID and the drops no instance claims. */
export interface SocketReceiveState<T extends ReceiveTarget = ReceiveTarget> {
  /** The multicast group joined (the socket's group for IPv6 datagrams without pktinfo). */
  readonly group: Uint8Array;
  /** Maintained by the daemon as instances come and go; the pipeline only reads it. */
  readonly byVrid: Map<number, T[]>;
  drops: DropCounters;
}

export interface ReceiveEnv {
  readonly log: Logger;
  /** The wall clock (ms since the epoch): auth_hmac's freshness window. */
  wallMs?(): number;
  /** This host's addresses on an interface: adverts from them are our own, looped back. */
  ownAddresses(ifindex: number, family: Family): readonly Uint8Array[];
  /** Limits the drop log lines per reason (drop-log-limit.ts), with the monotonic clock it reads; none: every line. */
  readonly dropLog?: { readonly limiter: DropLogLimiter; nowMs(): number };
}

/**
 * A drop's log line (or an accepted advert's warning: a sender can repeat those as fast), through
 * the limiter, keyed by `reason`: the counters were already bumped.
 */
function logDrop(env: ReceiveEnv, reason: string, level: 'warn' | 'info' | 'debug', line: () => string): void {
  if (!env.log.isEnabled(level)) return;
  const lim = env.dropLog;
  if (lim !== undefined) {
    const nowMs = lim.nowMs();
    for (const summary of lim.limiter.summaries(nowMs)) env.log.info(summary);
    if (!lim.limiter.admit(reason, nowMs)) return;
  }
  env.log[level](line());
}

function authOf(cfg: VrrpInstanceConfig, ahSequence: AhSequence | undefined): InstanceAuth {
  if (cfg.version !== 2 || !cfg.auth) return { type: 'none' };
  const key = passwordAuthData(cfg.auth.pass);
  return cfg.auth.type === 'PASS' ? { type: 'pass', password: key } : { type: 'ah', key, seq: ahSequence ?? new AhSequence() };
}

/** The AH sequence state of an instance with `auth_type AH` (its send path shares it), else null. */
export function ahSequenceOf(rx: ReceiveState): AhSequence | null {
  return rx.check.auth.type === 'ah' ? rx.check.auth.seq : null;
}

export interface ReceiveStateOptions {
  readonly strictAddressList?: boolean;
  /** An AH instance's sequence state to continue (reload keeps it, as keepalived does); default a new one. */
  readonly ahSequence?: AhSequence;
  /** The instance's auth_hmac, resolved (auth-hmac.ts resolveHmacSettings). */
  readonly authExt?: HmacSettings;
}

/** The receive state of an instance on `ifindex`, with no drops and no master seen yet. */
export function receiveState(cfg: VrrpInstanceConfig, ifindex: number, opts: ReceiveStateOptions = {}): ReceiveState {
  return {
    check: {
      name: cfg.name,
      version: cfg.version,
      vrid: cfg.vrid,
      family: cfg.family,
      advertIntCs: cfg.advertIntCs,
      auth: authOf(cfg, opts.ahSequence),
      vips: advertisedVips(cfg),
      unicast: cfg.unicastPeers.length > 0,
      unicastPeers: cfg.unicastPeers.map((p) => ipBytes(p.address)),
      unicastPeerTtl: cfg.unicastPeers.map((p) => (p.minTtl === undefined && p.maxTtl === undefined ? null : ([p.minTtl ?? 0, p.maxTtl ?? 255] as const))),
      checkUnicastSrc: cfg.checkUnicastSrc,
      skipCheckAdvAddr: cfg.skipCheckAdvAddr,
      lastMasterSrc: null,
      ownAddresses: [],
      strictAddressList: opts.strictAddressList ?? STRICT_ADDRESS_LIST,
      authExt: opts.authExt ? { settings: opts.authExt, replay: new HmacReplayTable(cfg.unicastPeers.map((p) => ipBytes(p.address))) } : null,
    },
    ifindex,
    drops: emptyDropCounters(),
  };
}

export function emptySocketReceiveState<T extends ReceiveTarget>(group: Uint8Array): SocketReceiveState<T> {
  return { group, byVrid: new Map(), drops: emptyDropCounters() };
}

function socketDrop(sock: SocketReceiveState, reason: DropReason, src: Uint8Array | null, env: ReceiveEnv): void {
  sock.drops = countDrop(sock.drops, reason);
  logDrop(env, reason, 'debug', () => `Dropped VRRP packet${src ? ` from ${formatIp(src)}` : ''}: ${reason}`);
}

function decodeDrop(sock: SocketReceiveState, payload: Uint8Array, reason: DropReason, src: Uint8Array, env: ReceiveEnv): void {
  const targets = payload.length >= 2 ? sock.byVrid.get(payload[1]!) : undefined;
  if (!targets || targets.length === 0) return socketDrop(sock, reason, src, env);
  for (const t of targets) t.receive.drops = countDrop(t.receive.drops, reason);
  logDrop(env, reason, 'debug', () => `Dropped VRRP packet from ${formatIp(src)} for VRID ${payload[1]}: ${reason}`);
}

/** Runs one datagram through the pipeline: counts drops, logs keepalived's lines, delivers the rest. */
export function receiveDatagram(sock: SocketReceiveState, d: RawVrrpDatagram, env: ReceiveEnv): void {
  let payload: Uint8Array;
  let meta: AdvertMeta;
  if (d.family === 4) {
    const ip = decodeIpv4Datagram(d.data);
    if (!ip.ok) return socketDrop(sock, ip.reason, d.src, env);
    payload = ip.value.payload;
    meta = { family: 4, src: ip.value.src, dst: ip.value.dst, ttl: ip.value.ttl, ifindex: d.ifindex, ah: ip.value.ah };
  } else {
    payload = d.data;
    meta = { family: 6, src: d.src, dst: d.dst ?? sock.group, ttl: d.ttl ?? 0, ifindex: d.ifindex };
  }
  const dec = decodeAdvert(payload, { family: meta.family, src: meta.src, dst: meta.dst, mcastGroup: sock.group });
  if (!dec.ok) return decodeDrop(sock, payload, dec.reason, meta.src, env);
  const adv = dec.value;
  const targets = sock.byVrid.get(adv.vrid);
  if (!targets || targets.length === 0) return socketDrop(sock, 'vrid-unknown', meta.src, env);
  if (adv.authExt) meta = { ...meta, authExt: adv.authExt };
  for (const t of targets) {
    const rx = t.receive;
    rx.check.ownAddresses = env.ownAddresses(rx.ifindex, rx.check.family);
    if (rx.check.authExt) rx.check.wallMs = env.wallMs?.() ?? 0;
    const chk = checkAdvert(rx.check, adv, meta);
    if (!chk.ok) {
      rx.drops = countDrop(rx.drops, chk.reason);
      const line = chk.log;
      if (line) logDrop(env, chk.reason, 'info', () => line);
      continue;
    }
    if (chk.value.countedErrors.length > 0) rx.drops = countDrop(rx.drops, ...chk.value.countedErrors);
    for (const w of chk.value.warnings) logDrop(env, 'accepted with a warning', 'warn', () => w);
    rx.check.lastMasterSrc = meta.src;
    t.advertReceived(adv.priority, adv.advertIntCs, meta.src);
  }
}
