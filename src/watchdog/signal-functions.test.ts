import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIGNUM, realtimeSignalLine, realtimeSignalName } from './signal-functions.js';

test("--signum numbers are Debian keepalived 2.2.7's (TDUMP is unknown to that build)", () => {
  assert.deepEqual(SIGNUM, { STOP: 15, RELOAD: 1, DATA: 10, STATS: 12, STATS_CLEAR: 63, JSON: 36 });
});

test('real-time signal names from the nearer end, as kill -l prints them', () => {
  assert.deepEqual([34, 36, 49, 50, 63, 64].map((s) => realtimeSignalName(s)), ['SIGRTMIN', 'SIGRTMIN+2', 'SIGRTMIN+15', 'SIGRTMAX-14', 'SIGRTMAX-1', 'SIGRTMAX']);
});

test('JSON, STATS_CLEAR and TDUMP are named as not acted on yet; the others as meaningless', () => {
  assert.equal(realtimeSignalLine(36), 'Received SIGRTMIN+2 (JSON, signal 36): writing keepalived.json is not acted on yet - ignoring it');
  assert.equal(realtimeSignalLine(63), 'Received SIGRTMAX-1 (STATS_CLEAR, signal 63): printing and clearing the statistics is not acted on yet - ignoring it');
  assert.equal(realtimeSignalLine(64), 'Received SIGRTMAX (TDUMP, signal 64): the thread dump is not acted on yet - ignoring it');
  assert.equal(realtimeSignalLine(40), 'Ignoring signal 40 (SIGRTMIN+6): keepalived gives it no meaning');
});
