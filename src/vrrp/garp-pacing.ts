/**
 * Gratuitous ARPs / unsolicited NAs for an instance's VIPs (VRRP child): when to send them
 * (RFC 5798 §6.4.1 "Master" and keepalived.conf(5) garp_master_delay, garp_master_repeat,
 * garp_master_refresh(_repeat), garp_lower_prio_delay/_repeat), how they are spaced
 * (vrrp_garp_interval, vrrp_gna_interval: for switches that rate-limit ARP), and the one
 * object that runs it all on the instance's Clock. Everything pending is cancelled when the
 * instance leaves MASTER: a node that lost the VIPs must not announce them.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import { ipBytes } from '../core/ip.js';
import type { Logger } from '../core/logger.js';
import type { GarpSettings } from '../config/model.js';
import type { GarpReason as FsmGarpReason } from './fsm-types.js';
import type { VipTarget } from './vip-addresses.js';

export type GarpReason = FsmGarpReason | 'refresh';

export interface GarpBurst {
  /** Milliseconds after the triggering event. */
  readonly atOffsetMs: number;
  /** GARPs (or NAs) per VIP in this burst. */
  readonly repeat: number;
}

/** The bursts one event asks for (pure). */
export function garpPlan(g: GarpSettings, reason: GarpReason): GarpBurst[] {
  switch (reason) {
    case 'became-master':
      return twoBursts(g.masterRepeat, g.masterDelayMs);
    case 'lower-prio-seen':
      return twoBursts(g.lowerPrioRepeat, g.lowerPrioDelayMs);
    case 'refresh':
      return g.masterRefreshRepeat > 0 ? [{ atOffsetMs: 0, repeat: g.masterRefreshRepeat }] : [];
  }
}

function twoBursts(repeat: number, delayMs: number): GarpBurst[] {
  if (repeat <= 0) return [];
  const bursts: GarpBurst[] = [{ atOffsetMs: 0, repeat }];
  if (delayMs > 0) bursts.push({ atOffsetMs: delayMs, repeat });
  return bursts;
}

export interface GarpPacket {
  /** Milliseconds after the burst starts. */
  readonly delayMs: number;
  readonly vip: VipTarget;
}

/**
 * The packets of one burst (pure): `repeat` per VIP. Without vrrp_garp_interval and
 * vrrp_gna_interval all go at once, VIP by VIP; with them the packets of each family are
 * spaced by that family's gap (IPv4 first, then IPv6).
 */
export function burstPackets(g: GarpSettings, vips: readonly VipTarget[], repeat: number): GarpPacket[] {
  const out: GarpPacket[] = [];
  if (g.intervalMs <= 0 && g.gnaIntervalMs <= 0) {
    for (let i = 0; i < repeat; i++) for (const vip of vips) out.push({ delayMs: 0, vip });
    return out;
  }
  for (const family of [4, 6] as const) {
    const gapMs = family === 4 ? g.intervalMs : g.gnaIntervalMs;
    const ofFamily = vips.filter((v) => v.spec.family === family);
    let k = 0;
    for (let i = 0; i < repeat; i++) for (const vip of ofFamily) out.push({ delayMs: gapMs * k++, vip });
  }
  return out;
}

/** What the pacer needs from its instance. */
export interface GarpPacerPorts {
  readonly clock: Clock;
  /** One GARP (IPv4 VIP) or unsolicited NA (IPv6 VIP). */
  announce(vip: VipTarget): void;
  /** Whether the instance is MASTER now. */
  isMaster(): boolean;
  /** Runs `fn` once the VIP changes queued so far are done (a burst announces VIPs in place). */
  afterVips(fn: () => void): void;
}

/**
 * Runs an instance's GARP/NA schedule on its Clock: bursts for an event, their delayed
 * repeats, the per-packet spacing and the periodic refresh. `cancel()` drops everything
 * pending; the instance calls it when it leaves MASTER (with its VIPs) and when it stops.
 */
export class GarpPacer {
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly settings: GarpSettings,
    private readonly vips: readonly VipTarget[],
    private readonly ports: GarpPacerPorts,
  ) {}

  /** The bursts for `reason`: the first once the VIPs are in place, any later one on the clock. */
  schedule(reason: Exclude<GarpReason, 'refresh'>): void {
    for (const b of garpPlan(this.settings, reason)) {
      if (b.atOffsetMs === 0) this.ports.afterVips(() => this.burst(b.repeat));
      else this.after(b.atOffsetMs, () => this.burst(b.repeat));
    }
  }

  /**
   * One burst now, if still MASTER: a burst that waited for the VIP chain may come due after
   * the instance was preempted, and a BACKUP must not announce the VIPs it is removing.
   */
  burst(repeat: number): void {
    if (!this.ports.isMaster()) return;
    for (const p of burstPackets(this.settings, this.vips, repeat)) {
      if (p.delayMs === 0) this.ports.announce(p.vip);
      else this.after(p.delayMs, () => this.ports.announce(p.vip));
    }
  }

  /** garp_master_refresh: a refresh burst every period while MASTER (until cancel()). */
  startRefresh(): void {
    const periodMs = this.settings.masterRefreshMs;
    if (periodMs <= 0) return;
    const tick = (): void => {
      for (const b of garpPlan(this.settings, 'refresh')) this.burst(b.repeat);
      this.after(periodMs, tick);
    };
    this.after(periodMs, tick);
  }

  /** Drops every pending burst, packet and refresh. */
  cancel(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }

  /** Pending timers (tests). */
  get pending(): number {
    return this.timers.size;
  }

  private after(delayMs: number, fn: () => void): void {
    const t = this.ports.clock.setTimer(this.ports.clock.nowMs() + delayMs, () => {
      this.timers.delete(t);
      fn();
    });
    this.timers.add(t);
  }
}

/** GARP / unsolicited NA on one interface (the GARP sender implements it). */
export interface GarpPort {
  sendGarp(vip4: Uint8Array): void;
  sendNa(vip6: Uint8Array): void;
}

/** Sends one GARP (IPv4) or unsolicited NA (IPv6) for `t` through its interface's port. */
export function announceVip(t: VipTarget, garpOf: (ifname: string) => GarpPort | undefined, log: Logger, name: string): void {
  const port = garpOf(t.ifname);
  if (!port) return;
  const bytes = ipBytes(t.spec.address);
  if (t.spec.family === 4) port.sendGarp(bytes);
  else port.sendNa(bytes);
  if (log.isEnabled('debug')) log.debug(`(${name}) Sending ${t.spec.family === 4 ? 'gratuitous ARP' : 'unsolicited neighbour advert'} on ${t.ifname} for ${t.spec.address}`);
}
