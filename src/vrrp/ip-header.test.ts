import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ip } from '../test-kit/vrrp-adverts.js';
import { decodeIpv4Datagram, encodeIpv4Header, IPV4_HEADER_LEN } from './ip-header.js';

const SRC = ip('192.0.2.11');
const DST = ip('224.0.0.18');

function datagram(payloadLen: number, over: { ttl?: number } = {}): Uint8Array {
  const h = encodeIpv4Header({ src: SRC, dst: DST, payloadLength: payloadLen, ...over });
  const d = new Uint8Array(IPV4_HEADER_LEN + payloadLen);
  d.set(h);
  for (let i = 0; i < payloadLen; i++) d[IPV4_HEADER_LEN + i] = i + 1;
  return d;
}

test('header as keepalived builds it: 0x45, TOS 0xc0, total length, TTL 255, proto 112, id/checksum 0', () => {
  const h = encodeIpv4Header({ src: SRC, dst: DST, payloadLength: 28 });
  // keepalived 2.2.7's first v2 advert (captured), with its ID and checksum zeroed:
  assert.equal(Buffer.from(h).toString('hex'), '45c0003000000000ff700000c000020be0000012');
  const h2 = encodeIpv4Header({ src: SRC, dst: ip('192.0.2.12'), payloadLength: 12, ttl: 64, id: 0x1234 });
  assert.equal(h2[8], 64);
  assert.equal((h2[4]! << 8) | h2[5]!, 0x1234);
  assert.equal((h2[2]! << 8) | h2[3]!, 32);
});

test('decode: fields, payload view, Ethernet padding tolerated, options skipped', () => {
  const d = datagram(12);
  const r = decodeIpv4Datagram(d);
  assert.ok(r.ok);
  assert.deepEqual(r.value.src, SRC);
  assert.deepEqual(r.value.dst, DST);
  assert.equal(r.value.ttl, 255);
  assert.equal(r.value.tos, 0xc0);
  assert.deepEqual([...r.value.payload], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

  const padded = new Uint8Array(46);
  padded.set(d);
  const rp = decodeIpv4Datagram(padded);
  assert.ok(rp.ok);
  assert.equal(rp.value.payload.length, 12);

  // IHL 6: one word of options (NOP NOP NOP EOL) before the payload.
  const withOpt = new Uint8Array(24 + 12);
  withOpt.set(d.subarray(0, 20));
  withOpt[0] = 0x46;
  withOpt[3] = 36;
  withOpt.set([1, 1, 1, 0], 20);
  withOpt.set(d.subarray(20), 24);
  const ro = decodeIpv4Datagram(withOpt);
  assert.ok(ro.ok);
  assert.equal(ro.value.headerLength, 24);
  assert.deepEqual(ro.value.payload, d.subarray(20));
});

test('decode rejects: short, not IPv4, IHL < 5, tot_len < IHL, truncated, other protocol', () => {
  const d = datagram(12);
  for (let n = 0; n < 20; n++) assert.deepEqual(decodeIpv4Datagram(d.subarray(0, n)), { ok: false, reason: 'packet-too-short' });
  for (let n = 20; n < d.length; n++) assert.deepEqual(decodeIpv4Datagram(d.subarray(0, n)), { ok: false, reason: 'length-mismatch' });
  const mod = (i: number, v: number): Uint8Array => Uint8Array.from(d, (x, j) => (j === i ? v : x));
  assert.deepEqual(decodeIpv4Datagram(mod(0, 0x65)), { ok: false, reason: 'ip-header' });
  assert.deepEqual(decodeIpv4Datagram(mod(0, 0x44)), { ok: false, reason: 'ip-header' });
  assert.deepEqual(decodeIpv4Datagram(mod(3, 19)), { ok: false, reason: 'ip-header' });
  assert.deepEqual(decodeIpv4Datagram(mod(9, 6)), { ok: false, reason: 'ip-header' });
  assert.deepEqual(decodeIpv4Datagram(mod(9, 51)), { ok: false, reason: 'packet-too-short' }, 'AH, but no room for its header');
  assert.deepEqual(decodeIpv4Datagram(mod(0, 0x4f)), { ok: false, reason: 'ip-header' }); // IHL 60 > tot_len 32
});
