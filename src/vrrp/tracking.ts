/**
 * Interface tracking (keepalived `track_interface`, the instance's own interface unless
 * `dont_track_primary`): which fault sources are active and what the effective priority is.
 * Weight 0 ⇒ a down interface is a fault; weight > 0 ⇒ +weight while up; weight < 0 ⇒
 * −|weight| while down; `reverse` swaps up and down (keepalived.conf(5) `track_interface`,
 * `dont_track_primary`).
 */
import type { TrackInterfaceSpec, VrrpInstanceConfig } from '../config/model.js';

export interface TrackingInput {
  readonly basePriority: number;
  /** The instance's interface, or undefined (unicast without interface). */
  readonly primaryInterface: string | undefined;
  readonly dontTrackPrimary: boolean;
  readonly trackInterfaces: readonly TrackInterfaceSpec[];
}

export interface TrackingResult {
  /** Fault source names (`interface:NAME`), active ones only. */
  readonly faults: readonly string[];
  /** Base + weights, not yet clamped (the FSM clamps). */
  readonly priority: number;
}

/** `isUp(name)`: the interface exists and is running. */
export function evaluateTracking(input: TrackingInput, isUp: (ifname: string) => boolean): TrackingResult {
  const faults = new Set<string>();
  let priority = input.basePriority;
  if (input.primaryInterface !== undefined && !input.dontTrackPrimary && !isUp(input.primaryInterface)) {
    faults.add(`interface:${input.primaryInterface}`);
  }
  for (const t of input.trackInterfaces) {
    const up = isUp(t.name) !== t.reverse;
    if (t.weight === 0) {
      if (!up) faults.add(`interface:${t.name}`);
    } else if (t.weight > 0 && up) {
      priority += t.weight;
    } else if (t.weight < 0 && !up) {
      priority += t.weight;
    }
  }
  return { faults: [...faults].sort(), priority };
}

/** All fault source names tracking can produce for an instance (to clear stale ones). */
export function trackedFaultSources(input: TrackingInput): string[] {
  const names = input.trackInterfaces.filter((t) => t.weight === 0).map((t) => `interface:${t.name}`);
  if (input.primaryInterface !== undefined && !input.dontTrackPrimary) names.push(`interface:${input.primaryInterface}`);
  return [...new Set(names)];
}

/** What an instance takes from tracking (VrrpInstance implements it). */
export interface TrackingTarget {
  setFault(source: string, active: boolean): void;
  setEffectivePriority(priority: number): void;
}

/**
 * Re-evaluates an instance's interface tracking and hands the result to it. `vmacs`: its
 * virtual interfaces (data-plane.ts), tracked like its own interface (keepalived: "entering
 * FAULT state (interface vrrp.51 down)").
 */
export function applyTracking(cfg: VrrpInstanceConfig, target: TrackingTarget, isUp: (ifname: string) => boolean, vmacs: readonly string[] = []): void {
  const own: TrackInterfaceSpec[] = cfg.dontTrackPrimary ? [] : vmacs.map((name) => ({ name, weight: 0, reverse: false }));
  const input: TrackingInput = { basePriority: cfg.priority, primaryInterface: cfg.interface, dontTrackPrimary: cfg.dontTrackPrimary, trackInterfaces: [...own, ...cfg.trackInterfaces] };
  const res = evaluateTracking(input, isUp);
  for (const src of trackedFaultSources(input)) target.setFault(src, res.faults.includes(src));
  target.setEffectivePriority(res.priority);
}
