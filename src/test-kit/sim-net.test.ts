import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimNet } from './sim-net.js';
import type { FsmParams } from '../vrrp/fsm-types.js';
import { testFsmParams } from './fsm-params.js';

const p = (i: number, priority: number): FsmParams => testFsmParams(i, { vrid: 1, priority: priority });

test('SimNet is deterministic per seed and differs across seeds', () => {
  const run = (seed: number): string => {
    const net = new SimNet({ seed, minDelayMs: 1, maxDelayMs: 500, lossRate: 0.2 }, [p(0, 100), p(1, 200), p(2, 150)].map((params) => ({ params, startAtMs: 0 })));
    net.runUntil(30_000);
    return JSON.stringify(net.trace);
  };
  assert.equal(run(5), run(5));
  assert.notEqual(run(5), run(6));
});

test('SimNet tracks VIPs, kill, partitions, and delivers in order per link', () => {
  const net = new SimNet({ seed: 1, minDelayMs: 0, maxDelayMs: 900, lossRate: 0 }, [{ params: p(0, 200), startAtMs: 0 }, { params: p(1, 100), startAtMs: 0 }]);
  net.runUntil(10_000);
  assert.deepEqual(net.masters(), [0]);
  assert.deepEqual(net.vipHolders(), [0]);
  const seqs = net.trace.flatMap((e) => (e.type === 'advert-delivered' && e.to === 1 ? [e.seq] : []));
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'FIFO per link');
  net.partition([[0], [1]]);
  net.runUntil(20_000);
  assert.deepEqual(net.masters(), [0, 1]);
  assert.ok(net.trace.some((e) => e.type === 'advert-lost' && e.cause === 'partition'));
  net.heal();
  net.kill(0);
  assert.deepEqual(net.vipHolders(), [1]);
  net.runUntil(30_000);
  assert.deepEqual(net.masters(), [1]);
  assert.deepEqual(net.violations, []);
});

test('SimNet throws once its step budget is spent (a storm cannot hang a test)', () => {
  const net = new SimNet({ seed: 1, minDelayMs: 0, maxDelayMs: 1, lossRate: 0, maxSteps: 50 }, [{ params: p(0, 200), startAtMs: 0 }, { params: p(1, 100), startAtMs: 0 }]);
  assert.throws(() => net.runUntil(600_000), /step budget exceeded/);
});
