import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimNet, SIM_VIP, type SimRouterSpec } from './sim-net.js';

const r = (priority: number, startAtMs: number | null = 0): SimRouterSpec => ({ settings: { vrid: 1, priority }, startAtMs });

test('SimNet is deterministic per seed and differs across seeds', async () => {
  const run = async (seed: number): Promise<string> => {
    const net = new SimNet({ seed, minDelayMs: 1, maxDelayMs: 500, lossRate: 0.2, rtnlLatencyMs: 3 }, [r(100), r(200), r(150)]);
    await net.runUntil(30_000);
    return JSON.stringify(net.trace);
  };
  assert.equal(await run(5), await run(5));
  assert.notEqual(await run(5), await run(6));
});

test('SimNet runs the real VRRP child: the adverts on the wire, VIPs via netlink, GARPs; kill, partitions, in-order delivery', async () => {
  const net = new SimNet({ seed: 1, minDelayMs: 0, maxDelayMs: 900, lossRate: 0 }, [r(200), r(100)]);
  await net.runUntil(10_000);
  assert.deepEqual(net.masters(), [0]);
  assert.deepEqual(net.vipHolders(), [0]);
  assert.deepEqual(net.router(0).life?.world.rtnl.requests.map((q) => q.text), [`delete ${SIM_VIP}/24 dev 2`, `add ${SIM_VIP}/24 dev 2`]);
  const garps = net.trace.filter((e) => e.type === 'garp');
  assert.equal(garps.length, 10, 'garp_master_repeat 5, twice (garp_master_delay)');
  assert.ok(garps.every((e) => e.type === 'garp' && e.router === 0 && e.address === SIM_VIP));
  const prios = new Set(net.trace.flatMap((e) => (e.type === 'advert-sent' ? [`${e.from}:${e.priority}`] : [])));
  assert.deepEqual([...prios], ['0:200'], 'only the master advertises, at its priority');
  const seqs = net.trace.flatMap((e) => (e.type === 'advert-delivered' && e.to === 1 ? [e.seq] : []));
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'FIFO per link');
  net.partition([[0], [1]]);
  await net.runUntil(20_000);
  assert.deepEqual(net.masters(), [0, 1]);
  assert.ok(net.trace.some((e) => e.type === 'advert-lost' && e.cause === 'partition'));
  net.heal();
  net.kill(0);
  assert.deepEqual(net.vipHolders(), [1], 'the VIP went with the box');
  await net.runUntil(30_000);
  assert.deepEqual(net.masters(), [1]);
  assert.deepEqual(net.violations, []);
});

test('SimNet faults: link down on the master is FAULT (priority 0); a stopped router resigns; a restarted one runs a new life', async () => {
  const net = new SimNet({ seed: 2, minDelayMs: 1, maxDelayMs: 50, lossRate: 0 }, [r(200), r(100)]);
  await net.runUntil(5000);
  net.inject(0, { type: 'link', ifname: 'eth0', up: false });
  assert.equal(net.router(0).state, 'FAULT');
  await net.runUntil(6000);
  assert.deepEqual(net.masters(), [1]);
  net.inject(0, { type: 'link', ifname: 'eth0', up: true });
  await net.runUntil(11_000);
  assert.deepEqual(net.masters(), [0]);
  net.stop(0);
  await net.runUntil(12_000);
  assert.equal(net.router(0).state, 'STOP');
  assert.deepEqual(net.masters(), [1]);
  net.restart(0);
  await net.runUntil(17_000);
  assert.deepEqual(net.masters(), [0]);
  assert.equal(net.router(0).incarnation, 2);
  assert.deepEqual(net.violations, []);
});

test('SimNet throws once its step budget is spent (a storm cannot hang a test)', async () => {
  const net = new SimNet({ seed: 1, minDelayMs: 0, maxDelayMs: 1, lossRate: 0, maxSteps: 50 }, [r(200), r(100)]);
  await assert.rejects(net.runUntil(600_000), /step budget exceeded/);
});
