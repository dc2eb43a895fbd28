/**
 * When to send gratuitous ARPs / unsolicited NAs for an instance's VIPs (keepalived's
 * garp_master_* and garp_lower_prio_* settings, reference §1a.1 and §1g "Becoming master").
 * Pure: returns bursts as offsets from the triggering event; the driver sends them.
 */
import type { GarpSettings } from '../config/model.js';

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
