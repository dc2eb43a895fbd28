/**
 * routeOf / ruleOf against keepalived 2.2.7: each line of the captured config
 * (test/fixtures/rtnl/virtual-routes-rules.json), written as a spec with names resolved,
 * must encode to the very request keepalived sent for it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRtnlFixture } from '../test-kit/rtnl-fixtures.js';
import { parseMessages } from './message.js';
import { encodeRouteRequest } from './route.js';
import { encodeRuleRequest } from './fib-rule.js';
import { decodeRouteRuleEvent, routeOf, ruleOf, type RouteSpec, type RuleSpec } from './route-model.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, RTAX_MTU, RTM_NEWROUTE, RTM_NEWRULE, RT_SCOPE_LINK } from './constants.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const f = loadRtnlFixture('virtual-routes-rules');
const sent = f.phases[0]?.sent ?? [];
const typeOf = (h: string): number => parseMessages(Uint8Array.from(Buffer.from(h, 'hex')))[0]?.type ?? 0;
const routeMsgs = sent.filter((h) => typeOf(h) === RTM_NEWROUTE);
const ruleMsgs = sent.filter((h) => typeOf(h) === RTM_NEWRULE);

const ROUTES: readonly [RouteSpec, number][] = [
  [{ dst: '198.51.100.0/25', via: '192.0.2.1', oif: 2 }, NLM_F_CREATE],
  [{ dst: '203.0.113.0/25', oif: 2, table: 100, metric: 5, scope: RT_SCOPE_LINK }, NLM_F_CREATE],
  [
    {
      dst: '203.0.113.128/25',
      via: '192.0.2.2',
      oif: 2,
      table: 100,
      realms: 7,
      metrics: { congctl: 'reno', rtt: 1600, rttvar: 800, rtoMin: 200, features: 1, mtu: 1400, window: 65535, ssthresh: 20, cwnd: 10, advmss: 1360, reordering: 5, hoplimit: 64, initcwnd: 11, initrwnd: 12, quickack: 1, fastopenNoCookie: 1, lock: 1 << RTAX_MTU },
    },
    NLM_F_CREATE,
  ],
  [{ type: 'blackhole', dst: '198.51.100.128/26', table: 101 }, NLM_F_CREATE | NLM_F_EXCL],
  [{ type: 'unreachable', dst: '198.51.100.200/32', table: 101 }, NLM_F_CREATE | NLM_F_EXCL],
  [{ type: 'prohibit', dst: '198.51.100.201', table: 101 }, NLM_F_CREATE | NLM_F_EXCL],
  [{ type: 'throw', dst: '198.51.100.202/32', table: 101 }, NLM_F_CREATE | NLM_F_EXCL],
  [
    {
      dst: '198.51.100.192/29',
      table: 102,
      nexthops: [
        { via: '192.0.2.1', oif: 2, weight: 1 },
        { via: '192.0.2.2', oif: 2, weight: 3 },
      ],
    },
    NLM_F_CREATE,
  ],
  [{ dst: '203.0.113.200/32', src: '192.0.2.11', via: '198.51.100.1', oif: 2, onlink: true, table: 103, tos: 0x10 }, NLM_F_CREATE],
  [{ dst: '2001:db8:1::/64', via: '2001:db8::1', oif: 2, pref: 'high' }, NLM_F_CREATE],
  [{ dst: '2001:db8:2::/64', oif: 2, table: 100, metric: 1024, pref: 'low' }, NLM_F_CREATE],
  [{ dst: '2001:db8:3::/64', from: '2001:db8::/64', oif: 2, table: 100 }, NLM_F_CREATE],
  [{ dst: '203.0.113.201/32', oif: 2, table: 103 }, NLM_F_CREATE | NLM_F_APPEND],
];

const RULES: readonly RuleSpec[] = [
  { family: 4, from: '192.0.2.100', table: 100, priority: 100 },
  { family: 4, to: '198.51.100.0/24', table: 101, priority: 101 },
  { family: 4, from: '192.0.2.0/24', to: '203.0.113.0/24', iif: 'eth0', oif: 'lo', fwmark: 0x10, fwmask: 0xff, tos: 0x10, table: 102, priority: 102 },
  { family: 4, uidRange: { start: 1000, end: 2000 }, table: 100, priority: 103 },
  { family: 4, not: true, from: '192.0.2.5', table: 100, priority: 104 },
  { family: 4, from: '192.0.2.6', action: 'goto', goto: 110, priority: 105 },
  { family: 4, from: '192.0.2.7', action: 'nop', priority: 106 },
  { family: 4, action: 'blackhole', from: '192.0.2.8', priority: 107 },
  { family: 4, action: 'unreachable', from: '192.0.2.12', priority: 108 },
  { family: 4, action: 'prohibit', from: '192.0.2.13', priority: 109 },
  { family: 4, from: '192.0.2.9', table: 100, suppressPrefixLength: 24, priority: 110 },
  { family: 4, table: 100, suppressIfgroup: 5, priority: 111 },
  { family: 4, from: '192.0.2.10', realms: (5 << 16) | 6, table: 100, priority: 112 },
  { family: 4, from: '192.0.2.14', tunId: 7n, table: 100, priority: 113 },
  { family: 4, l3mdev: true, priority: 114 },
  { family: 4, ipProto: 17, sport: { start: 10, end: 20 }, dport: { start: 20, end: 30 }, table: 100, priority: 115 },
  { family: 6, from: '2001:db8::/64', table: 100, priority: 200 },
];

test('routeOf: each virtual_routes line encodes to the request keepalived sent', () => {
  assert.equal(routeMsgs.length, ROUTES.length);
  ROUTES.forEach(([spec, flags], i) => {
    const r = routeOf(spec);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    const { header, ...fields } = r.value;
    assert.equal(hex(encodeRouteRequest(RTM_NEWROUTE, flags, 0, header, fields)), routeMsgs[i], `route ${i}: ${spec.dst}`);
  });
});

test('ruleOf: each virtual_rules line encodes to the request keepalived sent', () => {
  assert.equal(ruleMsgs.length, RULES.length);
  RULES.forEach((spec, i) => {
    const r = ruleOf(spec);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    const { header, ...fields } = r.value;
    assert.equal(hex(encodeRuleRequest(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, 0, header, fields)), ruleMsgs[i], `rule ${i}`);
  });
});

test('bad specs are refused with a reason, never thrown', () => {
  const bad: RouteSpec[] = [
    { dst: '198.51.100.0/33' },
    { dst: 'nonsense' },
    { dst: '198.51.100.0/24', via: '2001:db8::1' },
    { dst: '198.51.100.0/24', from: '2001:db8::/64' },
    { dst: '198.51.100.0/24', nexthops: [{ via: '192.0.2.1', weight: 0 }] },
    { dst: '198.51.100.0/24', table: 0 },
    { dst: 'default', family: 6, via: '192.0.2.1' },
    { dst: '2001:db8::/64', family: 4 },
  ];
  for (const b of bad) assert.equal(routeOf(b).ok, false, JSON.stringify(b));
  for (const b of [{ family: 4, from: '2001:db8::1' }, { family: 4, action: 'goto' }, { family: 6 }] as RuleSpec[]) assert.equal(ruleOf(b).ok, false, JSON.stringify(b));
  const d = routeOf({ dst: 'default', family: 6, via: '2001:db8::1' });
  assert.ok(d.ok && d.value.header.dstLen === 0 && d.value.dst === undefined);
});

test('route/rule notifications decode; other messages and families are not events', () => {
  const m = parseMessages(Uint8Array.from(Buffer.from(routeMsgs[0] ?? '', 'hex')))[0];
  assert.ok(m);
  const ev = decodeRouteRuleEvent(m);
  assert.ok(ev?.type === 'route' && !ev.deleted && ev.route.table === 254);
  assert.equal(decodeRouteRuleEvent({ ...m, type: 16 }), null);
  assert.equal(decodeRouteRuleEvent({ ...m, payload: Uint8Array.of(7, ...m.payload.subarray(1)) }), null);
});
