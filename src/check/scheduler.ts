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
import { checkerResult, type CheckerRef, type CheckerSlot, type EngineState } from './lvs-state.js';
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
  /** Where its checker is now (a reload moves it: migrate()). */
  ref: CheckerRef;
  /** Closed by a reload or stop: a pending deadline or result of it is dropped. */
  dead: boolean;
  readonly probe: Probe;
  /** Bound once: a run allocates no closures of its own. */
  readonly onOutcome: (o: ProbeOutcome) => void;
  readonly onError: (e: unknown) => void;
}

const isPolled = (c: { type: string }): c is PolledCheckerConfig => c.type !== 'FILE_CHECK' && c.type !== 'BFD_CHECK';

export class CheckerScheduler {
  private running = new Map<CheckerSlot, Running>();
  private readonly queue: TimerQueue<Running>;
  private stopped = false;
  /** Probe runs started (for tests and the data dump). */
  runs = 0;

  constructor(
    private state: EngineState,
    private readonly deps: SchedulerDeps,
  ) {
    this.queue = new TimerQueue(deps.clock, (r) => this.fire(r));
  }

  start(): void {
    this.migrate(this.state, new Map(), () => false);
  }

  /**
   * Reload: run `state` from now on. A checker that continues an old one (`carriedFrom`, and
   * `mayCarry` says its probe still fits) keeps its probe, its deadline and any attempt in
   * flight; the others start as at start-up (a run within warmup); the old ones left over are
   * closed. O(checkers) of bookkeeping, no probe work for the carried ones. Returns the
   * slots started afresh.
   */
  migrate(state: EngineState, carriedFrom: ReadonlyMap<CheckerSlot, CheckerSlot>, mayCarry: (slot: CheckerSlot) => boolean): Set<CheckerSlot> {
    const old = this.running;
    const running = new Map<CheckerSlot, Running>();
    const started = new Set<CheckerSlot>();
    const missing = new Set<string>();
    this.state = state;
    state.vss.forEach((vs, vi) =>
      vs.rss.forEach((rs, ri) =>
        rs.checkers.forEach((c, ci) => {
          if (!isPolled(c.cfg)) return;
          const ref = { vs: vi, rs: ri, checker: ci };
          const from = carriedFrom.get(c);
          const prev = from !== undefined && mayCarry(c) ? old.get(from) : undefined;
          if (prev !== undefined && !running.has(c)) {
            old.delete(from!);
            prev.ref = ref;
            running.set(c, prev);
            return;
          }
          const probe = this.deps.createProbe(c.cfg, ref);
          if (!probe) {
            missing.add(c.cfg.type);
            return;
          }
          const r: Running = { ref, dead: false, probe, onOutcome: (o) => this.done(r, o), onError: (e) => this.done(r, failureOf(e)) };
          running.set(c, r);
          started.add(c);
          this.schedule(r, firstRunDelayMs(c.params, this.deps.random));
        }),
      ),
    );
    for (const r of old.values()) this.close(r);
    this.running = running;
    for (const t of missing) this.deps.log.warn(`${t} is not supported by this build: such checkers keep their initial state`);
    return started;
  }

  /** Cancel the deadlines, close the probes (ending their attempts). Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.clear();
    for (const r of this.running.values()) this.close(r);
  }

  get checkerCount(): number {
    return this.running.size;
  }

  private close(r: Running): void {
    r.dead = true;
    r.probe.close();
  }

  private schedule(r: Running, delayMs: number): void {
    this.queue.add(r, this.deps.clock.nowMs() + delayMs);
  }

  private fire(r: Running): void {
    if (this.stopped || r.dead) return;
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
    if (this.stopped || r.dead) return;
    const res = checkerResult(this.state, r.ref, outcome);
    this.schedule(r, res.delayMs);
    this.deps.onStep(res.step, r.ref);
  }
}

const failureOf = (e: unknown): ProbeOutcome => ({ type: 'failure', reason: errorMessage(e) });
