import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addrRequestOf, decodeRtnlEvent, toAddrInfo, toLinkInfo } from './rtnl-model.js';
import { decodeAddrMessage } from './addr.js';
import { parseMessages } from './message.js';
import { AF_INET, AF_INET6, IFA_F_NODAD, IFA_F_NOPREFIXROUTE, IFF_UP, INFINITY_LIFE_TIME, RT_SCOPE_LINK } from './constants.js';
import { hex, unhex } from '../test-kit/hex.js';

test('addrRequestOf: text address, family from the bytes, flags and lifetimes', () => {
  const r = addrRequestOf({ ifindex: 3, address: '2001:db8::100', prefixLen: 64, noDad: true, noPrefixRoute: true, preferredLftZero: true });
  assert.ok(r.ok);
  assert.equal(r.value.family, AF_INET6);
  assert.equal(hex(r.value.address), '20010db8000000000000000000000100');
  assert.equal(r.value.flags, IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
  assert.deepEqual(r.value.cacheInfo, { preferred: 0, valid: INFINITY_LIFE_TIME, cstampCs: 0, tstampCs: 0 });
  const v4 = addrRequestOf({ ifindex: 2, address: Uint8Array.of(192, 0, 2, 100), prefixLen: 24, broadcast: '192.0.2.255', label: 'eth0:1', scope: RT_SCOPE_LINK });
  assert.ok(v4.ok);
  assert.deepEqual([v4.value.family, v4.value.scope, hex(v4.value.broadcast!), v4.value.label, v4.value.flags], [AF_INET, RT_SCOPE_LINK, 'c00002ff', 'eth0:1', 0]);
  assert.equal('cacheInfo' in v4.value, false);
});

test('addrRequestOf: rejects bad input with a reason', () => {
  const bad = [
    { ifindex: 2, address: '192.0.2.300', prefixLen: 24 },
    { ifindex: 2, address: '192.0.2.1', prefixLen: 33 },
    { ifindex: 0, address: '192.0.2.1', prefixLen: 32 },
    { ifindex: 2, address: '192.0.2.1', prefixLen: 32, family: 6 as const },
    { ifindex: 2, address: '2001:db8::1', prefixLen: 64, broadcast: '192.0.2.255' },
    { ifindex: 2, address: Uint8Array.of(1, 2, 3), prefixLen: 8 },
    { ifindex: 2, address: '192.0.2.1', prefixLen: 32, label: 'a-label-that-is-too-long' },
  ];
  for (const spec of bad) {
    const r = addrRequestOf(spec);
    assert.equal(r.ok, false, JSON.stringify(spec));
    if (!r.ok) assert.match(r.reason, /\w/);
  }
});

test('decodeRtnlEvent: RTM_NEWLINK with carrier lost (admin up, not running)', () => {
  const [msg] = parseMessages(
    unhex(
      '34000000 1000 0000 00000000 00000000' + // RTM_NEWLINK notification, 52 bytes
        '00 00 0100 02000000 03100000 ffffffff' + // ifindex 2, UP|BROADCAST|MULTICAST (no RUNNING/LOWER_UP)
        '0900 0300 65746830 00 000000' + // IFLA_IFNAME eth0
        '0500 1000 02 000000', // IFLA_OPERSTATE DOWN
    ),
  );
  const ev = decodeRtnlEvent(msg!);
  assert.ok(ev && ev.type === 'link');
  assert.deepEqual([ev.deleted, ev.ifindex, ev.name, ev.up, ev.running], [false, 2, 'eth0', true, false]);
});

test('decodeRtnlEvent: RTM_DELADDR, and non-tracked messages are ignored', () => {
  const [del] = parseMessages(unhex('20000000 1500 0000 00000000 00000000 | 02 20 00 00 02000000 | 0800 0200 c0000264'));
  const ev = decodeRtnlEvent(del!);
  assert.ok(ev && ev.type === 'addr');
  assert.deepEqual([ev.deleted, ev.family, ev.address, ev.prefixLen, ev.ifindex], [true, 4, '192.0.2.100', 32, 2]);
  // AF_BRIDGE (7) port notification on RTNLGRP_LINK
  const [br] = parseMessages(unhex('20000000 1000 0000 00000000 00000000 | 07 00 0100 02000000 00000000 00000000'));
  assert.equal(decodeRtnlEvent(br!), null);
  // RTM_NEWROUTE
  const [rt] = parseMessages(unhex('1c000000 1800 0000 00000000 00000000 | 02 00 00 00 fe 02 00 01 00000000'));
  assert.equal(decodeRtnlEvent(rt!), null);
});

test('toAddrInfo: drops other families and mis-sized addresses; toLinkInfo defaults', () => {
  assert.equal(toAddrInfo(decodeAddrMessage(unhex('11 00 00 00 02000000 | 0800 0200 c0000264'))), null);
  assert.equal(toAddrInfo(decodeAddrMessage(unhex('0a 40 00 00 02000000 | 0800 0100 c0000264'))), null);
  const l = toLinkInfo({ header: { family: 0, type: 1, index: 4, flags: IFF_UP, change: 0 } });
  assert.deepEqual([l.name, l.mac.length, l.up, l.running, l.mtu], ['', 0, true, false, 0]);
});
