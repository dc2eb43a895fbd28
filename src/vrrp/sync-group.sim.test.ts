/**
 * Sync groups on the seeded simulated segment (test-kit/sim-net.ts): three routers, each the
 * real VRRP child with a vrrp_sync_group of two instances (VRID 51 with 192.0.2.100, VRID 52
 * with 192.0.2.101). After every event the simulation checks that the started members of a
 * group are in one state and that each VIP is on a router exactly while its instance is MASTER.
 * SIM_SEED=N replays one seed, SIM_SEEDS=K changes how many run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachSeed, SimNet, type SimRouterSpec } from '../test-kit/sim-net.js';
import { mulberry32, type Prng } from '../test-kit/prng.js';
import type { TestInstanceSettings } from '../test-kit/fsm-params.js';
import type { FsmParams } from './fsm-types.js';
import { masterDownIntervalUs, skewTimeUs, usToMs } from './timers.js';

const SEEDS = 40;
const VIP_A = '192.0.2.100';
const VIP_B = '192.0.2.101';

interface Net {
  readonly version: 2 | 3;
  readonly advertIntCs: number;
  readonly advMs: number;
  readonly maxDelayMs: number;
}

function netOf(rng: Prng): Net {
  const version = rng.pick([2, 3] as const);
  const advertIntCs = version === 2 ? rng.pick([100, 200]) : rng.pick([50, 100]);
  const advMs = advertIntCs * 10;
  return { version, advertIntCs, advMs, maxDelayMs: advMs * (0.02 + 0.3 * rng.next()) };
}

/** Router `id` with members A (tracks eth1) and B, priorities `pa` and `pb`. */
function groupRouter(n: Net, pa: number, pb: number, startAtMs: number): SimRouterSpec {
  const common = { version: n.version, advertIntCs: n.advertIntCs };
  const a: TestInstanceSettings = { ...common, name: 'A', vrid: 51, priority: pa, vips: [`${VIP_A}/24`], lines: ['track_interface {', ' eth1', '}'] };
  const b: TestInstanceSettings = { ...common, name: 'B', vrid: 52, priority: pb, vips: [`${VIP_B}/24`] };
  return { settings: a, more: [b], syncGroup: 'G', startAtMs };
}

function simOf(seed: number, n: Net, specs: SimRouterSpec[], lossRate = 0): SimNet {
  return new SimNet({ seed: seed * 104729 + 3, minDelayMs: 0, maxDelayMs: n.maxDelayMs, lossRate, rtnlLatencyMs: 0.3, timerEarlyMs: 0.6 }, specs);
}

const masterDownMs = (p: FsmParams): number => usToMs(masterDownIntervalUs(p.version, p.priority, p.advertIntCs, p.downTimerAdverts));
const skewMs = (p: FsmParams): number => usToMs(skewTimeUs(p.version, p.priority, p.advertIntCs));

/** Both members' FsmParams of a router (the first one is the router's own). */
function memberParams(net: SimNet, id: number): [FsmParams, FsmParams] {
  const r = net.router(id);
  return [r.params, SimNet.paramsOf(id, r.more[0]!)];
}

function groupStates(net: SimNet): string[] {
  return net.routers.map((r) => r.instances.map((i) => r.states.get(i.name) ?? 'INIT').join('/'));
}

function assertGroupMaster(net: SimNet, who: number, what: string, faulted?: number): void {
  assert.deepEqual(net.violations, [], `${what}: invariant violations`);
  assert.deepEqual([net.vipHolders(VIP_A), net.vipHolders(VIP_B)], [[who], [who]], `${what}: holders of both VIPs (states ${groupStates(net).join(' ')})`);
  net.routers.forEach((r, i) => {
    if (r.alive) assert.equal(groupStates(net)[i], i === who ? 'MASTER/MASTER' : i === faulted ? 'FAULT/FAULT' : 'BACKUP/BACKUP', `${what}: router ${i}`);
  });
}

/** Distinct priorities per router, ranked the same way in both VRIDs (so one router must win both). */
function rankedPriorities(rng: Prng): [number, number][] {
  const rank = rng.pick([
    [0, 1, 2],
    [2, 0, 1],
    [1, 2, 0],
  ]);
  const bands = [
    [20, 90],
    [100, 170],
    [180, 254],
  ];
  return rank.map((k) => {
    const [lo, hi] = bands[k]!;
    return [rng.int(lo!, hi!), rng.int(lo!, hi!)];
  });
}

test('sync groups of two on three routers: one router ends MASTER of both VIPs, members always agree', async () => {
  await forEachSeed('group-convergence', SEEDS, async (seed) => {
    const rng = mulberry32(seed);
    const n = netOf(rng);
    const prios = rankedPriorities(rng);
    const specs = prios.map(([pa, pb]) => groupRouter(n, pa, pb, rng.next() * 2 * n.advMs));
    const net = simOf(seed, n, specs);
    const winner = prios.reduce((best, p, i) => (p[0] > prios[best]![0] ? i : best), 0);
    const slowest = Math.max(...specs.map((_, i) => Math.max(...memberParams(net, i).map(masterDownMs))));
    // Start-up: everyone's timers, then a lower router that got there first yields to the winner.
    const settled = 2 * n.advMs + 3 * slowest + 4 * n.advMs;
    await net.runUntil(settled);
    assertGroupMaster(net, winner, `seed ${seed} after start-up`);
    await net.runUntil(settled + 10 * n.advMs);
    assertGroupMaster(net, winner, `seed ${seed} later`);
  });
});

test('a member fault moves the whole group: the master router resigns both VIPs at once, the next router takes both; recovery takes them back', async () => {
  await forEachSeed('group-member-fault', SEEDS, async (seed) => {
    const rng = mulberry32(seed);
    const n = netOf(rng);
    const prios = rankedPriorities(rng);
    const net = simOf(seed, n, prios.map(([pa, pb]) => groupRouter(n, pa, pb, 0)));
    const order = [0, 1, 2].sort((x, y) => prios[y]![0] - prios[x]![0]);
    const [top, next] = order as [number, number, number];
    const slowest = Math.max(...[0, 1, 2].map((i) => Math.max(...memberParams(net, i).map(masterDownMs))));
    await net.runUntil(3 * slowest + 4 * n.advMs);
    assertGroupMaster(net, top, `seed ${seed} before the fault`);

    const faultAt = net.now() + rng.next() * n.advMs;
    net.at(faultAt, () => net.inject(top, { type: 'link', ifname: 'eth1', up: false }));
    await net.runUntil(faultAt);
    assert.equal(groupStates(net)[top], 'FAULT/FAULT', 'both members of the faulted router, in the same event');
    await net.runUntil(faultAt + 1); // netlink's answer to the address removals
    assert.deepEqual([net.vipHolders(VIP_A), net.vipHolders(VIP_B)].map((h) => h.includes(top)), [false, false]);
    // Both members resigned with priority 0: the next router's members run out after their
    // Skew_Time; the group becomes MASTER at the later of the two.
    const bound = faultAt + n.maxDelayMs + Math.max(...memberParams(net, next).map(skewMs)) + 2;
    await net.runUntil(bound);
    assert.equal(groupStates(net)[next], 'MASTER/MASTER', `seed ${seed}: router ${next} MASTER of both by ${bound.toFixed(1)} (states ${groupStates(net).join(' ')})`);
    await net.runUntil(bound + 2 * n.advMs);
    assertGroupMaster(net, next, `seed ${seed} while router ${top} is faulted`, top);

    const upAt = net.now();
    net.inject(top, { type: 'link', ifname: 'eth1', up: true });
    await net.runUntil(upAt + Math.max(...memberParams(net, top).map(masterDownMs)) + 3 * n.advMs);
    assertGroupMaster(net, top, `seed ${seed} after recovery`);
  });
});

test('conflicting priorities and a lossy segment: members of each group still always agree, VIPs follow their instances', async () => {
  await forEachSeed('group-conflict', SEEDS, async (seed) => {
    const rng = mulberry32(seed);
    const n = netOf(rng);
    const specs = [0, 1, 2].map(() => groupRouter(n, rng.int(1, 254), rng.int(1, 254), rng.next() * n.advMs));
    const net = simOf(seed, n, specs, rng.pick([0, 0.05, 0.2]));
    for (let k = 1; k <= 3; k++) {
      const id = rng.int(0, 2);
      const at = k * 6 * n.advMs + rng.next() * n.advMs;
      net.at(at, () => net.inject(id, { type: 'link', ifname: rng.chance(0.5) ? 'eth0' : 'eth1', up: false }));
      net.at(at + 4 * n.advMs, () => net.inject(id, { type: 'link', ifname: 'eth0', up: true }));
      net.at(at + 4 * n.advMs, () => net.inject(id, { type: 'link', ifname: 'eth1', up: true }));
    }
    await net.runUntil(40 * n.advMs);
    assert.deepEqual(net.violations, [], `seed ${seed}`);
    assert.ok(net.trace.some((e) => e.type === 'transition' && e.reason === 'sync-group'), 'the groups did move members');
  });
});
