import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intEnv, positiveIntEnv } from './env-knobs.js';

test('positiveIntEnv: the default when unset or empty, a count ≥ 1 otherwise; 0, negatives, fractions and words throw', () => {
  assert.equal(positiveIntEnv('N', 300, {}), 300);
  assert.equal(positiveIntEnv('N', 300, { N: '' }), 300);
  assert.equal(positiveIntEnv('N', 300, { N: '1' }), 1);
  assert.equal(positiveIntEnv('N', 300, { N: '5000' }), 5000);
  for (const bad of ['0', '-3', '2.5', 'many', '1e400', ' ']) assert.throws(() => positiveIntEnv('N', 300, { N: bad }), /N=.*: expected a whole number ≥ 1/, bad);
});

test('intEnv: seeds may be 0 or negative, never a non-integer', () => {
  assert.equal(intEnv('S', 7, {}), 7);
  assert.equal(intEnv('S', 7, { S: '0' }), 0);
  assert.equal(intEnv('S', 7, { S: '-12' }), -12);
  assert.equal(intEnv('S', 7, { S: '0x4b54' }), 0x4b54);
  for (const bad of ['1.5', 'abc', ' ', '1e3']) assert.throws(() => intEnv('S', 7, { S: bad }), /S=.*: expected a whole number/, bad);
});
