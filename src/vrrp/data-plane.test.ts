/**
 * The VRRP child's data plane through its seam (fake-data-plane.ts): for each config Debian's
 * keepalived 2.2.7 was captured on (test/fixtures/nft, test/fixtures/rtnl), the whole child
 * runs on the fake clock in a namespace laid out as the capture's h1 (lo 1, eth0 2, eth1p 3,
 * eth1 4: the VMACs get 5 and 6 as they did there), and what it sends to nf_tables and to
 * rtnetlink for its links must equal keepalived's bytes, phase by phase; then the effects the
 * wire can't show: where VIPs go, adverts from the VMAC, state-file restore after a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../core/logger.js';
import type { ChildHandle } from '../process/child-api.js';
import { DEFAULT_OPTIONS } from '../process/options.js';
import { NFPROTO_IPV4, NFPROTO_IPV6 } from '../netlink/nft-constants.js';
import { FakeClock } from '../test-kit/fake-clock.js';
import { fakeAddr, fakeLink, FakeVrrpWorld } from '../test-kit/fake-vrrp-io.js';
import { compileTestConfig } from '../test-kit/fsm-params.js';
import { loadNftFixture, nftFixtureNames, phaseOf } from '../test-kit/nft-fixtures.js';
import { loadRtnlFixture } from '../test-kit/rtnl-fixtures.js';
import { runClock, settle } from '../test-kit/vrrp-child-rig.js';
import { VrrpDaemon } from './daemon.js';

interface Child {
  readonly clock: FakeClock;
  readonly world: FakeVrrpWorld;
  readonly handle: ChildHandle;
  readonly lines: () => string[];
  run(ms: number): Promise<void>;
}

/**
 * A child started in h1 of the capture lab; `before` runs on the fake world first. With `after`,
 * the child starts where a killed one left the kernel (its links, addresses, tables, /proc and
 * state file), on a new clock: the killed one never runs again.
 */
async function child(conf: string, before: (w: FakeVrrpWorld) => void = () => undefined, after?: FakeVrrpWorld): Promise<Child> {
  const clock = new FakeClock();
  const { logger, records } = memoryLogger('Keepalived_vrrp', 'info');
  const w = new FakeVrrpWorld({
    clock,
    config: after?.config ?? compileTestConfig(conf),
    links: after ? after.rtnl.linkList : [fakeLink(1, 'lo'), fakeLink(2, 'eth0'), fakeLink(3, 'eth1p'), fakeLink(4, 'eth1')],
    addrs: after ? after.rtnl.addrList : [fakeAddr(1, '127.0.0.1/8'), fakeAddr(2, '192.0.2.11/24'), fakeAddr(2, '2001:db8::b/64'), fakeAddr(2, 'fe80::6b:74ff:fe00:1/64')],
  });
  if (after) w.plane.inherit(after.plane);
  before(w);
  const d = new VrrpDaemon({ configPath: 'keepalived.conf', options: DEFAULT_OPTIONS, log: logger, ipc: { send: () => undefined, connected: false } }, w.deps);
  await d.start();
  await settle();
  return { clock, world: w, handle: d.handle(), lines: () => records.map((r) => r.msg), run: (ms) => runClock(clock, ms) };
}

/** SIGTERM: the child resigns and lingers a second on its clock. */
async function stop(c: Child): Promise<void> {
  const done = c.handle.shutdown();
  await c.run(1500);
  await done;
}

/** Every instance of these configs starts BACKUP with advert_int 1: MASTER within 4 s. */
const MASTER_AFTER_MS = 4000;

for (const name of nftFixtureNames()) {
  test(`nftables as keepalived 2.2.7, byte for byte: ${name} (start, every instance MASTER, stop)`, async () => {
    const f = loadNftFixture(name);
    const c = await child(f.config, (w) => {
      // `nft add table ip keepalived` before keepalived started (existing-table).
      if (f.before?.some((cmd) => cmd.join(' ').startsWith('nft add table ip keepalived'))) w.plane.addTable(NFPROTO_IPV4, 'keepalived');
    });
    await c.run(MASTER_AFTER_MS);
    const master = phaseOf(f, 'master');
    assert.equal(c.world.transitions.filter((t) => t.to === 'MASTER').length, f.config.split('vrrp_instance').length - 1);
    assert.deepEqual(c.world.plane.nftSent, master.sent, 'the probes and transactions up to MASTER');
    const before = c.world.plane.nftSent.length;
    await stop(c);
    // keepalived's stop: each instance's VIPs leave the sets, then both tables go in one transaction.
    const stopped = phaseOf(f, 'stopped');
    assert.deepEqual(c.world.plane.nftSent.slice(before), stopped.sent, 'the transactions at stop');
    assert.ok(!c.world.plane.hasTable(NFPROTO_IPV4) && !c.world.plane.hasTable(NFPROTO_IPV6));
  });
}

test("VMAC links as keepalived 2.2.7, request for request, with all.rp_filter 1; rp_filter restored and the VMACs deleted at stop", async () => {
  const f = loadRtnlFixture('vmac-links');
  const c = await child(f.config, (w) => w.plane.proc.set('/proc/sys/net/ipv4/conf/all/rp_filter', '1'));
  assert.deepEqual(c.world.plane.linkRequests, f.phases[0]?.sent, 'VMACs are made at start-up, before any state');
  assert.equal(c.world.plane.proc.get('/proc/sys/net/ipv4/conf/all/rp_filter'), '0');
  assert.equal(c.world.plane.proc.get('/proc/sys/net/ipv4/conf/default/rp_filter'), '1');
  assert.ok(c.lines().includes('NOTICE: setting sysctl net.ipv4.conf.default.rp_filter from 0 to 1'));
  assert.ok(c.world.plane.stateText?.includes('rp_filter'), 'the changes are in the state file');
  await c.run(MASTER_AFTER_MS);
  // The VIPs are on the VMACs; the IPv6 VMAC carries eth0's link-local address.
  assert.ok(c.world.rtnl.requests.some((r) => r.text === 'add 192.0.2.100/32 dev 5'));
  assert.ok(c.world.rtnl.requests.some((r) => r.text === 'add 2001:db8::100/64 dev 6'));
  assert.ok(c.world.rtnl.requests.some((r) => r.text.startsWith('add fe80::6b:74ff:fe00:1/64 dev 6')));
  // Adverts and GARPs from the VMACs.
  assert.ok(c.world.socket('vrrp.51').sent.length > 0 && c.world.socket('vrrp.52', 6).sent.length > 0);
  assert.ok(c.world.announcements.length > 0 && c.world.announcements.every((a) => a.ifname === 'vrrp.51' || a.ifname === 'vrrp.52'));
  await stop(c);
  const tail = c.world.plane.linkLog.slice(-3);
  assert.deepEqual(tail.slice(-2), ['delete vrrp.51', 'delete vrrp.52']);
  assert.deepEqual(
    ['all', 'default', 'eth0'].map((i) => c.world.plane.proc.get(`/proc/sys/net/ipv4/conf/${i}/rp_filter`)),
    ['1', '0', '0'],
    'rp_filter back as it was',
  );
  // keepalived 2.2.7 leaves the base interface's ARP settings changed.
  assert.deepEqual(['arp_ignore', 'arp_filter'].map((k) => c.world.plane.proc.get(`/proc/sys/net/ipv4/conf/eth0/${k}`)), ['1', '1']);
  assert.equal(c.world.plane.stateText, null, 'nothing left to restore');
  assert.ok(!c.world.rtnl.linkList.some((l) => l.name.startsWith('vrrp')));
});

const VMAC_CONF = (extra: string, globals = 'vrrp_strict'): string => `
global_defs {
  ${globals}
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  use_vmac
  ${extra}
  virtual_ipaddress {
    192.0.2.100/32
  }
}
`;

test('vmac_xmit_base: adverts leave from eth0, the VIP and GARPs stay on the VMAC', async () => {
  const c = await child(VMAC_CONF('vmac_xmit_base\n  no_accept', ''));
  await c.run(MASTER_AFTER_MS);
  assert.ok(c.world.socket('eth0').sent.length > 0);
  assert.ok(!c.world.sockets.some((s) => s.ifname === 'vrrp.51'));
  assert.ok(c.world.rtnl.requests.some((r) => r.text === 'add 192.0.2.100/32 dev 5'));
  assert.ok(c.world.announcements.every((a) => a.ifname === 'vrrp.51'));
  assert.deepEqual(c.world.plane.vips(), ['192.0.2.100'], 'no_accept: the VIP is dropped');
  await stop(c);
});

test('use_vmac NAME; an interface of that name that is not a matching VMAC is left alone and the next free name is used', async () => {
  const c = await child(VMAC_CONF('use_vmac vip51'), (w) => w.rtnl.putLink({ ...fakeLink(9, 'vip51'), kind: 'veth' }));
  assert.ok(c.world.rtnl.linkList.some((l) => l.name === 'vrrp.51' && l.kind === 'macvlan'));
  assert.ok(c.world.rtnl.linkList.some((l) => l.name === 'vip51' && l.kind === 'veth'));
  await stop(c);
  assert.ok(c.world.rtnl.linkList.some((l) => l.name === 'vip51'), 'the foreign interface stays');
  assert.ok(!c.world.rtnl.linkList.some((l) => l.name === 'vrrp.51'));
});

test('a VRRP child killed while MASTER: the next one takes over its VMAC, drops its table, keeps the settings to restore, and leaves nothing at stop', async () => {
  const first = await child(VMAC_CONF(''), (w) => w.plane.proc.set('/proc/sys/net/ipv4/conf/all/rp_filter', '1'));
  await first.run(MASTER_AFTER_MS);
  assert.ok(first.world.plane.hasTable(NFPROTO_IPV4));
  const saved = first.world.plane.stateText;
  assert.ok(saved !== null);
  // SIGKILL: nothing of the first child's stop runs; the kernel keeps what it made.
  const second = await child('', () => undefined, first.world);
  assert.ok(second.lines().includes('(VI_1) Found matching interface vrrp.51'));
  assert.ok(second.lines().some((l) => l === 'Restoring at stop 3 kernel setting(s) left by a previous VRRP process'), second.lines().join('\n'));
  await second.run(MASTER_AFTER_MS);
  assert.deepEqual(second.world.plane.vips(), ['192.0.2.100']);
  await stop(second);
  assert.ok(!second.world.plane.hasTable(NFPROTO_IPV4));
  assert.ok(!second.world.rtnl.linkList.some((l) => l.name === 'vrrp.51'));
  assert.deepEqual(['all', 'default'].map((i) => second.world.plane.proc.get(`/proc/sys/net/ipv4/conf/${i}/rp_filter`)), ['1', '0']);
  assert.equal(second.world.plane.stateText, null);
});

test("a VIP that is its interface's only IPv4 address: removed as a leftover at start, then FAULT, as keepalived 2.2.7 does", async () => {
  const c = await child(`
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    192.0.2.11/24
  }
}
`);
  assert.ok(c.world.rtnl.requests.some((r) => r.text === 'delete 192.0.2.11/24 dev 2'));
  assert.ok(c.lines().includes('(VI_1) entering FAULT state (no IPv4 address for interface)'), c.lines().join('\n'));
  await c.run(MASTER_AFTER_MS);
  assert.deepEqual(c.world.transitions.map((t) => t.to), ['FAULT']);
  await stop(c);
});

test('reload: a new use_vmac instance gets its VMAC before it starts, a removed one loses it; the firewall keeps its table', async () => {
  const two = `${VMAC_CONF('')}
vrrp_instance VI_2 {
  state BACKUP
  interface eth0
  virtual_router_id 52
  priority 150
  advert_int 1
  use_vmac
  virtual_ipaddress {
    192.0.2.101/32
  }
}
`;
  const c = await child(VMAC_CONF(''));
  await c.run(MASTER_AFTER_MS);
  c.world.config = compileTestConfig(two);
  await c.handle.reload();
  await c.run(MASTER_AFTER_MS);
  assert.ok(c.world.rtnl.linkList.some((l) => l.name === 'vrrp.52' && l.kind === 'macvlan'));
  assert.deepEqual(c.world.plane.vips().sort(), ['192.0.2.100', '192.0.2.101']);
  c.world.config = compileTestConfig(VMAC_CONF(''));
  await c.handle.reload();
  await c.run(100);
  assert.ok(!c.world.rtnl.linkList.some((l) => l.name === 'vrrp.52'), c.world.plane.linkLog.join('\n'));
  assert.deepEqual(c.world.plane.vips(), ['192.0.2.100']);
  await stop(c);
  assert.ok(!c.world.rtnl.linkList.some((l) => l.name.startsWith('vrrp')));
  assert.ok(!c.world.plane.hasTable(NFPROTO_IPV4));
});

test('a VMAC that loses its carrier faults its instance, as its interface would; back up, the instance runs again', async () => {
  const c = await child(VMAC_CONF(''));
  await c.run(MASTER_AFTER_MS);
  assert.equal(c.world.transitions.at(-1)?.to, 'MASTER');
  c.world.rtnl.setRunning('vrrp.51', false);
  await c.run(10);
  assert.equal(c.world.transitions.at(-1)?.to, 'FAULT');
  assert.deepEqual(c.world.plane.vips(), [], 'the VIP left the drop set with the mastership');
  c.world.rtnl.setRunning('vrrp.51', true);
  await c.run(MASTER_AFTER_MS);
  assert.equal(c.world.transitions.at(-1)?.to, 'MASTER');
  await stop(c);
});
