/**
 * A seeded simulated multicast segment for VRRP: N routers, each the real VRRP child
 * (vrrp/daemon.ts: receive pipeline, VrrpInstance with its lazy timer and slack, VIP chain,
 * GARP pacing) wired through its seam to fakes (fake-vrrp-io.ts), all on one FakeClock.
 * Adverts are the bytes the child sends; they reach every other router after a seeded delay
 * unless lost (loss rate) or blocked by a partition (symmetric or one-way), in order per link
 * unless `reorder`. Netlink answers after a seeded latency. Routers can be killed (power loss:
 * every timer of that life dies, VIPs vanish with the box), stopped gracefully (SIGTERM),
 * restarted, and have links go down and up (FAULT, tracked-interface priority). Everything is
 * a function of the seed. Tests only.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import { formatIp } from '../core/ip.js';
import { createLogger } from '../core/logger.js';
import { DEFAULT_OPTIONS } from '../process/options.js';
import type { ChildHandle } from '../process/child-api.js';
import { VrrpDaemon } from '../vrrp/daemon.js';
import { fsmParamsFromConfig } from '../vrrp/fsm.js';
import { AH_HEADER_LEN, IPPROTO_AH } from '../vrrp/ipsec-ah.js';
import type { FsmParams, TransitionReason, VrrpState } from '../vrrp/fsm-types.js';
import { FakeClock } from './fake-clock.js';
import { fakeAddr, fakeLink, FakeVrrpWorld, type Announcement, type SentAdvert } from './fake-vrrp-io.js';
import { compileTestConfig, testConfigText, testRouterAddress, testRouterConfigText, testVip, type TestInstanceSettings } from './fsm-params.js';
import { mulberry32, type Prng } from './prng.js';

/** The VIP every router's instance holds when MASTER (fsm-params.ts default). */
export const SIM_VIP = '192.0.2.100';

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
  /** How long netlink takes to answer an address request (default 0: the same turn). */
  readonly rtnlLatencyMs?: number;
  /**
   * Timers fire up to this much before their deadline (at most half their delay), as Node's
   * do (bench/RESULTS.md): exercises VrrpInstance's TIMER_SLACK_MS and its re-arm. Default 0.
   */
  readonly timerEarlyMs?: number;
  /** Abort (throw) after this many timer callbacks: catches advert storms (default 1,000,000). */
  readonly maxSteps?: number;
  /** Keep each router's log lines (off by default). */
  readonly keepLogs?: boolean;
}

export interface SimRouterSpec {
  /** The router's vrrp_instance (test-kit/fsm-params.ts settings; compiled by the real compiler). */
  readonly settings: TestInstanceSettings;
  /** When the VRRP child starts; null = not started until restart(). */
  readonly startAtMs: number | null;
  /** More vrrp_instance blocks on the router (each its own name, VRID and VIP). */
  readonly more?: readonly TestInstanceSettings[];
  /** Put all the router's instances in a vrrp_sync_group of this name. */
  readonly syncGroup?: string;
}

export type SimTraceEntry =
  | { readonly type: 'advert-sent'; readonly atMs: number; readonly from: number; readonly seq: number; readonly priority: number }
  | { readonly type: 'advert-delivered'; readonly atMs: number; readonly from: number; readonly to: number; readonly seq: number; readonly priority: number }
  | { readonly type: 'advert-lost'; readonly atMs: number; readonly from: number; readonly to: number; readonly seq: number; readonly cause: 'loss' | 'partition' }
  | {
      readonly type: 'transition';
      readonly atMs: number;
      readonly router: number;
      readonly instance: string;
      readonly from: VrrpState;
      readonly to: VrrpState;
      readonly reason: TransitionReason;
    }
  | { readonly type: 'router'; readonly atMs: number; readonly router: number; readonly what: 'started' | 'killed' | 'stopped' }
  | { readonly type: 'garp'; readonly atMs: number; readonly router: number; readonly address: string };

/** Faults a test can inject into a live router. */
export type SimFault =
  /** Carrier of one of the router's links (eth0 carries VRRP; eth1 is free for track_interface). */
  { readonly type: 'link'; readonly ifname: 'eth0' | 'eth1'; readonly up: boolean };

/** One life of a router: the VRRP child and its fake world, on a clock that dies with it. */
interface Life {
  readonly clock: LifeClock;
  readonly world: FakeVrrpWorld;
  handle: ChildHandle | null;
}

export interface SimRouter {
  readonly id: number;
  settings: TestInstanceSettings;
  /** The FSM parameters its child derives (for the tests' bounds). */
  params: FsmParams;
  /** The (first) instance's state in the current life (INIT before start, STOP after a graceful stop). */
  state: VrrpState;
  /** Every instance of the router: its VIP and its state in the current life. */
  readonly instances: readonly { readonly name: string; readonly vip: string }[];
  readonly states: Map<string, VrrpState>;
  readonly more: readonly TestInstanceSettings[];
  readonly syncGroup: string | undefined;
  /** Started and neither killed nor stopped. */
  alive: boolean;
  /** Lines "Received advert … with lower priority" logged as MASTER (a lower master was heard). */
  lowerPrioSeen: number;
  logs: string[];
  /** Bumped on every (re)start: what a previous life still has in flight is ignored. */
  incarnation: number;
  life: Life | null;
}

/** The set of masters (sorted router ids) from `atMs` on, until the next entry. */
export interface MastersChange {
  readonly atMs: number;
  readonly masters: readonly number[];
}

/** A Clock view whose timers all die with `kill()` (power loss), and may fire early. */
class LifeClock implements Clock {
  private readonly timers = new Set<TimerHandle>();
  private dead = false;

  constructor(
    private readonly clock: FakeClock,
    /** How early the next timer fires (ms). */
    private readonly early: () => number,
  ) {}

  nowMs(): number {
    return this.clock.nowMs();
  }

  wallMs(): number {
    return this.clock.wallMs();
  }

  setTimer(atMs: number, cb: () => void): TimerHandle {
    if (this.dead) return { cancel: () => undefined };
    const now = this.clock.nowMs();
    const t = this.clock.setTimer(atMs - Math.min(this.early(), Math.max(0, atMs - now) / 2), () => {
      this.timers.delete(t);
      cb();
    });
    this.timers.add(t);
    return {
      cancel: () => {
        this.timers.delete(t);
        t.cancel();
      },
    };
  }

  kill(): void {
    this.dead = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class SimNet {
  readonly clock = new FakeClock({ startMs: 0 });
  readonly routers: SimRouter[];
  readonly trace: SimTraceEntry[] = [];
  readonly mastersHistory: MastersChange[] = [{ atMs: 0, masters: [] }];
  /** Invariant violations seen while running (the tests assert this stays empty). */
  readonly violations: string[] = [];
  private readonly rng: Prng;
  /** Separate stream: early timers do not change the network's draws. */
  private readonly timerRng: Prng;
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
    this.timerRng = mulberry32(opts.seed ^ 0x5bd1e995);
    this.routers = specs.map((spec, id) => ({
      id,
      settings: spec.settings,
      params: SimNet.paramsOf(id, spec.settings),
      state: 'INIT',
      instances: [spec.settings, ...(spec.more ?? [])].map((st) => ({ name: st.name ?? `R${id}`, vip: testVip(st) })),
      states: new Map(),
      more: spec.more ?? [],
      syncGroup: spec.syncGroup,
      alive: false,
      lowerPrioSeen: 0,
      logs: [],
      incarnation: 0,
      life: null,
    }));
    specs.forEach((spec, id) => {
      if (spec.startAtMs !== null) this.at(spec.startAtMs, () => this.restart(id));
    });
  }

  /** The FsmParams router `id`'s child derives from `settings`. */
  static paramsOf(id: number, settings: TestInstanceSettings): FsmParams {
    return fsmParamsFromConfig(compileTestConfig(testConfigText(id, settings)).vrrpInstances[0]!, testRouterAddress(id));
  }

  now(): number {
    return this.clock.nowMs();
  }

  /** Run `fn` at simulated time `atMs` (scenario scripting). */
  at(atMs: number, fn: () => void): void {
    this.clock.setTimer(atMs, fn);
  }

  /**
   * Runs every event up to `atMs`. Between two timer callbacks the promise jobs they queued
   * (the VIP chain, netlink answers, start-up) run to completion, at the same simulated time.
   */
  async runUntil(atMs: number): Promise<void> {
    const max = this.opts.maxSteps ?? 1_000_000;
    for (let next = this.clock.nextAtMs(); next !== null && next <= atMs; next = this.clock.nextAtMs()) {
      if (++this.steps > max) throw new Error(`step budget exceeded at t=${this.now()} (advert storm?)`);
      this.clock.runNext();
      await settle();
      this.checkAddresses();
    }
    this.clock.advanceTo(atMs);
  }

  router(id: number): SimRouter {
    const r = this.routers[id];
    if (r === undefined) throw new Error(`no router ${id}`);
    return r;
  }

  /** Alive routers currently in MASTER. */
  masters(): number[] {
    return this.routers.filter((r) => r.alive && r.state === 'MASTER').map((r) => r.id);
  }

  /** Routers whose interface carries the VIP (default: the first instance's, SIM_VIP) now. */
  vipHolders(vip = SIM_VIP): number[] {
    return this.routers.filter((r) => r.life?.world.rtnl.has(vip) === true).map((r) => r.id);
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

  /** (Re)start a router's VRRP child in a fresh world, optionally with new settings. */
  restart(id: number, settings?: TestInstanceSettings): void {
    const r = this.router(id);
    this.powerOff(r);
    if (settings !== undefined) {
      r.settings = settings;
      r.params = SimNet.paramsOf(id, settings);
    }
    r.incarnation++;
    r.state = 'INIT';
    r.states.clear();
    r.alive = true;
    this.trace.push({ type: 'router', atMs: this.now(), router: id, what: 'started' });
    const life = this.newLife(r);
    r.life = life;
    const log = createLogger({
      ident: `R${id}`,
      level: 'info',
      wallMs: () => this.clock.wallMs(),
      sinks: [
        (rec) => {
          if (rec.msg.includes('with lower priority')) r.lowerPrioSeen++;
          if (this.opts.keepLogs === true) r.logs.push(rec.msg);
        },
      ],
    });
    const daemon = new VrrpDaemon({ configPath: 'keepalived.conf', options: DEFAULT_OPTIONS, log, ipc: { send: () => undefined, connected: false } }, life.world.deps);
    daemon.start().then(
      () => (life.handle = daemon.handle()),
      (e: unknown) => this.violations.push(`t=${this.now()} router ${id}: start failed: ${String(e)}`),
    );
  }

  /** The router vanishes without a word (power loss): its VIPs vanish with it. */
  kill(id: number): void {
    const r = this.router(id);
    this.powerOff(r);
    this.trace.push({ type: 'router', atMs: this.now(), router: id, what: 'killed' });
    this.noteMasters();
  }

  /** Graceful stop (SIGTERM): a MASTER sends priority 0 and removes its VIPs. */
  stop(id: number): void {
    const r = this.router(id);
    if (!r.alive) return;
    const handle = r.life?.handle;
    if (!handle) throw new Error(`router ${id} stopped before its start-up finished`);
    void handle.shutdown();
    r.alive = false;
    this.trace.push({ type: 'router', atMs: this.now(), router: id, what: 'stopped' });
    this.noteMasters();
  }

  /** A fault on a live router: a link goes down or comes back (tracking does the rest). */
  inject(id: number, fault: SimFault): void {
    const r = this.router(id);
    if (!r.alive || !r.life) return;
    switch (fault.type) {
      case 'link':
        r.life.world.rtnl.setRunning(fault.ifname, fault.up);
        break;
    }
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

  private newLife(r: SimRouter): Life {
    const earlyMs = this.opts.timerEarlyMs ?? 0;
    const clock = new LifeClock(this.clock, earlyMs > 0 ? () => this.timerRng.next() * earlyMs : () => 0);
    const life = r.incarnation;
    const current = (): boolean => r.incarnation === life && r.life?.clock === clock;
    const world = new FakeVrrpWorld({
      clock,
      config: compileTestConfig(r.more.length === 0 && r.syncGroup === undefined ? testConfigText(r.id, r.settings) : testRouterConfigText(r.id, [r.settings, ...r.more], r.syncGroup)),
      links: [fakeLink(1, 'lo'), fakeLink(2, 'eth0'), fakeLink(3, 'eth1')],
      addrs: [fakeAddr(1, '127.0.0.1/8'), fakeAddr(2, `${formatIp(testRouterAddress(r.id))}/24`)],
      rtnlLatencyMs: this.opts.rtnlLatencyMs ?? 0,
      onSend: (_sock, sent) => {
        if (current() && r.alive) this.broadcast(r, sent);
      },
      onAnnounce: (a) => {
        if (current()) this.announced(r, a);
      },
      onTransition: (t) => {
        if (!current()) return;
        r.states.set(t.name, t.to);
        if (t.name === r.instances[0]!.name) r.state = t.to;
        this.trace.push({ type: 'transition', atMs: t.atMs, router: r.id, instance: t.name, from: t.from, to: t.to, reason: t.reason });
        this.noteMasters();
      },
    });
    return { clock, world, handle: null };
  }

  /** Every timer of the current life dies and its sockets go deaf; the box is gone. */
  private powerOff(r: SimRouter): void {
    r.alive = false;
    const life = r.life;
    if (!life) return;
    life.clock.kill();
    for (const s of life.world.sockets) s.close();
    r.life = null;
  }

  private announced(r: SimRouter, a: Announcement): void {
    this.trace.push({ type: 'garp', atMs: a.atMs, router: r.id, address: a.address });
    const holds = r.life?.world.rtnl.has(a.address) === true;
    const inst = r.instances.find((i) => i.vip === a.address);
    const state = inst !== undefined ? r.states.get(inst.name) : undefined;
    if (state !== 'MASTER' || !holds) this.violations.push(`t=${a.atMs} router ${r.id}: GARP/NA for ${a.address} as ${state ?? 'no instance'}${holds ? '' : ' without the address'}`);
  }

  /**
   * After every event: a live router with no address request in flight holds each VIP iff its
   * instance is MASTER; the started members of a sync group are in one state.
   */
  private checkAddresses(): void {
    for (const r of this.routers) {
      const world = r.life?.world;
      if (!r.alive || !world || !r.life?.handle) continue;
      if (r.syncGroup !== undefined) {
        const states = r.instances.map((i) => r.states.get(i.name) ?? 'INIT');
        if (states.every((st) => st === 'BACKUP' || st === 'MASTER' || st === 'FAULT') && new Set(states).size > 1) {
          this.violations.push(`t=${this.now()} router ${r.id}: sync group members disagree (${states.join(' ')})`);
        }
      }
      if (world.rtnl.inFlight > 0) continue;
      for (const i of r.instances) {
        const holds = world.rtnl.has(i.vip);
        const state = r.states.get(i.name) ?? 'INIT';
        if (holds !== (state === 'MASTER')) this.violations.push(`t=${this.now()} router ${r.id}: ${i.name} ${state} ${holds ? 'holding' : 'without'} ${i.vip}`);
      }
    }
  }

  private broadcast(from: SimRouter, sent: SentAdvert): void {
    const seq = this.advertSeq++;
    const sentAt = this.now();
    const bytes = sent.bytes;
    // IPv4 header (20 bytes), the AH header with auth_type AH (protocol 51, 24 bytes), then
    // VRRP: priority is the payload's third byte.
    const protocol = bytes[9]!;
    const priority = bytes[protocol === IPPROTO_AH ? 20 + AH_HEADER_LEN + 2 : 22]!;
    this.trace.push({ type: 'advert-sent', atMs: sentAt, from: from.id, seq, priority });
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
        // Raw sockets see their own protocol only (an AH instance's socket takes 51, raw(7)).
        const sock = to.alive ? to.life?.world.sockets.find((s) => s.ifname === 'eth0' && !s.closed && (s.spec.protocol ?? 112) === protocol) : undefined;
        if (!sock) return;
        this.trace.push({ type: 'advert-delivered', atMs: this.now(), from: from.id, to: to.id, seq, priority });
        sock.deliver({ family: 4, data: bytes, src: bytes.subarray(12, 16), scopeId: 0, dst: sent.dst, ttl: bytes[8]!, ifindex: 2, truncated: false });
      });
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
 * (SIM_SEEDS overrides the count; it must be a whole number ≥ 1, or nothing would be checked).
 * A failure is rethrown with `seed=N` and the replay command.
 */
export async function forEachSeed(name: string, count: number, fn: (seed: number) => Promise<void>, base = 1): Promise<void> {
  for (const seed of simSeeds(count, base)) {
    try {
      await fn(seed);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new Error(`${name}: seed=${seed} (replay: SIM_SEED=${seed}): ${msg}`, { cause: e });
    }
  }
}

/** The seeds to run: SIM_SEED=N alone, else SIM_SEEDS (or `count`) from `base`. Rejects counts below 1. */
export function simSeeds(count: number, base = 1, env: NodeJS.ProcessEnv = process.env): number[] {
  const one = env['SIM_SEED'];
  if (one !== undefined && one !== '') {
    if (!/^-?\d+$/.test(one)) throw new Error(`SIM_SEED must be a whole number, got '${one}'`);
    return [Number(one)];
  }
  const raw = env['SIM_SEEDS'];
  const n = raw !== undefined && raw !== '' ? Number(raw) : count;
  if (!Number.isInteger(n) || n < 1) throw new Error(`SIM_SEEDS must be a whole number ≥ 1 (a property checked on no seed proves nothing), got '${raw ?? count}'`);
  return Array.from({ length: n }, (_, i) => base + i);
}
