import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddrEvent } from '../lab/vip-watch.js';
import { vipTimeline } from './vip-timeline.js';

const ev = (host: string, tMs: number, type: 'add' | 'del', address = '192.0.2.100'): AddrEvent => ({ host, tUs: tMs * 1000, type, dev: 'eth0', family: 'inet', address, prefixLen: 24 });

test('dual and VIP-less intervals from address notifications, holders before the window counted', () => {
  const events = [ev('h1', 0, 'add'), ev('h2', 1000, 'add'), ev('h1', 1500, 'del'), ev('h1', 1500, 'add', '192.0.2.7'), ev('h2', 3000, 'del'), ev('h1', 3400, 'add'), ev('h1', 3500, 'add')];
  const t = vipTimeline(events, '192.0.2.100', 500_000, 5_000_000);
  assert.deepEqual(
    t.episodes.map((e) => [e.kind, e.startUs / 1000, e.endUs / 1000]),
    [
      ['dual', 1000, 1500],
      ['none', 3000, 3400],
    ],
  );
  assert.equal(t.dualMs, 500);
  assert.equal(t.noneMs, 400);
  assert.equal(t.changes, 4);
});

test('a window that starts with nobody holding the VIP counts from its start', () => {
  const t = vipTimeline([ev('h1', 2000, 'add')], '192.0.2.100', 0, 3_000_000);
  assert.deepEqual(t.episodes, [{ kind: 'none', startUs: 0, endUs: 2_000_000 }]);
});
