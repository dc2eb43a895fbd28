import { test } from 'node:test';
import assert from 'node:assert/strict';
import { masterDownIntervalUs, skewPriority, skewTimeUs } from './timers.js';

test('master-down matches keepalived dumps (v2, advert 1 s): prio 150 → 3414062 us, prio 110 → 3570312 us', () => {
  assert.equal(masterDownIntervalUs(2, 150, 100, 3), 3414062);
  assert.equal(masterDownIntervalUs(2, 110, 100, 3), 3570312);
});

test('v2 skew is (256-prio)/256 s whatever the advert interval', () => {
  for (const adv of [100, 300, 1000]) assert.equal(skewTimeUs(2, 100, adv), 609375);
  assert.equal(masterDownIntervalUs(2, 100, 300, 3), 9_000_000 + 609375);
});

test('v3 skew is scaled by Master_Adver_Interval and truncated to whole microseconds', () => {
  const cases: [number, number, number][] = [
    // prio, masterAdverIntervalCs, skew us
    [100, 100, 609375],
    [100, 50, 304687], // 304687.5 truncated
    [200, 25, 54687], // 56 × 250000 / 256 = 54687.5
    [254, 1, 78], // 2 × 10000 / 256 = 78.125
  ];
  for (const [prio, cs, us] of cases) assert.equal(skewTimeUs(3, prio, cs), us, `prio ${prio} adv ${cs}cs`);
  assert.equal(masterDownIntervalUs(3, 100, 50, 3), 1_500_000 + 304687);
});

test('down_timer_adverts multiplies the interval', () => {
  assert.equal(masterDownIntervalUs(2, 150, 100, 5), 5_414_062);
  assert.equal(masterDownIntervalUs(3, 150, 100, 1), 1_414_062);
});

test('the address owner uses 255 in the skew even with a reduced effective priority', () => {
  assert.equal(skewPriority(255, 200), 255);
  assert.equal(skewPriority(200, 180), 180);
  assert.equal(skewTimeUs(2, skewPriority(255, 200), 100), 3906);
});
