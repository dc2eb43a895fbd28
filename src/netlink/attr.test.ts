import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOST_LE, attr, attrI32, attrMap, attrNested, attrString, attrU16, attrU32, attrU8, parseAttrs, readI32, readString, readU16, readU32, readU8 } from './attr.js';
import { hex, h, unhex } from '../test-kit/hex.js';
import { KaError } from '../core/errors.js';

test('host is little-endian (the golden bytes assume it)', () => {
  assert.equal(HOST_LE, true);
});

test('attr: header (len incl. header, type) + payload + zero padding', () => {
  // IFLA_IFNAME "eth0": nla_len 4+5 = 9, padded to 12
  assert.equal(hex(attrString(3, 'eth0')), h('0900 0300 | 65746830 00 | 000000'));
  // IFLA_MTU 1500 = 0x05dc
  assert.equal(hex(attrU32(4, 1500)), h('0800 0400 | dc050000'));
  // IFLA_OPERSTATE 6 (u8): len 5, padded
  assert.equal(hex(attrU8(16, 6)), h('0500 1000 | 06 000000'));
  assert.equal(hex(attrU16(7, 0x1234)), h('0600 0700 | 3412 0000'));
  assert.equal(hex(attrI32(9, -2)), h('0800 0900 | feffffff'));
  // Payload already aligned: no padding; empty payload: just the header.
  assert.equal(hex(attr(1, unhex('c0000264'))), h('0800 0100 | c0000264'));
  assert.equal(hex(attr(2, new Uint8Array(0))), h('0400 0200'));
});

test('attrNested: NLA_F_NESTED set, length covers the padded children', () => {
  // IFLA_LINKINFO { IFLA_INFO_KIND "macvlan" }: inner len 4+8 = 12; outer 4+12 = 16, type 18|0x8000
  assert.equal(hex(attrNested(18, [attrString(1, 'macvlan')])), h('1000 1280 | 0c00 0100 6d6163766c616e00'));
});

test('parseAttrs: splits, strips flags, cuts padding, reads values', () => {
  const buf = unhex('0900 0300 65746830 00 000000 | 0800 0400 dc050000 | 0c00 1280 0800 0100 01000000');
  const attrs = parseAttrs(buf);
  assert.deepEqual(
    attrs.map((a) => [a.type, a.nested, a.data.length]),
    [
      [3, false, 5],
      [4, false, 4],
      [18, true, 8],
    ],
  );
  assert.equal(readString(attrs[0]!.data), 'eth0');
  assert.equal(readU32(attrs[1]!.data), 1500);
  const inner = attrMap(attrs[2]!.data);
  assert.equal(readU32(inner.get(1)!), 1);
  assert.equal(readU8(unhex('ff')), 255);
  assert.equal(readU16(unhex('3412')), 0x1234);
  assert.equal(readI32(unhex('efffffff')), -17);
});

test('parseAttrs: the last attribute may omit its padding', () => {
  const attrs = parseAttrs(unhex('0500 1000 06'));
  assert.equal(attrs.length, 1);
  assert.equal(readU8(attrs[0]!.data), 6);
});

test('attrMap: first occurrence wins', () => {
  const m = attrMap(unhex('0800 0400 01000000 | 0800 0400 02000000'));
  assert.equal(readU32(m.get(4)!), 1);
});

test('readString: unterminated strings use the whole payload', () => {
  assert.equal(readString(unhex('6c6f')), 'lo');
});

const protocolErr = (e: unknown): boolean => e instanceof KaError && e.code === 'KA_ERR_NL_PROTOCOL';

test('parseAttrs: malformed input throws instead of looping or overreading', () => {
  // zero-length attribute (would never advance)
  assert.throws(() => parseAttrs(unhex('0000 0100 00000000')), protocolErr);
  // length below the header
  assert.throws(() => parseAttrs(unhex('0300 0100 00000000')), protocolErr);
  // attribute overruns the buffer
  assert.throws(() => parseAttrs(unhex('0c00 0100 00000000')), protocolErr);
  // trailing bytes shorter than a header
  assert.throws(() => parseAttrs(unhex('0800 0400 dc050000 | 0800')), protocolErr);
  // fixed-size readers refuse short payloads
  assert.throws(() => readU32(unhex('0102')), protocolErr);
});

test('attr: refuses payloads that do not fit nla_len', () => {
  assert.throws(() => attr(1, new Uint8Array(0x10000)), RangeError);
});
