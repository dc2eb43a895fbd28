/**
 * The whole VRRP child through its seam (child-deps.ts) on a fake clock, without root: adverts
 * in as datagrams, address requests, adverts and GARPs out, as the real sockets and netlink
 * would carry them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTestConfig } from '../test-kit/fsm-params.js';
import { RIG_PEER as PEER, vrrpChildRig, type Rig } from '../test-kit/vrrp-child-rig.js';
import { advert, ahDatagram, ip } from '../test-kit/vrrp-adverts.js';
import type { ScriptHost } from '../notify/script-pass.js';
import { FakeScriptHost } from '../test-kit/fake-script-host.js';
import type { CliOptions } from '../process/options.js';
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

/** The shared rig with a script host of the test's (default: every configured script exists, root-owned). */
const rig = (conf: string, options: Partial<CliOptions> = {}, scriptHost?: ScriptHost): Promise<Rig> => vrrpChildRig(conf, options, [], scriptHost);

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

/** SIGTERM, with the fake clock moved past the exit linger. */
async function stop(r: Rig): Promise<void> {
  const done = r.handle.shutdown();
  await r.run(1100);
  await done;
}

const SECURE = `
global_defs {
 enable_script_security
 script_user nobody
}
`;

const TRACKERS = `${SECURE}
vrrp_script w0 {
 script "/x/w0.sh"
 interval 1
}
vrrp_script minus {
 script "/x/minus.sh"
 interval 2
 weight -30
 fall 2
}
track_file tf {
 file "/run/tf"
 weight 2
}
vrrp_track_process web {
 process nginx
 quorum 2
 weight 15
 terminate_delay 3
}
`;

test('trackers: an unweighted script holds the instance in INIT until it reports; weights, files and process quorum move the priority, failures put it in FAULT', async () => {
  const r = await rig(`${TRACKERS}${CONF('track_script {\n  w0\n  minus\n }\n track_file {\n  tf\n }\n track_process {\n  web\n }')}`);
  // Start-up: the scripts have not reported (a fake run lasts 10 ms).
  assert.equal(r.world.transitions.length, 0, 'waits in INIT');
  r.handle.dumpData?.();
  assert.match(r.world.dumps.get('keepalived.data')!, /State = FAULT\n[^]*Number of track scripts init = 1/, 'keepalived shows it in FAULT');
  await r.run(20);
  assert.deepEqual(r.world.transitions.map((t) => `${t.from}->${t.to}`), ['INIT->BACKUP']);
  assert.ok(r.lines().includes('(VI_1) Entering BACKUP STATE'), 'no "(init)" after waiting for the scripts');
  assert.ok(r.lines().includes('VRRP_Script(w0) succeeded'));
  // A file value of 7 × 2, two nginx processes (+15): 100 + 14 + 15.
  r.world.trackers.writeFile('/run/tf', '7\n');
  r.world.trackers.startProcess(500, 'nginx');
  r.world.trackers.startProcess(501, 'nginx', 500);
  assert.ok(r.lines().includes('Quorum gained for tracked process web'));
  assert.ok(r.lines().includes('(VI_1) Changing effective priority from 114 to 129'), r.lines().join('\n'));
  // One nginx exits: quorum lost only after terminate_delay (3 s); back in time, nothing happens.
  r.world.trackers.stopProcess(501);
  await r.run(2000);
  r.world.trackers.startProcess(502, 'nginx');
  await r.run(2000);
  assert.ok(!r.lines().includes('Quorum lost for tracked process web'));
  r.world.trackers.stopProcess(502);
  await r.run(3100);
  assert.ok(r.lines().includes('Quorum lost for tracked process web'));
  assert.ok(r.lines().includes('(VI_1) Changing effective priority from 129 to 114'));
  // The weighted script fails twice (fall 2, interval 2 s): −30.
  r.world.trackers.behaviour.set('minus', 1);
  await r.run(4100);
  assert.ok(r.lines().includes('VRRP_Script(minus) failed (exited with status 1)'));
  assert.equal(r.world.transitions.at(-1)!.to, 'MASTER', 'nobody else on the segment');
  assert.ok(r.lines().includes('(VI_1) Changing effective priority from 114 to 84'));
  // The unweighted one fails: FAULT, priority 0 on the way out; it recovers: BACKUP.
  r.world.trackers.behaviour.set('w0', 3);
  await r.run(1100);
  assert.equal(r.world.transitions.at(-1)!.to, 'FAULT');
  assert.equal(r.advertPriorities().at(-1), 0);
  r.world.trackers.behaviour.set('w0', 0);
  await r.run(1100);
  assert.equal(r.world.transitions.at(-1)!.to, 'BACKUP');
  // The file removed: value 0, its +14 gone.
  r.world.trackers.writeFile('/run/tf', null);
  assert.ok(r.lines().includes('(VI_1) Changing effective priority from 84 to 70'), r.lines().slice(-5).join('\n'));
  // SIGUSR1: keepalived 2.2.7's tracker lines and sections.
  r.handle.dumpData?.();
  const data = r.world.dumps.get('keepalived.data')!;
  for (const want of [
    '   Number of track scripts init = 0',
    '   Total priority = 70',
    '   Tracked scripts :\n     w0 weight 0\n     minus weight -30\n   Tracked files :\n     tf, weight 2\n   Tracked processes :\n     web, weight 15\n',
    " VRRP Script = minus\n   Command = '/x/minus.sh'\n   Interval = 2 sec\n   Timeout = 0 sec\n   Weight = -30\n   Rise = 1\n   Fall = 2\n   Result = 0\n   Insecure = no\n   Init state = unknown\n   Status = BAD\n   Script uid:gid = 65534:65534\n   VRRP instances :\n   Tracking instances :\n     VI_1, weight -30\n   State = ",
    '------< VRRP Track files >------\n Track file = tf\n   File = /run/tf\n   Status = 0\n   Weight = 2\n   Tracking instances :\n     VI_1, weight 2\n',
    '------< VRRP Track processes >------\n VRRP Track process = web\n   Process = nginx\n   Min processes = 2\n   Current processes = 1\n   Have quorum = false\n   Weight = 15\n   Terminate delay = 3.000000s\n   Fork delay = 0.000000s\n   Fork delay timer not running\n   Terminate delay timer not running\n   Full command = false\n',
  ]) {
    assert.ok(data.includes(want), `keepalived.data has:\n${want}\n--- got:\n${data}`);
  }
  await stop(r);
});

test('trackers: a hung script is killed at its timeout (SIGTERM to the group, SIGKILL 2 s later if it stays), runs meanwhile are skipped, and it counts as failed', async () => {
  const conf = `${TRACKERS.replace('interval 2\n weight -30\n fall 2', 'interval 1\n timeout 2\n weight -30')}${CONF('track_script {\n  minus\n }')}`;
  const r = await rig(conf);
  await r.run(20);
  r.world.trackers.behaviour.set('minus', 'ignore-term');
  const t0 = r.clock.nowMs();
  await r.run(6000);
  const sig = r.world.trackers.signals.map((x) => x.replace(/@([\d.]+)/, (_, ms: string) => `@${Number(ms) - t0 + 20}`));
  // Runs at 0 (ok) and 1 s (hangs), skipped at 2 and 3 s, SIGTERM at 3 s, SIGKILL at 5 s.
  assert.deepEqual(sig.slice(0, 2), ['minus SIGTERM@3000', 'minus SIGKILL@5000']);
  assert.ok(r.lines().includes('Track script minus is already running, expect idle - skipping run'));
  assert.ok(r.lines().includes('Track script minus is being timed out, expect idle - skipping run'));
  assert.ok(r.lines().includes('VRRP_Script(minus) timed_out'));
  assert.ok(r.lines().includes('(VI_1) Changing effective priority from 100 to 70'));
  await stop(r);
});

test('trackers: a sync group’s track_script applies to every member; a weighted member script is dropped there (keepalived’s warning)', async () => {
  const conf = `${TRACKERS}
vrrp_sync_group G {
 group {
  VI_1
  VI_2
 }
 track_script {
  w0
 }
}
${CONF('track_script {\n  minus\n }')}
vrrp_instance VI_2 {
 interface eth0
 virtual_router_id 52
 priority 100
 virtual_ipaddress {
  192.0.2.101/24
 }
}`;
  const r = await rig(conf);
  await r.run(20);
  r.world.trackers.behaviour.set('w0', 1);
  await r.run(1100);
  assert.deepEqual(
    r.world.transitions.filter((t) => t.to === 'FAULT').map((t) => t.name).sort(),
    ['VI_1', 'VI_2'],
  );
  assert.ok(!r.world.trackers.runs.some((x) => x.startsWith('minus@')), 'the weighted member script never runs');
  await stop(r);
});

test('trackers: a vrrp_script goes through the script pass: an unsafe one never runs and counts for nothing, a safe one runs as the script user', async () => {
  const host = new FakeScriptHost().file('/x/w0.sh').file('/x/minus.sh', 0o777);
  // Only a script that runs with root privileges is checked (its user here).
  const r = await rig(`${TRACKERS.replace('fall 2', 'fall 2\n user root')}${CONF('track_script {\n  w0\n  minus\n }')}`, {}, host);
  assert.ok(r.lines().includes("Unsafe permissions found for script '/x/minus.sh' - disabling."));
  assert.ok(r.lines().includes('Disabling track script minus due to insecure'));
  await r.run(3000);
  assert.ok(r.world.trackers.runs.some((x) => x.startsWith('w0@')));
  assert.ok(!r.world.trackers.runs.some((x) => x.startsWith('minus@')), 'the unsafe script never runs');
  r.world.trackers.behaviour.set('minus', 1);
  await r.run(2000);
  assert.ok(!r.lines().some((l) => l.includes('Changing effective priority')), 'it counts for nothing');
  r.handle.dumpData?.();
  assert.match(r.world.dumps.get('keepalived.data')!, / VRRP Script = w0\n[^]*Script uid:gid = 65534:65534/);
  await stop(r);
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

test('notify scripts: run as the script user in keepalived’s order (state script, generic, FIFO line); unsafe ones never run', async () => {
  const host = new FakeScriptHost().file('/s/backup.sh').file('/s/generic.sh').file('/s/ww.sh', 0o777).file('/s/own.sh', 0o700, { uid: 65534 });
  const r = await rig(
    `${SECURE}${CONF('notify_backup "/s/backup.sh b"\n notify "/s/generic.sh"\n notify_fault "/s/ww.sh f" root\n notify_stop "/s/own.sh s"').replace('notify_master "/x/master.sh"', 'notify_master "/s/ww.sh m" root')}`,
    {},
    host,
  );
  assert.deepEqual(
    r.lines().filter((l) => /script/i.test(l)),
    ["Unsafe permissions found for script '/s/ww.sh' - disabling.", "Unsafe permissions found for script '/s/ww.sh' - disabling."],
    'master then fault script checked (keepalived’s order), no SECURITY VIOLATION with script security on',
  );
  assert.deepEqual(r.world.events, ['run /s/backup.sh b as 65534:65534', 'run /s/generic.sh INSTANCE VI_1 BACKUP 100 as 65534:65534', 'fifo VI_1 BACKUP 100']);
  r.peer(0);
  await r.run(700);
  assert.equal(r.world.transitions.at(-1)?.to, 'MASTER');
  assert.deepEqual(r.world.events.slice(3), ['run /s/generic.sh INSTANCE VI_1 MASTER 100 as 65534:65534', 'fifo VI_1 MASTER 100'], 'the unsafe notify_master never ran');
  const stopped = r.handle.shutdown();
  await r.run(1100);
  await stopped;
  assert.deepEqual(r.world.events.slice(5), ['run /s/own.sh s as 65534:65534', 'run /s/generic.sh INSTANCE VI_1 STOP 100 as 65534:65534', 'fifo VI_1 STOP 100'], 'a script owned by its non-root user runs');
});

test('without enable_script_security: SECURITY VIOLATION once, unsafe scripts reported and run as root', async () => {
  const host = new FakeScriptHost().file('/s/ww.sh', 0o777).file('/x/master.sh');
  const r = await rig(CONF('notify_backup "/s/ww.sh b"'), {}, host);
  assert.deepEqual(r.lines().filter((l) => /script/i.test(l)), ["Unsafe permissions found for script '/s/ww.sh'.", 'SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts.']);
  assert.deepEqual(r.world.events, ['run /s/ww.sh b as 0:0', 'fifo VI_1 BACKUP 100']);
});

test('MASTER_RX_LOWER_PRI, *_PRIORITY FIFO lines, DELETED at reload', async () => {
  const inst = (name: string, vrid: number, extra: string): string => `
vrrp_instance ${name} {
 interface eth0
 virtual_router_id ${vrid}
 priority 100
 advert_int 1
 notify_priority_changes
 notify_master_rx_lower_pri "/s/rx.sh ${name}"
 notify_deleted "/s/deleted.sh ${name}"
 notify "/s/generic.sh"
 track_interface {
  eth1 weight -10
 }
 virtual_ipaddress {
  192.0.2.${vrid === 51 ? 100 : vrid}/24
 }
 ${extra}
}
`;
  const r = await rig(inst('VI_1', 51, '') + inst('VI_2', 52, ''));
  r.peer(0);
  await r.run(700);
  assert.equal(r.world.transitions.filter((t) => t.name === 'VI_1').at(-1)?.to, 'MASTER');
  const mark = r.world.events.length;
  r.peer(50);
  await r.run(1);
  assert.deepEqual(r.world.events.slice(mark), ['run /s/rx.sh VI_1 as 0:0', 'fifo VI_1 MASTER_RX_LOWER_PRI 100'], 'no generic notify for it');
  assert.ok(r.lines().includes('(VI_1) Received advert from 192.0.2.12 with lower priority 50, ours 100, forcing new election'));
  const mark2 = r.world.events.length;
  r.world.rtnl.setRunning('eth1', false);
  await r.run(1);
  assert.deepEqual(r.world.events.slice(mark2), ['fifo VI_1 MASTER_PRIORITY 90', 'fifo VI_2 BACKUP_PRIORITY 90']);
  r.world.config = compileTestConfig(inst('VI_1', 51, ''));
  const mark3 = r.world.events.length;
  await r.handle.reload?.();
  await r.run(1);
  assert.deepEqual(r.world.events.slice(mark3), ['run /s/deleted.sh VI_2 as 0:0', 'run /s/generic.sh INSTANCE VI_2 DELETED 90 as 0:0', 'fifo VI_2 DELETED 90']);
});

test('vrrp_startup_delay: logged, BACKUP at once, master-down counted from the delay’s end', async () => {
  const r = await rig(`global_defs {\n vrrp_startup_delay 2\n}\n${CONF()}`);
  assert.ok(r.lines().includes('Delaying startup for 2 seconds'));
  assert.deepEqual(r.world.transitions.map((t) => `${t.to}@${t.atMs}`), ['BACKUP@0']);
  assert.deepEqual(r.world.effects, ['VI_1 BACKUP 100'], 'the BACKUP notification is not delayed');
  await r.run(5600);
  assert.equal(r.world.transitions.length, 1, 'still BACKUP at 5.6 s');
  await r.run(100);
  assert.deepEqual(r.world.transitions.map((t) => `${t.to}@${t.atMs}`), ['BACKUP@0', 'MASTER@5609.375']);
});

test('a unicast instance without interface stops the child with keepalived 2.2.7\'s "Unknown interface!" (a config error)', async () => {
  const conf = 'vrrp_instance VI_1 {\n virtual_router_id 51\n unicast_src_ip 192.0.2.11\n unicast_peer {\n  192.0.2.12\n }\n virtual_ipaddress {\n  192.0.2.100/24 dev eth0\n }\n}\n';
  await assert.rejects(rig(conf), (e: unknown) => e instanceof KaError && e.code === 'KA_ERR_VRRP_CONFIG' && e.message === '(VI_1) Unknown interface!');
});
