import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeIfInfoMsg, decodeLinkMessage, encodeGetLinkDump, encodeIfInfoMsg, encodeLinkRequest, isLinkRunning } from './link.js';
import { attrU32 } from './attr.js';
import {
  IFF_BROADCAST,
  IFF_LOWER_UP,
  IFF_MULTICAST,
  IFF_RUNNING,
  IFF_UP,
  IFLA_MACVLAN_MODE,
  IF_OPER_DOWN,
  IF_OPER_UNKNOWN,
  IF_OPER_UP,
  MACVLAN_MODE_PRIVATE,
  NLM_F_CREATE,
  NLM_F_EXCL,
  RTM_NEWLINK,
} from './constants.js';
import { hex, h, unhex } from '../test-kit/hex.js';
import { KaError } from '../core/errors.js';

test('ifinfomsg is 16 bytes: family, pad, type u16, index s32, flags u32, change u32', () => {
  const m = { family: 0, type: 1, index: 7, flags: IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST | IFF_LOWER_UP, change: 0xffffffff };
  const b = encodeIfInfoMsg(m);
  assert.equal(hex(b), h('00 00 0100 07000000 43100100 ffffffff'));
  assert.deepEqual(decodeIfInfoMsg(b), m);
  assert.throws(() => decodeIfInfoMsg(b.subarray(0, 15)), (e: unknown) => e instanceof KaError && e.code === 'KA_ERR_NL_PROTOCOL');
});

test('RTM_GETLINK dump request', () => {
  // len 32, type 18, flags REQUEST|DUMP = 0x301, seq 1
  assert.equal(hex(encodeGetLinkDump(1)), h('20000000 1200 0103 01000000 00000000 | 00000000 00000000 00000000 00000000'));
});

test('RTM_NEWLINK macvlan VMAC request (IFLA_LINKINFO kind + nested data)', () => {
  const msg = encodeLinkRequest(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 1, {
    name: 'vrrp.51',
    flags: IFF_UP,
    change: IFF_UP,
    address: unhex('00005e000133'),
    link: 2,
    kind: 'macvlan',
    infoData: [attrU32(IFLA_MACVLAN_MODE, MACVLAN_MODE_PRIVATE)],
  });
  assert.equal(
    hex(msg),
    h(
      '5c000000 1000 0506 01000000 00000000' + // nlmsghdr: 92 bytes, REQUEST|ACK|EXCL|CREATE
        '00 00 0000 00000000 01000000 01000000' + // ifinfomsg: index 0, flags/change IFF_UP
        '0c00 0300 7672 7270 2e35 3100' + // IFLA_IFNAME "vrrp.51\0"
        '0a00 0100 00005e000133 0000' + // IFLA_ADDRESS, padded
        '0800 0500 02000000' + // IFLA_LINK 2
        '1c00 1280 | 0c00 0100 6d6163766c616e00 | 0c00 0280 0800 0100 01000000', // LINKINFO{KIND, DATA{MODE private}}
    ),
  );
});

test('decodeLinkMessage: a kernel RTM_NEWLINK payload', () => {
  const payload = unhex(
    '00 00 0100 05000000 43100100 ffffffff' + // ether, ifindex 5, UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
      '0b00 0300 76727270 2e3531 00' + // IFLA_IFNAME "vrrp.51" (len 11: NUL only in the padding)
      '0800 0400 dc050000' + // IFLA_MTU 1500
      '0500 1000 06 000000' + // IFLA_OPERSTATE UP
      '0800 0500 02000000' + // IFLA_LINK 2
      '0a00 0100 00005e000133 0000' + // IFLA_ADDRESS
      '1c00 1200 | 0c00 0100 6d6163766c616e00 | 0c00 0200 0800 0100 01000000', // LINKINFO without NESTED flag
  );
  const l = decodeLinkMessage(payload);
  assert.equal(l.header.index, 5);
  assert.equal(l.name, 'vrrp.51');
  assert.equal(l.mtu, 1500);
  assert.equal(l.operState, IF_OPER_UP);
  assert.equal(l.link, 2);
  assert.equal(hex(l.address!), '00005e000133');
  assert.equal(l.kind, 'macvlan');
  assert.equal(hex(l.infoData!), h('0800 0100 01000000'));
  assert.equal(l.master, undefined);
  assert.equal('master' in l, false);
});

test('isLinkRunning: admin up plus carrier (RUNNING/LOWER_UP) or operstate UP', () => {
  assert.equal(isLinkRunning(IFF_UP | IFF_RUNNING | IFF_LOWER_UP, IF_OPER_UP), true);
  assert.equal(isLinkRunning(IFF_UP | IFF_RUNNING, IF_OPER_UNKNOWN), true); // loopback
  assert.equal(isLinkRunning(IFF_UP, IF_OPER_UP), true);
  assert.equal(isLinkRunning(IFF_UP, IF_OPER_DOWN), false); // carrier lost
  assert.equal(isLinkRunning(IFF_RUNNING | IFF_LOWER_UP, IF_OPER_UP), false); // admin down
});
