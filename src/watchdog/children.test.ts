import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS } from '../process/options.js';
import { selectChildren, type SubsystemsConfigured } from './children.js';

const both: SubsystemsConfigured = { hasVrrp: true, hasChecker: true };
const kinds = (o: Partial<typeof DEFAULT_OPTIONS>, c: SubsystemsConfigured): string[] => selectChildren({ ...DEFAULT_OPTIONS, ...o }, c).map((s) => s.kind);

test('children follow the configuration and -P/-C/--all', () => {
  assert.deepEqual(kinds({}, both), ['vrrp', 'checker']);
  assert.deepEqual(kinds({ vrrpOnly: true }, both), ['vrrp']);
  assert.deepEqual(kinds({ checkOnly: true }, both), ['checker']);
  assert.deepEqual(kinds({}, { ...both, hasChecker: false }), ['vrrp']);
  assert.deepEqual(kinds({ vrrpOnly: true }, { ...both, hasVrrp: false }), []);
  assert.deepEqual(kinds({ vrrpOnly: true, all: true }, { ...both, hasVrrp: false }), ['vrrp']);
  assert.deepEqual(kinds({ all: true }, { hasVrrp: false, hasChecker: false }), ['vrrp', 'checker']);
});
