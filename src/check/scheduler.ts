/**
 * Drives the polled checkers of an EngineState (Clock injected, so a simulation runs on a
 * FakeClock): first run at random in [0, warmup], then whatever delay the checker FSM asks
 * for. Every deadline sits in one TimerQueue (one armed timer for all checkers). Probe runs
 * are promises, never awaited in a loop, so thousands run concurrently; stop() closes the
 * probes (which ends their attempts) and a result that arrives after it is dropped.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { firstRunDelayMs, nextUrl } from './checker-fsm.js';
import type { Step } from './effects.js';
import { checkerResult, type CheckerRef, type EngineState } from './lvs-state.js';
import type { PolledCheckerConfig, Probe, ProbeOutcome } from './probe.js';
import { TimerQueue } from './timer-queue.js';
import { errorMessage } from '../core/errors.js';

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
  /** Bound once: a run allocates no closures of its own. */
  readonly onOutcome: (o: ProbeOutcome) => void;
  readonly onError: (e: unknown) => void;
}

const isPolled = (c: { type: string }): c is PolledCheckerConfig => c.type !== 'FILE_CHECK' && c.type !== 'BFD_CHECK';

export class CheckerScheduler {
  private readonly running: Running[] = [];
  private readonly queue: TimerQueue<Running>;
  private stopped = false;
  /** Probe runs started (for tests and the data dump). */
  runs = 0;

  constructor(
    private readonly state: EngineState,
    private readonly deps: SchedulerDeps,
  ) {
    this.queue = new TimerQueue(deps.clock, (r) => this.fire(r));
  }

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
          const r: Running = { ref, probe, onOutcome: (o) => this.done(r, o), onError: (e) => this.done(r, failureOf(e)) };
          this.running.push(r);
          this.schedule(r, firstRunDelayMs(c.params, this.deps.random));
        }),
      ),
    );
    for (const t of missing) this.deps.log.warn(`${t} is not supported by this build: such checkers keep their initial state`);
  }

  /** Cancel the deadlines, close the probes (ending their attempts). Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.clear();
    for (const r of this.running) r.probe.close();
  }

  get checkerCount(): number {
    return this.running.length;
  }

  /** Checkers waiting for their next run (the others have a probe in flight). */
  get waiting(): number {
    return this.queue.size;
  }

  private schedule(r: Running, delayMs: number): void {
    this.queue.add(r, this.deps.clock.nowMs() + delayMs);
  }

  private fire(r: Running): void {
    if (this.stopped) return;
    const slot = this.state.vss[r.ref.vs]?.rss[r.ref.rs]?.checkers[r.ref.checker];
    if (!slot) return;
    if (this.deps.suspended?.(r.ref.vs)) {
      this.schedule(r, slot.params.delayLoopMs);
      return;
    }
    this.runs++;
    let p: Promise<ProbeOutcome>;
    try {
      p = r.probe.run({ urlIndex: nextUrl(slot.fsm) });
    } catch (e) {
      p = Promise.resolve(failureOf(e));
    }
    p.then(r.onOutcome, r.onError);
  }

  private done(r: Running, outcome: ProbeOutcome): void {
    if (this.stopped) return;
    const res = checkerResult(this.state, r.ref, outcome);
    this.schedule(r, res.delayMs);
    this.deps.onStep(res.step, r.ref);
  }
}

const failureOf = (e: unknown): ProbeOutcome => ({ type: 'failure', reason: errorMessage(e) });
