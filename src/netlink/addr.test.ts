import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addrOf, decodeAddrMessage, decodeCacheInfo, decodeIfAddrMsg, encodeAddrRequest, encodeCacheInfo, encodeGetAddrDump, encodeIfAddrMsg } from './addr.js';
import {
  AF_INET,
  AF_INET6,
  IFA_F_NODAD,
  IFA_F_NOPREFIXROUTE,
  IFA_F_PERMANENT,
  INFINITY_LIFE_TIME,
  NLM_F_CREATE,
  NLM_F_EXCL,
  RTM_DELADDR,
  RTM_NEWADDR,
  RT_SCOPE_HOST,
} from './constants.js';
import { hex, h, unhex } from '../test-kit/hex.js';

test('ifaddrmsg is 8 bytes: family, prefixlen, flags, scope, index u32', () => {
  const m = { family: AF_INET, prefixLen: 24, flags: IFA_F_PERMANENT, scope: RT_SCOPE_HOST, index: 2 };
  const b = encodeIfAddrMsg(m);
  assert.equal(hex(b), h('02 18 80 fe 02000000'));
  assert.deepEqual(decodeIfAddrMsg(b), m);
});

test('ifa_cacheinfo is 4 × u32: preferred, valid, cstamp, tstamp', () => {
  const c = { preferred: 0, valid: INFINITY_LIFE_TIME, cstampCs: 0x12c, tstampCs: 0x12d };
  const b = encodeCacheInfo(c);
  assert.equal(hex(b), h('00000000 ffffffff 2c010000 2d010000'));
  assert.deepEqual(decodeCacheInfo(b), c);
});

test('RTM_GETADDR dump request for one family', () => {
  // len 24, type 22, REQUEST|DUMP, seq 3, ifaddrmsg family AF_INET6
  assert.equal(hex(encodeGetAddrDump(3, AF_INET6)), h('18000000 1600 0103 03000000 00000000 | 0a 00 00 00 00000000'));
});

test('RTM_NEWADDR IPv4 with broadcast and label', () => {
  const msg = encodeAddrRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 2, {
    family: AF_INET,
    index: 3,
    prefixLen: 24,
    scope: 0,
    address: unhex('c0000264'),
    broadcast: unhex('c00002ff'),
    label: 'eth0:vip',
    flags: 0,
  });
  assert.equal(
    hex(msg),
    h(
      '40000000 1400 0506 02000000 00000000' + // 64 bytes, REQUEST|ACK|EXCL|CREATE
        '02 18 00 00 03000000' + // ifaddrmsg 192.0.2.100/24 on ifindex 3
        '0800 0200 c0000264' + // IFA_LOCAL
        '0800 0100 c0000264' + // IFA_ADDRESS
        '0800 0400 c00002ff' + // IFA_BROADCAST
        '0d00 0300 657468303a766970 00 000000', // IFA_LABEL "eth0:vip\0", padded
    ),
  );
});

test('RTM_NEWADDR IPv6 nodad + noprefixroute + preferred_lft 0', () => {
  const msg = encodeAddrRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 3, {
    family: AF_INET6,
    index: 3,
    prefixLen: 64,
    scope: 0,
    address: unhex('20010db8000000000000000000000100'),
    flags: IFA_F_NODAD | IFA_F_NOPREFIXROUTE,
    cacheInfo: { preferred: 0, valid: INFINITY_LIFE_TIME, cstampCs: 0, tstampCs: 0 },
  });
  assert.equal(
    hex(msg),
    h(
      '5c000000 1400 0506 03000000 00000000' + // 92 bytes
        '0a 40 02 00 03000000' + // ifaddrmsg: low flag byte NODAD
        '1400 0200 20010db8000000000000000000000100' + // IFA_LOCAL
        '1400 0100 20010db8000000000000000000000100' + // IFA_ADDRESS
        '0800 0800 02020000' + // IFA_FLAGS NODAD|NOPREFIXROUTE
        '1400 0600 00000000 ffffffff 00000000 00000000', // IFA_CACHEINFO
    ),
  );
});

test('RTM_DELADDR carries the same identifying fields', () => {
  const msg = encodeAddrRequest(RTM_DELADDR, 0, 4, { family: AF_INET, index: 3, prefixLen: 32, scope: 0, address: unhex('c0000265'), flags: 0 });
  assert.equal(hex(msg), h('28000000 1500 0500 04000000 00000000 | 02 20 00 00 03000000 | 0800 0200 c0000265 | 0800 0100 c0000265'));
});

test('decodeAddrMessage: IFA_FLAGS overrides the header byte; label, cacheinfo, broadcast', () => {
  const payload = unhex(
    '02 18 00 00 02000000' + // header flags byte 0
      '0800 0100 c000020b' + // IFA_ADDRESS 192.0.2.11
      '0800 0200 c000020b' + // IFA_LOCAL
      '0800 0400 c00002ff' + // IFA_BROADCAST
      '0900 0300 65746830 00 000000' + // IFA_LABEL "eth0"
      '0800 0800 80020000' + // IFA_FLAGS PERMANENT|NOPREFIXROUTE
      '1400 0600 ffffffff ffffffff 2c010000 2c010000', // IFA_CACHEINFO
  );
  const a = decodeAddrMessage(payload);
  assert.equal(a.header.index, 2);
  assert.equal(a.flags, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
  assert.equal(hex(addrOf(a)!), 'c000020b');
  assert.equal(hex(a.broadcast!), 'c00002ff');
  assert.equal(a.label, 'eth0');
  assert.equal(a.cacheInfo?.valid, INFINITY_LIFE_TIME);
});

test('decodeAddrMessage: IPv6 without IFA_LOCAL falls back to IFA_ADDRESS and the header flags', () => {
  const a = decodeAddrMessage(unhex('0a 40 c0 00 02000000 | 1400 0100 20010db8000000000000000000000011'));
  assert.equal(a.flags, 0xc0);
  assert.equal(a.local, undefined);
  assert.equal(hex(addrOf(a)!), '20010db8000000000000000000000011');
});
