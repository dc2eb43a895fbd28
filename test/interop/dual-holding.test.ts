import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddrEvent } from '../lab/vip-watch.js';
import { dualHolding } from './interop-scenario.js';

const ev = (host: string, tUs: number, type: 'add' | 'del', address = '192.0.2.100'): AddrEvent => ({ host, tUs, type, dev: 'eth0', family: 'inet', address, prefixLen: 24 });

test('dualHolding: overlaps of the two holders, clipped to the window, other addresses ignored', () => {
  const events = [
    ev('h1', 100, 'add'),
    ev('h2', 150, 'add'), // both 150..180
    ev('h1', 180, 'del'),
    ev('h1', 400, 'add'), // both 400..1000 (h2 still holds)
    ev('h2', 1000, 'del'),
    ev('h1', 1100, 'add', '192.0.2.200'),
    ev('h2', 1200, 'add'), // both from 1200 to the window end (1500)
  ];
  assert.deepEqual(dualHolding(events, '192.0.2.100', ['h1', 'h2'], 0, 1500), { longestUs: 600, totalUs: 30 + 600 + 300 });
  assert.deepEqual(dualHolding(events, '192.0.2.100', ['h1', 'h2'], 500, 900), { longestUs: 400, totalUs: 400 });
  assert.deepEqual(dualHolding(events, '192.0.2.100', ['h1', 'h2'], 0, 140), { longestUs: 0, totalUs: 0 });
});
