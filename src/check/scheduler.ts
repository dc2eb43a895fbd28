/**
 * Drives the polled checkers of an EngineState with one timer each (Clock injected, so a
 * simulation runs on a FakeClock): first run at random in [0, warmup], then whatever delay
 * the checker FSM asks for. Probe runs are promises, never awaited in a loop, so thousands
 * run concurrently; a result that arrives after stop() (reload, shutdown) is dropped.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { firstRunDelayMs, nextUrl } from './checker-fsm.js';
import type { Step } from './effects.js';
import { checkerResult, type CheckerRef, type EngineState } from './lvs-state.js';
import type { PolledCheckerConfig, Probe, ProbeOutcome } from './probe.js';

export interface SchedulerDeps {
  readonly clock: Clock;
  /** [0, 1): warmup spread. */
  readonly random: () => number;
  readonly log: Logger;
  /** undefined = no probe for this checker type (it keeps its initial state). */
  readonly createProbe: (config: PolledCheckerConfig, ref: CheckerRef) => Probe | undefined;
  readonly onStep: (step: Step, ref: CheckerRef) => void;
  /** ha_suspend: true while this VS's checkers must not run (its address is not local). */
  readonly suspended?: (vsIndex: number) => boolean;
}

interface Running {
  readonly ref: CheckerRef;
  readonly probe: Probe;
  timer: TimerHandle | null;
  abort: AbortController | null;
}

const isPolled = (c: { type: string }): c is PolledCheckerConfig => c.type !== 'FILE_CHECK' && c.type !== 'BFD_CHECK';

export class CheckerScheduler {
  private readonly running: Running[] = [];
  private stopped = false;
  /** Probe runs started (for tests and the data dump). */
  runs = 0;

  constructor(
    private readonly state: EngineState,
    private readonly deps: SchedulerDeps,
  ) {}

  start(): void {
    const missing = new Set<string>();
    this.state.vss.forEach((vs, vi) =>
      vs.rss.forEach((rs, ri) =>
        rs.checkers.forEach((c, ci) => {
          if (!isPolled(c.cfg)) return;
          const ref = { vs: vi, rs: ri, checker: ci };
          const probe = this.deps.createProbe(c.cfg, ref);
          if (!probe) {
            missing.add(c.cfg.type);
            return;
          }
          const r: Running = { ref, probe, timer: null, abort: null };
          this.running.push(r);
          this.schedule(r, firstRunDelayMs(c.params, this.deps.random));
        }),
      ),
    );
    for (const t of missing) this.deps.log.warn(`${t} is not supported by this build: such checkers keep their initial state`);
  }

  /** Cancel timers, abort in-flight probes, close them. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const r of this.running) {
      r.timer?.cancel();
      r.abort?.abort();
      r.probe.close();
    }
  }

  get checkerCount(): number {
    return this.running.length;
  }

  private schedule(r: Running, delayMs: number): void {
    r.timer = this.deps.clock.setTimer(this.deps.clock.nowMs() + delayMs, () => this.fire(r));
  }

  private fire(r: Running): void {
    r.timer = null;
    if (this.stopped) return;
    const slot = this.state.vss[r.ref.vs]?.rss[r.ref.rs]?.checkers[r.ref.checker];
    if (!slot) return;
    if (this.deps.suspended?.(r.ref.vs)) {
      this.schedule(r, slot.params.delayLoopMs);
      return;
    }
    const abort = new AbortController();
    r.abort = abort;
    this.runs++;
    let p: Promise<ProbeOutcome>;
    try {
      p = r.probe.run({ urlIndex: nextUrl(slot.fsm), signal: abort.signal });
    } catch (e) {
      p = Promise.resolve(failureOf(e));
    }
    p.catch(failureOf).then((outcome) => {
      r.abort = null;
      if (this.stopped) return;
      const res = checkerResult(this.state, r.ref, outcome);
      this.schedule(r, res.delayMs);
      this.deps.onStep(res.step, r.ref);
    });
  }
}

const failureOf = (e: unknown): ProbeOutcome => ({ type: 'failure', reason: e instanceof Error ? e.message : String(e) });
