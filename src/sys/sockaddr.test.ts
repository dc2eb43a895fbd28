import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AF_UNIX,
  decodeUcred,
  HOST_LE,
  sockaddrUn,
  UCRED_LEN,
  UNIX_PATH_MAX,
  decodeIn6Pktinfo,
  decodeInPktinfo,
  decodeInt32,
  decodeSockaddr,
  encodeInt32,
  htons,
  ipMreqn,
  ipv6Mreq,
  sockaddrIn,
  sockaddrIn6,
  sockaddrLl,
  sockaddrNl,
} from './sockaddr.js';
import { parseIpv4, parseIpv6 } from '../core/ip.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const v4 = (s: string): Uint8Array => parseIpv4(s)!;
const v6 = (s: string): Uint8Array => parseIpv6(s)!;

// Golden bytes: the Linux x86_64/arm64 (little-endian) layouts.
test('sockaddr_in golden bytes', () => {
  assert.equal(hex(sockaddrIn(v4('192.0.2.1'), 112)), '02000070c0000201' + '00'.repeat(8));
});

test('sockaddr_in6 golden bytes carry the scope id in host order', () => {
  const b = sockaddrIn6(v6('fe80::1'), { scopeId: 7, port: 0x1234, flowinfo: 0x00012345 });
  assert.equal(hex(b), '0a001234' + '00012345' + 'fe80' + '00'.repeat(13) + '01' + '07000000');
});

test('sockaddr_ll golden bytes: protocol in network order, ifindex in host order', () => {
  const b = sockaddrLl({ protocol: 0x0806, ifindex: 3, addr: new Uint8Array(6).fill(0xff) });
  assert.equal(hex(b), '1100' + '0806' + '03000000' + '0000' + '00' + '06' + 'ffffffffffff' + '0000');
});

test('sockaddr_nl golden bytes', () => {
  assert.equal(hex(sockaddrNl(0x01020304, 0x11)), '1000' + '0000' + '04030201' + '11000000');
});

test('ip_mreqn and ipv6_mreq golden bytes', () => {
  assert.equal(hex(ipMreqn(v4('224.0.0.18'), 5)), 'e0000012' + '00000000' + '05000000');
  assert.equal(hex(ipMreqn(v4('224.0.0.18'), 5, v4('192.0.2.1'))), 'e0000012' + 'c0000201' + '05000000');
  assert.equal(hex(ipv6Mreq(v6('ff02::12'), 5)), 'ff02' + '00'.repeat(13) + '12' + '05000000');
});

test('htons and host ints', () => {
  assert.equal(htons(0x0806), 0x0608);
  assert.equal(htons(0x0003), 0x0300);
  assert.equal(hex(encodeInt32(255)), 'ff000000');
  assert.equal(decodeInt32(Uint8Array.of(0xff, 0, 0, 0)), 255);
  assert.equal(decodeInt32(Uint8Array.of(1, 2)), null);
});

test('decodeSockaddr round-trips every family', () => {
  const a = decodeSockaddr(sockaddrIn(v4('198.51.100.7'), 80));
  assert.deepEqual(a, { ok: true, value: { type: 'in', port: 80, addr: v4('198.51.100.7') } });
  const b = decodeSockaddr(sockaddrIn6(v6('fe80::2'), { scopeId: 9 }));
  assert.deepEqual(b, { ok: true, value: { type: 'in6', port: 0, flowinfo: 0, addr: v6('fe80::2'), scopeId: 9 } });
  const mac = Uint8Array.of(2, 0x6b, 0x74, 0, 0, 1);
  const c = decodeSockaddr(sockaddrLl({ protocol: 0x86dd, ifindex: 12, hatype: 1, pkttype: 2, addr: mac }));
  assert.deepEqual(c, { ok: true, value: { type: 'll', protocol: 0x86dd, ifindex: 12, hatype: 1, pkttype: 2, addr: mac } });
  const d = decodeSockaddr(sockaddrNl(77, 3));
  assert.deepEqual(d, { ok: true, value: { type: 'nl', pid: 77, groups: 3 } });
});

test('decodeSockaddr rejects short and unknown input without throwing', () => {
  assert.equal(decodeSockaddr(new Uint8Array(1)).ok, false);
  assert.equal(decodeSockaddr(Uint8Array.of(2, 0, 0)).ok, false);
  assert.equal(decodeSockaddr(Uint8Array.of(1, 0, 0, 0)).ok, false);
  assert.equal(decodeSockaddr(sockaddrIn6(v6('::1')).subarray(0, 20)).ok, false);
});

test('pktinfo decoders', () => {
  const p6 = new Uint8Array(20);
  p6.set(v6('ff02::12'));
  p6[16] = 4;
  assert.deepEqual(decodeIn6Pktinfo(p6), { addr: v6('ff02::12'), ifindex: 4 });
  assert.equal(decodeIn6Pktinfo(new Uint8Array(19)), null);
  const p4 = Uint8Array.of(3, 0, 0, 0, 192, 0, 2, 1, 224, 0, 0, 18);
  assert.deepEqual(decodeInPktinfo(p4), { ifindex: 3, specDst: v4('192.0.2.1'), addr: v4('224.0.0.18') });
});

test('encoders reject wrong address lengths', () => {
  assert.throws(() => sockaddrIn(new Uint8Array(16)), RangeError);
  assert.throws(() => sockaddrIn6(new Uint8Array(4)), RangeError);
  assert.throws(() => ipv6Mreq(new Uint8Array(4), 1), RangeError);
  assert.throws(() => sockaddrLl({ protocol: 0, ifindex: 1, addr: new Uint8Array(9) }), RangeError);
});

test('sockaddr_un: paths NUL-terminated, abstract names after a NUL, too long refused; ucred decoded', () => {
  const p = sockaddrUn('/run/x.sock');
  assert.ok(p);
  assert.equal(p.length, 2 + '/run/x.sock'.length + 1);
  assert.equal(new DataView(p.buffer).getUint16(0, HOST_LE), AF_UNIX);
  assert.equal(Buffer.from(p.subarray(2, p.length - 1)).toString(), '/run/x.sock');
  assert.equal(p[p.length - 1], 0);
  const a = sockaddrUn('@/org/freedesktop/systemd1/notify/1');
  assert.ok(a);
  assert.equal(a[2], 0, 'abstract: leading NUL');
  assert.equal(Buffer.from(a.subarray(3)).toString(), '/org/freedesktop/systemd1/notify/1');
  assert.equal(sockaddrUn(''), undefined);
  assert.equal(sockaddrUn(`/${'x'.repeat(UNIX_PATH_MAX)}`), undefined);
  assert.equal(sockaddrUn('/bad\0path'), undefined);
  const cred = new Uint8Array(UCRED_LEN);
  const v = new DataView(cred.buffer);
  v.setInt32(0, 1234, HOST_LE);
  v.setUint32(4, 65534, HOST_LE);
  v.setUint32(8, 100, HOST_LE);
  assert.deepEqual(decodeUcred(cred), { pid: 1234, uid: 65534, gid: 100 });
  assert.equal(decodeUcred(cred.subarray(0, 8)), null);
});
