import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeFibRuleHdr,
  decodeRouteMessage,
  decodeRtMsg,
  decodeRuleMessage,
  encodeFibRuleHdr,
  encodeRouteRequest,
  encodeRtMsg,
  encodeRuleRequest,
} from './route.js';
import { AF_INET, FR_ACT_TO_TBL, NLM_F_CREATE, NLM_F_EXCL, RTM_NEWROUTE, RTM_NEWRULE, RTN_UNICAST, RTPROT_KEEPALIVED } from './constants.js';
import { hex, h, unhex } from '../test-kit/hex.js';

const rt = { family: AF_INET, dstLen: 25, srcLen: 0, tos: 0, table: 100, protocol: RTPROT_KEEPALIVED, scope: 0, type: RTN_UNICAST, flags: 0 };

test('rtmsg is 12 bytes: 8 × u8 then rtm_flags u32', () => {
  const b = encodeRtMsg({ ...rt, flags: 0x1000 });
  assert.equal(hex(b), h('02 19 00 00 64 12 00 01 00100000'));
  assert.deepEqual(decodeRtMsg(b), { ...rt, flags: 0x1000 });
});

test('RTM_NEWROUTE 192.0.2.128/25 via 192.0.2.2 table 100 proto keepalived', () => {
  const msg = encodeRouteRequest(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, 4, rt, { table: 100, dst: unhex('c0000280'), gateway: unhex('c0000202') });
  assert.equal(
    hex(msg),
    h(
      '34000000 1800 0506 04000000 00000000' + // 52 bytes
        '02 19 00 00 64 12 00 01 00000000' + // rtmsg
        '0800 0f00 64000000' + // RTA_TABLE
        '0800 0100 c0000280' + // RTA_DST
        '0800 0500 c0000202', // RTA_GATEWAY
    ),
  );
  const back = decodeRouteMessage(msg.subarray(16));
  assert.equal(back.table, 100);
  assert.equal(hex(back.gateway!), 'c0000202');
  assert.equal(back.oif, undefined);
});

test('tables above 255 go only in RTA_TABLE (rtm_table = RT_TABLE_UNSPEC)', () => {
  const msg = encodeRouteRequest(RTM_NEWROUTE, 0, 1, rt, { table: 1000, oif: 3, priority: 10 });
  const body = msg.subarray(16);
  assert.equal(body[4], 0);
  assert.equal(hex(body.subarray(12)), h('0800 0f00 e8030000 | 0800 0400 03000000 | 0800 0600 0a000000'));
  const back = decodeRouteMessage(body);
  assert.deepEqual([back.table, back.oif, back.priority], [1000, 3, 10]);
});

const rule = { family: AF_INET, dstLen: 0, srcLen: 32, tos: 0, table: 100, action: FR_ACT_TO_TBL, flags: 0 };

test('fib_rule_hdr is 12 bytes: family, dst_len, src_len, tos, table, res1, res2, action, flags u32', () => {
  const b = encodeFibRuleHdr(rule);
  assert.equal(hex(b), h('02 00 20 00 64 00 00 01 00000000'));
  assert.deepEqual(decodeFibRuleHdr(b), rule);
});

test('RTM_NEWRULE from 192.0.2.100 lookup 100 priority 100', () => {
  const msg = encodeRuleRequest(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, 5, rule, { table: 100, priority: 100, src: unhex('c0000264') });
  assert.equal(
    hex(msg),
    h(
      '34000000 2000 0506 05000000 00000000' +
        '02 00 20 00 64 00 00 01 00000000' +
        '0800 0f00 64000000' + // FRA_TABLE
        '0800 0600 64000000' + // FRA_PRIORITY
        '0800 0200 c0000264', // FRA_SRC
    ),
  );
  const back = decodeRuleMessage(msg.subarray(16));
  assert.deepEqual([back.table, back.priority, hex(back.src!)], [100, 100, 'c0000264']);
});

test('rule with interface names, fwmark and protocol', () => {
  const msg = encodeRuleRequest(RTM_NEWRULE, 0, 6, { ...rule, srcLen: 0 }, { iifName: 'eth0', fwmark: 7, fwmask: 0xff, protocol: RTPROT_KEEPALIVED });
  const back = decodeRuleMessage(msg.subarray(16));
  assert.deepEqual([back.iifName, back.fwmark, back.fwmask, back.protocol, back.table], ['eth0', 7, 0xff, RTPROT_KEEPALIVED, 100]);
});
