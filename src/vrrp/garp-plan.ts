/**
 * When to send gratuitous ARPs / unsolicited NAs for an instance's VIPs (keepalived's
 * garp_master_* and garp_lower_prio_* settings, reference §1a.1 and §1g "Becoming master").
 * Pure: returns bursts as offsets from the triggering event; the driver sends them.
 */
import type { GarpSettings } from '../config/model.js';
import { ipBytes } from '../core/ip.js';
import type { Logger } from '../core/logger.js';
import type { VipTarget } from './vip-addresses.js';

import type { GarpReason as FsmGarpReason } from './fsm.js';

export type GarpReason = FsmGarpReason | 'refresh';

export interface GarpBurst {
  /** Milliseconds after the triggering event. */
  readonly atOffsetMs: number;
  /** GARPs (or NAs) per VIP in this burst. */
  readonly repeat: number;
}

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

/** GARP / unsolicited NA on one interface. */
export interface GarpPort {
  sendGarp(vip4: Uint8Array): void;
  sendNa(vip6: Uint8Array): void;
}

/** One GARP (IPv4) or unsolicited NA (IPv6) per VIP. */
export function announceVips(targets: readonly VipTarget[], garpOf: (ifname: string) => GarpPort | undefined, log: Logger, name: string): void {
  for (const t of targets) {
    const port = garpOf(t.ifname);
    if (!port) continue;
    const bytes = ipBytes(t.spec.address);
    if (t.spec.family === 4) port.sendGarp(bytes);
    else port.sendNa(bytes);
  }
  if (log.isEnabled('debug')) {
    for (const t of targets) {
      const what = t.spec.family === 4 ? 'gratuitous ARP' : 'unsolicited neighbour advert';
      log.debug(`(${name}) Sending ${what} on ${t.ifname} for ${t.spec.address}`);
    }
  }
}
