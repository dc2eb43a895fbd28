import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_BACKOFF, restartDelay, type BackoffState } from './backoff.js';
import { classifyExit, describeExit, diedUncleanly } from './exit-status.js';

/** Simulates a child that keeps dying after `runMs`, on a fake monotonic clock. */
function delays(runsMs: readonly number[]): number[] {
  let state: BackoffState = INITIAL_BACKOFF;
  let nowMs = 1_000;
  const out: number[] = [];
  for (const run of runsMs) {
    const started = nowMs;
    nowMs += run;
    const d = restartDelay(state, started, nowMs);
    out.push(d.delayS);
    state = d.state;
    nowMs += d.delayS * 1000;
  }
  return out;
}

test('quick deaths back off 0, 1, 2, 4 … capped at 60 s', () => {
  assert.deepEqual(delays(Array(10).fill(500)), [0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
});

test('a run of at least 60 s restarts at once and resets the series', () => {
  assert.deepEqual(delays([500, 500, 500, 60_000, 500, 500]), [0, 1, 2, 0, 0, 1]);
  assert.deepEqual(delays([59_999, 59_999]), [0, 1]);
  assert.equal(restartDelay(INITIAL_BACKOFF, 0, 500).limited, true);
  assert.equal(restartDelay(INITIAL_BACKOFF, 0, 60_000).limited, false);
});

test('exit classification: 1/2/4 permanent, others transient', () => {
  assert.deepEqual(classifyExit(2, null), { type: 'permanent', status: 2, name: 'CONFIG' });
  assert.deepEqual(classifyExit(1, null), { type: 'permanent', status: 1, name: 'FATAL' });
  assert.equal(classifyExit(4, null).type, 'permanent');
  assert.equal(classifyExit(0, null).type, 'transient');
  assert.equal(classifyExit(3, null).type, 'transient');
  assert.equal(classifyExit(null, 'SIGKILL').type, 'transient');
  assert.equal(describeExit(7, classifyExit(null, 'SIGKILL')), 'pid 7 exited due to signal 9 (Killed)');
  assert.equal(describeExit(7, classifyExit(2, null)), 'pid 7 exited with permanent error CONFIG. Terminating');
  assert.equal(describeExit(7, classifyExit(3, null)), 'pid 7 exited with status 3');
  assert.equal(describeExit(7, classifyExit(null, 'SIGXCPU')), 'pid 7 exited due to signal 24 (SIGXCPU)', 'any signal Node names: its number');
});

test('a crash is a signal or a status other than 0; a stop exits 0 (a restarted VRRP child resumes only after a crash)', () => {
  assert.equal(diedUncleanly(0, null), false);
  assert.equal(diedUncleanly(null, 'SIGKILL'), true);
  assert.equal(diedUncleanly(70, null), true);
  assert.equal(diedUncleanly(null, 'SIGSEGV'), true);
});
