import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../test-kit/prng.js';
import { applyResult, firstRunDelayMs, initialCheckerState, nextUrl, type CheckerFsmParams, type CheckerFsmState } from './checker-fsm.js';

const P: CheckerFsmParams = { retry: 2, delayBeforeRetryMs: 1000, delayLoopMs: 5000, warmupMs: 5000, alpha: false, urlCount: 1, fastRecovery: false };

/** Feed results; returns [delay, transition] per step and the final state. */
function feed(p: CheckerFsmParams, s: CheckerFsmState, results: readonly boolean[]): { trace: string[]; s: CheckerFsmState } {
  const trace: string[] = [];
  for (const r of results) {
    const step = applyResult(p, s, r);
    s = step.state;
    const t = step.transition;
    trace.push(`${step.delayMs}${t ? (t.type === 'up' ? ' UP' : ` DOWN/${t.retries}`) : ''}`);
  }
  return { trace, s };
}

test('first result is applied at once: a failure of a fresh checker is DOWN without retries ("failed.")', () => {
  const { trace, s } = feed(P, initialCheckerState(P), [false]);
  assert.deepEqual(trace, ['5000 DOWN/0']);
  assert.equal(s.up, false);
});

test('first success of a non-alpha checker is reported (keepalived logs it) and it stays UP', () => {
  const { trace, s } = feed(P, initialCheckerState(P), [true, true]);
  assert.deepEqual(trace, ['5000 UP', '5000']);
  assert.equal(s.up, true);
});

test('UP goes DOWN after retry+1 consecutive failures spaced delay_before_retry; DOWN comes UP on the first success', () => {
  const { trace, s } = feed(P, initialCheckerState(P), [true, false, false, false, false, true]);
  // 2 retries at 1 s, then DOWN "after 2 retries"; a failing DOWN checker keeps keepalived's cadence.
  assert.deepEqual(trace, ['5000 UP', '1000', '1000', '5000 DOWN/2', '1000', '5000 UP']);
  assert.equal(s.up, true);
});

test('a success inside the retries resets the budget (no DOWN)', () => {
  const { trace } = feed(P, initialCheckerState(P), [true, false, false, true, false, false, true]);
  assert.deepEqual(trace, ['5000 UP', '1000', '1000', '5000', '1000', '1000', '5000']);
});

test('retry 0: the first failure of an UP checker is fatal', () => {
  const p = { ...P, retry: 0 };
  const { trace } = feed(p, initialCheckerState(p), [true, false]);
  assert.deepEqual(trace, ['5000 UP', '5000 DOWN/0']);
});

test('alpha: starts failed; a failure is logged once (no RS change), the first success brings it UP', () => {
  const p = { ...P, alpha: true };
  const s0 = initialCheckerState(p);
  assert.equal(s0.up, false);
  const { trace } = feed(p, s0, [false, false, false, false, true]);
  assert.deepEqual(trace, ['5000 DOWN/0', '1000', '1000', '5000', '5000 UP']);
});

test('warmup: first run uniform in [0, warmup]; warmup 0 = immediately', () => {
  const rnd = mulberry32(7);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < 5000; i++) {
    const d = firstRunDelayMs(P, () => rnd.next());
    min = Math.min(min, d);
    max = Math.max(max, d);
  }
  assert.ok(min >= 0 && min < 50, `min ${min}`);
  assert.ok(max <= 5000 && max > 4950, `max ${max}`);
  assert.equal(firstRunDelayMs({ ...P, warmupMs: 0 }, () => 0.99), 0);
});

test('HTTP url cycling: one url per run, UP after a full pass, failing url retried then polled alone, recovery re-checks all', () => {
  const p: CheckerFsmParams = { ...P, retry: 1, alpha: true, urlCount: 3 };
  let s = initialCheckerState(p);
  const urls: number[] = [];
  const step = (ok: boolean): string => {
    urls.push(nextUrl(s));
    const r = applyResult(p, s, ok);
    s = r.state;
    return `${r.delayMs}${r.transition ? ` ${r.transition.type}` : ''}${r.urlPassed !== undefined ? ` passed${r.urlPassed}` : ''}`;
  };
  // Alpha pass: urls 0,1,2 one per delay_loop, UP after the last.
  assert.deepEqual([step(true), step(true), step(true)], ['5000 passed0', '5000 passed1', '5000 up passed2']);
  // Up: a pass is silent. Url 1 fails, is retried once (same url), then DOWN.
  assert.deepEqual([step(true), step(false), step(false)], ['5000', '1000', '5000 down']);
  // Down: only url 1 is polled until it passes, then 0,1,2 are re-checked.
  assert.deepEqual([step(false), step(false), step(true), step(true), step(true), step(true)], ['1000', '5000', '5000 passed1', '5000 passed0', '5000 passed1', '5000 up passed2']);
  assert.deepEqual(urls, [0, 1, 2, 0, 1, 1, 1, 1, 1, 0, 1, 2]);
});

test('HTTP fast_recovery: after the failed url passes, the remaining urls are checked without waiting', () => {
  const p: CheckerFsmParams = { ...P, retry: 0, urlCount: 2, fastRecovery: true };
  let s = initialCheckerState(p);
  const delays: number[] = [];
  for (const ok of [true, true, false, true, true, true]) {
    const r = applyResult(p, s, ok);
    s = r.state;
    delays.push(r.delayMs);
  }
  // pass (0,1) → up; url 0 fails → DOWN; url 0 passes → 0 at once, 1 at once → up.
  assert.deepEqual(delays, [5000, 5000, 5000, 0, 0, 5000]);
  assert.equal(s.up, true);
});
