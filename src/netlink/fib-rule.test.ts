import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFibRuleHdr, decodeRuleMessage, encodeFibRuleHdr, encodeGetRuleDump, encodeRuleRequest } from './fib-rule.js';
import { AF_INET, FIB_RULE_INVERT, FR_ACT_GOTO, FR_ACT_TO_TBL, NLM_F_CREATE, NLM_F_EXCL, RTM_NEWRULE, RTPROT_KEEPALIVED } from './constants.js';
import { hex, h, unhex } from '../test-kit/hex.js';

const rule = { family: AF_INET, dstLen: 0, srcLen: 32, tos: 0, table: 100, action: FR_ACT_TO_TBL, flags: 0 };

test('fib_rule_hdr is 12 bytes: family, dst_len, src_len, tos, table, res1, res2, action, flags u32', () => {
  const b = encodeFibRuleHdr(rule);
  assert.equal(hex(b), h('02 00 20 00 64 00 00 01 00000000'));
  assert.deepEqual(decodeFibRuleHdr(b), rule);
});

test('RTM_NEWRULE from 192.0.2.100 lookup 100 priority 100 proto keepalived, as keepalived sends it', () => {
  const msg = encodeRuleRequest(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, 5, { ...rule, table: 0 }, { table: 100, priority: 100, src: unhex('c0000264'), protocol: RTPROT_KEEPALIVED });
  assert.equal(
    hex(msg),
    h(
      '34000000 2000 0506 05000000 00000000' +
        '02 00 20 00 64 00 00 01 00000000' + // table 100 in the header
        '0800 0200 c0000264' + // FRA_SRC
        '0800 0600 64000000' + // FRA_PRIORITY
        '0500 1500 12 000000', // FRA_PROTOCOL
    ),
  );
  const back = decodeRuleMessage(msg.subarray(16));
  assert.deepEqual([back.table, back.priority, hex(back.src!), back.protocol], [100, 100, 'c0000264', RTPROT_KEEPALIVED]);
});

test('every selector and action round-trips', () => {
  const fields = {
    table: 1000,
    src: unhex('c0000200'),
    dst: unhex('cb007100'),
    priority: 102,
    fwmark: 0x10,
    fwmask: 0xff,
    flow: (5 << 16) | 6,
    tunId: 7n,
    suppressIfgroup: 5,
    suppressPrefixlen: 24,
    iifName: 'eth0',
    oifName: 'lo',
    l3mdev: 1,
    uidRange: { start: 1000, end: 2000 },
    protocol: 12,
    ipProto: 17,
    sportRange: { start: 10, end: 20 },
    dportRange: { start: 20, end: 30 },
    goto: 110,
  };
  const msg = encodeRuleRequest(RTM_NEWRULE, 0, 1, { ...rule, action: FR_ACT_GOTO, flags: FIB_RULE_INVERT, tos: 0x10 }, fields);
  const back = decodeRuleMessage(msg.subarray(16));
  assert.deepEqual({ ...back, header: undefined }, { header: undefined, ...fields });
  assert.deepEqual([back.header.table, back.header.flags, back.header.tos], [0, FIB_RULE_INVERT, 0x10]);
});

test('RTM_GETRULE dump request', () => {
  assert.equal(hex(encodeGetRuleDump(3, AF_INET)), h('1c000000 2200 0103 03000000 00000000 | 02 00 00 00 00 00 00 00 00000000'));
});
