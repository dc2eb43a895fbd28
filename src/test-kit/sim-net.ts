/**
 * A seeded simulated multicast segment for VRRP: N routers, each one FSM (vrrp/fsm.ts) driven by
 * a tiny driver that carries out its actions, on a FakeClock. Adverts reach every other router
 * after a seeded delay, unless lost (loss rate) or blocked by a partition (symmetric or one-way).
 * Routers can be killed (vanish silently, VIPs gone with the box), stopped gracefully (Shutdown
 * event: priority-0 advert) and restarted. The segment records a trace and the VIP holders so
 * tests can check invariants; everything is a function of the seed. Tests only.
 */
import { FakeClock } from './fake-clock.js';
import { mulberry32, type Prng } from './prng.js';
import type { TimerHandle } from '../core/clock.js';
import { assertNever } from '../core/result.js';
import { initialFsmState, nextDeadline, step } from '../vrrp/fsm.js';
import type { FsmAction, FsmEvent, FsmParams, FsmState, TransitionReason, VrrpState } from '../vrrp/fsm-types.js';

export interface SimOptions {
  readonly seed: number;
  /** One-way delivery delay, uniform in [minDelayMs, maxDelayMs). */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Probability that one copy (one sender → one receiver) is lost. */
  readonly lossRate: number;
  /**
   * Let copies on one link overtake each other. Off by default: an Ethernet segment keeps a
   * sender's frames in order, and a reordered stale advert after a priority-0 one legitimately
   * restarts a backup's full down timer (a real but unrealistic delay to a takeover).
   */
  readonly reorder?: boolean;
  /** Abort (throw) after this many FSM steps: catches advert storms (default 1,000,000). */
  readonly maxSteps?: number;
  /** Keep LogEvent text per router (off by default: it is the bulk of the work). */
  readonly keepLogs?: boolean;
}

export interface SimRouterSpec {
  readonly params: FsmParams;
  /** When the Startup event is delivered; null = not started until restart(). */
  readonly startAtMs: number | null;
}

export type SimTraceEntry =
  | { readonly type: 'advert-sent'; readonly atMs: number; readonly from: number; readonly seq: number; readonly priority: number }
  | { readonly type: 'advert-delivered'; readonly atMs: number; readonly from: number; readonly to: number; readonly seq: number; readonly priority: number }
  | { readonly type: 'advert-lost'; readonly atMs: number; readonly from: number; readonly to: number; readonly seq: number; readonly cause: 'loss' | 'partition' }
  | {
      readonly type: 'transition';
      readonly atMs: number;
      readonly router: number;
      readonly from: VrrpState;
      readonly to: VrrpState;
      readonly reason: TransitionReason;
    }
  | { readonly type: 'router'; readonly atMs: number; readonly router: number; readonly what: 'started' | 'killed' | 'stopped' };

export interface SimRouter {
  readonly id: number;
  params: FsmParams;
  state: FsmState;
  /** Started and neither killed nor stopped. */
  alive: boolean;
  /** VIPs configured on this box (AddVips … RemoveVips). */
  hasVips: boolean;
  garpBursts: number;
  lowerPrioNotifies: number;
  logs: string[];
  /** Bumped on every (re)start so stale timers of a previous life are ignored. */
  incarnation: number;
  timer: TimerHandle | null;
}

/** The set of masters (sorted router ids) from `atMs` on, until the next entry. */
export interface MastersChange {
  readonly atMs: number;
  readonly masters: readonly number[];
}

export class SimNet {
  readonly clock = new FakeClock({ startMs: 0 });
  readonly routers: SimRouter[];
  readonly trace: SimTraceEntry[] = [];
  readonly mastersHistory: MastersChange[] = [{ atMs: 0, masters: [] }];
  /** Invariant violations seen while running (the tests assert this stays empty). */
  readonly violations: string[] = [];
  private readonly rng: Prng;
  private readonly blocked = new Set<string>();
  private advertSeq = 0;
  private steps = 0;
  /** Latest scheduled arrival per directed link, for in-order delivery. */
  private readonly linkTail = new Map<string, number>();

  constructor(
    readonly opts: SimOptions,
    specs: readonly SimRouterSpec[],
  ) {
    this.rng = mulberry32(opts.seed);
    this.routers = specs.map((spec, id) => ({
      id,
      params: spec.params,
      state: initialFsmState(spec.params),
      alive: false,
      hasVips: false,
      garpBursts: 0,
      lowerPrioNotifies: 0,
      logs: [],
      incarnation: 0,
      timer: null,
    }));
    specs.forEach((spec, id) => {
      if (spec.startAtMs !== null) this.at(spec.startAtMs, () => this.restart(id));
    });
  }

  now(): number {
    return this.clock.nowMs();
  }

  /** Run `fn` at simulated time `atMs` (scenario scripting). */
  at(atMs: number, fn: () => void): void {
    this.clock.setTimer(atMs, fn);
  }

  runUntil(atMs: number): void {
    this.clock.advanceTo(atMs);
  }

  router(id: number): SimRouter {
    const r = this.routers[id];
    if (r === undefined) throw new Error(`no router ${id}`);
    return r;
  }

  /** Alive routers currently in MASTER. */
  masters(): number[] {
    return this.routers.filter((r) => r.alive && r.state.state === 'MASTER').map((r) => r.id);
  }

  vipHolders(): number[] {
    return this.routers.filter((r) => r.hasVips).map((r) => r.id);
  }

  /** Every distinct master set in effect at some point of [fromMs, toMs]. */
  mastersDuring(fromMs: number, toMs: number): (readonly number[])[] {
    const out: (readonly number[])[] = [];
    const h = this.mastersHistory;
    for (let i = 0; i < h.length; i++) {
      const start = h[i]!.atMs;
      const end = h[i + 1]?.atMs ?? Infinity;
      // An entry replaced at the same instant it began was never observable.
      if (end > fromMs && start <= toMs && end > start) out.push(h[i]!.masters);
    }
    return out;
  }

  /** Time of the first transition of `router` into `to` at or after `fromMs` (null if none). */
  firstTransition(to: VrrpState, fromMs: number, router?: number): SimTraceEntry | null {
    for (const e of this.trace) {
      if (e.type === 'transition' && e.to === to && e.atMs >= fromMs && (router === undefined || e.router === router)) return e;
    }
    return null;
  }

  /** (Re)start a router: fresh INIT state, then Startup. Optionally with new parameters. */
  restart(id: number, params?: FsmParams): void {
    const r = this.router(id);
    this.halt(r);
    if (params !== undefined) r.params = params;
    r.incarnation++;
    r.state = initialFsmState(r.params);
    r.alive = true;
    this.trace.push({ type: 'router', atMs: this.now(), router: id, what: 'started' });
    this.deliver(r, { type: 'Startup' });
  }

  /** The router vanishes without a word (power loss): its VIPs vanish with it. */
  kill(id: number): void {
    const r = this.router(id);
    this.halt(r);
    r.hasVips = false;
    this.trace.push({ type: 'router', atMs: this.now(), router: id, what: 'killed' });
    this.noteMasters();
  }

  /** Graceful stop: the Shutdown event (a MASTER sends priority 0 and removes its VIPs). */
  stop(id: number): void {
    const r = this.router(id);
    if (!r.alive) return;
    this.deliver(r, { type: 'Shutdown' });
    this.halt(r);
    this.trace.push({ type: 'router', atMs: this.now(), router: id, what: 'stopped' });
    this.noteMasters();
  }

  /** Feed any event to a live router (faults, priority changes …). */
  inject(id: number, event: FsmEvent): void {
    const r = this.router(id);
    if (r.alive) this.deliver(r, event);
  }

  /** Symmetric partition: no traffic between routers of different groups. */
  partition(groups: readonly (readonly number[])[]): void {
    for (const [gi, g] of groups.entries()) {
      for (const [hi, h] of groups.entries()) {
        if (gi === hi) continue;
        for (const a of g) for (const b of h) this.blocked.add(`${a}>${b}`);
      }
    }
  }

  /** One-way partition: adverts from any of `from` never reach any of `to`. */
  blockOneWay(from: readonly number[], to: readonly number[]): void {
    for (const a of from) for (const b of to) if (a !== b) this.blocked.add(`${a}>${b}`);
  }

  heal(): void {
    this.blocked.clear();
  }

  private halt(r: SimRouter): void {
    r.alive = false;
    r.timer?.cancel();
    r.timer = null;
  }

  private deliver(r: SimRouter, event: FsmEvent): void {
    if (++this.steps > (this.opts.maxSteps ?? 1_000_000)) throw new Error(`step budget exceeded at t=${this.now()} (advert storm?)`);
    const res = step(r.params, r.state, event, this.now());
    r.state = res.state;
    for (const a of res.actions) this.apply(r, a);
    this.checkRouter(r);
    this.rearm(r);
    this.noteMasters();
  }

  private rearm(r: SimRouter): void {
    r.timer?.cancel();
    r.timer = null;
    const at = nextDeadline(r.state);
    if (at === null || !r.alive) return;
    const life = r.incarnation;
    r.timer = this.clock.setTimer(at, () => {
      if (r.alive && r.incarnation === life) this.deliver(r, { type: 'TimerFired' });
    });
  }

  private apply(r: SimRouter, a: FsmAction): void {
    switch (a.type) {
      case 'SendAdvert':
        this.broadcast(r, a.priority);
        break;
      case 'AddVips':
        if (r.hasVips) this.violations.push(`t=${this.now()} router ${r.id}: AddVips while holding VIPs`);
        r.hasVips = true;
        break;
      case 'RemoveVips':
        if (!r.hasVips) this.violations.push(`t=${this.now()} router ${r.id}: RemoveVips without VIPs`);
        r.hasVips = false;
        break;
      case 'SendGarpBurst':
        r.garpBursts++;
        break;
      case 'Transition':
        this.trace.push({ type: 'transition', atMs: this.now(), router: r.id, from: a.from, to: a.to, reason: a.reason });
        break;
      case 'LogEvent':
        if (this.opts.keepLogs === true) r.logs.push(a.msg);
        break;
      case 'NotifyMasterRxLowerPri':
        r.lowerPrioNotifies++;
        break;
      default:
        assertNever(a, 'FSM action');
    }
  }

  private broadcast(from: SimRouter, priority: number): void {
    const seq = this.advertSeq++;
    const sentAt = this.now();
    this.trace.push({ type: 'advert-sent', atMs: sentAt, from: from.id, seq, priority });
    const advertIntCs = from.params.advertIntCs;
    const src = from.params.primaryAddress;
    for (const to of this.routers) {
      if (to.id === from.id) continue;
      if (this.blocked.has(`${from.id}>${to.id}`)) {
        this.trace.push({ type: 'advert-lost', atMs: sentAt, from: from.id, to: to.id, seq, cause: 'partition' });
        continue;
      }
      if (this.rng.chance(this.opts.lossRate)) {
        this.trace.push({ type: 'advert-lost', atMs: sentAt, from: from.id, to: to.id, seq, cause: 'loss' });
        continue;
      }
      const delay = this.opts.minDelayMs + this.rng.next() * (this.opts.maxDelayMs - this.opts.minDelayMs);
      let arriveAt = sentAt + delay;
      if (this.opts.reorder !== true) {
        const link = `${from.id}>${to.id}`;
        arriveAt = Math.max(arriveAt, this.linkTail.get(link) ?? 0);
        this.linkTail.set(link, arriveAt);
      }
      this.clock.setTimer(arriveAt, () => {
        if (!to.alive) return;
        this.trace.push({ type: 'advert-delivered', atMs: this.now(), from: from.id, to: to.id, seq, priority });
        this.deliver(to, { type: 'AdvertReceived', priority, advertIntCs, src });
      });
    }
  }

  /** Per-router invariants that must hold after every step. */
  private checkRouter(r: SimRouter): void {
    const isMaster = r.state.state === 'MASTER';
    if (r.alive && isMaster !== r.hasVips) {
      this.violations.push(`t=${this.now()} router ${r.id}: state ${r.state.state} but hasVips=${r.hasVips}`);
    }
    const deadline = nextDeadline(r.state);
    if ((r.state.state === 'MASTER' || r.state.state === 'BACKUP') && deadline === null) {
      this.violations.push(`t=${this.now()} router ${r.id}: ${r.state.state} without a timer`);
    }
  }

  private noteMasters(): void {
    const masters = this.masters();
    const last = this.mastersHistory[this.mastersHistory.length - 1]!;
    if (last.masters.length === masters.length && last.masters.every((m, i) => m === masters[i])) return;
    this.mastersHistory.push({ atMs: this.now(), masters });
  }
}

/**
 * Run `fn` for each seed: SIM_SEED=N replays one seed; otherwise `count` seeds from `base`
 * (SIM_SEEDS overrides the count). A failure is rethrown with `seed=N` and the replay command.
 */
export function forEachSeed(name: string, count: number, fn: (seed: number) => void, base = 1): void {
  const one = process.env['SIM_SEED'];
  const n = Number(process.env['SIM_SEEDS'] ?? count);
  const seeds = one !== undefined && one !== '' ? [Number(one)] : Array.from({ length: n }, (_, i) => base + i);
  for (const seed of seeds) {
    try {
      fn(seed);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const err = new Error(`${name}: seed=${seed} (replay: SIM_SEED=${seed}): ${msg}`, { cause: e });
      throw err;
    }
  }
}
