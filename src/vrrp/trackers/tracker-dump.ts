/**
 * The trackers in keepalived.data (SIGUSR1, keepalived(8)), laid out as Debian keepalived 2.2.7
 * writes them: an instance's own `Tracked interfaces/scripts/files/processes :` lists, and the
 * `VRRP Scripts`, `VRRP Track files` and `VRRP Track processes` sections after the socket
 * pool, each tracker with the instances tracking it (a sync group's trackers list its
 * members). Pure; dump.ts places the lines.
 */
import type { TrackInterfaceSpec, VrrpInstanceConfig } from '../../config/model.js';
import type { TrackingSpec, WeightedRef } from '../tracking.js';
import type { TrackersSnapshot } from './tracker-set.js';

/** What the dump shows of one instance's tracking. */
export interface InstanceTrackingSnapshot {
  /** Its trackers, its sync group's merged (tracking.ts). */
  readonly spec: TrackingSpec;
  /** Base + contributions, unclamped (`Total priority`). */
  readonly totalPriority: number;
  /** Unweighted scripts that have not reported (`Number of track scripts init`). */
  readonly scriptsInit: number;
  /** Waiting for them: keepalived shows such an instance in FAULT. */
  readonly held: boolean;
}

const rev = (r: boolean): string => (r ? ' reverse' : '');
const refWeight = (r: { readonly weight?: number; readonly reverse?: boolean }): string => `weight ${r.weight ?? 0}${rev(r.reverse === true)}`;

/** `   Tracked interfaces :` … of the instance's own lines. */
export function instanceTrackedLines(cfg: VrrpInstanceConfig): string[] {
  const lines: string[] = [];
  const list = <T>(title: string, items: readonly T[], line: (t: T) => string): void => {
    if (items.length > 0) lines.push(`   ${title} :`, ...items.map((t) => `     ${line(t)}`));
  };
  list('Tracked interfaces', cfg.trackInterfaces, (t: TrackInterfaceSpec) => `${t.name} weight ${t.weight}${rev(t.reverse)}`);
  list('Tracked scripts', cfg.trackScripts, (t) => `${t.name} ${refWeight(t)}`);
  list('Tracked files', cfg.trackFiles, (t) => `${t.name}, ${refWeight(t)}`);
  list('Tracked processes', cfg.trackProcesses, (t) => `${t.name}, ${refWeight(t)}`);
  return lines;
}

type Tracking = readonly { readonly name: string; readonly spec: TrackingSpec }[];

function trackingInstances(instances: Tracking, pick: (s: TrackingSpec) => readonly WeightedRef[], name: string): string[] {
  const out: string[] = [];
  for (const i of instances) {
    const r = pick(i.spec).find((x) => x.name === name);
    if (r) out.push(`     ${i.name}, weight ${r.weight}${rev(r.reverse)}`);
  }
  return out.length > 0 ? ['   Tracking instances :', ...out] : [];
}

const secs = (ms: number): number => Math.floor(ms / 1000);
const fixed6 = (ms: number): string => (ms / 1000).toFixed(6);

/** The three tracker sections (only those with trackers in use). */
export function trackerSectionLines(t: TrackersSnapshot, instances: Tracking): string[] {
  const lines: string[] = [];
  if (t.scripts.length > 0) lines.push('------< VRRP Scripts >------');
  for (const s of t.scripts) {
    const c = s.cfg;
    lines.push(
      ` VRRP Script = ${c.name}`,
      `   Command = ${c.script.argv.map((a) => `'${a}'`).join(' ')}`,
      `   Interval = ${secs(c.intervalMs)} sec`,
      `   Timeout = ${c.timeoutSet ? secs(c.timeoutMs) : 0} sec`,
      `   Weight = ${c.weight}${rev(c.reverse)}`,
      `   Rise = ${c.rise}`,
      `   Fall = ${c.fall}`,
      `   Result = ${s.state.result}`,
      '   Insecure = no',
      `   Init state = ${s.words.initState}`,
      `   Status = ${s.words.status}`,
      `   Script uid:gid = ${s.uid}:${s.gid}`,
      '   VRRP instances :',
      ...trackingInstances(instances, (x) => x.scripts, c.name),
      `   State = ${s.state.run}`,
    );
  }
  if (t.files.length > 0) lines.push('------< VRRP Track files >------');
  for (const f of t.files) {
    lines.push(` Track file = ${f.cfg.name}`, `   File = ${f.path}`, `   Status = ${f.value}`, `   Weight = ${f.cfg.weight}${rev(f.cfg.reverse)}`, ...trackingInstances(instances, (x) => x.files, f.cfg.name));
  }
  if (t.processes.length > 0) lines.push('------< VRRP Track processes >------');
  for (const p of t.processes) {
    const c = p.cfg;
    lines.push(` VRRP Track process = ${c.name}`, `   Process = ${c.process}`);
    if (c.params.length > 0) lines.push(`   Parameters = ${c.params.join(' ')}`, `   Param match${c.paramMatch === 'exact' ? '' : ` = ${c.paramMatch}`}`);
    lines.push(`   Min processes = ${c.quorum}`);
    if (c.quorumMax !== 4294967295) lines.push(`   Max processes = ${c.quorumMax}`);
    lines.push(
      `   Current processes = ${p.count}`,
      `   Have quorum = ${p.haveQuorum}`,
      `   Weight = ${c.weight}${rev(c.reverse)}`,
      `   Terminate delay = ${fixed6(c.terminateDelayMs)}s`,
      `   Fork delay = ${fixed6(c.forkDelayMs)}s`,
      `   Fork delay timer ${p.forkTimerRunning ? '' : 'not '}running`,
      `   Terminate delay timer ${p.terminateTimerRunning ? '' : 'not '}running`,
      `   Full command = ${c.fullCommand}`,
      ...trackingInstances(instances, (x) => x.processes, c.name),
    );
  }
  return lines;
}
