import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateTracking, fileStatus, upDownContribution, type TrackerReadings, type TrackingSpec } from './tracking.js';

const base: TrackingSpec = { basePriority: 100, primaryInterface: 'eth0', dontTrackPrimary: false, interfaces: [], scripts: [], files: [], processes: [] };
const readings = (over: Partial<TrackerReadings> = {}): TrackerReadings => ({
  isUp: () => true,
  script: () => undefined,
  fileValue: () => undefined,
  processQuorum: () => undefined,
  ...over,
});

test('primary interface down is a fault unless dont_track_primary', () => {
  const r = readings({ isUp: (n) => n !== 'eth0' });
  assert.deepEqual(evaluateTracking(base, r).faults, ['interface:eth0']);
  assert.deepEqual(evaluateTracking({ ...base, dontTrackPrimary: true }, r).faults, []);
});

test("interface weights as keepalived 2.2.7: 0 faults, + while up, − while down, reverse negates (10 reverse ⇒ −10 while up)", () => {
  const t: TrackingSpec = {
    ...base,
    interfaces: [
      { name: 'eth1', weight: 0, reverse: false },
      { name: 'eth2', weight: 10, reverse: false },
      { name: 'eth3', weight: -20, reverse: false },
      { name: 'eth4', weight: 5, reverse: true },
      { name: 'eth5', weight: 0, reverse: true },
    ],
  };
  assert.deepEqual(evaluateTracking(t, readings()), { faults: ['interface:eth5'], priority: 105, scriptsInit: 0 });
  const down = evaluateTracking(t, readings({ isUp: (n) => n === 'eth0' }));
  assert.deepEqual(down, { faults: ['interface:eth1'], priority: 80, scriptsInit: 0 });
});

test('up/down contribution table (weight × reverse)', () => {
  assert.deepEqual(upDownContribution(true, 10, false), { fault: false, delta: 10 });
  assert.deepEqual(upDownContribution(false, 10, false), { fault: false, delta: 0 });
  assert.deepEqual(upDownContribution(true, -20, false), { fault: false, delta: 0 });
  assert.deepEqual(upDownContribution(false, -20, false), { fault: false, delta: -20 });
  assert.deepEqual(upDownContribution(true, 7, true), { fault: false, delta: -7 });
  assert.deepEqual(upDownContribution(false, -20, true), { fault: false, delta: 20 });
  assert.deepEqual(upDownContribution(false, 0, false), { fault: true, delta: 0 });
  assert.deepEqual(upDownContribution(true, 0, true), { fault: true, delta: 0 });
});

test('scripts: init counts nothing and holds unweighted ones; ok/failed weigh like interfaces', () => {
  const t: TrackingSpec = { ...base, scripts: [{ name: 'w0', weight: 0, reverse: false }, { name: 'up', weight: 10, reverse: false }, { name: 'down', weight: -20, reverse: false }] };
  assert.deepEqual(evaluateTracking(t, readings({ script: () => 'init' })), { faults: [], priority: 100, scriptsInit: 1 });
  assert.deepEqual(evaluateTracking(t, readings({ script: () => 'ok' })), { faults: [], priority: 110, scriptsInit: 0 });
  assert.deepEqual(evaluateTracking(t, readings({ script: () => 'failed' })), { faults: ['script:w0'], priority: 80, scriptsInit: 0 });
  // A disabled script (not found at load) counts for nothing.
  assert.deepEqual(evaluateTracking(t, readings()), { faults: [], priority: 100, scriptsInit: 0 });
});

test('track_file status: value × weight clamped to [−254, 253], −254 a fault; weight 0 faults on non-zero (reverse: zero)', () => {
  assert.equal(fileStatus(5, 1, false), 5);
  assert.equal(fileStatus(-200, -2, false), 253);
  assert.equal(fileStatus(-200, 2, false), -254);
  assert.equal(fileStatus(16, 1, true), -16);
  assert.equal(fileStatus(0, 0, false), 0);
  assert.equal(fileStatus(3, 0, false), -254);
  assert.equal(fileStatus(0, 0, true), -254);
  assert.equal(fileStatus(1, 0, true), 0);
  // The 2.2.7 run of test/e2e: 100 − 10 (v1 up, 10 reverse) + 5 (f1) + 0 (f3 "abc") + 7×3 (f4) = 116.
  const t: TrackingSpec = {
    ...base,
    interfaces: [{ name: 'v1', weight: 10, reverse: true }],
    files: [{ name: 'f1', weight: 1, reverse: false }, { name: 'f3', weight: -2, reverse: false }, { name: 'f4', weight: 3, reverse: false }],
  };
  const values: Record<string, number> = { f1: 5, f3: 0, f4: 7 };
  assert.equal(evaluateTracking(t, readings({ fileValue: (n) => values[n] })).priority, 116);
  values['f3'] = -200;
  values['f1'] = 0;
  assert.equal(evaluateTracking(t, readings({ fileValue: (n) => values[n] })).priority, 364);
});
