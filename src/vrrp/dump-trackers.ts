/**
 * The sync-group and tracker sections of keepalived.data (SIGUSR1, keepalived(8) SIGNALS)
 * in Debian keepalived 2.2.7's words and order (test/fixtures/keepalived-dumps/trackers):
 * `VRRP Sync groups`, `VRRP Scripts`, `VRRP Track files`, `VRRP Track processes`, and the
 * `Tracking VRRP instances` list of each interface. Configuration lines always; run-time
 * lines (a script's Result, Status and State, a file's value, a process count) only when the
 * tracker runtime reports them (dump-snapshot.ts TrackerStates). Pure.
 */
import type { DumpSnapshot, InstanceSnapshot, ScriptSnapshot, TrackedBy, TrackFileSnapshot, TrackProcessSnapshot } from './dump-snapshot.js';
import { notifyScriptLines, onOff, quoteArgv, secs } from './dump-text.js';

/** keepalived's "unlimited" quorum_max (UINT_MAX). */
const QUORUM_MAX_UNLIMITED = 4294967295;

const trackingLines = (list: readonly TrackedBy[]): string[] =>
  list.length === 0 ? [] : ['   Tracking instances :', ...list.map((t) => `     ${t.instance}, weight ${t.weight}${t.reverse ? ' reverse' : ''}`)];

function scriptLines(s: ScriptSnapshot, d: DumpSnapshot): string[] {
  const { cfg, runtime } = s;
  return [
    ` VRRP Script = ${cfg.name}`,
    `   Command = ${quoteArgv(cfg.script)}`,
    `   Interval = ${secs(cfg.intervalMs)} sec`,
    `   Timeout = ${secs(cfg.timeoutMs)} sec`,
    `   Weight = ${cfg.weight}${cfg.reverse ? ' reverse' : ''}`,
    `   Rise = ${cfg.rise}`,
    `   Fall = ${cfg.fall}`,
    ...(runtime ? [`   Result = ${runtime.result}`, `   Insecure = ${runtime.insecure ? 'yes' : 'no'}`] : []),
    `   Init state = ${cfg.initFail ? 'failed' : 'unknown'}`,
    ...(runtime ? [`   Status = ${runtime.status}`] : []),
    `   Script uid:gid = ${d.scriptIds.uid}:${d.scriptIds.gid}`,
    ...trackingLines(s.trackedBy),
    ...(runtime ? [`   State = ${runtime.state}`] : []),
  ];
}

function trackFileLines(f: TrackFileSnapshot): string[] {
  return [
    ` Track file = ${f.cfg.name}`,
    `   File = ${f.cfg.path}`,
    ...(f.runtime ? [`   Status = ${f.runtime.value}`] : []),
    `   Weight = ${f.cfg.weight}${f.cfg.reverse ? ' reverse' : ''}`,
    ...trackingLines(f.trackedBy),
  ];
}

const delayText = (ms: number): string => `${(ms / 1000).toFixed(6)}s`;
const running = (yes: boolean): string => (yes ? 'running' : 'not running');

function trackProcessLines(p: TrackProcessSnapshot): string[] {
  const { cfg, runtime } = p;
  return [
    ` VRRP Track process = ${cfg.name}`,
    `   Process = ${cfg.process}`,
    ...(cfg.params.length > 0 ? [`   Parameters = ${cfg.params.join(' ')}`, `   Param match = ${cfg.paramMatch}`] : []),
    `   Min processes = ${cfg.quorum}`,
    ...(cfg.quorumMax < QUORUM_MAX_UNLIMITED ? [`   Max processes = ${cfg.quorumMax}`] : []),
    ...(runtime ? [`   Current processes = ${runtime.currentProcesses}`, `   Have quorum = ${onOff(runtime.haveQuorum)}`] : []),
    `   Weight = ${cfg.weight}${cfg.reverse ? ' reverse' : ''}`,
    `   Terminate delay = ${delayText(cfg.terminateDelayMs)}`,
    `   Fork delay = ${delayText(cfg.forkDelayMs)}`,
    ...(runtime ? [`   Fork delay timer ${running(runtime.forkDelayTimerRunning)}`, `   Terminate delay timer ${running(runtime.terminateDelayTimerRunning)}`] : []),
    `   Full command = ${onOff(cfg.fullCommand)}`,
    ...trackingLines(p.trackedBy),
  ];
}

/** The sections between the socket pool and the interfaces; a section without entries is left out, as keepalived does. */
export function trackerSections(d: DumpSnapshot): string[] {
  const out: string[] = [];
  if (d.syncGroups.length > 0) {
    out.push('------< VRRP Sync groups >------');
    for (const g of d.syncGroups) {
      out.push(
        ` VRRP Sync Group = ${g.cfg.name}, ${g.state}`,
        `   Num member fault ${g.membersFault}, num member init ${g.membersInit}`,
        '   VRRP member instances :',
        ...g.cfg.members.map((m) => `     ${m}`),
        `   Using smtp notification = ${g.cfg.smtpAlert ? 'yes' : 'no'}`,
        ...notifyScriptLines(g.cfg.notify, d.scriptIds),
      );
    }
  }
  if (d.scripts.length > 0) out.push('------< VRRP Scripts >------', ...d.scripts.flatMap((s) => scriptLines(s, d)));
  if (d.trackFiles.length > 0) out.push('------< VRRP Track files >------', ...d.trackFiles.flatMap(trackFileLines));
  if (d.trackProcesses.length > 0) out.push('------< VRRP Track processes >------', ...d.trackProcesses.flatMap(trackProcessLines));
  return out;
}

/**
 * An interface's `Tracking VRRP instances :` list: every instance on it (weight 0: its own
 * interface, a fault when down) and every instance tracking it with its weight.
 */
export function interfaceTrackingLines(ifname: string, instances: readonly InstanceSnapshot[]): string[] {
  const entries: string[] = [];
  for (const i of instances) {
    if (i.cfg.interface === ifname && !i.cfg.dontTrackPrimary) entries.push(`     ${i.cfg.name}, weight 0`);
  }
  for (const i of instances) {
    for (const t of i.tracking.interfaces) if (t.name === ifname) entries.push(`     ${i.cfg.name}, weight ${t.weight}${t.reverse ? ' reverse' : ''}`);
  }
  return entries.length === 0 ? [] : ['   Tracking VRRP instances :', ...entries];
}
