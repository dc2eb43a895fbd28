import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseSeed, DEFAULT_FUZZ_SEED, fuzzPlan, runFuzz } from './fuzz.js';

test('fuzzPlan: defaults, KTS_FUZZ_SCALE multiplies, counts below 1 and malformed replays are rejected', () => {
  assert.deepEqual(fuzzPlan('t', 100, {}), { target: 't', seed: DEFAULT_FUZZ_SEED, cases: 100, first: 0, active: true });
  assert.equal(fuzzPlan('t', 100, { KTS_FUZZ_SCALE: '30' }).cases, 3000);
  assert.equal(fuzzPlan('t', 100, { KTS_FUZZ_SEED: '0x10' }).seed, 16);
  for (const bad of ['0', '-1', '1.5']) assert.throws(() => fuzzPlan('t', 100, { KTS_FUZZ_SCALE: bad }), /KTS_FUZZ_SCALE/);
  assert.throws(() => fuzzPlan('t', 100, { KTS_FUZZ_REPLAY: 't:12' }), /TARGET:SEED:CASE/);
  assert.deepEqual(fuzzPlan('t', 100, { KTS_FUZZ_REPLAY: 't:0x2a:77' }), { target: 't', seed: 42, cases: 1, first: 77, active: true });
  assert.equal(fuzzPlan('u', 100, { KTS_FUZZ_REPLAY: 't:0x2a:77' }).active, false);
});

test('case seeds depend on seed, target and index only', () => {
  assert.equal(caseSeed(1, 'a', 5), caseSeed(1, 'a', 5));
  const seeds = new Set([caseSeed(1, 'a', 5), caseSeed(2, 'a', 5), caseSeed(1, 'b', 5), caseSeed(1, 'a', 6)]);
  assert.equal(seeds.size, 4);
});

test('a failing case is reported with its replay command, and the replay runs that case alone', () => {
  const seen: number[] = [];
  const body = (rng: { nextU32(): number }, i: number): void => {
    seen.push(rng.nextU32());
    if (i === 3) throw new Error('boom');
  };
  assert.throws(() => runFuzz(fuzzPlan('t', 10, {}), '/x/y.test.js', body), (e: Error) => /fuzz t: case 3 of seed 0x4b54 failed/.test(e.message) && /KTS_FUZZ_REPLAY=t:0x4b54:3 node --test/.test(e.message) && /boom/.test(e.message));
  const fourth = seen[3];
  seen.length = 0;
  assert.throws(() => runFuzz(fuzzPlan('t', 10, { KTS_FUZZ_REPLAY: 't:0x4b54:3' }), '/x/y.test.js', body), /case 3/);
  assert.deepEqual(seen, [fourth]);
  assert.equal(runFuzz(fuzzPlan('u', 10, { KTS_FUZZ_REPLAY: 't:0x4b54:3' }), '/x/y.test.js', body).cases, 0);
});
