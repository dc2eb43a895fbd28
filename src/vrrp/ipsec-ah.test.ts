import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advert, ahDatagram, ip } from '../test-kit/vrrp-adverts.js';
import { decodeIpv4Datagram } from './ip-header.js';
import { AH_HEADER_LEN, AhSequence, ahIcvValid, Ipv4IdCounter } from './ipsec-ah.js';
import { passwordAuthData } from './packet.js';

const SRC = ip('192.0.2.11');
const v2ah = advert({ version: 2, authType: 2, authData: new Uint8Array(8), vrid: 57, priority: 150 });

test('decode: the AH header, and the VRRP payload behind it', () => {
  const d = ahDatagram(v2ah, { src: SRC, password: 'secretpw', seq: 0x01020304 });
  const r = decodeIpv4Datagram(d.data);
  assert.ok(r.ok);
  const ah = r.value.ah;
  assert.ok(ah);
  assert.equal(ah.header.nextHeader, 112);
  assert.equal(ah.header.payloadLen, 4);
  assert.deepEqual(ah.header.spi, SRC);
  assert.equal(ah.header.seq, 0x01020304);
  assert.equal(ah.ipAndAh.length, 20 + AH_HEADER_LEN);
  assert.equal(r.value.payload[0], 0x21);
  assert.equal(r.value.payload.length, d.data.length - 44);
  // Shorter than the AH header: dropped before any instance is looked up (keepalived: "too short").
  const short = d.data.slice(0, 40);
  short[3] = 40;
  assert.deepEqual(decodeIpv4Datagram(short), { ok: false, reason: 'packet-too-short' });
});

test('ICV: covers the IP ID, addresses, AH fields and payload; not TOS, fragment field, checksum; TTL only for multicast', () => {
  const key = passwordAuthData('secretpw');
  const valid = (data: Uint8Array, unicast = false): boolean => {
    const r = decodeIpv4Datagram(data);
    assert.ok(r.ok && r.value.ah);
    return ahIcvValid(key, r.value.ah.ipAndAh, r.value.ah.payload, unicast);
  };
  const base = (): Uint8Array => ahDatagram(v2ah, { src: SRC, password: 'secretpw', seq: 7, id: 9 }).data;
  assert.ok(valid(base()));
  const flip = (i: number, v?: number): Uint8Array => {
    const b = base();
    b[i] = v ?? b[i]! ^ 1;
    return b;
  };
  for (const mutable of [1, 6, 7, 10, 11]) assert.ok(valid(flip(mutable)), `byte ${mutable} is mutable`);
  for (const covered of [4, 5, 8, 12, 19, 24, 28, 31, 44, 46, 55]) assert.ok(!valid(flip(covered)), `byte ${covered} is covered`);
  // Unicast instances zero the TTL too (keepalived: hop counts change on routed paths).
  const uni = ahDatagram(v2ah, { src: SRC, password: 'secretpw', seq: 7, unicast: true, ttl: 64 }).data;
  assert.ok(valid(uni, true));
  uni[8] = 3;
  assert.ok(valid(uni, true));
  assert.ok(!valid(uni, false));
  // The key is the 8 auth-data bytes: a longer password is the same key, another one is not.
  assert.ok(valid(ahDatagram(v2ah, { src: SRC, password: 'secretpw-and-more', seq: 7, id: 9 }).data));
  assert.ok(!valid(ahDatagram(v2ah, { src: SRC, password: 'secretpX', seq: 7, id: 9 }).data));
});

test('AhSequence: one counter for both directions, growing only', () => {
  const s = new AhSequence();
  assert.equal(s.nextToSend(), 1);
  assert.equal(s.nextToSend(), 2);
  assert.ok(!s.accept(2), 'equal to ours: already processed');
  assert.ok(!s.accept(1));
  assert.ok(s.accept(10));
  assert.equal(s.seq, 10);
  assert.equal(s.nextToSend(), 11, 'a backup that becomes master continues above the last master');
  s.syncAbove();
  assert.equal(s.seq, 12);
});

test('AhSequence: at the ceiling the counter stops, is "cycled", and restarts on becoming master', () => {
  const s = new AhSequence();
  s.seq = 0xfffffffd;
  assert.equal(s.nextToSend(), 0xfffffffe);
  assert.equal(s.cycled, false);
  assert.equal(s.nextToSend(), 0xfffffffe);
  assert.equal(s.cycled, true);
  s.onBecomingMaster();
  assert.equal(s.seq, 0);
  assert.equal(s.cycled, false);
  s.onBecomingMaster();
  s.seq = 5;
  s.onBecomingMaster();
  assert.equal(s.seq, 5, 'an uncycled counter is kept');
  s.cycled = true;
  s.clearCycled();
  assert.equal(s.cycled, false);
  s.seq = 0xffffffff;
  s.syncAbove();
  assert.equal(s.seq, 0, '32-bit arithmetic');
});

test('IP ID: 1, 2 … 65535, then 1 again (0 would make the kernel pick one)', () => {
  const c = new Ipv4IdCounter();
  assert.equal(c.next(), 1);
  let last = 1;
  for (let i = 0; i < 65534; i++) last = c.next();
  assert.equal(last, 65535);
  assert.equal(c.next(), 1);
});
