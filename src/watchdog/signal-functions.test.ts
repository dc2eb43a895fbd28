import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIGNUM, ignoredRealtimeSignalLine, realtimeFunction, realtimeSignalName } from './signal-functions.js';

test("--signum numbers are Debian keepalived 2.2.7's (TDUMP is unknown to that build)", () => {
  assert.deepEqual(SIGNUM, { STOP: 15, RELOAD: 1, DATA: 10, STATS: 12, STATS_CLEAR: 63, JSON: 36 });
});

test('real-time signal names from the nearer end, as kill -l prints them', () => {
  assert.deepEqual([34, 36, 49, 50, 63, 64].map((s) => realtimeSignalName(s)), ['SIGRTMIN', 'SIGRTMIN+2', 'SIGRTMIN+15', 'SIGRTMAX-14', 'SIGRTMAX-1', 'SIGRTMAX']);
});

test('JSON, STATS_CLEAR and TDUMP are counted from the ends the running system reports', () => {
  assert.deepEqual([36, 63, 64, 34, 40].map((s) => realtimeFunction(s)), ['JSON', 'STATS_CLEAR', 'TDUMP', undefined, undefined]);
  assert.deepEqual([34, 61, 62].map((s) => realtimeFunction(s, 32, 62)), ['JSON', 'STATS_CLEAR', 'TDUMP']);
});

test('a real-time signal a process ignores is logged: a function of another process, or no meaning at all', () => {
  assert.equal(ignoredRealtimeSignalLine(36), 'Ignoring signal 36 (SIGRTMIN+2, JSON): only the VRRP process acts on it');
  assert.equal(ignoredRealtimeSignalLine(63), 'Ignoring signal 63 (SIGRTMAX-1, STATS_CLEAR): only the VRRP process acts on it');
  assert.equal(ignoredRealtimeSignalLine(40), 'Ignoring signal 40 (SIGRTMIN+6): keepalived gives it no meaning');
});
