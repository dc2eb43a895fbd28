/**
 * virtual_routes / virtual_rules / static_routes / static_rules side by side with Debian's
 * keepalived 2.2.7: the same config on two nodes (keepalived on both as the oracle, ours on
 * both, and each mixed pairing), and per phase the routes (`ip route show table all proto
 * keepalived`, IPv4 and IPv6) and rules (`ip rule`, IPv4 and IPv6) of each node compared with
 * keepalived's. Phases: the first node MASTER; a tracked route deleted under it (it resigns and
 * takes over again); its VRRP child SIGKILLed (respawned, MASTER again); SIGTERM of the master
 * (the backup takes over); SIGTERM of the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepalivedCommand, keepalivedTsCommand, readPid, waitPidFile, type DaemonCommand } from '../lab/lab-daemon.js';
import { nowUs, sleep } from '../lab/proc.js';
import { E2e } from './kit.js';

const VIP = '192.0.2.120';
const SETTLE_MS = 1200;

const conf = (priority: number): string => `
global_defs {
    router_id r${priority}
    vrrp_version 3
}
static_routes {
    203.0.113.128/25 via 192.0.2.1 dev eth0 table 120
    2001:db8:9::/64 dev eth0 table 120
}
static_rules {
    from 192.0.2.52 iif eth0 table 120 priority 152
}
vrrp_instance VI_R {
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority ${priority}
    advert_int 0.5
    virtual_ipaddress {
        ${VIP}/24 dev eth0
    }
    virtual_routes {
        198.51.100.0/24 via 192.0.2.1 dev eth0
        203.0.113.0/25 via 192.0.2.1 dev eth0 table 100 metric 5 mtu 1400
        203.0.113.64/26 dev eth0 table 100 nexthop via 192.0.2.1 dev eth0 weight 2 nexthop via 192.0.2.3 dev eth0
        blackhole 198.51.100.128/25
        2001:db8:5::/64 dev eth0 metric 10
        2001:db8:6::/64 via 2001:db8::1 dev eth0 onlink table 100
    }
    virtual_rules {
        from 203.0.113.5 table 100 priority 100
        to 198.51.100.7 fwmark 7 table 100 priority 101
        from 2001:db8:7::/48 table 100 priority 102
    }
}
`;

type Snapshot = Record<string, string[]>;

interface Phase {
  readonly name: string;
  /** Routes and rules of each node once the phase has settled. */
  readonly nodes: Snapshot;
  /** IPv4 route deletions seen on h1 during the phase (`ip monitor`). */
  readonly h1Deleted: string[];
}

function snapshot(e: E2e): Snapshot {
  const out: Snapshot = {};
  for (const h of e.lab.hosts) {
    const lines = (argv: string[]): string[] => e.lab.exec(h, argv).split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter(Boolean);
    out[h.name] = [
      ...lines(['ip', '-o', '-4', 'route', 'show', 'table', 'all', 'proto', 'keepalived']),
      ...lines(['ip', '-o', '-6', 'route', 'show', 'table', 'all', 'proto', 'keepalived']).map((l) => `6 ${l}`),
      ...lines(['ip', '-4', 'rule', 'show']).filter((l) => /proto keepalived/.test(l)),
      ...lines(['ip', '-6', 'rule', 'show']).filter((l) => /proto keepalived/.test(l)).map((l) => `6 ${l}`),
    ].sort();
  }
  return out;
}

/** `ip monitor route` in h1's namespace: the route deletions it reports. */
function monitor(e: E2e): { stop(): string[] } {
  const p: ChildProcess = spawn('ip', ['-n', e.host(1).ns, '-4', 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  p.stdout?.on('data', (b: Buffer) => (text += b.toString()));
  return {
    stop: () => {
      p.kill();
      return text.split('\n').filter((l) => l.startsWith('Deleted ')).map((l) => l.replace(/\s+/g, ' ').trim());
    },
  };
}

async function run(tag: string, cmds: { h1: DaemonCommand; h2: DaemonCommand }): Promise<Phase[]> {
  const e = E2e.create(2, tag);
  const phases: Phase[] = [];
  try {
    const d1 = e.daemon(e.host(1), conf(150), { cmd: cmds.h1 });
    const d2 = e.daemon(e.host(2), conf(100), { cmd: cmds.h2 });
    const phase = async (name: string, act: () => Promise<void>): Promise<void> => {
      const mon = monitor(e);
      await sleep(100);
      await act();
      await sleep(SETTLE_MS);
      phases.push({ name, nodes: snapshot(e), h1Deleted: mon.stop() });
    };
    await phase('h1 master', async () => {
      d1.start();
      await e.waitHolders(VIP, ['h1'], 15_000);
      d2.start();
      await d2.waitLine(/\(VI_R\) Entering BACKUP STATE/, 0, 10_000);
    });
    await phase('tracked route deleted under the master', async () => {
      const t = nowUs();
      e.lab.exec(e.host(1), ['ip', 'route', 'del', '198.51.100.0/24', 'via', '192.0.2.1', 'dev', 'eth0']);
      await d1.waitLine(/\(VI_R\) Entering BACKUP STATE/, t);
      await d1.waitLine(/\(VI_R\) Entering MASTER STATE/, t);
      await e.waitHolders(VIP, ['h1'], 10_000);
    });
    await phase('h1 VRRP child SIGKILLed', async () => {
      const old = await waitPidFile(d1.vrrpPidFile);
      const t = nowUs();
      process.kill(old, 'SIGKILL');
      await waitPidFile(d1.vrrpPidFile, 10_000, old);
      await d1.waitLine(/\(VI_R\) Entering MASTER STATE/, t, 15_000);
      await e.waitHolders(VIP, ['h1'], 10_000);
    });
    await phase('h1 stopped (SIGTERM)', async () => {
      await d1.stop(10_000);
      await e.waitHolders(VIP, ['h2'], 10_000);
    });
    await phase('h2 stopped (SIGTERM)', async () => {
      await d2.stop(10_000);
    });
    assert.equal(readPid(d1.vrrpPidFile), undefined, 'h1 stopped');
    return phases;
  } catch (err) {
    throw new Error(`${tag}: ${String(err)}\n${e.logTails(25)}`);
  } finally {
    await e.teardown();
  }
}

let oracle: Phase[] | undefined;

function compare(label: string, got: readonly Phase[]): void {
  assert.ok(oracle, 'the keepalived run comes first');
  oracle.forEach((p, i) => assert.deepEqual(got[i]?.nodes, p.nodes, `${label}, phase "${p.name}": routes/rules differ from keepalived 2.2.7`));
}

test('keepalived 2.2.7 on both nodes (the oracle): routes and rules exactly while MASTER, statics for the daemon life', async () => {
  oracle = await run('rtk', { h1: keepalivedCommand(), h2: keepalivedCommand() });
  const [master, , killed, stopped1, stopped2] = oracle;
  const virtual = master!.nodes['h1']!.filter((l) => !/table 120|^(6 )?152:/.test(l));
  assert.equal(virtual.length, 9, `6 virtual routes (the ECMP one is one line) and 3 rules:\n${virtual.join('\n')}`);
  assert.ok(master!.nodes['h2']!.every((l) => /table 120|152:/.test(l)), 'the backup holds only the static ones');
  assert.deepEqual(stopped1!.nodes['h2']!.length, master!.nodes['h1']!.length, 'h2 took over every route and rule');
  assert.deepEqual(stopped1!.nodes['h1'], [], 'SIGTERM removes everything, statics included');
  assert.deepEqual(stopped2!.nodes['h2'], []);
  // keepalived 2.2.7's respawned child leaves the old routes in place (docs/data-plane.md).
  assert.ok(!killed!.h1Deleted.some((l) => l.includes('198.51.100.0/24')), killed!.h1Deleted.join('\n'));
});

test('keepalived-ts on both nodes: the same routes and rules in every phase; the respawned child removes what the killed one left', async () => {
  const t = keepalivedTsCommand();
  const got = await run('rtt', { h1: t, h2: t });
  compare('keepalived-ts', got);
  assert.ok(got[2]!.h1Deleted.some((l) => l.startsWith('Deleted 198.51.100.0/24')), `the respawned child deletes the leftover routes:\n${got[2]!.h1Deleted.join('\n')}`);
});

test('mixed: keepalived-ts master, keepalived backup', async () => {
  compare('ts ⇄ keepalived', await run('rtm1', { h1: keepalivedTsCommand(), h2: keepalivedCommand() }));
});

test('mixed: keepalived master, keepalived-ts backup', async () => {
  compare('keepalived ⇄ ts', await run('rtm2', { h1: keepalivedCommand(), h2: keepalivedTsCommand() }));
});
