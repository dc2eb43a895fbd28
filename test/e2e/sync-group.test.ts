/**
 * vrrp_sync_group side by side with Debian's keepalived 2.2.7 (keepalived.conf(5)
 * vrrp_sync_group; docs/compatibility.md "Sync groups at run time"): the same two-node config
 * run by keepalived on both nodes (the oracle), then by keepalived-ts on both, and mixed both
 * ways. Each node has a group G1 of VI_1 (VRID 51, 192.0.2.100, tracking eth1) and VI_2 (VRID
 * 52, 192.0.2.101); h1 has priority 150, h2 100. Phase by phase — h1 starts, h2 starts, a
 * track_interface of h1's VI_1 goes down and up, h1's own interface loses its carrier and gets
 * it back, a member of the backup h2 faults and recovers, h1 stops — the test records which
 * node holds each VIP, each instance's state, every notify script's argv (recorded by the
 * script itself, group and instance alike) and the group's log lines, and requires each run to
 * equal keepalived's. A second scenario gives the members conflicting priorities (h2 prefers
 * VI_1, h1 VI_2); a third reloads one node (keepalived(8) SIGHUP) with the same config, a
 * member out of the group and back, and a new member instance.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepalivedCommand, keepalivedTsCommand, type DaemonCommand, type LabDaemon } from '../lab/lab-daemon.js';
import type { LabHost } from '../lab/netns.js';
import { nowUs } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';
import { E2e, sleep } from './kit.js';

const INSTANCES: Readonly<Record<string, { readonly vrid: number; readonly vip: string }>> = {
  VI_1: { vrid: 51, vip: '192.0.2.100' },
  VI_2: { vrid: 52, vip: '192.0.2.101' },
  VI_3: { vrid: 53, vip: '192.0.2.102' },
};
const VIPS = Object.values(INSTANCES).map((i) => i.vip);
const PRIORITY: Readonly<Record<string, number>> = { h1: 150, h2: 100 };

/** Which instances a node runs and which of them are in G1. */
interface Layout {
  readonly instances: readonly string[];
  readonly members: readonly string[];
  /** `host:instance` → priority, over the defaults (h1 150, h2 100). */
  readonly priorities?: Readonly<Record<string, number>>;
}
const TWO: Layout = { instances: ['VI_1', 'VI_2'], members: ['VI_1', 'VI_2'] };
/** After the expected state is reached: long enough for any late transition or notification. */
const SETTLE_MS = 1500;

function conf(host: LabHost, rec: string, layout: Layout = TWO): string {
  const instance = (name: string): string[] => [
    `vrrp_instance ${name} {`,
    '    state BACKUP',
    '    interface eth0',
    `    virtual_router_id ${INSTANCES[name]!.vrid}`,
    `    priority ${layout.priorities?.[`${host.name}:${name}`] ?? PRIORITY[host.name]!}`,
    '    advert_int 0.2',
    `    notify "${rec} inotify"`,
    ...(name === 'VI_1' ? ['    track_interface {', '        eth1', '    }'] : []),
    '    virtual_ipaddress {',
    `        ${INSTANCES[name]!.vip}/24 dev eth0`,
    '    }',
    '}',
  ];
  return [
    'global_defs {',
    `    router_id ${host.name}`,
    '    vrrp_version 3',
    '    script_user root',
    '}',
    'vrrp_sync_group G1 {',
    '    group {',
    ...layout.members.map((m) => `        ${m}`),
    '    }',
    `    notify_master "${rec} gmaster"`,
    `    notify_backup "${rec} gbackup"`,
    `    notify_fault "${rec} gfault"`,
    `    notify_stop "${rec} gstop"`,
    `    notify "${rec} gnotify"`,
    '}',
    ...layout.instances.flatMap(instance),
    '',
  ].join('\n');
}

/** What one phase ends with, on both nodes. */
interface PhaseView {
  readonly holders: Record<string, string[]>;
  /** Each instance's last notified state, per node. */
  readonly states: Record<string, string>;
  /** Notify argv recorded during the phase, per node, sorted (scripts run concurrently). */
  readonly groupArgv: Record<string, string[]>;
  readonly instanceArgv: Record<string, string[]>;
  /** The group's log lines during the phase, per node, in order. */
  readonly groupLog: Record<string, string[]>;
}

interface Phase {
  readonly name: string;
  act(run: Run): void | Promise<void>;
  /** Who holds each VIP at the end (a VIP not named is held by nobody). */
  readonly holders: Readonly<Record<string, string>>;
  /** Expected `node:instance` states at the end. */
  readonly states: Readonly<Record<string, string>>;
}

const both = (h: string, s: string): Record<string, string> => ({ [`${h}:VI_1`]: s, [`${h}:VI_2`]: s });
const on = (h: string, vips = VIPS.slice(0, 2)): Record<string, string> => Object.fromEntries(vips.map((v) => [v, h]));

const PHASES: readonly Phase[] = [
  { name: 'h1 starts', act: (r) => r.start('h1'), holders: on('h1'), states: both('h1', 'MASTER') },
  { name: 'h2 starts', act: (r) => r.start('h2'), holders: on('h1'), states: both('h2', 'BACKUP') },
  { name: "h1 VI_1's track_interface down", act: (r) => r.trackLink('h1', false), holders: on('h2'), states: { ...both('h1', 'FAULT'), ...both('h2', 'MASTER') } },
  { name: "h1 VI_1's track_interface up", act: (r) => r.trackLink('h1', true), holders: on('h1'), states: { ...both('h1', 'MASTER'), ...both('h2', 'BACKUP') } },
  { name: "h1's interface loses its carrier", act: (r) => r.carrier('h1', false), holders: on('h2'), states: { ...both('h1', 'FAULT'), ...both('h2', 'MASTER') } },
  { name: "h1's interface gets it back", act: (r) => r.carrier('h1', true), holders: on('h1'), states: { ...both('h1', 'MASTER'), ...both('h2', 'BACKUP') } },
  { name: "backup h2's VI_1 track_interface down", act: (r) => r.trackLink('h2', false), holders: on('h1'), states: both('h2', 'FAULT') },
  { name: "backup h2's VI_1 track_interface up", act: (r) => r.trackLink('h2', true), holders: on('h1'), states: both('h2', 'BACKUP') },
  { name: 'h1 stops', act: (r) => r.stop('h1'), holders: on('h2'), states: { ...both('h1', 'STOP'), ...both('h2', 'MASTER') } },
];

/** One side-by-side run: a fresh lab, a daemon per node, the recorder script's files. */
class Run {
  private readonly daemons = new Map<string, LabDaemon>();
  private readonly recs = new Map<string, string>();
  private readonly scripts = new Map<string, string>();
  readonly hosts: readonly string[];

  private constructor(
    readonly e: E2e,
    cmds: Readonly<Record<string, DaemonCommand>>,
    layout: Layout,
  ) {
    this.hosts = e.lab.hosts.map((h) => h.name);
    for (const h of e.lab.hosts) {
      // eth1: a veth pair inside the host namespace; its peer going down takes eth1's carrier.
      e.lab.exec(h, ['ip', 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1p']);
      e.lab.exec(h, ['ip', 'link', 'set', 'eth1', 'up']);
      e.lab.exec(h, ['ip', 'link', 'set', 'eth1p', 'up']);
      const out = join(e.runDir, `argv-${h.name}.log`);
      const rec = join(e.runDir, `rec-${h.name}.sh`);
      // One write per call: concurrent scripts append whole lines.
      writeFileSync(rec, `#!/bin/sh\nl=''\nfor a in "$@"; do l="$l[$a]"; done\nprintf '%s\\n' "$l" >> ${out}\n`);
      chmodSync(rec, 0o755);
      this.recs.set(h.name, out);
      this.scripts.set(h.name, rec);
      this.daemons.set(h.name, e.daemon(h, conf(h, rec, layout), { cmd: cmds[h.name]! }));
    }
  }

  static create(tag: string, cmds: Readonly<Record<string, DaemonCommand>>, layout: Layout = TWO): Run {
    return new Run(E2e.create(Object.keys(cmds).length, tag), cmds, layout);
  }

  private host(name: string): LabHost {
    return this.e.lab.hosts.find((h) => h.name === name)!;
  }

  private daemon(name: string): LabDaemon {
    return this.daemons.get(name)!;
  }

  start(name: string): void {
    this.daemon(name).start();
  }

  async stop(name: string): Promise<void> {
    await this.daemon(name).stop();
  }

  /** SIGHUP with `layout`; resolves when the daemon says the reload is complete. */
  async reload(name: string, layout: Layout): Promise<void> {
    const d = this.daemon(name);
    d.writeConf(conf(this.host(name), this.scripts.get(name)!, layout));
    const t0 = nowUs();
    d.signal('SIGHUP');
    await d.waitLine(/Reload complete/, t0, 10_000);
  }

  trackLink(name: string, up: boolean): void {
    this.e.lab.exec(this.host(name), ['ip', 'link', 'set', 'eth1p', up ? 'up' : 'down']);
  }

  carrier(name: string, up: boolean): void {
    this.e.lab.setLink(this.host(name), up);
  }

  /** Recorded argv lines per node so far. */
  argv(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [h, file] of this.recs) out[h] = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    return out;
  }

  /** `node:instance` → its last notified state. */
  states(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [h, lines] of Object.entries(this.argv())) {
      for (const l of lines) {
        const m = /^\[inotify\]\[INSTANCE\]\[(\w+)\]\[(\w+)\]/.exec(l);
        if (m) out[`${h}:${m[1]!}`] = m[2]!;
      }
    }
    return out;
  }

  groupLog(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [h, d] of this.daemons) out[h] = d.lines.flatMap((l) => /VRRP_Group\(.*$/.exec(l.text)?.[0] ?? []);
    return out;
  }

  /** Runs the phases; one view per phase. */
  async phases(label: string, phases: readonly Phase[]): Promise<PhaseView[]> {
    const views: PhaseView[] = [];
    const holding = (): string => VIPS.map((v) => this.e.holders(v).join('+') || '-').join(',');
    for (const p of phases) {
      const argvBefore = this.argv();
      const logBefore = this.groupLog();
      await p.act(this);
      const want = VIPS.map((v) => p.holders[v] ?? '-').join(',');
      const reached = (): boolean => holding() === want && Object.entries(p.states).every(([k, s]) => this.states()[k] === s);
      await waitFor(reached, 15_000, () => `${label}, ${p.name}: VIPs held ${want} and ${JSON.stringify(p.states)} (now ${holding()} ${JSON.stringify(this.states())})\n${this.e.logTails()}`);
      await sleep(SETTLE_MS);
      const argv = this.argv();
      const log = this.groupLog();
      const phaseArgv = (h: string, re: RegExp): string[] => argv[h]!.slice(argvBefore[h]!.length).filter((l) => re.test(l)).sort();
      views.push({
        holders: Object.fromEntries(VIPS.map((v) => [v, this.e.holders(v)])),
        states: this.states(),
        groupArgv: Object.fromEntries(this.hosts.map((h) => [h, phaseArgv(h, /^\[g/)])),
        instanceArgv: Object.fromEntries(this.hosts.map((h) => [h, phaseArgv(h, /^\[i/)])),
        groupLog: Object.fromEntries(this.hosts.map((h) => [h, log[h]!.slice(logBefore[h]!.length)])),
      });
    }
    return views;
  }
}

const runs: Run[] = [];
after(async () => {
  for (const r of runs) await r.e.teardown();
});

async function runWith(tag: string, label: string, cmds: Readonly<Record<string, DaemonCommand>>, phases: readonly Phase[] = PHASES, layout: Layout = TWO): Promise<PhaseView[]> {
  const r = Run.create(tag, cmds, layout);
  runs.push(r);
  try {
    return await r.phases(label, phases);
  } finally {
    await r.e.teardown();
  }
}

let oracle: PhaseView[] | undefined;

function compare(label: string, got: readonly PhaseView[], want: readonly PhaseView[] | undefined = oracle, phases: readonly Phase[] = PHASES): void {
  assert.ok(want, 'the keepalived run comes first');
  phases.forEach((p, i) => assert.deepEqual(got[i], want[i], `${label}, phase "${p.name}": differs from keepalived 2.2.7`));
}

test('keepalived 2.2.7 on both nodes (the oracle)', async () => {
  const k = keepalivedCommand();
  oracle = await runWith('sgk', 'keepalived', { h1: k, h2: k });
  // What keepalived does, as docs/compatibility.md says: the group moves as one, notified once.
  assert.deepEqual(oracle[2]!.groupArgv['h1'], ['[gfault]', '[gnotify][GROUP][G1][FAULT][0]']);
  assert.deepEqual(oracle[2]!.groupLog['h1'], ['VRRP_Group(G1) Syncing instances to FAULT state']);
  assert.deepEqual(oracle[8]!.groupArgv['h1'], ['[gnotify][GROUP][G1][STOP][0]', '[gstop]']);
});

test('keepalived-ts on both nodes behaves as keepalived, phase by phase', async () => {
  const t = keepalivedTsCommand();
  compare('keepalived-ts', await runWith('sgt', 'keepalived-ts', { h1: t, h2: t }));
});

test('mixed: keepalived-ts on h1 (the master), keepalived on h2', async () => {
  compare('keepalived-ts ⇄ keepalived', await runWith('sgm1', 'mixed h1=ts', { h1: keepalivedTsCommand(), h2: keepalivedCommand() }));
});

test('mixed: keepalived on h1, keepalived-ts on h2 (the backup)', async () => {
  compare('keepalived ⇄ keepalived-ts', await runWith('sgm2', 'mixed h2=ts', { h1: keepalivedCommand(), h2: keepalivedTsCommand() }));
});

// ---------------------------------------------------------------------------------------------
// Conflicting priorities: h2 has VI_1 200 and VI_2 100, h1 150 for both. One member of a node
// sees a higher master while the other does not; a group becomes MASTER only when all its
// members want to, so whichever node holds both keeps them.

const CONFLICT: Layout = { ...TWO, priorities: { 'h2:VI_1': 200, 'h2:VI_2': 100 } };
const CONFLICT_PHASES: readonly Phase[] = [
  { name: 'h2 starts alone', act: (r) => r.start('h2'), holders: on('h2'), states: both('h2', 'MASTER') },
  { name: 'h1 starts: its VI_1 follows h2 (200), so its VI_2 never gets to MASTER', act: (r) => r.start('h1'), holders: on('h2'), states: both('h1', 'BACKUP') },
  { name: "h2's VI_1 faults", act: (r) => r.trackLink('h2', false), holders: on('h1'), states: { ...both('h1', 'MASTER'), ...both('h2', 'FAULT') } },
  { name: 'h2 recovers: its VI_1 would preempt, its VI_2 follows h1 (150): h1 keeps both', act: (r) => r.trackLink('h2', true), holders: on('h1'), states: { ...both('h1', 'MASTER'), ...both('h2', 'BACKUP') } },
  { name: 'h1 stops', act: (r) => r.stop('h1'), holders: on('h2'), states: { ...both('h1', 'STOP'), ...both('h2', 'MASTER') } },
];

let conflictOracle: PhaseView[] | undefined;

test('conflicting priorities, keepalived 2.2.7 on both nodes', async () => {
  const k = keepalivedCommand();
  conflictOracle = await runWith('sgck', 'keepalived conflict', { h1: k, h2: k }, CONFLICT_PHASES, CONFLICT);
});

test('conflicting priorities, keepalived-ts on both nodes and mixed: as keepalived', async () => {
  const t = keepalivedTsCommand();
  compare('keepalived-ts conflict', await runWith('sgct', 'keepalived-ts conflict', { h1: t, h2: t }, CONFLICT_PHASES, CONFLICT), conflictOracle, CONFLICT_PHASES);
  compare('mixed conflict', await runWith('sgcm', 'mixed conflict (h1=ts)', { h1: t, h2: keepalivedCommand() }, CONFLICT_PHASES, CONFLICT), conflictOracle, CONFLICT_PHASES);
});

// ---------------------------------------------------------------------------------------------
// Reload (SIGHUP) of one node, keepalived 2.2.7 then keepalived-ts

const THREE: Layout = { instances: ['VI_1', 'VI_2', 'VI_3'], members: ['VI_1', 'VI_2', 'VI_3'] };
const nothing = { holders: on('h1'), states: both('h1', 'MASTER') };
const RELOAD_PHASES: readonly Phase[] = [
  { name: 'h1 starts', act: (r) => r.start('h1'), ...nothing },
  { name: 'SIGHUP with the same config', act: (r) => r.reload('h1', TWO), ...nothing },
  { name: 'SIGHUP, VI_2 out of the group', act: (r) => r.reload('h1', { ...TWO, members: ['VI_1'] }), ...nothing },
  { name: 'SIGHUP, VI_2 back in the group', act: (r) => r.reload('h1', TWO), ...nothing },
  { name: 'SIGHUP, a new member VI_3', act: (r) => r.reload('h1', THREE), holders: on('h1', VIPS), states: { ...both('h1', 'MASTER'), 'h1:VI_3': 'MASTER' } },
  { name: 'SIGHUP with the same config again', act: (r) => r.reload('h1', THREE), holders: on('h1', VIPS), states: { ...both('h1', 'MASTER'), 'h1:VI_3': 'MASTER' } },
];

let reloadOracle: PhaseView[] | undefined;

test('reload, keepalived 2.2.7: the same config and a member out and back change nothing; a new member starts the group again', async () => {
  reloadOracle = await runWith('sgrk', 'keepalived reload', { h1: keepalivedCommand() }, RELOAD_PHASES);
  for (const i of [1, 2, 3, 5]) assert.deepEqual(reloadOracle[i]!.groupArgv['h1'], [], `${RELOAD_PHASES[i]!.name}: no group notification`);
  assert.deepEqual(reloadOracle[4]!.groupArgv['h1'], ['[gbackup]', '[gmaster]', '[gnotify][GROUP][G1][BACKUP][0]', '[gnotify][GROUP][G1][MASTER][0]']);
});

test('reload, keepalived-ts: the same, phase by phase', async () => {
  compare('keepalived-ts reload', await runWith('sgrt', 'keepalived-ts reload', { h1: keepalivedTsCommand() }, RELOAD_PHASES), reloadOracle, RELOAD_PHASES);
});
