import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../test-kit/fake-clock.js';
import { mulberry32 } from '../test-kit/prng.js';
import { TimerQueue } from './timer-queue.js';

test('TimerQueue: items run at their deadline, ties in insertion order, on one clock timer', () => {
  const clock = new FakeClock();
  const ran: string[] = [];
  const q = new TimerQueue<string>(clock, (x) => ran.push(`${x}@${clock.nowMs()}`));
  q.add('c', 30);
  q.add('a', 10);
  q.add('b1', 20);
  q.add('b2', 20);
  assert.equal(clock.pending(), 1);
  clock.advance(19);
  assert.deepEqual(ran, ['a@10']);
  clock.advance(20);
  assert.deepEqual(ran, ['a@10', 'b1@20', 'b2@20', 'c@30']);
  assert.equal(q.size, 0);
  assert.equal(clock.pending(), 0);
});

test('TimerQueue: an earlier deadline added later re-arms; items added while firing run in order', () => {
  const clock = new FakeClock();
  const ran: string[] = [];
  const q = new TimerQueue<string>(clock, (x) => {
    ran.push(`${x}@${clock.nowMs()}`);
    // A run that schedules its next one (the scheduler's pattern), and one due at once.
    if (x === 'a') q.add('a2', clock.nowMs() + 100);
    if (x === 'b') q.add('now', clock.nowMs());
  });
  q.add('a', 500);
  q.add('b', 50);
  clock.advance(1000);
  assert.deepEqual(ran, ['b@50', 'now@50', 'a@500', 'a2@600']);
  assert.equal(clock.pending(), 0);
});

test('TimerQueue: clear() drops everything and cancels the timer', () => {
  const clock = new FakeClock();
  const ran: number[] = [];
  const q = new TimerQueue<number>(clock, (x) => ran.push(x));
  for (let i = 0; i < 10; i++) q.add(i, 100 + i);
  q.clear();
  clock.advance(1000);
  assert.deepEqual(ran, []);
  assert.equal(clock.pending(), 0);
  q.add(7, 2000);
  clock.advance(1000);
  assert.deepEqual(ran, [7]);
});

test('TimerQueue: 5,000 random deadlines come out sorted (stable for equal deadlines)', () => {
  const clock = new FakeClock();
  const rnd = mulberry32(42);
  const out: { at: number; i: number }[] = [];
  const q = new TimerQueue<{ at: number; i: number }>(clock, (x) => out.push(x));
  const items = Array.from({ length: 5000 }, (_, i) => ({ at: Math.floor(rnd.next() * 1000), i }));
  for (const it of items) q.add(it, it.at);
  clock.advance(1000);
  const want = [...items].sort((a, b) => a.at - b.at || a.i - b.i);
  assert.deepEqual(out, want);
});
