/**
 * The rarer notifications and receive rules, keepalived-ts next to Debian's keepalived 2.2.7
 * on the same scenario (keepalived.conf(5) notify_master_rx_lower_pri, notify_deleted,
 * vrrp_notify_priority_changes, vrrp_startup_delay, unicast_peer min_ttl/max_ttl): h1 runs
 * two unicast instances whose peer h3 is a crafted-advert sender. Adverts outside the peer's
 * TTL range are dropped and counted; a lower-priority advert reaches the MASTER; a tracked
 * interface going down and up changes the priority; a reload removes an instance. Per
 * instance, the FIFO lines, the notify scripts run and keepalived's log lines must be
 * keepalived's, and so must the TTL and Received counters of the stats dump.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_HEADING } from '../../src/vrrp/dump.js';
import { encodeIpv4Header } from '../../src/vrrp/ip-header.js';
import { encodeAdvert } from '../../src/vrrp/packet.js';
import { VrrpSocket } from '../../src/vrrp/vrrp-socket.js';
import { keepalivedCommand, keepalivedTsCommand, LabDaemon, type DaemonCommand } from '../lab/lab-daemon.js';
import { inNetns } from '../lab/netns.js';
import { waitFor } from '../lab/wait.js';
import { sleep } from '../e2e/kit.js';
import { scriptLines, useScriptLab } from './script-kit.js';

const lab = useScriptLab(3, 'nevt', (d) => {
  d.script('fifo-reader.sh', 'exec cat "$1" >> "$1.log"');
  d.script('note.sh', `echo "$*" >> ${d.markers}/runs`);
});

const ME = Uint8Array.of(192, 0, 2, 11);
const PEER = Uint8Array.of(192, 0, 2, 13);

function conf(tag: string): { both: string; one: string } {
  const d = lab.d;
  const inst = (name: string, vrid: number): string => `vrrp_instance ${name} {
  state BACKUP
  interface eth0
  virtual_router_id ${vrid}
  priority 100
  advert_int 1
  unicast_src_ip 192.0.2.11
  unicast_peer {
    192.0.2.13 min_ttl 250 max_ttl 254
  }
  track_interface {
    trk0 weight -10
  }
  notify "${d.dir}/note.sh ${name}"
  notify_master_rx_lower_pri "${d.dir}/note.sh ${name} rx-lower"
  notify_deleted "${d.dir}/note.sh ${name} deleted"
  virtual_ipaddress {
    192.0.2.${vrid}/24
  }
}
`;
  const g = `global_defs {
  router_id EVT
  enable_script_security
  script_user root
  vrrp_notify_priority_changes
  vrrp_startup_delay 2
  vrrp_notify_fifo ${d.dir}/out/${tag}.fifo
  vrrp_notify_fifo_script ${d.dir}/fifo-reader.sh
}
`;
  return { both: g + inst('VI_1', 51) + inst('VI_2', 52), one: g + inst('VI_1', 51) };
}

function advert(vrid: number, priority: number, ttl: number): Uint8Array {
  const p = encodeAdvert({ version: 2, family: 4, vrid, priority, advertIntCs: 100, authType: 0, authData: null, addresses: [Uint8Array.of(192, 0, 2, vrid)] }, { family: 4, src: PEER, dst: ME });
  const dg = new Uint8Array(20 + p.length);
  dg.set(encodeIpv4Header({ src: PEER, dst: ME, payloadLength: p.length, ttl }), 0);
  dg.set(p, 20);
  return dg;
}

/** Per instance: FIFO lines, scripts run, log lines; and the counters. */
type Observed = Record<string, string[]>;

async function scenario(cmd: DaemonCommand): Promise<Observed> {
  const { e, d } = lab;
  d.clearRecords();
  const host = e.host(1);
  e.lab.exec(host, ['ip', 'link', 'add', 'trk0', 'type', 'veth', 'peer', 'name', 'trk1']);
  for (const l of ['trk0', 'trk1']) e.lab.exec(host, ['ip', 'link', 'set', l, 'up']);
  const tmp = join(e.runDir, `${cmd.label}-tmp`);
  mkdirSync(tmp, { recursive: true });
  const c = conf(cmd.label);
  const daemon = new LabDaemon(e.lab, host, e.runDir, cmd, c.both, { env: { TMPDIR: tmp } });
  e.daemons.push(daemon);
  const sock = inNetns(e.host(3).ns, () => VrrpSocket.open({ ifname: 'eth0', family: 4, join: false }));
  try {
    daemon.start();
    await daemon.waitLine(/Delaying startup for 2 seconds/, 0, 10_000);
    // During the delay (both daemons log the line about when they open their sockets): one
    // advert below the TTL range.
    await sleep(500);
    sock.sendV4(advert(51, 50, 64), ME);
    for (const n of ['VI_1', 'VI_2']) await daemon.waitLine(new RegExp(`\\(${n}\\) Entering MASTER STATE`), 0, 15_000);
    await sleep(300);
    sock.sendV4(advert(51, 50, 255), ME);
    await sleep(300);
    sock.sendV4(advert(51, 50, 251), ME);
    await daemon.waitLine(/\(VI_1\) Received advert from 192\.0\.2\.13 with lower priority 50/, 0, 5000);
    e.lab.exec(host, ['ip', 'link', 'set', 'trk0', 'down']);
    await daemon.waitLine(/\(VI_2\) Changing effective priority from 100 to 90/, 0, 5000);
    e.lab.exec(host, ['ip', 'link', 'set', 'trk0', 'up']);
    await daemon.waitLine(/\(VI_2\) Changing effective priority from 90 to 100/, 0, 5000);
    sock.sendV4(advert(52, 200, 251), ME);
    await daemon.waitLine(/\(VI_2\) Entering BACKUP STATE/, 0, 5000);
    await sleep(300);
    const stats = join(tmp, 'keepalived.stats');
    if (existsSync(stats)) unlinkSync(stats);
    daemon.signal('SIGUSR2');
    await waitFor(() => existsSync(stats), 5000, 'the stats dump');
    await sleep(200);
    // keepalived's sections only (ours appends its own drop counters after EXTENSION_HEADING).
    const counters = readFileSync(stats, 'utf8').split(EXTENSION_HEADING)[0]!.split('\n').filter((l) => /^VRRP Instance|^\s+Received|^\s+TTL/.test(l));
    daemon.writeConf(c.one);
    daemon.signal('SIGHUP');
    await waitFor(() => readLines(join(d.markers, 'runs')).some((l) => l.includes('deleted')), 10_000, () => `notify_deleted to run\n${daemon.tail()}`);
    await sleep(500);
    await daemon.stop();
    const seen: Observed = { counters };
    const fifo = readLines(join(d.dir, 'out', `${cmd.label}.fifo.log`));
    const runs = readLines(join(d.markers, 'runs'));
    const lines = scriptLines(daemon, /TTL\/HL|Received advert|Changing effective priority|Delaying startup/);
    for (const n of ['VI_1', 'VI_2']) {
      seen[`${n} fifo`] = fifo.filter((l) => l.includes(`"${n}"`));
      // Scripts started together finish in either order, with keepalived too.
      seen[`${n} scripts`] = runs.filter((l) => l.startsWith(`${n} `)).sort();
      seen[`${n} log`] = lines.filter((l) => l.includes(`(${n})`));
    }
    seen['log'] = lines.filter((l) => !/\(VI_\d\)/.test(l));
    return seen;
  } finally {
    sock.close();
    e.lab.exec(host, ['ip', 'link', 'del', 'trk0']);
  }
}

function readLines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

test('MASTER_RX_LOWER_PRI, *_PRIORITY lines, DELETED, vrrp_startup_delay and the TTL range equal keepalived’s', async () => {
  const theirs = await scenario(keepalivedCommand());
  const ours = await scenario(keepalivedTsCommand());
  assert.deepEqual(theirs['VI_1 fifo'], [
    'INSTANCE "VI_1" BACKUP 100',
    'INSTANCE "VI_1" MASTER 100',
    'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 100',
    'INSTANCE "VI_1" MASTER_PRIORITY 90',
    'INSTANCE "VI_1" MASTER_PRIORITY 100',
  ], 'the oracle did what the scenario is about');
  for (const k of Object.keys(theirs).sort()) assert.deepEqual(ours[k], theirs[k], `${k}\n${lab.e.logTails(30)}`);
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
});
