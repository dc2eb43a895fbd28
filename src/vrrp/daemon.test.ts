/**
 * The whole VRRP child through its seam (child-deps.ts) on a fake clock, without root: adverts
 * in as datagrams, address requests, adverts and GARPs out, as the real sockets and netlink
 * would carry them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTestConfig } from '../test-kit/fsm-params.js';
import { RIG_PEER as PEER, vrrpChildRig as rig } from '../test-kit/vrrp-child-rig.js';
import { advert, ahDatagram, ip } from '../test-kit/vrrp-adverts.js';
import { parseStatsDump } from './dump.js';
import { decodeIpv4Datagram } from './ip-header.js';
import { KaError } from '../core/errors.js';

const CONF = (extra = ''): string => `
vrrp_instance VI_1 {
 interface eth0
 virtual_router_id 51
 priority 100
 advert_int 1
 notify_master "/x/master.sh"
 virtual_ipaddress {
  192.0.2.100/24
 }
 ${extra}
}
`;

test('VRRP child end to end: a priority-0 advert makes the backup take over (VIP added, advert, GARPs, notify_master); a higher one sends it back (VIP removed)', async () => {
  const r = await rig(CONF());
  assert.deepEqual(r.requests(), ['delete 192.0.2.100/24 dev 2'], 'VIPs of a previous run are removed first');
  assert.deepEqual(r.world.transitions.map((t) => `${t.from}->${t.to}`), ['INIT->BACKUP']);
  // A priority-200 master every second keeps us BACKUP.
  for (let i = 0; i < 5; i++) {
    r.peer(200);
    await r.run(1000);
  }
  assert.deepEqual(r.world.transitions.map((t) => t.to), ['BACKUP']);
  assert.deepEqual(r.advertPriorities(), []);
  // It resigns: we take over after Skew_Time ((256 − 100) / 256 s = 609.375 ms).
  const resignAt = r.clock.nowMs();
  r.peer(0);
  await r.run(700);
  const master = r.world.transitions.at(-1)!;
  assert.deepEqual([master.to, master.reason, master.atMs - resignAt], ['MASTER', 'priority-0-advert', 609.375]);
  assert.deepEqual(r.requests(), ['delete 192.0.2.100/24 dev 2', 'add 192.0.2.100/24 dev 2']);
  assert.ok(r.world.rtnl.has('192.0.2.100'));
  assert.deepEqual(r.advertPriorities(), [100]);
  assert.deepEqual(r.world.announcements.map((a) => `${a.atMs - master.atMs} ${a.ifname} ${a.address}`), Array(5).fill('0 eth0 192.0.2.100'));
  assert.deepEqual(r.world.scripts, ['/x/master.sh']);
  assert.deepEqual(r.world.effects, ['VI_1 BACKUP 100', 'VI_1 MASTER 100'], 'notify FIFO / mail events after the scripts');
  // The higher master is back: BACKUP at once, VIP removed.
  r.peer(200);
  await r.run(10);
  assert.equal(r.world.transitions.at(-1)!.to, 'BACKUP');
  assert.equal(r.requests().at(-1), 'delete 192.0.2.100/24 dev 2');
  assert.ok(!r.world.rtnl.has('192.0.2.100'));
  for (let i = 0; i < 10; i++) {
    await r.run(1000);
    r.peer(200);
  }
  assert.equal(r.world.transitions.at(-1)!.to, 'BACKUP');
  assert.equal(r.world.announcements.length, 5, 'the delayed GARP burst died with the mastership');
  assert.ok(r.lines().includes('(VI_1) Entering MASTER STATE'));
});

test('VRRP child: drops land in the SIGUSR2 stats (per instance, per socket); the data dump names the state', async () => {
  const r = await rig(CONF());
  r.peer(200, { ttl: 64 });
  r.peer(200, { vrid: 99 });
  await r.run(1);
  r.handle.dumpStats?.();
  const stats = r.world.dumps.get('keepalived.stats')!;
  assert.match(stats, /VRRP Instance: VI_1\n(?:.*\n)*? {4}TTL: 1\n/);
  assert.ok(r.lines().includes('(VI_1) invalid TTL/HL. Received 64 and expect 255'));
  assert.match(stats, /vrid-unknown: 1/);
  r.handle.dumpData?.();
  assert.match(r.world.dumps.get('keepalived.data')!, /State = BACKUP/);
});

test('VRRP child: STATS_CLEAR prints the stats then zeroes every counter; JSON writes keepalived.json; TDUMP lists the timers', async () => {
  const r = await rig(CONF());
  r.peer(200, { ttl: 64 });
  r.peer(200, { vrid: 99 });
  r.peer(200);
  await r.run(1);
  r.handle.clearStats?.();
  const printed = parseStatsDump(r.world.dumps.get('keepalived.stats')!);
  assert.equal(printed['VI_1']!['Advertisements.Received'], 1, 'printed before clearing');
  assert.equal(printed['VI_1']!['Packet Errors.TTL'], 1);
  assert.equal(printed['socket:eth0 IPv4']!['vrid-unknown'], 1);
  r.handle.dumpStats?.();
  const after = parseStatsDump(r.world.dumps.get('keepalived.stats')!);
  for (const [block, fields] of Object.entries(after)) {
    for (const [k, v] of Object.entries(fields)) if (k !== 'Datagrams received') assert.equal(v, 0, `${block} ${k} after STATS_CLEAR`);
  }
  assert.ok(r.lines().some((l) => /^Printing and clearing VRRP stats for process\(\d+\) on signal$/.test(l)));
  r.handle.dumpJson?.();
  const json = JSON.parse(r.world.dumps.get('keepalived.json')!) as { data: { iname: string; state: number }; stats: { advert_rcvd: number } }[];
  assert.deepEqual(json.map((j) => [j.data.iname, j.data.state, j.stats.advert_rcvd]), [['VI_1', 1, 0]]);
  assert.ok(r.lines().some((l) => /^Printing VRRP as json for process\(\d+\) on signal$/.test(l)));
  assert.deepEqual(r.handle.timerDump?.(), ['(VI_1) BACKUP, effective priority 100: master down timer in 3608 ms']);
});

test('VRRP child: a link going down faults the master (priority 0, VIP removed); shutdown of a master resigns and lingers 1 s', async () => {
  const r = await rig(CONF());
  await r.run(4000);
  assert.equal(r.world.transitions.at(-1)!.to, 'MASTER');
  r.world.rtnl.setRunning('eth0', false);
  await r.run(1);
  assert.deepEqual(r.world.transitions.slice(-1).map((t) => `${t.to} ${t.reason}`), ['FAULT fault']);
  assert.deepEqual(r.advertPriorities().slice(-1), [0]);
  assert.equal(r.requests().at(-1), 'delete 192.0.2.100/24 dev 2');
  r.world.rtnl.setRunning('eth0', true);
  await r.run(4000);
  assert.equal(r.world.transitions.at(-1)!.to, 'MASTER');
  const stopAt = r.clock.nowMs();
  let stopped = false;
  const done = r.handle.shutdown().then(() => (stopped = true));
  await r.run(999);
  assert.equal(stopped, false, 'still lingering');
  assert.deepEqual(r.advertPriorities().slice(-1), [0]);
  assert.equal(r.requests().at(-1), 'delete 192.0.2.100/24 dev 2');
  await r.run(1);
  await done;
  assert.equal(r.clock.nowMs() - stopAt, 1000);
  assert.ok(r.world.rtnl.closed);
  assert.ok(r.world.sockets.every((s) => s.closed));
});

test('VRRP child: -V (dont_release_vrrp) leaves the VIPs in place at shutdown', async () => {
  const r = await rig(CONF(), { dontReleaseVrrp: true });
  await r.run(4000);
  const before = r.requests().length;
  const done = r.handle.shutdown();
  await r.run(1000);
  await done;
  assert.deepEqual(r.advertPriorities().slice(-1), [0], 'still resigns');
  assert.equal(r.requests().length, before, 'no address removed');
  assert.ok(r.world.rtnl.has('192.0.2.100'));
});

test('VRRP child: a reload that changes the VIPs of a master swaps them and announces the new list, keeping MASTER', async () => {
  const r = await rig(CONF());
  await r.run(4000);
  const masterAt = r.world.transitions.at(-1)!.atMs;
  r.world.config = compileTestConfig(CONF().replace('192.0.2.100/24', '192.0.2.101/24'));
  await r.handle.reload();
  await r.run(1);
  assert.deepEqual(r.requests().slice(-2), ['delete 192.0.2.100/24 dev 2', 'add 192.0.2.101/24 dev 2']);
  assert.equal(r.world.transitions.at(-1)!.atMs, masterAt, 'no transition');
  assert.ok(r.world.announcements.some((a) => a.address === '192.0.2.101'));
  // The old term's delayed burst (garp_master_delay) belonged to the old instance: gone.
  await r.run(10_000);
  assert.ok(r.world.announcements.every((a) => a.address === '192.0.2.101' || a.atMs === masterAt));
});

test('auth_type AH: the instance listens on an IP protocol 51 socket, follows the master\'s sequence numbers, refuses a replay, and continues above them when it takes over', async () => {
  const AH = 'authentication {\n  auth_type AH\n  auth_pass secretpw\n }';
  const r = await rig(CONF(AH));
  const sock = r.world.socket('eth0');
  assert.equal(sock.spec.protocol, 51);
  const peerAdvert = (priority: number, seq: number) => ahDatagram(advert({ version: 2, priority, authType: 2, authData: new Uint8Array(8), addresses: [ip('192.0.2.100')] }), { src: PEER, password: 'secretpw', seq, id: seq });
  for (let seq = 40; seq < 43; seq++) {
    sock.deliver(peerAdvert(200, seq));
    await r.run(1000);
  }
  sock.deliver(peerAdvert(200, 42));
  assert.ok(r.lines().includes('(VI_1) IPSEC-AH : sequence number 42 already processed. Packet dropped. Local(42)'));
  assert.deepEqual(r.world.transitions.map((t) => t.to), ['BACKUP']);
  sock.deliver(peerAdvert(0, 43));
  await r.run(700);
  assert.equal(r.world.transitions.at(-1)?.to, 'MASTER');
  const first = decodeIpv4Datagram(sock.sent[0]!.bytes);
  assert.ok(first.ok && first.value.ah);
  assert.equal(first.value.ah.header.seq, 44, 'the new master continues above the last number it accepted');
  assert.deepEqual(first.value.ah.header.spi, ip('192.0.2.11'));
  const done = r.handle.shutdown();
  await r.run(1100);
  await done;
});

test('a unicast instance without interface stops the child with keepalived 2.2.7\'s "Unknown interface!" (a config error)', async () => {
  const conf = 'vrrp_instance VI_1 {\n virtual_router_id 51\n unicast_src_ip 192.0.2.11\n unicast_peer {\n  192.0.2.12\n }\n virtual_ipaddress {\n  192.0.2.100/24 dev eth0\n }\n}\n';
  await assert.rejects(rig(conf), (e: unknown) => e instanceof KaError && e.code === 'KA_ERR_VRRP_CONFIG' && e.message === '(VI_1) Unknown interface!');
});
