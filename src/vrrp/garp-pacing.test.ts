import { test } from 'node:test';
import assert from 'node:assert/strict';
import { burstPackets, garpPlan, type GarpPacket } from './garp-pacing.js';
import type { VipTarget } from './vip-addresses.js';
import { DEFAULT_GARP } from '../config/model.js';

test('keepalived defaults: 5 GARPs now and 5 more after 5 s', () => {
  assert.deepEqual(garpPlan(DEFAULT_GARP, 'became-master'), [
    { atOffsetMs: 0, repeat: 5 },
    { atOffsetMs: 5000, repeat: 5 },
  ]);
});

test('garp_master_delay 0 means no second burst; lower-prio uses its own settings; refresh', () => {
  const g = { ...DEFAULT_GARP, masterDelayMs: 0, lowerPrioRepeat: 2, lowerPrioDelayMs: 1000, masterRefreshRepeat: 3 };
  assert.deepEqual(garpPlan(g, 'became-master'), [{ atOffsetMs: 0, repeat: 5 }]);
  assert.deepEqual(garpPlan(g, 'lower-prio-seen'), [
    { atOffsetMs: 0, repeat: 2 },
    { atOffsetMs: 1000, repeat: 2 },
  ]);
  assert.deepEqual(garpPlan(g, 'refresh'), [{ atOffsetMs: 0, repeat: 3 }]);
  assert.deepEqual(garpPlan({ ...g, lowerPrioRepeat: 0 }, 'lower-prio-seen'), []);
});

test('burst packets: all at once VIP by VIP without a gap; per-family spacing with vrrp_garp_interval / vrrp_gna_interval', () => {
  const spec = (address: string, family: 4 | 6): VipTarget => ({ ifname: 'eth0', spec: { family, address, prefixLen: family === 4 ? 24 : 64, text: address, loc: { file: 'f', line: 1, col: 1 } } });
  const vips = [spec('192.0.2.100', 4), spec('2001:db8::100', 6), spec('192.0.2.101', 4)];
  const show = (ps: readonly GarpPacket[]): string[] => ps.map((p) => `${p.delayMs} ${p.vip.spec.address}`);
  assert.deepEqual(show(burstPackets(DEFAULT_GARP, vips, 2)), ['0 192.0.2.100', '0 2001:db8::100', '0 192.0.2.101', '0 192.0.2.100', '0 2001:db8::100', '0 192.0.2.101']);
  assert.deepEqual(show(burstPackets({ ...DEFAULT_GARP, intervalMs: 10 }, vips, 2)), ['0 192.0.2.100', '10 192.0.2.101', '20 192.0.2.100', '30 192.0.2.101', '0 2001:db8::100', '0 2001:db8::100']);
  assert.deepEqual(show(burstPackets({ ...DEFAULT_GARP, gnaIntervalMs: 5 }, vips, 1)), ['0 192.0.2.100', '0 192.0.2.101', '0 2001:db8::100']);
});
