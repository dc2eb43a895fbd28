/**
 * The VRRP child's `vrrp_track_process`es (keepalived.conf(5) "VRRP track processes"): how many
 * running processes match each one, and whether that number is within [quorum, quorum_max].
 * A process matches by its name (/proc/PID/stat's comm, as `pgrep '^name$'`), or by its
 * command line's first word when `full_command` or parameters are given, the parameters then
 * compared exactly, as a prefix of the process's (`partial`), or with the last one a prefix
 * (`initial`). Zombies do not count.
 *
 * keepalived's delays: quorum gained by a fork of a tracked process waits `fork_delay` (a
 * reloading daemon forks and exits), quorum lost by an exit waits `terminate_delay`; the
 * opposite event in between cancels the wait. "Quorum gained/lost for tracked process NAME"
 * is logged on each change. Fed by process events from an adapter (process-scan.ts: /proc
 * scans; proc-connector-client.ts: the kernel's process events); pure, timers on the Clock.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { TrackProcessConfig } from '../../config/model.js';

/** What a process is running: its comm, and its argv when some tracker needs the command line. */
export interface ProcIdentity {
  readonly comm: string;
  readonly argv: readonly string[] | null;
}

/**
 * - `exec`: the process now runs this (first seen, exec'd, renamed);
 * - `fork`: a new child of `ppid`, still running its parent's program;
 * - `exit`: gone (or a zombie);
 * - `resync`: events were lost; this is the whole process table now.
 */
export type ProcEvent =
  | { readonly type: 'exec'; readonly pid: number; readonly id: ProcIdentity }
  | { readonly type: 'fork'; readonly pid: number; readonly ppid: number }
  | { readonly type: 'exit'; readonly pid: number }
  | { readonly type: 'resync'; readonly procs: ReadonlyMap<number, ProcIdentity> };

/** Whether any tracker needs /proc/PID/cmdline (reading it costs more than comm). */
export const needsCmdline = (cfgs: readonly TrackProcessConfig[]): boolean => cfgs.some((c) => c.fullCommand || c.params.length > 0);

export function processMatches(cfg: TrackProcessConfig, id: ProcIdentity): boolean {
  const byCmdline = cfg.fullCommand || cfg.params.length > 0;
  if (!byCmdline) return id.comm === cfg.process;
  const argv = id.argv;
  if (argv === null || argv[0] !== cfg.process) return false;
  const have = argv.slice(1);
  const want = cfg.params;
  if (want.length === 0) return true;
  if (have.length < want.length) return false;
  switch (cfg.paramMatch) {
    case 'exact':
      return have.length === want.length && want.every((w, i) => w === have[i]);
    case 'partial':
      return want.every((w, i) => w === have[i]);
    case 'initial':
      return want.every((w, i) => (i === want.length - 1 ? have[i]!.startsWith(w) : w === have[i]));
  }
}

export interface ProcessSnapshot {
  readonly cfg: TrackProcessConfig;
  readonly count: number;
  readonly haveQuorum: boolean;
  readonly forkTimerRunning: boolean;
  readonly terminateTimerRunning: boolean;
}

interface Entry {
  readonly cfg: TrackProcessConfig;
  readonly pids: Set<number>;
  haveQuorum: boolean;
  forkTimer: TimerHandle | null;
  terminateTimer: TimerHandle | null;
}

export interface ProcessPorts {
  readonly clock: Clock;
  readonly log: Logger;
}

export class TrackProcesses {
  private readonly entries: Entry[];
  private started = false;

  constructor(
    processes: readonly TrackProcessConfig[],
    private readonly ports: ProcessPorts,
    private readonly onChange: (name: string) => void,
  ) {
    this.entries = processes.map((cfg) => ({ cfg, pids: new Set(), haveQuorum: false, forkTimer: null, terminateTimer: null }));
  }

  get configs(): TrackProcessConfig[] {
    return this.entries.map((e) => e.cfg);
  }

  /** The processes running at start (keepalived's first scan): counted silently, no delays. */
  initial(procs: Iterable<readonly [number, ProcIdentity]>): void {
    for (const [pid, id] of procs) for (const e of this.entries) if (processMatches(e.cfg, id)) e.pids.add(pid);
    for (const e of this.entries) e.haveQuorum = this.inRange(e);
    this.started = true;
  }

  quorum(name: string): boolean | undefined {
    return this.entries.find((e) => e.cfg.name === name)?.haveQuorum;
  }

  snapshot(): ProcessSnapshot[] {
    return this.entries.map((e) => ({ cfg: e.cfg, count: e.pids.size, haveQuorum: e.haveQuorum, forkTimerRunning: e.forkTimer !== null, terminateTimerRunning: e.terminateTimer !== null }));
  }

  close(): void {
    for (const e of this.entries) {
      e.forkTimer?.cancel();
      e.terminateTimer?.cancel();
    }
  }

  handle(ev: ProcEvent): void {
    if (!this.started) return;
    if (ev.type === 'resync') {
      for (const e of this.entries) {
        for (const pid of [...e.pids]) if (!ev.procs.has(pid)) this.removed(e, pid, true);
        for (const [pid, id] of ev.procs) if (!e.pids.has(pid) && processMatches(e.cfg, id)) this.added(e, pid, false);
      }
      return;
    }
    for (const e of this.entries) {
      switch (ev.type) {
        case 'fork':
          if (e.pids.has(ev.ppid) && !e.pids.has(ev.pid)) this.added(e, ev.pid, true);
          break;
        case 'exec': {
          const m = processMatches(e.cfg, ev.id);
          if (m && !e.pids.has(ev.pid)) this.added(e, ev.pid, false);
          else if (!m && e.pids.has(ev.pid)) this.removed(e, ev.pid, false);
          break;
        }
        case 'exit':
          if (e.pids.has(ev.pid)) this.removed(e, ev.pid, true);
          break;
      }
    }
  }

  private inRange(e: Entry): boolean {
    return e.pids.size >= e.cfg.quorum && e.pids.size <= e.cfg.quorumMax;
  }

  private added(e: Entry, pid: number, viaFork: boolean): void {
    e.pids.add(pid);
    const n = e.pids.size;
    if (n !== e.cfg.quorum && n !== e.cfg.quorumMax + 1) return;
    if (e.terminateTimer !== null) {
      e.terminateTimer.cancel();
      e.terminateTimer = null;
      if (viaFork) return;
    } else if (viaFork && e.cfg.forkDelayMs > 0) {
      e.forkTimer?.cancel();
      e.forkTimer = this.ports.clock.setTimer(this.ports.clock.nowMs() + e.cfg.forkDelayMs, () => {
        e.forkTimer = null;
        this.update(e, this.inRange(e));
      });
      return;
    }
    this.update(e, n === e.cfg.quorum);
  }

  private removed(e: Entry, pid: number, viaExit: boolean): void {
    const before = e.pids.size;
    e.pids.delete(pid);
    const n = e.pids.size;
    if (before !== e.cfg.quorum && n !== e.cfg.quorumMax) return;
    if (e.forkTimer !== null) {
      e.forkTimer.cancel();
      e.forkTimer = null;
    } else if (viaExit && e.cfg.terminateDelayMs > 0) {
      e.terminateTimer?.cancel();
      e.terminateTimer = this.ports.clock.setTimer(this.ports.clock.nowMs() + e.cfg.terminateDelayMs, () => {
        e.terminateTimer = null;
        this.update(e, this.inRange(e));
      });
      return;
    }
    this.update(e, n === e.cfg.quorumMax);
  }

  private update(e: Entry, up: boolean): void {
    if (up === e.haveQuorum) return;
    e.haveQuorum = up;
    this.ports.log.info(`Quorum ${up ? 'gained' : 'lost'} for tracked process ${e.cfg.name}`);
    this.onChange(e.cfg.name);
  }
}
