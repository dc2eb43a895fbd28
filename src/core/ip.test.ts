import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp, formatIp, parsePrefix, compareBytes, broadcast4, isMulticast } from './ip.js';

test('IPv4 parse/format round trip and rejects', () => {
  assert.equal(formatIp(parseIp('192.0.2.100')!), '192.0.2.100');
  for (const bad of ['192.0.2', '192.0.2.256', '1.2.3.4.5', '01234.1.1.1', 'a.b.c.d', '']) assert.equal(parseIp(bad), null, bad);
});

test('IPv6 parse/format canonical (RFC 5952)', () => {
  const cases: Array<[string, string]> = [
    ['2001:db8::100', '2001:db8::100'],
    ['2001:0db8:0:0:0:0:0:1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['ff02::12', 'ff02::12'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:db8::1:0:0:1', '2001:db8::1:0:0:1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
  ];
  for (const [i, o] of cases) assert.equal(formatIp(parseIp(i)!), o, i);
  for (const bad of [':::', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9']) assert.equal(parseIp(bad), null, bad);
});

test('prefixes, broadcast, comparisons', () => {
  const p = parsePrefix('192.0.2.100/24');
  assert.ok(p.ok);
  if (p.ok) {
    assert.equal(p.value.prefixLen, 24);
    assert.equal(formatIp(broadcast4(p.value)!), '192.0.2.255');
  }
  const h = parsePrefix('2001:db8::1');
  assert.ok(h.ok && h.value.prefixLen === 128);
  assert.equal(parsePrefix('192.0.2.1/33').ok, false);
  assert.ok(compareBytes(parseIp('192.0.2.2')!.bytes, parseIp('192.0.2.10')!.bytes) < 0);
  assert.ok(isMulticast(parseIp('224.0.0.18')!));
  assert.ok(isMulticast(parseIp('ff02::12')!));
});
