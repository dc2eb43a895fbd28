import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS } from '../process/options.js';
import { selectChildren, type ConfigSummary } from './children.js';

const both: ConfigSummary = { hasVrrp: true, hasChecker: true, childWaitTimeS: 5 };
const kinds = (o: Partial<typeof DEFAULT_OPTIONS>, c: ConfigSummary): string[] => selectChildren({ ...DEFAULT_OPTIONS, ...o }, c).map((s) => s.kind);

test('children follow the configuration and -P/-C/--all', () => {
  assert.deepEqual(kinds({}, both), ['vrrp', 'checker']);
  assert.deepEqual(kinds({ vrrpOnly: true }, both), ['vrrp']);
  assert.deepEqual(kinds({ checkOnly: true }, both), ['checker']);
  assert.deepEqual(kinds({}, { ...both, hasChecker: false }), ['vrrp']);
  assert.deepEqual(kinds({ vrrpOnly: true }, { ...both, hasVrrp: false }), []);
  assert.deepEqual(kinds({ vrrpOnly: true, all: true }, { ...both, hasVrrp: false }), ['vrrp']);
  assert.deepEqual(kinds({ all: true }, { hasVrrp: false, hasChecker: false, childWaitTimeS: 5 }), ['vrrp', 'checker']);
});
