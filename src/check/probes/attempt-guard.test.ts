import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProbeOutcome } from '../probe.js';
import { guardAttempt } from './attempt-guard.js';

test('first outcome wins, release runs once, timer and abort listener are dropped', async () => {
  let released = 0;
  const ac = new AbortController();
  const p = new Promise<ProbeOutcome>((resolve) => {
    const g = guardAttempt(resolve, { timeoutMs: 30, onTimeout: () => ({ type: 'failure', reason: 'timeout' }), signal: ac.signal, release: () => released++ });
    g.finish({ type: 'success' });
    g.finish({ type: 'failure', reason: 'late' });
    assert.equal(g.finished, true);
  });
  assert.deepEqual(await p, { type: 'success' });
  ac.abort();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(released, 1);
});

test('timeout and abort (also an already aborted signal)', async () => {
  const timeout = await new Promise<ProbeOutcome>((resolve) => guardAttempt(resolve, { timeoutMs: 10, onTimeout: () => ({ type: 'failure', reason: 'timeout' }), release: () => undefined }));
  assert.deepEqual(timeout, { type: 'failure', reason: 'timeout' });
  const ac = new AbortController();
  const p = new Promise<ProbeOutcome>((resolve) => guardAttempt(resolve, { timeoutMs: 5000, onTimeout: () => ({ type: 'success' }), signal: ac.signal, release: () => undefined }));
  ac.abort();
  assert.deepEqual(await p, { type: 'failure', reason: 'aborted' });
  const pre = await new Promise<ProbeOutcome>((resolve) => guardAttempt(resolve, { timeoutMs: 5000, onTimeout: () => ({ type: 'success' }), signal: AbortSignal.abort(), release: () => undefined }));
  assert.deepEqual(pre, { type: 'failure', reason: 'aborted' });
});
