import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internetChecksum } from '../../core/checksum.js';
import { decodeEchoReply, encodeEchoRequest } from './ping-codec.js';

test('IPv4 echo request: type 8, id, seq, valid checksum', () => {
  const req = encodeEchoRequest(4, { id: 0x1234, seq: 7, payload: Uint8Array.of(1, 2, 3) });
  assert.deepEqual([...req.subarray(0, 2)], [8, 0]);
  assert.deepEqual([...req.subarray(4, 8)], [0x12, 0x34, 0, 7]);
  assert.equal(internetChecksum(req), 0);
});

test('IPv6 echo request: type 128, checksum left to the kernel', () => {
  const req = encodeEchoRequest(6, { id: 1, seq: 2, payload: new Uint8Array(0) });
  assert.deepEqual([...req], [128, 0, 0, 0, 0, 1, 0, 2]);
});

function reply4(id: number, seq: number, payload: number[]): Uint8Array {
  const r = encodeEchoRequest(4, { id, seq, payload: Uint8Array.from(payload) });
  r[0] = 0;
  r[2] = 0;
  r[3] = 0;
  const c = internetChecksum(r);
  r[2] = c >> 8;
  r[3] = c & 0xff;
  return r;
}

test('IPv4 echo reply decode, with and without the IP header', () => {
  const icmp = reply4(9, 10, [5, 6]);
  assert.deepEqual(decodeEchoReply(4, icmp), { id: 9, seq: 10, payload: Uint8Array.of(5, 6) });
  const ip = new Uint8Array(20 + icmp.length);
  ip[0] = 0x45;
  ip.set(icmp, 20);
  assert.deepEqual(decodeEchoReply(4, ip, true), { id: 9, seq: 10, payload: Uint8Array.of(5, 6) });
  const bad = icmp.slice();
  bad[8] = 0xff;
  assert.equal(decodeEchoReply(4, bad), undefined, 'bad checksum');
  assert.equal(decodeEchoReply(4, encodeEchoRequest(4, { id: 1, seq: 1, payload: new Uint8Array(0) })), undefined, 'a request is not a reply');
  assert.equal(decodeEchoReply(4, icmp.subarray(0, 7)), undefined);
});

test('IPv6 echo reply decode', () => {
  const r = Uint8Array.of(129, 0, 0xab, 0xcd, 0, 3, 0, 4, 9);
  assert.deepEqual(decodeEchoReply(6, r), { id: 3, seq: 4, payload: Uint8Array.of(9) });
  assert.equal(decodeEchoReply(6, Uint8Array.of(135, 0, 0, 0, 0, 0, 0, 0)), undefined);
});
