import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fake-clock.js';

test('FakeClock runs due timers in deadline order, ties in insertion order, each at its own time', () => {
  const c = new FakeClock({ startMs: 100 });
  const seen: string[] = [];
  c.setTimer(300, () => seen.push(`b@${c.nowMs()}`));
  c.setTimer(200, () => seen.push(`a@${c.nowMs()}`));
  c.setTimer(300, () => seen.push(`c@${c.nowMs()}`));
  const h = c.setTimer(250, () => seen.push('cancelled'));
  h.cancel();
  c.setTimer(50, () => seen.push(`past@${c.nowMs()}`));
  assert.equal(c.pending(), 4);
  c.advanceTo(299);
  assert.deepEqual(seen, ['past@100', 'a@200']);
  assert.equal(c.nowMs(), 299);
  c.advance(1);
  assert.deepEqual(seen, ['past@100', 'a@200', 'b@300', 'c@300']);
  assert.equal(c.nextAtMs(), null);
  assert.equal(c.wallMs() - c.nowMs(), 1_700_000_000_000);
});

test('FakeClock runs timers set by timers within the same advance, and never goes back', () => {
  const c = new FakeClock();
  const seen: number[] = [];
  c.setTimer(10, () => {
    seen.push(c.nowMs());
    c.setTimer(15, () => seen.push(c.nowMs()));
    c.setTimer(40, () => seen.push(c.nowMs()));
  });
  c.advanceTo(20);
  assert.deepEqual(seen, [10, 15]);
  assert.equal(c.runNext(), true);
  assert.deepEqual(seen, [10, 15, 40]);
  assert.equal(c.runNext(), false);
  assert.throws(() => c.advanceTo(5), /cannot go back/);
});
