// Routes and policy rules through RtnlClient in a lab namespace, against keepalived 2.2.7:
// the requests keepalived sent for virtual/static routes and rules (test/fixtures/rtnl) go
// through our client, phase by phase, and `ip -j -d route show table all` / `ip -j -d rule
// show` must print what they printed under keepalived; our dumps read every option back;
// the route/rule monitor reports additions and deletions, also those made by another program.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLab, inNetns, type Lab, type LabHost } from '../lab/netns.js';
import { routesOf, rulesOf } from '../lab/capture-keepalived-rtnl.js';
import { NetlinkRtnlClient, type RouteAddMode, type RouteRuleEvent } from '../../src/netlink/rtnl-client.js';
import { parseMessages } from '../../src/netlink/message.js';
import { decodeRouteMessage } from '../../src/netlink/route.js';
import { decodeRuleMessage } from '../../src/netlink/fib-rule.js';
import { routeOf, ruleOf } from '../../src/netlink/route-model.js';
import { NLM_F_APPEND, NLM_F_EXCL, NLM_F_REPLACE, RTM_DELROUTE, RTM_DELRULE, RTM_NEWROUTE, RTM_NEWRULE, RTPROT_KEEPALIVED } from '../../src/netlink/constants.js';
import { loadRtnlFixture, stableRoute } from '../../src/test-kit/rtnl-fixtures.js';

let lab: Lab;
let h1: LabHost;
let rtnl: NetlinkRtnlClient;

before(() => {
  lab = createLab(1, 'rt');
  h1 = lab.host(1);
  rtnl = inNetns(h1.ns, () => NetlinkRtnlClient.open());
});

after(() => {
  rtnl?.close();
  lab?.down();
});

const modeOf = (flags: number): RouteAddMode => ((flags & NLM_F_EXCL) !== 0 ? 'add' : (flags & NLM_F_APPEND) !== 0 ? 'append' : (flags & NLM_F_REPLACE) !== 0 ? 'replace' : 'prepend');

/** Sends one of keepalived's captured requests through our client; returns the outcome. */
async function replay(hex: string): Promise<string> {
  const [m] = parseMessages(Uint8Array.from(Buffer.from(hex, 'hex')));
  assert.ok(m);
  switch (m.type) {
    case RTM_NEWROUTE:
      return rtnl.addRoute(decodeRouteMessage(m.payload), modeOf(m.flags));
    case RTM_DELROUTE:
      return rtnl.deleteRoute(decodeRouteMessage(m.payload));
    case RTM_NEWRULE:
      return rtnl.addRule(decodeRuleMessage(m.payload));
    case RTM_DELRULE:
      return rtnl.deleteRule(decodeRuleMessage(m.payload));
    default:
      throw new Error(`not a route or rule request: type ${m.type}`);
  }
}

const stable = (rs: readonly Record<string, unknown>[]): unknown[] => rs.map(stableRoute);

for (const name of ['virtual-routes-rules', 'virtual-routes-extra', 'static-routes-rules']) {
  test(`keepalived ${name}: replayed through our client, ip route/rule show what they showed under keepalived`, async () => {
    const f = loadRtnlFixture(name);
    assert.equal(JSON.parse(lab.exec(h1, ['ip', '-j', 'link', 'show', 'eth0']))[0].ifindex, f.phases[0]?.links['eth0'], 'same eth0 ifindex as the capture');
    const outcomes = new Map<string, number>();
    for (const phase of f.phases) {
      for (const hex of phase.sent) {
        const o = await replay(hex);
        outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
      }
      assert.deepEqual(stable(routesOf(lab, h1)), stable(phase.routes), `${phase.phase}: routes`);
      assert.deepEqual(rulesOf(lab, h1), phase.rules, `${phase.phase}: rules`);
    }
    // keepalived deletes its rules once at start-up (left-overs of a crash): absent, not an error.
    assert.ok((outcomes.get('absent') ?? 0) > 0 && (outcomes.get('added') ?? 0) > 0 && (outcomes.get('deleted') ?? 0) > 0, JSON.stringify([...outcomes]));
  });
}

const json = (v: unknown): string => JSON.stringify(v, (_k, y: unknown) => (typeof y === 'bigint' ? String(y) : y));

/** `got` has everything `want` has (objects may carry more keys: the kernel fills in defaults). */
function covers(got: unknown, want: unknown): boolean {
  if (want instanceof Uint8Array || typeof want !== 'object' || want === null || got === null || typeof got !== 'object') return json(got) === json(want);
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && want.every((w, i) => covers(got[i], w));
  return Object.entries(want).every(([k, v]) => covers((got as Record<string, unknown>)[k], v));
}

/**
 * Every attribute we sent comes back (the kernel adds its own: table, cache info, IPv6 metric
 * and pref, rule defaults), but the expiry, which counts down, and ttl-propagate, which the
 * kernel keeps only for MPLS routes.
 */
function sentFieldsBack<T extends { readonly header: object; readonly table?: number }>(sent: T, dumped: readonly T[], header: (keyof T['header'])[]): boolean {
  const { header: h, expires: _e, ttlPropagate: _t, ...fields } = sent as T & { expires?: number; ttlPropagate?: number };
  return dumped.some(
    (d) => d.table === sent.table && header.every((k) => (d.header as Record<string, unknown>)[k as string] === (h as Record<string, unknown>)[k as string]) && Object.entries(fields).every(([k, v]) => covers((d as Record<string, unknown>)[k], v)),
  );
}

test('listRoutes / listRules: every option keepalived sends reads back from the kernel', async () => {
  for (const name of ['virtual-routes-rules', 'virtual-routes-extra']) {
    const f = loadRtnlFixture(name);
    const master = f.phases[0];
    assert.ok(master);
    const addHex = master.sent.filter((h) => {
      const t = parseMessages(Uint8Array.from(Buffer.from(h, 'hex')))[0]?.type;
      return t === RTM_NEWROUTE || t === RTM_NEWRULE;
    });
    for (const h of addHex) assert.equal(await replay(h), 'added');
    const adds = addHex.map((h) => parseMessages(Uint8Array.from(Buffer.from(h, 'hex')))[0]);
    const routes = await rtnl.listRoutes();
    const rules = await rtnl.listRules();
    for (const m of adds) {
      if (m?.type === RTM_NEWROUTE) {
        const r = decodeRouteMessage(m.payload);
        assert.ok(sentFieldsBack(r, routes, ['family', 'dstLen', 'srcLen', 'tos', 'protocol', 'scope', 'type']), `route ${json(r)} read back`);
      } else if (m) {
        const r = decodeRuleMessage(m.payload);
        assert.ok(sentFieldsBack(r, rules, ['family', 'dstLen', 'srcLen', 'tos', 'action']), `rule ${json(r)} read back`);
      }
    }
    assert.ok((await rtnl.listRoutes(6)).every((r) => r.header.family === 10));
    for (const m of [...adds].reverse()) {
      if (m?.type === RTM_NEWROUTE) assert.equal(await rtnl.deleteRoute(decodeRouteMessage(m.payload)), 'deleted');
      else if (m) assert.equal(await rtnl.deleteRule(decodeRuleMessage(m.payload)), 'deleted');
    }
    assert.deepEqual(routesOf(lab, h1), []);
  }
});

test('monitorRoutes: our additions and deletions, and a route and a rule deleted by another program', async () => {
  const events: RouteRuleEvent[] = [];
  const sub = inNetns(h1.ns, () => rtnl.monitorRoutes((e) => events.push(e)));
  const waitFor = async (pred: (e: RouteRuleEvent) => boolean): Promise<RouteRuleEvent> => {
    const deadline = Date.now() + 3000;
    for (;;) {
      const e = events.find(pred);
      if (e) return e;
      if (Date.now() > deadline) throw new Error(`no such event; got ${events.map((x) => `${x.type}${'deleted' in x ? `/${x.deleted}` : ''}`).join(' ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  try {
    const route = routeOf({ dst: '203.0.113.0/24', via: '192.0.2.1', oif: 2, table: 200, metric: 7 });
    const rule = ruleOf({ family: 4, from: '192.0.2.100', table: 200, priority: 300 });
    assert.ok(route.ok && rule.ok);
    assert.equal(await rtnl.addRoute(route.value), 'added');
    assert.equal(await rtnl.addRule(rule.value), 'added');
    assert.equal(await rtnl.addRule(rule.value), 'exists');
    const isOurs = (e: RouteRuleEvent, deleted: boolean): boolean =>
      (e.type === 'route' && e.deleted === deleted && e.route.table === 200 && e.route.header.protocol === RTPROT_KEEPALIVED) ||
      (e.type === 'rule' && e.deleted === deleted && e.rule.priority === 300);
    await waitFor((e) => e.type === 'route' && isOurs(e, false));
    await waitFor((e) => e.type === 'rule' && isOurs(e, false));
    lab.exec(h1, ['ip', 'route', 'del', '203.0.113.0/24', 'table', '200']);
    lab.exec(h1, ['ip', 'rule', 'del', 'priority', '300']);
    const gone = await waitFor((e) => e.type === 'route' && isOurs(e, true));
    assert.ok(gone.type === 'route' && gone.route.priority === 7 && gone.route.oif === 2);
    await waitFor((e) => e.type === 'rule' && isOurs(e, true));
    assert.equal(await rtnl.deleteRoute(route.value), 'absent');
    assert.equal(await rtnl.deleteRule(rule.value), 'absent');
  } finally {
    sub.close();
  }
});
