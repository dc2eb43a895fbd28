import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from './prng.js';

test('mulberry32 is deterministic per seed and differs between seeds', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const c = mulberry32(43);
  const sa = Array.from({ length: 8 }, () => a.nextU32());
  const sb = Array.from({ length: 8 }, () => b.nextU32());
  const sc = Array.from({ length: 8 }, () => c.nextU32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('int stays in range and hits both ends; bytes has the asked length', () => {
  const r = mulberry32(7);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = r.int(3, 6);
    assert.ok(v >= 3 && v <= 6);
    seen.add(v);
  }
  assert.deepEqual([...seen].sort(), [3, 4, 5, 6]);
  assert.equal(r.bytes(17).length, 17);
  assert.throws(() => r.pick([]));
});
