/**
 * What an instance's trackers make of it (VRRP child): its fault sources, its total priority
 * (base + every tracker's contribution, unclamped; the FSM clamps to [1,254] and leaves an
 * address owner at 255) and whether it still waits in INIT for unweighted scripts' first
 * result. Trackers are the instance's own `track_interface`/`track_script`/`track_file`/
 * `track_process` lines, its interface (unless `dont_track_primary`), and those of its
 * vrrp_sync_group, which apply to every member (keepalived.conf(5) "VRRP synchronization
 * group(s)"). Pure.
 *
 * keepalived 2.2.7's arithmetic (checked against it, test/e2e/trackers-keepalived.test.ts):
 * - up/down trackers (interface, script, process quorum): weight 0 ⇒ a fault while down
 *   (`reverse`: while up); weight > 0 ⇒ +weight while up; weight < 0 ⇒ weight while down;
 *   `reverse` negates the contribution (weight 10 reverse ⇒ −10 while up);
 * - a script before its first result contributes nothing, and with weight 0 holds the
 *   instance in INIT;
 * - track_file: weight 0 ⇒ a fault while the value is non-zero (`reverse`: zero); otherwise
 *   value × weight (× −1 reversed), clamped to [−254, 253], −254 being a fault.
 */
import type { TrackInterfaceSpec, VrrpInstanceConfig, VrrpSyncGroupConfig } from '../config/model.js';
import type { ScriptStatus } from './trackers/script-state.js';

/** One `NAME [weight N [reverse]]` reference, resolved (the tracker's own weight if the line had none). */
export interface WeightedRef {
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
}

/** Everything an instance tracks, its own lines and its sync group's merged. */
export interface TrackingSpec {
  readonly basePriority: number;
  /** The instance's interface, or undefined (unicast without interface). */
  readonly primaryInterface: string | undefined;
  readonly dontTrackPrimary: boolean;
  readonly interfaces: readonly TrackInterfaceSpec[];
  readonly scripts: readonly WeightedRef[];
  readonly files: readonly WeightedRef[];
  readonly processes: readonly WeightedRef[];
}

/** The trackers' current readings. An unknown name (a disabled script, a removed file) counts for nothing. */
export interface TrackerReadings {
  /** The interface exists and is running. */
  isUp(ifname: string): boolean;
  script(name: string): ScriptStatus | undefined;
  /** The value last read from the file. */
  fileValue(name: string): number | undefined;
  /** Whether the process quorum is met. */
  processQuorum(name: string): boolean | undefined;
}

export interface TrackingResult {
  /** Fault source names (`interface:NAME`, `script:NAME`, `file:NAME`, `process:NAME`), active ones only, sorted. */
  readonly faults: readonly string[];
  /** Base + contributions, not clamped. */
  readonly priority: number;
  /** Unweighted scripts that have not reported yet: the instance waits in INIT while > 0. */
  readonly scriptsInit: number;
}

/** The merge of an instance's lines and its group's: one entry per name, the instance's if it has one. */
function merged<T extends { readonly name: string }>(own: readonly T[], group: readonly T[] | undefined): T[] {
  const out = [...own];
  for (const g of group ?? []) if (!out.some((o) => o.name === g.name)) out.push(g);
  return out;
}

const resolved = (refs: VrrpInstanceConfig['trackScripts']): WeightedRef[] => refs.map((r) => ({ name: r.name, weight: r.weight ?? 0, reverse: r.reverse === true }));

/**
 * `vmacs`: the instance's virtual interfaces (data-plane.ts), tracked like its own interface
 * (keepalived: "entering FAULT state (interface vrrp.51 down)").
 */
export function trackingSpec(cfg: VrrpInstanceConfig, group?: VrrpSyncGroupConfig, vmacs: readonly string[] = []): TrackingSpec {
  const own: TrackInterfaceSpec[] = cfg.dontTrackPrimary ? [] : vmacs.map((name) => ({ name, weight: 0, reverse: false }));
  return {
    basePriority: cfg.priority,
    primaryInterface: cfg.interface,
    dontTrackPrimary: cfg.dontTrackPrimary,
    interfaces: [...own, ...merged(cfg.trackInterfaces, group?.trackInterfaces)],
    scripts: merged(resolved(cfg.trackScripts), group && resolved(group.trackScripts)),
    files: merged(resolved(cfg.trackFiles), group && resolved(group.trackFiles)),
    processes: merged(resolved(cfg.trackProcesses), group && resolved(group.trackProcesses)),
  };
}

/** An up/down tracker's contribution: a fault, or a priority change (keepalived's weight × multiplier). */
export function upDownContribution(up: boolean, weight: number, reverse: boolean): { readonly fault: boolean; readonly delta: number } {
  if (weight === 0) return { fault: up === reverse, delta: 0 };
  const applies = weight > 0 ? up : !up;
  return { fault: false, delta: applies ? weight * (reverse ? -1 : 1) : 0 };
}

export const FILE_FAULT_STATUS = -254;

/** A track_file's status for one tracking instance: −254 is a fault, anything else is added. */
export function fileStatus(value: number, weight: number, reverse: boolean): number {
  if (weight === 0) return (value !== 0) !== reverse ? FILE_FAULT_STATUS : 0;
  return Math.max(FILE_FAULT_STATUS, Math.min(253, value * weight * (reverse ? -1 : 1)));
}

export function evaluateTracking(spec: TrackingSpec, r: TrackerReadings): TrackingResult {
  const faults = new Set<string>();
  let priority = spec.basePriority;
  let scriptsInit = 0;
  const upDown = (kind: string, name: string, up: boolean, weight: number, reverse: boolean): void => {
    const c = upDownContribution(up, weight, reverse);
    if (c.fault) faults.add(`${kind}:${name}`);
    priority += c.delta;
  };
  if (spec.primaryInterface !== undefined && !spec.dontTrackPrimary && !r.isUp(spec.primaryInterface)) faults.add(`interface:${spec.primaryInterface}`);
  for (const t of spec.interfaces) upDown('interface', t.name, r.isUp(t.name), t.weight, t.reverse);
  for (const t of spec.scripts) {
    const status = r.script(t.name);
    if (status === undefined) continue;
    if (status === 'init') {
      if (t.weight === 0) scriptsInit++;
      continue;
    }
    upDown('script', t.name, status === 'ok', t.weight, t.reverse);
  }
  for (const t of spec.files) {
    const value = r.fileValue(t.name);
    if (value === undefined) continue;
    const s = fileStatus(value, t.weight, t.reverse);
    if (s === FILE_FAULT_STATUS) faults.add(`file:${t.name}`);
    else priority += s;
  }
  for (const t of spec.processes) {
    const q = r.processQuorum(t.name);
    if (q !== undefined) upDown('process', t.name, q, t.weight, t.reverse);
  }
  return { faults: [...faults].sort(), priority, scriptsInit };
}

/** All fault source names the spec can produce (to clear stale ones). */
export function trackedFaultSources(spec: TrackingSpec): string[] {
  const names = [
    ...spec.interfaces.map((t) => `interface:${t.name}`),
    ...spec.scripts.map((t) => `script:${t.name}`),
    ...spec.files.map((t) => `file:${t.name}`),
    ...spec.processes.map((t) => `process:${t.name}`),
  ];
  if (spec.primaryInterface !== undefined && !spec.dontTrackPrimary) names.push(`interface:${spec.primaryInterface}`);
  return [...new Set(names)];
}

/** What an instance takes from tracking (VrrpInstance implements it). */
export interface TrackingTarget {
  setFault(source: string, active: boolean): void;
  setEffectivePriority(priority: number): void;
}

/** Re-evaluates an instance's trackers and hands the result to it; returns it (for the dumps and the INIT hold). */
export function applyTracking(spec: TrackingSpec, target: TrackingTarget, r: TrackerReadings): TrackingResult {
  const res = evaluateTracking(spec, r);
  for (const src of trackedFaultSources(spec)) target.setFault(src, res.faults.includes(src));
  target.setEffectivePriority(res.priority);
  return res;
}
