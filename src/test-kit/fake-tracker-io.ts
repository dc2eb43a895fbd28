/**
 * A fake TrackerIo (vrrp/trackers/tracker-set.ts) on a Clock: vrrp_scripts whose exit status
 * the test sets per script name (each run lasts `runMs`; a `hang` one runs until signalled, and
 * `ignore-term` survives SIGTERM until the SIGKILL), an in-memory file system for track files
 * whose writes reach the watchers, and a process table whose changes become process events.
 * Runs the VRRP child's trackers in unit tests and the seeded simulation without a process.
 */
import type { Clock } from '../core/clock.js';
import type { VrrpScriptConfig } from '../config/model.js';
import type { ProcEvent, ProcIdentity } from '../vrrp/trackers/track-processes.js';
import type { TrackerIo } from '../vrrp/trackers/tracker-set.js';
import type { GroupExit, ScriptProcess } from '../vrrp/trackers/vrrp-scripts.js';

/** What a script does when run: exit with a status, hang, or hang ignoring SIGTERM. */
export type FakeScriptBehaviour = number | 'hang' | 'ignore-term';

export class FakeTrackerIo implements TrackerIo {
  /** Behaviour by script name (default exit 0). */
  readonly behaviour = new Map<string, FakeScriptBehaviour>();
  /** Every run started: `NAME@ms`. */
  readonly runs: string[] = [];
  /** Signals sent: `NAME SIGTERM@ms`. */
  readonly signals: string[] = [];
  /** Runs still going. */
  running = 0;
  private readonly contents = new Map<string, string>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly procs = new Map<number, ProcIdentity>();
  private readonly procListeners = new Set<(evs: readonly ProcEvent[]) => void>();

  constructor(
    private readonly clock: Clock,
    private readonly runMs = 10,
  ) {}

  spawnScript(cfg: VrrpScriptConfig): ScriptProcess {
    const b = this.behaviour.get(cfg.name) ?? 0;
    this.runs.push(`${cfg.name}@${this.clock.nowMs()}`);
    this.running++;
    let finish: (e: GroupExit) => void = () => undefined;
    let ended = false;
    const done = new Promise<GroupExit>((resolve) => {
      finish = (e) => {
        if (ended) return;
        ended = true;
        this.running--;
        resolve(e);
      };
    });
    if (typeof b === 'number') this.clock.setTimer(this.clock.nowMs() + this.runMs, () => finish({ type: 'exited', status: b }));
    return {
      done,
      signalGroup: (sig) => {
        this.signals.push(`${cfg.name} ${sig}@${this.clock.nowMs()}`);
        if (sig === 'SIGKILL') finish({ type: 'signaled', signal: 9 });
        else if (b !== 'ignore-term') finish({ type: 'signaled', signal: 15 });
      },
    };
  }

  readonly files = {
    resolve: (path: string): string | null => (path.startsWith('/missing/') ? null : path),
    read: (path: string): string | null => this.contents.get(path) ?? null,
    watch: (path: string, onEvent: () => void): { close(): void } => {
      const set = this.watchers.get(path) ?? new Set();
      set.add(onEvent);
      this.watchers.set(path, set);
      return { close: () => set.delete(onEvent) };
    },
  };

  initTrackFiles(): void {}

  /** Writes (or with null removes) a file; its watchers see it. */
  writeFile(path: string, text: string | null): void {
    if (text === null) this.contents.delete(path);
    else this.contents.set(path, text);
    for (const cb of this.watchers.get(path) ?? []) cb();
  }

  watchProcesses(_opts: unknown, onEvents: (evs: readonly ProcEvent[]) => void): { initial: Iterable<readonly [number, ProcIdentity]>; close(): void } {
    this.procListeners.add(onEvents);
    return { initial: [...this.procs], close: () => this.procListeners.delete(onEvents) };
  }

  /** A process starts (`exec`) or forks from `ppid`. */
  startProcess(pid: number, comm: string, ppid?: number): void {
    this.procs.set(pid, { comm, argv: [comm] });
    this.emit(ppid !== undefined && this.procs.get(ppid)?.comm === comm ? { type: 'fork', pid, ppid } : { type: 'exec', pid, id: { comm, argv: [comm] } });
  }

  stopProcess(pid: number): void {
    this.procs.delete(pid);
    this.emit({ type: 'exit', pid });
  }

  private emit(ev: ProcEvent): void {
    for (const cb of this.procListeners) cb([ev]);
  }
}
