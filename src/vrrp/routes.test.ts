/**
 * routes.ts through the whole VRRP child on the fake seam: virtual routes and rules present
 * exactly while MASTER, in keepalived 2.2.7's order around the VIPs; static ones for the
 * daemon's life; a tracked item deleted by another program makes the master resign and put it
 * back; what a crashed child left is cleaned up at start-up; -V keeps them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vrrpChildRig as rig } from '../test-kit/vrrp-child-rig.js';

const CONF = (extra = '', top = ''): string => `
${top}
vrrp_instance VI_1 {
 interface eth0
 virtual_router_id 51
 priority 100
 advert_int 1
 virtual_ipaddress {
  192.0.2.100/24
 }
 virtual_routes {
  198.51.100.0/24 via 192.0.2.1 dev eth0
  203.0.113.0/24 via 192.0.2.1 dev eth0 table 100
  2001:db8:1::/64 dev eth0 no_track
 }
 virtual_rules {
  from 203.0.113.5 table 100 priority 100
 }
 ${extra}
}
`;

// Keys as route-plan.ts computes them: family|table|dst|tos|metric|src (routes), family|priority|action|table|… (rules).
const R1 = '2|254|198.51.100.0/24|0|0|';
const R2 = '2|100|203.0.113.0/24|0|0|';
const R6 = '10|254|2001:db8:1::/64|0|1024|';
const RULE = '2|100|1|100|203.0.113.5/32|';

const keysOf = (keys: readonly string[]): string[] => keys.map((k) => [R1, R2, R6, RULE].find((p) => k.startsWith(p)) ?? k);

test('virtual routes and rules: set after the VIPs on MASTER, removed before them on BACKUP, in keepalived order', async () => {
  const r = await rig(CONF());
  // Start-up: the rules (and routes) a crashed child may have left are deleted, nothing is added.
  assert.deepEqual(keysOf(r.world.routes.requests.map((q) => q.split(' ')[2]!)), [R1, R2, R6, RULE]);
  assert.ok(r.world.routes.requests.every((q) => q.startsWith('del ')));
  assert.deepEqual(r.world.routes.keys(), []);
  await r.run(4000);
  assert.equal(r.world.transitions.at(-1)!.to, 'MASTER');
  assert.deepEqual(keysOf(r.world.routes.keys()), [R6, R2, R1, RULE]);
  const lines = r.lines();
  const at = (s: string): number => lines.indexOf(s);
  assert.ok(at('(VI_1) setting VIPs.') < at('(VI_1) setting Virtual Routes') && at('(VI_1) setting Virtual Routes') < at('(VI_1) setting Virtual Rules'), lines.join('\n'));
  // Routes in config order, then the rule, each after the VIP.
  const adds = r.world.routes.requests.filter((q) => q.startsWith('add '));
  assert.deepEqual(keysOf(adds.map((q) => q.split(' ')[2]!)), [R1, R2, R6, RULE]);
  assert.deepEqual(adds.slice(0, 3).map((q) => q.split(' ')[3]), ['prepend', 'prepend', 'prepend']);
  assert.ok(r.world.rtnl.has('192.0.2.100'));

  // A higher-priority master: rules go, then routes, then the VIP.
  const before = r.world.routes.requests.length;
  r.peer(200);
  await r.run(10);
  assert.equal(r.world.transitions.at(-1)!.to, 'BACKUP');
  const removed = r.world.routes.requests.slice(before).map((q) => q.split(' '));
  assert.deepEqual(removed.map((w) => `${w[0]} ${w[1]} ${keysOf([w[2]!])[0]}`), [`del rule ${RULE}`, `del route ${R1}`, `del route ${R2}`, `del route ${R6}`]);
  assert.deepEqual(r.world.routes.keys(), []);
  const l2 = r.lines();
  assert.ok(l2.lastIndexOf('(VI_1) removing Virtual Rules') < l2.lastIndexOf('(VI_1) removing Virtual Routes'));
  assert.ok(l2.lastIndexOf('(VI_1) removing Virtual Routes') < l2.lastIndexOf('(VI_1) removing VIPs.'));
});

test('a tracked virtual route deleted by another program: the master resigns (priority 0) and takes over again after Skew_Time, putting it back', async () => {
  const r = await rig(CONF());
  await r.run(4000);
  assert.equal(r.world.transitions.at(-1)!.to, 'MASTER');
  const t0 = r.clock.nowMs();
  assert.ok(r.world.routes.deleteExternally(R1));
  await r.run(1);
  assert.deepEqual(r.world.transitions.slice(-1).map((t) => `${t.from}->${t.to} ${t.reason}`), ['MASTER->BACKUP tracked-deleted']);
  assert.equal(r.advertPriorities().at(-1), 0, 'it resigns with a priority-0 advert');
  assert.deepEqual(r.world.routes.keys(), [], 'the other routes and the rule go with the mastership');
  await r.run(1000);
  const back = r.world.transitions.at(-1)!;
  assert.equal(back.to, 'MASTER');
  // Skew_Time for priority 100: (256 − 100) / 256 s.
  assert.equal(back.atMs - t0, 609.375);
  assert.equal(r.world.routes.keys().length, 4, 'everything is back');
});

test('a no_track route deleted by another program changes nothing, and is not deleted again on leaving MASTER', async () => {
  const r = await rig(CONF());
  await r.run(4000);
  assert.ok(r.world.routes.deleteExternally(R6));
  await r.run(2000);
  assert.deepEqual(r.world.transitions.map((t) => t.to), ['BACKUP', 'MASTER']);
  const before = r.world.routes.requests.length;
  r.peer(200);
  await r.run(10);
  assert.ok(!r.world.routes.requests.slice(before).some((q) => q.includes(R6)));
});

test('a tracked rule deleted by another program makes the master resign too', async () => {
  const r = await rig(CONF());
  await r.run(4000);
  assert.ok(r.world.routes.deleteExternally(RULE));
  await r.run(1);
  assert.equal(r.world.transitions.at(-1)!.reason, 'tracked-deleted');
});

test('shutdown of a master removes its rules and routes; -V keeps them', async () => {
  for (const dontReleaseVrrp of [false, true]) {
    const r = await rig(CONF(), { dontReleaseVrrp });
    await r.run(4000);
    assert.equal(r.world.routes.keys().length, 4);
    const done = r.handle.shutdown();
    await r.run(1500);
    await done;
    assert.equal(r.world.routes.keys().length, dontReleaseVrrp ? 4 : 0, `dontReleaseVrrp ${dontReleaseVrrp}`);
    assert.equal(r.world.routes.closed, 1, 'the route client is closed at stop');
  }
});

const STATIC = `
static_routes {
 198.51.100.0/25 via 192.0.2.1 dev eth0 table 120
 198.51.100.128/25 via 192.0.2.1
}
static_rules {
 from 192.0.2.52 iif eth0 table 120 priority 152
}
`;

test('static routes and rules: set at start-up whatever the state, kept through BACKUP and MASTER, removed at stop', async () => {
  const r = await rig(CONF('', STATIC));
  const statics = ['2|120|198.51.100.0/25|0|0|', '2|254|198.51.100.128/25|0|0|', '2|152|1|120|192.0.2.52/32|'];
  const has = (): boolean => statics.every((s) => r.world.routes.keys().some((k) => k.startsWith(s)));
  assert.equal(r.world.transitions.at(-1)!.to, 'BACKUP');
  assert.ok(has(), r.world.routes.keys().join('\n'));
  await r.run(4000);
  assert.ok(has());
  r.peer(200);
  await r.run(10);
  assert.equal(r.world.transitions.at(-1)!.to, 'BACKUP');
  assert.ok(has());
  // Deleted by another program: no state change, and not deleted again at stop.
  assert.ok(r.world.routes.deleteExternally(statics[0]!));
  await r.run(10);
  assert.equal(r.world.transitions.at(-1)!.to, 'BACKUP');
  const before = r.world.routes.requests.length;
  const done = r.handle.shutdown();
  await r.run(1500);
  await done;
  assert.deepEqual(r.world.routes.keys(), []);
  assert.deepEqual(r.world.routes.requests.slice(before).map((q) => q.split(' ').slice(0, 2).join(' ')), ['del rule', 'del route']);
});

test('a line naming an unknown table or interface is logged in keepalived words and left out; the others work', async () => {
  const r = await rig(CONF('', '').replace('table 100\n', 'table nosuch\n').replace('2001:db8:1::/64 dev eth0', '2001:db8:1::/64 dev eth9'));
  assert.ok(r.lines().includes('Routing table nosuch not found for route'), r.lines().join('\n'));
  assert.ok(r.lines().includes("WARNING - interface eth9 for VROUTE nexthop doesn't exist"));
  await r.run(4000);
  assert.deepEqual(keysOf(r.world.routes.keys()), [R1, RULE]);
});

test('reload: a MASTER keeps its routes, the removed line goes, a new one is set; statics follow the config', async () => {
  const r = await rig(CONF('', STATIC));
  await r.run(4000);
  const conf2 = CONF('', STATIC.replace(' 198.51.100.128/25 via 192.0.2.1\n', ' 198.51.100.192/26 via 192.0.2.1\n')).replace('  203.0.113.0/24 via 192.0.2.1 dev eth0 table 100\n', '  203.0.113.128/25 via 192.0.2.1 dev eth0\n');
  const { compileTestConfig } = await import('../test-kit/fsm-params.js');
  r.world.config = compileTestConfig(conf2);
  const before = r.world.routes.requests.length;
  await r.handle.reload();
  await r.run(10);
  assert.equal(r.world.transitions.at(-1)!.to, 'MASTER');
  const keys = r.world.routes.keys();
  assert.ok(keys.some((k) => k.startsWith('2|254|203.0.113.128/25|')), keys.join('\n'));
  assert.ok(!keys.some((k) => k.startsWith(R2)));
  assert.ok(keys.some((k) => k.startsWith('2|254|198.51.100.192/26|')));
  assert.ok(!keys.some((k) => k.startsWith('2|254|198.51.100.128/25|')));
  const after = r.world.routes.requests.slice(before);
  assert.ok(!after.some((q) => q.startsWith(`del route ${R1}`)), 'an unchanged route is left alone');
});

test('a VIP deleted by another program under a MASTER: "Netlink reflector reports IP … removed", resign, take it back; a no_track VIP changes nothing', async () => {
  const r = await rig(CONF().replace('  192.0.2.100/24\n', '  192.0.2.100/24\n  192.0.2.101/24 no_track\n'));
  await r.run(4000);
  assert.equal(r.world.transitions.at(-1)!.to, 'MASTER');
  assert.ok(r.world.rtnl.deleteExternally('192.0.2.101'));
  await r.run(1);
  assert.equal(r.world.transitions.length, 2, 'no_track');
  assert.ok(r.world.rtnl.deleteExternally('192.0.2.100'));
  await r.run(1);
  assert.ok(r.lines().includes('Netlink reflector reports IP 192.0.2.100 removed from eth0'));
  assert.deepEqual(r.world.transitions.slice(-1).map((t) => `${t.to} ${t.reason}`), ['BACKUP tracked-deleted']);
  await r.run(1000);
  assert.equal(r.world.transitions.at(-1)!.to, 'MASTER');
  assert.ok(r.world.rtnl.has('192.0.2.100') && r.world.rtnl.has('192.0.2.101'), 'both back');
  assert.equal(r.world.transitions.length, 4, 'our own VIP removals are not taken for deletions');
});
