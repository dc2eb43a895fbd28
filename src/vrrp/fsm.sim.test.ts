/**
 * VRRP properties on the seeded simulated segment (test-kit/sim-net.ts). Each property runs
 * many seeds; a failure names its seed, and SIM_SEED=N replays just that one (SIM_SEEDS=K
 * changes how many run).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachSeed, SimNet, type SimRouterSpec } from '../test-kit/sim-net.js';
import { mulberry32, type Prng } from '../test-kit/prng.js';
import type { FsmParams } from './fsm-types.js';
import { testFsmParams, type TestInstanceSettings } from '../test-kit/fsm-params.js';
import { masterDownIntervalUs, skewTimeUs, usToMs } from './timers.js';

const SEEDS = 200;

function routerParams(i: number, priority: number, version: 2 | 3, advertIntCs: number, over: TestInstanceSettings = {}): FsmParams {
  return testFsmParams(i, { priority: priority, version, advertIntCs, ...over });
}

const masterDownMs = (p: FsmParams): number => usToMs(masterDownIntervalUs(p.version, p.priority, p.advertIntCs, p.downTimerAdverts));
const skewMs = (p: FsmParams): number => usToMs(skewTimeUs(p.version, p.priority, p.advertIntCs));

interface Setup {
  readonly rng: Prng;
  readonly version: 2 | 3;
  readonly advertIntCs: number;
  readonly advMs: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/** Random protocol version, interval and delays (< the advert interval) for one seed. */
function setup(seed: number): Setup {
  const rng = mulberry32(seed);
  const version = rng.pick([2, 3] as const);
  const advertIntCs = version === 2 ? rng.pick([100, 200]) : rng.pick([50, 100, 300]);
  const advMs = advertIntCs * 10;
  const maxDelayMs = advMs * (0.02 + 0.88 * rng.next());
  const minDelayMs = maxDelayMs * 0.3 * rng.next();
  return { rng, version, advertIntCs, advMs, minDelayMs, maxDelayMs };
}

/** `n` distinct priorities in [1,254], shuffled. */
function distinctPriorities(rng: Prng, n: number): number[] {
  const set = new Set<number>();
  while (set.size < n) set.add(rng.int(1, 254));
  return [...set];
}

function sim(seed: number, s: Setup, specs: SimRouterSpec[], lossRate = 0): SimNet {
  return new SimNet({ seed: seed * 7919 + 17, minDelayMs: s.minDelayMs, maxDelayMs: s.maxDelayMs, lossRate }, specs);
}

/** The router that must win: highest priority, ties to the highest address (RFC 5798 §6.4.3). */
function expectedWinner(params: readonly FsmParams[], among: readonly number[]): number {
  let best = among[0]!;
  for (const i of among) if (params[i]!.priority > params[best]!.priority) best = i;
  return best;
}

function assertOnlyMaster(net: SimNet, fromMs: number, toMs: number, who: number, what: string): void {
  const sets = net.mastersDuring(fromMs, toMs);
  assert.deepEqual(sets, [[who]], `${what}: masters during [${fromMs.toFixed(1)}, ${toMs.toFixed(1)}] were ${JSON.stringify(sets)}, expected [[${who}]]`);
  assert.deepEqual(net.vipHolders(), [who], `${what}: VIP holders`);
  assert.deepEqual(net.violations, [], 'invariant violations');
}

/** A converged segment of 3-5 routers with distinct priorities; returns it and its convergence time. */
function converged(seed: number, s: Setup, nMin = 3): { net: SimNet; params: FsmParams[]; t: number; master: number } {
  const n = s.rng.int(nMin, 5);
  const prios = distinctPriorities(s.rng, n);
  const params = prios.map((p, i) => routerParams(i, p, s.version, s.advertIntCs));
  const starts = params.map(() => s.rng.next() * 2 * s.advMs);
  const net = sim(seed, s, params.map((p, i) => ({ params: p, startAtMs: starts[i]! })));
  const t = Math.max(...starts) + 2 * Math.max(...params.map(masterDownMs)) + s.advMs + s.maxDelayMs;
  net.runUntil(t);
  const master = expectedWinner(params, params.map((_, i) => i));
  assert.deepEqual(net.masters(), [master], 'converged before the fault');
  return { net, params, t, master };
}

test('convergence: exactly one master (the highest priority) after startup, v2 and v3, random delays', () => {
  forEachSeed('convergence', SEEDS, (seed) => {
    const s = setup(seed);
    const n = s.rng.int(3, 5);
    // Priorities may repeat here: ties are broken by address.
    const params = Array.from({ length: n }, (_, i) => routerParams(i, s.rng.int(1, 254), s.version, s.advertIntCs));
    const starts = params.map(() => s.rng.next() * 2 * s.advMs);
    const net = sim(seed, s, params.map((p, i) => ({ params: p, startAtMs: starts[i]! })));
    const t = Math.max(...starts) + 2 * Math.max(...params.map(masterDownMs)) + s.advMs + s.maxDelayMs;
    const end = t + 20 * s.advMs;
    net.runUntil(end);
    const [winner] = net.masters();
    assert.ok(winner !== undefined, 'a master exists');
    const top = Math.max(...params.map((p) => p.priority));
    assert.equal(params[winner]!.priority, top, 'the master has the highest priority');
    assertOnlyMaster(net, t, end, winner, 'after convergence');
  });
});

test('master killed: takeover within Master_Down_Interval of its last advert (+ delivery delay)', () => {
  forEachSeed('kill', SEEDS, (seed) => {
    const s = setup(seed);
    const { net, params, t, master } = converged(seed, s);
    const killAt = t + s.rng.next() * s.advMs;
    net.at(killAt, () => net.kill(master));
    const rest = params.map((_, i) => i).filter((i) => i !== master);
    const next = expectedWinner(params, rest);
    const end = killAt + 3 * Math.max(...params.map(masterDownMs)) + 10 * s.advMs;
    net.runUntil(end);
    const lastAdvert = net.trace.filter((e) => e.type === 'advert-sent' && e.from === master && e.atMs <= killAt).at(-1)!;
    const first = net.firstTransition('MASTER', killAt);
    assert.ok(first !== null, 'someone took over');
    const latest = lastAdvert.atMs + s.maxDelayMs + masterDownMs(params[next]!);
    const earliest = lastAdvert.atMs + s.minDelayMs + Math.min(...rest.map((i) => masterDownMs(params[i]!)));
    assert.ok(first.atMs <= latest + 1e-6, `takeover at ${first.atMs} later than ${latest} (last advert ${lastAdvert.atMs})`);
    assert.ok(first.atMs >= earliest - 1e-6, `takeover at ${first.atMs} earlier than ${earliest}`);
    assertOnlyMaster(net, latest + s.advMs + s.maxDelayMs, end, next, 'after the takeover');
  });
});

test('graceful stop: priority-0 takeover within Skew_Time (+ delivery delay)', () => {
  forEachSeed('stop', SEEDS, (seed) => {
    const s = setup(seed);
    const { net, params, t, master } = converged(seed, s);
    const stopAt = t + s.rng.next() * s.advMs;
    net.at(stopAt, () => net.stop(master));
    const rest = params.map((_, i) => i).filter((i) => i !== master);
    const next = expectedWinner(params, rest);
    const end = stopAt + 3 * Math.max(...params.map(masterDownMs)) + 10 * s.advMs;
    net.runUntil(end);
    const zero = net.trace.find((e) => e.type === 'advert-sent' && e.from === master && e.priority === 0);
    assert.ok(zero !== undefined && zero.atMs === stopAt, 'the stopping master sent priority 0');
    const first = net.firstTransition('MASTER', stopAt);
    assert.ok(first !== null, 'someone took over');
    const latest = stopAt + s.maxDelayMs + skewMs(params[next]!);
    assert.ok(first.atMs <= latest + 1e-6, `takeover at ${first.atMs - stopAt} ms after stop, bound ${latest - stopAt}`);
    assert.ok(first.atMs < stopAt + Math.min(...rest.map((i) => masterDownMs(params[i]!))), 'faster than master-down');
    assertOnlyMaster(net, latest + s.advMs + s.maxDelayMs, end, next, 'after the stop');
  });
});

test('nopreempt: a returning higher-priority router does not take over (and does without nopreempt)', () => {
  forEachSeed('nopreempt', SEEDS, (seed) => {
    for (const nopreempt of [true, false]) {
      const s = setup(seed);
      const n = s.rng.int(2, 4);
      const prios = distinctPriorities(s.rng, n).sort((a, b) => b - a);
      const params = prios.map((p, i) => routerParams(i, p, s.version, s.advertIntCs, { nopreempt }));
      const md = Math.max(...params.map(masterDownMs));
      // Router 0 (highest) first; the others join once it is master.
      const specs = params.map((p, i) => ({ params: p, startAtMs: i === 0 ? 0 : md + s.advMs + s.rng.next() * s.advMs }));
      const net = sim(seed, s, specs);
      const killAt = 3 * md + s.rng.next() * s.advMs;
      const restartAt = killAt + 3 * md;
      const end = restartAt + 3 * md + 10 * s.advMs;
      net.at(killAt, () => net.kill(0));
      net.at(restartAt, () => net.restart(0));
      net.runUntil(end);
      assert.deepEqual(net.mastersDuring(md + s.advMs * 3, killAt - 1e-3), [[0]], 'router 0 master first');
      const m2 = net.mastersDuring(restartAt, restartAt)[0]![0]!;
      assert.notEqual(m2, 0);
      if (nopreempt) assertOnlyMaster(net, restartAt, end, m2, 'nopreempt: the new master stays');
      else assertOnlyMaster(net, restartAt + md + s.advMs + s.maxDelayMs, end, 0, 'preempt: router 0 takes back over');
    }
  });
});

test('preempt_delay: the higher-priority router takes over no earlier than the delay after the first lower advert', () => {
  forEachSeed('preempt-delay', SEEDS, (seed) => {
    const s = setup(seed);
    const n = s.rng.int(2, 4);
    const prios = distinctPriorities(s.rng, n).sort((a, b) => b - a);
    // Router 0: low master L (second-highest); router 1: high H with preempt_delay; others lower still.
    const [pH, pL, ...others] = prios;
    const mdH = masterDownMs(routerParams(1, pH!, s.version, s.advertIntCs));
    const delayMs = Math.round(mdH + s.advMs + s.rng.next() * 3 * mdH);
    const params = [
      routerParams(0, pL!, s.version, s.advertIntCs),
      routerParams(1, pH!, s.version, s.advertIntCs, { preemptDelayMs: delayMs }),
      ...others.map((p, i) => routerParams(i + 2, p, s.version, s.advertIntCs)),
    ];
    const md = Math.max(...params.map(masterDownMs));
    const startH = md + s.advMs + s.rng.next() * s.advMs;
    const specs = params.map((p, i) => ({ params: p, startAtMs: i === 1 ? startH : s.rng.next() * s.advMs * 0.1 + (i === 0 ? 0 : s.advMs) }));
    const net = sim(seed, s, specs);
    const end = startH + delayMs + 3 * md + 10 * s.advMs;
    net.runUntil(end);
    assert.deepEqual(net.mastersDuring(startH, startH), [[0]], 'L is master when H starts');
    const firstRx = net.trace.find((e) => e.type === 'advert-delivered' && e.to === 1)!;
    assert.equal(firstRx.type === 'advert-delivered' && firstRx.from, 0);
    const takeover = net.firstTransition('MASTER', startH, 1);
    assert.ok(takeover !== null, 'H took over');
    assert.ok(takeover.atMs >= firstRx.atMs + delayMs, `takeover ${takeover.atMs - firstRx.atMs} ms after first lower advert, delay ${delayMs}`);
    const latest = firstRx.atMs + delayMs + s.advMs + s.maxDelayMs + mdH;
    assert.ok(takeover.atMs <= latest + 1e-6, `takeover ${takeover.atMs} after ${latest}`);
    assert.equal(takeover.type === 'transition' && takeover.reason, 'preempt');
    assertOnlyMaster(net, latest + s.advMs + s.maxDelayMs, end, 1, 'H after preempting');
  });
});

test('partitions: two masters while split (symmetric and one-way), exactly one within master-down after healing', () => {
  forEachSeed('partition', SEEDS, (seed) => {
    for (const mode of ['symmetric', 'master-unheard', 'master-deaf'] as const) {
      const s = setup(seed);
      const { net, params, t, master } = converged(seed, s);
      const rest = params.map((_, i) => i).filter((i) => i !== master);
      const md = Math.max(...params.map(masterDownMs));
      const splitAt = t + s.rng.next() * s.advMs;
      const checkAt = splitAt + s.maxDelayMs + 2 * md + s.advMs;
      const healAt = checkAt + 5 * s.advMs;
      const end = healAt + 3 * md;
      net.at(splitAt, () => {
        if (mode === 'symmetric') net.partition([[master], rest]);
        else if (mode === 'master-unheard') net.blockOneWay([master], rest);
        else net.blockOneWay(rest, [master]);
      });
      net.at(healAt, () => net.heal());
      net.runUntil(end);
      const during = net.mastersDuring(checkAt, healAt);
      if (mode === 'master-deaf') {
        // The backups still hear the master: nothing changes.
        assert.deepEqual(net.mastersDuring(splitAt, end), [[master]], `${mode}: ${JSON.stringify(during)}`);
      } else {
        const other = expectedWinner(params, rest);
        assert.deepEqual(during, [[master, other].sort((a, b) => a - b)], `${mode}: masters while split`);
        if (mode === 'master-unheard') assert.ok(net.router(master).lowerPrioNotifies > 0, 'the old master saw the lower one');
      }
      const minMd = Math.min(...params.map(masterDownMs));
      assertOnlyMaster(net, healAt + minMd, end, master, `${mode}: after healing`);
    }
  });
});

test('loss ≤ 20%: a backup takes over from a live higher master only after losing consecutive adverts', () => {
  let checked = 0;
  forEachSeed('loss', SEEDS, (seed) => {
    for (const jitter of ['wide', 'narrow'] as const) {
      const base = setup(seed);
      const prios = distinctPriorities(base.rng, base.rng.int(2, 4));
      const params = prios.map((p, i) => routerParams(i, p, base.version, base.advertIntCs));
      const minSkew = Math.min(...params.map(skewMs));
      // Narrow jitter (< Skew_Time) guarantees 3 lost adverts per takeover; wide (< advert interval) only 2.
      const s: Setup = jitter === 'wide' ? base : { ...base, minDelayMs: 1, maxDelayMs: 1 + minSkew / 2 };
      const threshold = jitter === 'wide' ? 2 : 3;
      const lossRate = 0.05 + 0.15 * base.rng.next();
      const net = sim(seed, s, params.map((p) => ({ params: p, startAtMs: base.rng.next() * s.advMs })), lossRate);
      net.runUntil(300 * s.advMs);
      assert.deepEqual(net.violations, [], 'invariant violations');
      for (const e of net.trace) {
        if (e.type !== 'transition' || e.from !== 'BACKUP' || e.to !== 'MASTER') continue;
        const r = e.router;
        const md = masterDownMs(params[r]!);
        const windowStart = e.atMs - md - s.minDelayMs;
        const sets = net.mastersDuring(windowStart, e.atMs);
        const m = sets[0]?.find((x) => sets.every((set) => set.includes(x)) && params[x]!.priority > params[r]!.priority);
        if (windowStart < 0 || m === undefined) continue;
        const sent = net.trace.filter((x) => x.type === 'advert-sent' && x.from === m && x.atMs > windowStart && x.atMs < e.atMs - s.maxDelayMs);
        const lostSeqs = new Set(net.trace.flatMap((x) => (x.type === 'advert-lost' && x.from === m && x.to === r ? [x.seq] : [])));
        const msg = `router ${r} took over at ${e.atMs} from live master ${m}`;
        for (const a of sent) assert.ok(a.type === 'advert-sent' && lostSeqs.has(a.seq), `${msg}: advert ${a.type === 'advert-sent' ? a.seq : ''} was delivered`);
        assert.ok(sent.length >= threshold, `${msg}: only ${sent.length} consecutive adverts lost (need ≥ ${threshold})`);
        checked++;
      }
    }
  });
  if (process.env['SIM_SEED'] === undefined) assert.ok(checked > 0, 'no spurious takeover happened at all: the property was never exercised');
});
