/**
 * route-plan.ts against keepalived 2.2.7: the configs of test/fixtures/rtnl are compiled by our
 * config compiler, each route and rule line planned with names resolved, and the requests we
 * would send compared byte for byte with the ones keepalived sent (adds at MASTER, deletes on
 * leaving it and at stop).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinHostNames, HostNames } from '../config/ip-lines/host-names.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, RTM_DELROUTE, RTM_DELRULE, RTM_NEWROUTE, RTM_NEWRULE } from '../netlink/constants.js';
import { encodeRuleRequest } from '../netlink/fib-rule.js';
import { parseMessages } from '../netlink/message.js';
import { encodeRouteRequest } from '../netlink/route.js';
import type { RouteAddMode } from '../netlink/route-model.js';
import { parseConfigText } from '../config/parse-config.js';
import { compileTestConfig } from '../test-kit/fsm-params.js';
import { memoryReader } from '../test-kit/memory-reader.js';
import { loadRtnlFixture } from '../test-kit/rtnl-fixtures.js';
import { planRoute, planRule, type PlanEnv, type PlannedRoute, type PlannedRule } from './route-plan.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const IFINDEX: Readonly<Record<string, number>> = { lo: 1, eth0: 2 };
const env: PlanEnv = { names: builtinHostNames(), ifindex: (n) => IFINDEX[n] };

const FLAGS: Readonly<Record<RouteAddMode, number>> = { prepend: NLM_F_CREATE, add: NLM_F_CREATE | NLM_F_EXCL, append: NLM_F_CREATE | NLM_F_APPEND, replace: NLM_F_CREATE | NLM_F_REPLACE };

function plans(name: string): { routes: PlannedRoute[]; rules: PlannedRule[]; phases: { phase: string; sent: string[] }[] } {
  const f = loadRtnlFixture(name);
  // The fixtures keep keepalived's own complaints (a rule protocol by name): compiled as the daemon would.
  const c = parseConfigText(f.config, 'keepalived.conf', { reader: memoryReader({}), configId: 'test' }).config;
  const where = c.staticRoutes.length + c.staticRules.length > 0 ? 'static' : 'virtual';
  const routeLines = where === 'static' ? c.staticRoutes : c.vrrpInstances.flatMap((v) => v.virtualRoutes);
  const ruleLines = where === 'static' ? c.staticRules : c.vrrpInstances.flatMap((v) => v.virtualRules);
  const routes = routeLines.map((r) => {
    const p = planRoute(r, env, where);
    assert.ok(p.ok, p.ok ? '' : `${r.text}: ${p.reason}`);
    return p.value;
  });
  const rules = ruleLines.map((r) => {
    const p = planRule(r, env, where);
    assert.ok(p.ok, p.ok ? '' : `${r.text}: ${p.reason}`);
    return p.value;
  });
  return { routes, rules, phases: f.phases.map((p) => ({ phase: p.phase, sent: [...p.sent] })) };
}

const ofType = (sent: readonly string[], type: number): string[] => sent.filter((h) => parseMessages(Uint8Array.from(Buffer.from(h, 'hex')))[0]?.type === type);
const routeAdd = (p: PlannedRoute): string => hex(encodeRouteRequest(RTM_NEWROUTE, FLAGS[p.mode], 0, p.add.header, p.add));
const routeDel = (p: PlannedRoute): string => hex(encodeRouteRequest(RTM_DELROUTE, 0, 0, p.del.header, p.del));
const ruleReq = (p: PlannedRule, type: number, flags: number): string => hex(encodeRuleRequest(type, flags, 0, p.add.header, p.add));

for (const name of ['virtual-routes-rules', 'virtual-routes-extra', 'static-routes-rules']) {
  test(`${name}: every line planned from our config is the request keepalived sent`, () => {
    const { routes, rules, phases } = plans(name);
    const master = phases[0]!.sent;
    assert.deepEqual(routes.map(routeAdd), ofType(master, RTM_NEWROUTE), 'route adds');
    assert.deepEqual(rules.map((r) => ruleReq(r, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL)), ofType(master, RTM_NEWRULE), 'rule adds');
    assert.deepEqual(rules.map((r) => ruleReq(r, RTM_DELRULE, 0)), ofType(master, RTM_DELRULE), 'the rule deletes of start-up');
    const leaving = phases.find((p) => p.phase === 'backup') ?? phases.find((p) => p.phase === 'stopped');
    assert.ok(leaving);
    assert.deepEqual(routes.map(routeDel), ofType(leaving.sent, RTM_DELROUTE), 'route deletes');
    assert.deepEqual(rules.map((r) => ruleReq(r, RTM_DELRULE, 0)), ofType(leaving.sent, RTM_DELRULE), 'rule deletes');
  });
}

test('tracking: routes with dev and every virtual rule; static rules only with iif; no_track never', () => {
  const { routes, rules } = plans('virtual-routes-rules');
  assert.deepEqual(
    routes.map((r) => r.tracked),
    [true, true, true, false, false, false, false, false, true, true, true, true, true],
  );
  assert.ok(rules.every((r) => r.tracked));
  const c = compileTestConfig(`static_rules {\nfrom 192.0.2.1 table 5 priority 1\nfrom 192.0.2.2 iif eth0 table 5 priority 2\nfrom 192.0.2.3 iif eth0 table 5 priority 3 no_track\n}\nvrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 1\nvirtual_ipaddress {\n192.0.2.100\n}\n}\n`);
  assert.deepEqual(
    c.staticRules.map((r) => {
      const p = planRule(r, env, 'static');
      return p.ok && p.value.tracked;
    }),
    [false, true, false],
  );
});

test('names resolve through the host files; unknown ones are refused in keepalived words', () => {
  const names = new HostNames((file) => (file === 'rt_tables' ? ['200 isp1\n# 201 commented\n'] : file === 'rt_realms' ? ['9 edge\n'] : file === 'rt_dsfield' ? ['0x28 AF11\n'] : []));
  const e: PlanEnv = { names, ifindex: (n) => IFINDEX[n] };
  const c = compileTestConfig(
    `static_routes {\n198.51.100.0/24 via 192.0.2.1 dev eth0 table isp1 realms edge tos AF11 scope link protocol zebra no_track\n198.51.100.0/25 dev eth0 table isp2\n198.51.100.0/26 dev eth0 protocol nosuch no_track\n198.51.100.0/27 dev eth9\n198.51.100.0/28 dev eth0 realms nosuch\n198.51.100.0/29 dev eth0 scope nosuch\n}\nvrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 1\nvirtual_ipaddress {\n192.0.2.100\n}\n}\n`,
  );
  const [good, ...bad] = c.staticRoutes.map((r) => planRoute(r, e, 'static'));
  assert.ok(good?.ok);
  assert.deepEqual([good.value.add.table, good.value.add.flow, good.value.add.header.tos, good.value.add.header.scope, good.value.add.header.protocol], [200, 9, 0x28, 253, 11]);
  assert.deepEqual(
    bad.map((b) => (b.ok ? 'ok' : b.reason)),
    ['Routing table isp2 not found for route', 'Protocol nosuch not found or invalid for route', "WARNING - interface eth9 for VROUTE nexthop doesn't exist", 'Invalid realms nosuch for route', 'Scope nosuch not found or invalid for route'],
  );
});

test('log text as keepalived prints a restored static route and rule', () => {
  const c = compileTestConfig(
    `static_routes {\n198.51.100.0/25 via 192.0.2.1 dev eth0 table 120\n}\nstatic_rules {\nfrom 192.0.2.52 iif eth0 table 120 priority 152\n}\nvrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 1\nvirtual_ipaddress {\n192.0.2.100\n}\n}\n`,
  );
  const r = planRoute(c.staticRoutes[0]!, env, 'static');
  const u = planRule(c.staticRules[0]!, env, 'static');
  assert.ok(r.ok && u.ok);
  assert.equal(r.value.text, 'prepend 198.51.100.0/25 via inet 192.0.2.1 dev eth0 table 120 proto 18');
  assert.equal(u.value.text, 'from 192.0.2.52 priority 152 tos 0x0 iif eth0 protocol 18 lookup 120');
});
