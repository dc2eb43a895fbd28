/**
 * All the trackers of the VRRP child (keepalived.conf(5) `vrrp_script`, `track_file`,
 * `vrrp_track_process`): the ones some vrrp_instance or vrrp_sync_group tracks are started,
 * the others never run. Gives tracking.ts its readings, tells the daemon which tracker changed
 * (`kind:name`), and hands the dumps their state as plain data. Pure: processes, files and
 * process events come through TrackerIo (the daemon's seam, child-deps.ts).
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { KeepalivedConfig, TrackFileConfig, TrackProcessConfig, VrrpScriptConfig } from '../../config/model.js';
import type { RunnableScript } from '../../notify/script-pass.js';
import type { ScriptRuntime, TrackFileRuntime, TrackProcessRuntime } from '../dump-snapshot.js';
import type { TrackerReadings } from '../tracking.js';
import { needsCmdline, TrackProcesses, type ProcEvent, type ProcIdentity } from './track-processes.js';
import { TrackFiles, type TrackFilePorts } from './track-files.js';
import { VrrpScripts, type ScriptProcess } from './vrrp-scripts.js';
import type { ScriptState } from './script-state.js';

/** A process event source, started with the processes running now. */
export interface ProcessWatch {
  readonly initial: Iterable<readonly [number, ProcIdentity]>;
  close(): void;
}

/** The trackers' side of the VRRP child's seam. */
export interface TrackerIo {
  /** Starts a vrrp_script as its own process group, as the script pass cleared it (`run`: path, user). */
  spawnScript(cfg: VrrpScriptConfig, run: RunnableScript, umask: number): ScriptProcess;
  readonly files: Omit<TrackFilePorts, 'log'>;
  /** init_file at start (and reload: never overwriting then). */
  initTrackFiles(files: readonly TrackFileConfig[], reload: boolean, log: Logger): void;
  /** Starts process events (the proc connector where it works, else /proc scans). */
  watchProcesses(opts: { readonly withCmdline: boolean; readonly log: Logger }, onEvents: (evs: readonly ProcEvent[]) => void): ProcessWatch;
}

export type TrackerKind = 'script' | 'file' | 'process';

/** Names of the trackers referenced by any instance or sync group. */
function used(config: KeepalivedConfig): { scripts: Set<string>; files: Set<string>; processes: Set<string> } {
  const out = { scripts: new Set<string>(), files: new Set<string>(), processes: new Set<string>() };
  for (const o of [...config.vrrpInstances, ...config.vrrpSyncGroups]) {
    for (const r of o.trackScripts) out.scripts.add(r.name);
    for (const r of o.trackFiles) out.files.add(r.name);
    for (const r of o.trackProcesses) out.processes.add(r.name);
  }
  return out;
}

export class TrackerSet {
  private readonly scripts: VrrpScripts;
  private readonly files: TrackFiles;
  private readonly processes: TrackProcesses;
  private processWatch: ProcessWatch | null = null;

  constructor(
    config: KeepalivedConfig,
    private readonly io: TrackerIo,
    /** vrrp_script name → what the script pass cleared to run. */
    cleared: ReadonlyMap<string, RunnableScript>,
    ports: { readonly clock: Clock; readonly log: Logger; readonly umask: number },
    private readonly onChange: (kind: TrackerKind, name: string) => void,
    opts: { readonly reload?: boolean; readonly carried?: ReadonlyMap<string, { readonly cfg: VrrpScriptConfig; readonly state: ScriptState }> } = {},
  ) {
    const u = used(config);
    // Only what the script pass cleared runs (notify/script-plan.ts: its user, its resolved
    // path); the pass has logged why the others may not.
    const scripts = config.vrrpScripts.filter((s) => u.scripts.has(s.name) && cleared.has(s.name));
    const runOf = (cfg: VrrpScriptConfig): RunnableScript => cleared.get(cfg.name) ?? { argv: cfg.script.argv, uid: 0, gid: 0, text: cfg.script.text };
    this.scripts = new VrrpScripts(scripts, { ...ports, spawn: (cfg) => io.spawnScript(cfg, runOf(cfg), ports.umask), ids: (cfg) => runOf(cfg) }, (n) => onChange('script', n), opts.carried);
    const files = config.trackFiles.filter((f) => u.files.has(f.name));
    io.initTrackFiles(files, opts.reload === true, ports.log);
    this.files = new TrackFiles(files, { ...io.files, log: ports.log }, (n) => onChange('file', n));
    const procs: TrackProcessConfig[] = config.trackProcesses.filter((p) => u.processes.has(p.name));
    this.processes = new TrackProcesses(procs, ports, (n) => onChange('process', n));
    if (procs.length > 0) {
      this.processWatch = io.watchProcesses({ withCmdline: needsCmdline(procs), log: ports.log }, (evs) => {
        for (const ev of evs) this.processes.handle(ev);
      });
      this.processes.initial(this.processWatch.initial);
    }
  }

  /** Starts the scripts' cadence (first runs now). */
  start(): void {
    this.scripts.start();
  }

  stop(): void {
    this.scripts.stop();
    this.files.close();
    this.processes.close();
    this.processWatch?.close();
    this.processWatch = null;
  }

  /** Script states to carry into the next TrackerSet at a reload. */
  scriptStates(): Map<string, { readonly cfg: VrrpScriptConfig; readonly state: ScriptState }> {
    return this.scripts.states();
  }

  script(name: string): ReturnType<TrackerReadings['script']> {
    return this.scripts.status(name);
  }

  fileValue(name: string): number | undefined {
    return this.files.value(name);
  }

  processQuorum(name: string): boolean | undefined {
    return this.processes.quorum(name);
  }

  /** A script's state for the dumps (dump-snapshot.ts); undefined when it does not run. */
  scriptRuntime(name: string): ScriptRuntime | undefined {
    const s = this.scripts.snapshot().find((x) => x.cfg.name === name);
    if (!s) return undefined;
    return { result: s.state.result, status: s.words.status === 'GOOD' ? 'GOOD' : 'BAD', state: s.state.run, insecure: false, initState: s.words.initState, ids: { uid: s.uid, gid: s.gid } };
  }

  fileRuntime(name: string): TrackFileRuntime | undefined {
    const f = this.files.snapshot().find((x) => x.cfg.name === name);
    return f && { value: f.value };
  }

  processRuntime(name: string): TrackProcessRuntime | undefined {
    const p = this.processes.snapshot().find((x) => x.cfg.name === name);
    return p && { currentProcesses: p.count, haveQuorum: p.haveQuorum, forkDelayTimerRunning: p.forkTimerRunning, terminateDelayTimerRunning: p.terminateTimerRunning };
  }
}
