import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineStruct } from './struct.js';
import { hex, h } from '../test-kit/hex.js';
import { KaError } from '../core/errors.js';

test('defineStruct: offsets follow the table, padding is zero, widths wrap like C', () => {
  const s = defineStruct<'a' | 'b' | 'c' | 'd'>('demo', [
    ['a', 'u8'],
    [null, 'u8'],
    ['b', 'u16'],
    ['c', 's32'],
    ['d', 'u32'],
  ]);
  assert.equal(s.size, 12);
  const b = s.encode({ a: 0x1ff, b: 0x10002, c: -1, d: 0x1_0000_0003 });
  assert.equal(hex(b), h('ff 00 0200 ffffffff 03000000'));
  assert.deepEqual(s.decode(b), { a: 0xff, b: 2, c: -1, d: 3 });
  assert.throws(() => s.decode(b.subarray(0, 11)), (e: unknown) => e instanceof KaError && e.code === 'KA_ERR_NL_PROTOCOL' && /demo/.test(e.message));
});
