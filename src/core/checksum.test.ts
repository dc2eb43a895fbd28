import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internetChecksum } from './checksum.js';

test('RFC 1071 example and split-range equivalence', () => {
  // RFC 1071 §3 example bytes: 00 01 f2 03 f4 f5 f6 f7 -> sum 0xddf2, checksum 0x220d
  const b = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
  assert.equal(internetChecksum(b), 0x220d);
  assert.equal(internetChecksum(b.subarray(0, 3), b.subarray(3)), 0x220d);
  assert.equal(internetChecksum(b.subarray(0, 1), b.subarray(1, 6), b.subarray(6)), 0x220d);
  // odd length pads with zero
  assert.equal(internetChecksum(Uint8Array.of(0xff)), (~0xff00) & 0xffff);
});
