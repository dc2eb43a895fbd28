import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRouteMessage, decodeRtMsg, encodeGetRouteDump, encodeRouteRequest, encodeRtMsg } from './route.js';
import { decodeMultipath, encodeEncap, encodeMetrics, encodeMultipath, decodeEncap, decodeMetrics } from './route-nested.js';
import { attrMap } from './attr.js';
import {
  AF_INET,
  AF_INET6,
  ICMPV6_ROUTER_PREF_HIGH,
  LWTUNNEL_ENCAP_MPLS,
  NLM_F_CREATE,
  NLM_F_EXCL,
  RTAX_MTU,
  RTA_ENCAP,
  RTM_NEWROUTE,
  RTNH_F_ONLINK,
  RTN_UNICAST,
  RTPROT_KEEPALIVED,
} from './constants.js';
import { hex, h, unhex } from '../test-kit/hex.js';
import { KaError } from '../core/errors.js';

const rt = { family: AF_INET, dstLen: 25, srcLen: 0, tos: 0, table: 100, protocol: RTPROT_KEEPALIVED, scope: 0, type: RTN_UNICAST, flags: 0 };

test('rtmsg is 12 bytes: 8 × u8 then rtm_flags u32', () => {
  const b = encodeRtMsg({ ...rt, flags: 0x1000 });
  assert.equal(hex(b), h('02 19 00 00 64 12 00 01 00100000'));
  assert.deepEqual(decodeRtMsg(b), { ...rt, flags: 0x1000 });
});

test('RTM_NEWROUTE 192.0.2.128/25 via 192.0.2.2 table 100: the table goes in rtm_table only (as keepalived sends it)', () => {
  const msg = encodeRouteRequest(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, 4, { ...rt, table: 0 }, { table: 100, dst: unhex('c0000280'), gateway: unhex('c0000202') });
  assert.equal(
    hex(msg),
    h(
      '2c000000 1800 0506 04000000 00000000' + // 44 bytes
        '02 19 00 00 64 12 00 01 00000000' + // rtmsg, table 100
        '0800 0100 c0000280' + // RTA_DST
        '0800 0500 c0000202', // RTA_GATEWAY
    ),
  );
  const back = decodeRouteMessage(msg.subarray(16));
  assert.equal(back.table, 100);
  assert.equal(hex(back.gateway!), 'c0000202');
  assert.equal(back.oif, undefined);
});

test('tables above 255 go first in RTA_TABLE (rtm_table = RT_TABLE_UNSPEC)', () => {
  const msg = encodeRouteRequest(RTM_NEWROUTE, 0, 1, rt, { table: 1000, oif: 3, priority: 10 });
  const body = msg.subarray(16);
  assert.equal(body[4], 0);
  assert.equal(hex(body.subarray(12)), h('0800 0f00 e8030000 | 0800 0400 03000000 | 0800 0600 0a000000'));
  const back = decodeRouteMessage(body);
  assert.deepEqual([back.table, back.oif, back.priority], [1000, 3, 10]);
});

test('RTA_METRICS: congctl first (no NUL), RTAX_LOCK last, host-order u32s', () => {
  const m = { mtu: 1400, advmss: 1360, congctl: 'reno', lock: 1 << RTAX_MTU, features: 1 };
  assert.equal(hex(encodeMetrics(m)), h('0800 1000 72656e6f | 0800 0c00 01000000 | 0800 0200 78050000 | 0800 0800 50050000 | 0800 0100 04000000'));
  assert.deepEqual(decodeMetrics(encodeMetrics(m)), m);
});

test('RTA_MULTIPATH: struct rtnexthop (len, flags, hops = weight - 1, ifindex) then RTA_GATEWAY', () => {
  const nh = [
    { gateway: unhex('c0000201'), oif: 2, weight: 1 },
    { gateway: unhex('c0000202'), oif: 2, weight: 256, flags: RTNH_F_ONLINK },
  ];
  const b = encodeMultipath(nh);
  assert.equal(hex(b), h('1000 00 00 02000000 0800 0500 c0000201 | 1000 04 ff 02000000 0800 0500 c0000202'));
  assert.deepEqual(decodeMultipath(b), nh);
  assert.throws(() => encodeMultipath([{ oif: 2, weight: 0 }]), RangeError);
  assert.throws(() => decodeMultipath(unhex('0400 0000 02000000')), (e: unknown) => e instanceof KaError && e.code === 'KA_ERR_NL_PROTOCOL');
});

test('encap: MPLS label stack with bottom of stack on the last label; ip and ip6 tunnels round-trip', () => {
  const [mpls, type] = encodeEncap({ type: 'mpls', labels: [100, 200], ttl: 9 });
  assert.equal(hex(type ?? new Uint8Array(0)), h('0600 1500 0100 0000'));
  const body = attrMap(mpls ?? new Uint8Array(0)).get(RTA_ENCAP);
  assert.ok(body);
  assert.equal(hex(body), h('0c00 0100 00064000 000c8100 | 0500 0200 09 000000'));
  assert.deepEqual(decodeEncap(LWTUNNEL_ENCAP_MPLS, body), { type: 'mpls', labels: [100, 200], ttl: 9 });
  for (const e of [
    { type: 'ip' as const, id: 5n, dst: unhex('c6336409'), src: unhex('c0000201'), tos: 4, ttl: 7, flags: 1 },
    { type: 'ip6' as const, id: 6n, dst: unhex('20010db8000000000000000000000009'), tc: 2, hoplimit: 7 },
  ]) {
    const [enc, t] = encodeEncap(e);
    const inner = attrMap(enc ?? new Uint8Array(0)).get(RTA_ENCAP) ?? new Uint8Array(0);
    assert.deepEqual(decodeEncap(new DataView((t ?? new Uint8Array(8)).buffer).getUint16(4, true), inner), e);
  }
});

test('IPv6 route with preference and expiry round-trips; dump request', () => {
  const fields = { dst: unhex('20010db8000800000000000000000000'), gateway: unhex('20010db8000000000000000000000001'), oif: 2, pref: ICMPV6_ROUTER_PREF_HIGH, expires: 300 };
  const msg = encodeRouteRequest(RTM_NEWROUTE, NLM_F_CREATE, 1, { ...rt, family: AF_INET6, dstLen: 64 }, fields);
  const back = decodeRouteMessage(msg.subarray(16));
  assert.deepEqual({ ...back, header: undefined }, { header: undefined, ...fields, table: 100 });
  assert.equal(hex(encodeGetRouteDump(7, AF_INET6)), h('1c000000 1a00 0103 07000000 00000000 | 0a 00 00 00 00 00 00 00 00000000'));
});
