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
import { checkerResult, type CheckerRef, type CheckerSlot, type EngineState, type VsState } from './lvs-state.js';
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
  slot: CheckerSlot;
  /** Closed by a reload or stop: a pending deadline or result of it is dropped. */
  dead: boolean;
  readonly probe: Probe;
  /** Bound once: a run allocates no closures of its own. */
  readonly onOutcome: (o: ProbeOutcome) => void;
  readonly onError: (e: unknown) => void;
}

const isPolled = (c: { type: string }): c is PolledCheckerConfig => c.type !== 'FILE_CHECK' && c.type !== 'BFD_CHECK';

/**
 * Checker types whose probe depends on more than their own checker config (MISC_CHECK: its
 * script, vetted at each load; SSL_GET: the SSL block): for these alone migrate() asks
 * `mayCarry` about the unchanged virtual servers too.
 */
export const RELOAD_SENSITIVE_CHECKERS: ReadonlySet<string> = new Set(['MISC_CHECK', 'SSL_GET']);

/** The running checkers of one virtual server's state object. */
interface VsRunning {
  index: number;
  list: Running[];
  /** Any of RELOAD_SENSITIVE_CHECKERS among them. */
  sensitive: boolean;
}

export class CheckerScheduler {
  /** By virtual server state object: a reload that keeps the object keeps its checkers untouched. */
  private byVs = new Map<VsState, VsRunning>();
  private count = 0;
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
   * Reload: run `state` from now on. A virtual server whose state object is the old one keeps
   * its checkers as they are (only their position is updated when it moved); in a rebuilt
   * one, a checker that continues an old one (`carriedFrom`, and `mayCarry` says its probe
   * still fits) keeps its probe, its deadline and any attempt in flight; the others start as
   * at start-up (a run within warmup); the old ones left over are closed. The work follows
   * the rebuilt and moved virtual servers, not the whole table. Returns the slots started
   * afresh.
   */
  migrate(state: EngineState, carriedFrom: ReadonlyMap<CheckerSlot, CheckerSlot>, mayCarry: (slot: CheckerSlot) => boolean): Set<CheckerSlot> {
    const old = this.byVs;
    const next = new Map<VsState, VsRunning>();
    const started = new Set<CheckerSlot>();
    const missing = new Set<string>();
    const rebuilt: number[] = [];
    this.state = state;
    state.vss.forEach((vs, vi) => {
      const kept = old.get(vs);
      if (kept === undefined || next.has(vs)) {
        rebuilt.push(vi);
        return;
      }
      old.delete(vs);
      next.set(vs, kept);
      if (kept.index !== vi) {
        kept.index = vi;
        for (const r of kept.list) r.ref = { ...r.ref, vs: vi };
      }
      if (!kept.sensitive) return;
      kept.list = kept.list.flatMap((r) => {
        if (!RELOAD_SENSITIVE_CHECKERS.has(r.slot.cfg.type) || mayCarry(r.slot)) return [r];
        this.close(r);
        const fresh = this.create(r.slot, r.ref, missing);
        if (!fresh) return [];
        started.add(r.slot);
        return [fresh];
      });
    });
    // What the virtual servers that left were running, for the rebuilt ones to continue.
    const left = new Map<CheckerSlot, Running>();
    for (const v of old.values()) for (const r of v.list) left.set(r.slot, r);
    for (const vi of rebuilt) {
      const vs = state.vss[vi]!;
      const list: Running[] = [];
      vs.rss.forEach((rs, ri) =>
        rs.checkers.forEach((c, ci) => {
          if (!isPolled(c.cfg)) return;
          const ref = { vs: vi, rs: ri, checker: ci };
          const from = carriedFrom.get(c);
          const prev = from !== undefined && mayCarry(c) ? left.get(from) : undefined;
          if (prev !== undefined) {
            left.delete(from!);
            prev.ref = ref;
            prev.slot = c;
            list.push(prev);
            return;
          }
          const r = this.create(c, ref, missing);
          if (!r) return;
          list.push(r);
          started.add(c);
        }),
      );
      next.set(vs, { index: vi, list, sensitive: list.some((r) => RELOAD_SENSITIVE_CHECKERS.has(r.slot.cfg.type)) });
    }
    for (const r of left.values()) this.close(r);
    this.byVs = next;
    this.count = 0;
    for (const v of next.values()) this.count += v.list.length;
    for (const t of missing) this.deps.log.warn(`${t} is not supported by this build: such checkers keep their initial state`);
    return started;
  }

  /** Cancel the deadlines, close the probes (ending their attempts). Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.clear();
    for (const v of this.byVs.values()) for (const r of v.list) this.close(r);
  }

  get checkerCount(): number {
    return this.count;
  }

  /** A probe for `slot`, its first run within warmup; undefined when this build has none for its type. */
  private create(slot: CheckerSlot, ref: CheckerRef, missing: Set<string>): Running | undefined {
    if (!isPolled(slot.cfg)) return undefined;
    const probe = this.deps.createProbe(slot.cfg, ref);
    if (!probe) {
      missing.add(slot.cfg.type);
      return undefined;
    }
    const r: Running = { ref, slot, dead: false, probe, onOutcome: (o) => this.done(r, o), onError: (e) => this.done(r, failureOf(e)) };
    this.schedule(r, firstRunDelayMs(slot.params, this.deps.random));
    return r;
  }

  private close(r: Running): void {
    r.dead = true;
    r.probe.close();
  }

  /** Checkers waiting for their next run (the others have a probe in flight). */
  get waiting(): number {
    return this.queue.size;
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
