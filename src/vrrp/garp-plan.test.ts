import { test } from 'node:test';
import assert from 'node:assert/strict';
import { garpPlan } from './garp-plan.js';
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
