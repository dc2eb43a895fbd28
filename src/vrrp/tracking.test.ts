import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateTracking } from './tracking.js';

const base = { basePriority: 100, primaryInterface: 'eth0', dontTrackPrimary: false, trackInterfaces: [] };

test('primary interface down is a fault unless dont_track_primary', () => {
  const down = (n: string): boolean => n !== 'eth0';
  assert.deepEqual(evaluateTracking(base, down).faults, ['interface:eth0']);
  assert.deepEqual(evaluateTracking({ ...base, dontTrackPrimary: true }, down).faults, []);
});

test('weights: 0 faults, positive adds while up, negative subtracts while down, reverse swaps', () => {
  const t = {
    ...base,
    trackInterfaces: [
      { name: 'eth1', weight: 0, reverse: false },
      { name: 'eth2', weight: 10, reverse: false },
      { name: 'eth3', weight: -20, reverse: false },
      { name: 'eth4', weight: 5, reverse: true },
    ],
  };
  const allUp = evaluateTracking(t, () => true);
  assert.deepEqual(allUp, { faults: [], priority: 110 });
  const allDown = evaluateTracking(t, (n) => n === 'eth0');
  assert.deepEqual(allDown, { faults: ['interface:eth1'], priority: 85 });
});
