import { test } from 'node:test';
import assert from 'node:assert/strict';
import { miscOutcome } from './misc.js';

test('exit status mapping with and without misc_dynamic', () => {
  assert.deepEqual(miscOutcome({ type: 'exited', status: 0 }, false), { type: 'success' });
  assert.deepEqual(miscOutcome({ type: 'exited', status: 0 }, true), { type: 'success' });
  assert.deepEqual(miscOutcome({ type: 'exited', status: 1 }, true), { type: 'failure', reason: 'exit status 1' });
  assert.deepEqual(miscOutcome({ type: 'exited', status: 2 }, true), { type: 'success', dynamicWeight: 0 });
  assert.deepEqual(miscOutcome({ type: 'exited', status: 255 }, true), { type: 'success', dynamicWeight: 253 });
  assert.deepEqual(miscOutcome({ type: 'exited', status: 2 }, false), { type: 'failure', reason: 'exit status 2' });
  assert.equal(miscOutcome({ type: 'timeout' }, true).type, 'failure');
  assert.equal(miscOutcome({ type: 'signaled', signal: 'SIGKILL' }, true).type, 'failure');
  assert.equal(miscOutcome({ type: 'spawn-error', message: 'ENOENT' }, false).type, 'failure');
});
