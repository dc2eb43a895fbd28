/**
 * Runs the tracked `vrrp_script`s of the VRRP child on its Clock (keepalived.conf(5) "VRRP
 * script(s)"): each one at start and then every `interval`, never two runs of one script at a
 * time (a run still going at the next interval is skipped, logged as keepalived does), killed
 * at `timeout` (default: the interval) with SIGTERM to its process group, then SIGKILL 2 s
 * later if it is still there; a script that died of our SIGTERM has its group SIGKILLed too, so
 * nothing it started outlives it. Each run's end goes through script-state.ts; a change of
 * verdict is reported to the daemon, which re-evaluates the instances (tracking.ts).
 *
 * A script keepalived 2.2.7 cannot exec at run time (deleted or made non-executable after
 * start) is reported by its forked child as exit status 0: it counts as a success, as there.
 * Pure apart from the process port the daemon passes in (tracker-io.ts: sys/script-process.ts).
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { VrrpScriptConfig } from '../../config/model.js';
import { initialScriptState, scriptDumpWords, scriptRunEnded, scriptStatus, skippedRunLog, type ScriptRunEnd, type ScriptState, type ScriptStatus } from './script-state.js';

/** The kill grace keepalived gives a script between its timeout SIGTERM and the SIGKILL. */
export const SCRIPT_KILL_GRACE_MS = 2000;

/**
 * How a run's process ended: its exit status or terminating signal (number, as wait(2)
 * reports it), or why it could not be started.
 */
export type GroupExit =
  | { readonly type: 'exited'; readonly status: number }
  | { readonly type: 'signaled'; readonly signal: number }
  | { readonly type: 'spawn-error'; readonly message: string };

/** One started run, as the process port returns it. */
export interface ScriptProcess {
  readonly done: Promise<GroupExit>;
  signalGroup(sig: 'SIGTERM' | 'SIGKILL'): void;
}

export interface ScriptPorts {
  readonly clock: Clock;
  readonly log: Logger;
  /** Starts the script as its own process group (the user/group of its config). */
  spawn(cfg: VrrpScriptConfig): ScriptProcess;
  /** The uid:gid it runs as (the dumps show them). */
  ids(cfg: VrrpScriptConfig): { readonly uid: number; readonly gid: number };
}

/** What the dumps show of one script. */
export interface ScriptSnapshot {
  readonly cfg: VrrpScriptConfig;
  readonly state: ScriptState;
  /** keepalived's `Init state = …` (INIT, unknown) and `Status = …` (GOOD, BAD). */
  readonly words: { readonly initState: string; readonly status: string };
  readonly uid: number;
  readonly gid: number;
}

interface Entry {
  readonly cfg: VrrpScriptConfig;
  state: ScriptState;
  timer: TimerHandle | null;
  killTimer: TimerHandle | null;
  proc: ScriptProcess | null;
  /** When the next interval is due (a fixed cadence from the start). */
  nextAtMs: number;
}

const SIG_TERM = 15;

export class VrrpScripts {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  /**
   * @param scripts the scripts some instance or sync group tracks (others never run)
   * @param onChange a script's verdict changed
   * @param carried states kept across a reload, by name (same command line only)
   */
  constructor(
    scripts: readonly VrrpScriptConfig[],
    private readonly ports: ScriptPorts,
    private readonly onChange: (name: string) => void,
    carried?: ReadonlyMap<string, { readonly cfg: VrrpScriptConfig; readonly state: ScriptState }>,
  ) {
    for (const cfg of scripts) {
      const old = carried?.get(cfg.name);
      const keep = old !== undefined && old.cfg.script.argv.join('\0') === cfg.script.argv.join('\0') && old.cfg.rise === cfg.rise && old.cfg.fall === cfg.fall;
      const state = keep ? { ...old.state, run: 'idle' as const } : initialScriptState(cfg);
      this.entries.set(cfg.name, { cfg, state, timer: null, killTimer: null, proc: null, nextAtMs: 0 });
    }
  }

  /** First runs now, then every interval. */
  start(): void {
    const now = this.ports.clock.nowMs();
    for (const e of this.entries.values()) {
      e.nextAtMs = now;
      this.tick(e);
    }
  }

  status(name: string): ScriptStatus | undefined {
    const e = this.entries.get(name);
    return e ? scriptStatus(e.cfg, e.state) : undefined;
  }

  states(): Map<string, { readonly cfg: VrrpScriptConfig; readonly state: ScriptState }> {
    return new Map([...this.entries].map(([n, e]) => [n, { cfg: e.cfg, state: e.state }]));
  }

  snapshot(): ScriptSnapshot[] {
    return [...this.entries.values()].map((e) => ({ cfg: e.cfg, state: e.state, words: scriptDumpWords(e.cfg, e.state), ...this.ports.ids(e.cfg) }));
  }

  /** Stops the cadence; runs still going are asked to end (their results are ignored). */
  stop(): void {
    this.stopped = true;
    for (const e of this.entries.values()) {
      e.timer?.cancel();
      e.killTimer?.cancel();
      e.proc?.signalGroup('SIGTERM');
    }
  }

  private tick(e: Entry): void {
    if (this.stopped) return;
    e.nextAtMs += e.cfg.intervalMs;
    e.timer = this.ports.clock.setTimer(e.nextAtMs, () => this.tick(e));
    if (e.state.run !== 'idle') {
      this.ports.log.info(skippedRunLog(e.cfg, e.state));
      return;
    }
    this.run(e);
  }

  private run(e: Entry): void {
    const clock = this.ports.clock;
    const proc = this.ports.spawn(e.cfg);
    e.proc = proc;
    e.state = { ...e.state, run: 'running' };
    e.killTimer = clock.setTimer(clock.nowMs() + e.cfg.timeoutMs, () => {
      e.state = { ...e.state, run: 'requested termination' };
      proc.signalGroup('SIGTERM');
      e.killTimer = clock.setTimer(clock.nowMs() + SCRIPT_KILL_GRACE_MS, () => {
        e.killTimer = null;
        e.state = { ...e.state, run: 'forcing termination' };
        proc.signalGroup('SIGKILL');
      });
    });
    void proc.done.then((exit) => this.ended(e, proc, exit));
  }

  private ended(e: Entry, proc: ScriptProcess, exit: GroupExit): void {
    e.killTimer?.cancel();
    e.killTimer = null;
    e.proc = null;
    if (this.stopped) return;
    const killed = e.state.run === 'requested termination' ? 'term' : e.state.run === 'forcing termination' ? 'kill' : 'no';
    let end: ScriptRunEnd;
    if (exit.type === 'spawn-error') {
      this.ports.log.debug(`VRRP_Script(${e.cfg.name}) cannot be run: ${exit.message}`);
      end = { type: 'exited', status: 0, killed };
    } else if (exit.type === 'exited') {
      end = { type: 'exited', status: exit.status, killed };
    } else {
      // Dead of our SIGTERM: whatever it started is killed too.
      if (killed === 'term' && exit.signal === SIG_TERM) proc.signalGroup('SIGKILL');
      end = { type: 'signaled', signal: exit.signal, killed };
    }
    const step = scriptRunEnded(e.cfg, e.state, end);
    e.state = step.state;
    for (const l of step.logs) this.ports.log.info(l);
    if (step.changed !== null) this.onChange(e.cfg.name);
  }
}
