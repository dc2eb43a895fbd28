/**
 * The VRRP data plane side by side with Debian's keepalived 2.2.7 (keepalived.conf(5)
 * `use_vmac`, `vmac_xmit_base`, `vrrp_strict`, `accept`; docs/data-plane.md): the same two-node
 * config run by keepalived on both nodes (the oracle), by keepalived-ts on both, and mixed both
 * ways. VI_1 (VRID 51, 192.0.2.100) has a VMAC and, under vrrp_strict, drops traffic to its VIP;
 * VI_2 (VRID 52, 192.0.2.101) has a VMAC with vmac_xmit_base (which strict mode resets) and
 * `accept` (VRRPv3), VI_6 (VRID 53, 2001:db8::100) an IPv6 VMAC and drops too. h1 has
 * priority 150, h2 100, both start with `all.rp_filter` 1. Phase by phase — h1 starts, h2 starts,
 * h1 stops, h2 stops — each node's macvlan links (name, mode, MAC, parent), which device holds
 * each VIP, `nft list ruleset` and the rp_filter/ARP sysctls, and from a third host h3: which VIP
 * answers ping, the MAC h3 resolved it to, and the source MACs of the adverts, gratuitous ARPs and
 * unsolicited NAs it saw, must equal keepalived's. A last test kills keepalived-ts's VRRP child while MASTER, then
 * the whole daemon, and requires that nothing is left after the next stop.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isGarpFor, type Capture, type Frame } from '../lab/capture.js';
import { keepalivedCommand, keepalivedTsCommand, type DaemonCommand, type LabDaemon } from '../lab/lab-daemon.js';
import { requireCommands, type Lab, type LabHost } from '../lab/netns.js';
import { nowUs } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';
import { E2e, sleep } from './kit.js';

requireCommands({ nft: 'nftables', ping: 'iputils-ping', keepalived: 'keepalived' });

const VIPS = { VI_1: '192.0.2.100', VI_2: '192.0.2.101', VI_6: '2001:db8::100' } as const;
const PREFIX: Readonly<Record<string, number>> = { VI_1: 32, VI_2: 32, VI_6: 64 };
const PRIORITY: Readonly<Record<string, number>> = { h1: 150, h2: 100 };
const INSTANCES = Object.keys(VIPS).length;
/** After the expected state is reached: the GARP burst (5 at once) and a few adverts. */
const SETTLE_MS = 1500;

function conf(host: LabHost): string {
  const instance = (name: string, vrid: number, extra: readonly string[]): string[] => [
    `vrrp_instance ${name} {`,
    '    state BACKUP',
    '    interface eth0',
    `    virtual_router_id ${vrid}`,
    `    priority ${PRIORITY[host.name]!}`,
    '    advert_int 1',
    '    use_vmac',
    ...extra.map((x) => `    ${x}`),
    '    virtual_ipaddress {',
    `        ${VIPS[name as keyof typeof VIPS]}/${PREFIX[name]!}`,
    '    }',
    '}',
  ];
  return [
    'global_defs {',
    `    router_id ${host.name}`,
    '    vrrp_version 3',
    '    vrrp_strict',
    // One GARP burst per transition: a delayed second one would land in whichever phase the
    // daemons' start-up times make it (keepalived.conf(5) vrrp_garp_master_delay).
    '    vrrp_garp_master_delay 0',
    '}',
    ...instance('VI_1', 51, []),
    ...instance('VI_2', 52, ['vmac_xmit_base', 'accept']),
    ...instance('VI_6', 53, []),
    '',
  ].join('\n');
}

interface LinkJson {
  readonly ifname: string;
  readonly address: string;
  readonly link?: string;
  readonly linkinfo?: { readonly info_kind?: string; readonly info_data?: { readonly mode?: string } };
}
interface AddrJson {
  readonly ifname: string;
  readonly addr_info: readonly { readonly local: string }[];
}

const SYSCTLS = ['all/rp_filter', 'default/rp_filter', 'eth0/rp_filter', 'eth0/arp_ignore', 'eth0/arp_filter'];

/** What one node's kernel holds. */
function nodeView(lab: Lab, h: LabHost): Record<string, unknown> {
  const links = (JSON.parse(lab.exec(h, ['ip', '-j', '-d', 'link', 'show'])) as LinkJson[])
    .filter((l) => l.linkinfo?.info_kind === 'macvlan')
    .map((l) => `${l.ifname} macvlan ${l.linkinfo?.info_data?.mode ?? '?'} ${l.address} on ${l.link ?? '?'}`)
    .sort();
  const addrs = JSON.parse(lab.exec(h, ['ip', '-j', 'addr', 'show'])) as AddrJson[];
  const vipDevice = Object.fromEntries(Object.values(VIPS).map((v) => [v, addrs.find((a) => a.addr_info.some((i) => i.local === v))?.ifname ?? '-']));
  const sysctls = Object.fromEntries(SYSCTLS.map((s) => [s, lab.exec(h, ['cat', `/proc/sys/net/ipv4/conf/${s}`]).trim()]));
  return { links, vipDevice, nft: lab.exec(h, ['nft', 'list', 'ruleset']), sysctls };
}

function pingOk(lab: Lab, from: LabHost, ip: string): boolean {
  try {
    lab.exec(from, ['ping', ip.includes(':') ? '-6' : '-4', '-c', '1', '-W', '1', ip]);
    return true;
  } catch {
    return false;
  }
}

/** A MAC as what it is: the VRRP virtual MAC, a lab host's, or unknown. */
function macLabel(lab: Lab, mac: string | undefined): string {
  if (mac === undefined) return '-';
  if (mac.startsWith('00:00:5e:00:01:') || mac.startsWith('00:00:5e:00:02:')) return `vmac ${mac}`;
  return lab.hosts.find((h) => h.mac === mac)?.name ?? mac;
}

/** What h3 sees of the segment since `sinceUs`. */
function segmentView(e: E2e, cap: Capture, sinceUs: number): Record<string, unknown> {
  const h3 = e.host(3);
  const ping = Object.fromEntries(Object.values(VIPS).map((v) => [v, pingOk(e.lab, h3, v)]));
  const neigh = Object.fromEntries(
    Object.values(VIPS).map((v) => {
      const n = JSON.parse(e.lab.exec(h3, ['ip', '-j', 'neigh', 'show', v])) as { lladdr?: string }[];
      return [v, macLabel(e.lab, n[0]?.lladdr)];
    }),
  );
  const frames = cap.frames.filter((f) => f.tUs >= sinceUs);
  const adverts = Object.fromEntries([51, 52, 53].map((vrid) => [vrid, [...new Set(frames.filter((f) => f.kind === 'vrrp' && f.vrid === vrid).map((f) => macLabel(e.lab, f.srcMac)))].sort()]));
  const announces = (v: string) => (f: Frame): boolean => isGarpFor(f, v) || (f.kind === 'na' && f.target === v);
  const garps = Object.fromEntries(Object.values(VIPS).map((v) => [v, [...new Set(frames.filter(announces(v)).map((f) => macLabel(e.lab, f.srcMac)))].sort()]));
  return { ping, neigh, adverts, garps };
}

interface Phase {
  readonly name: string;
  act(run: Run): Promise<void>;
}

class Run {
  readonly daemons = new Map<string, LabDaemon>();

  constructor(
    readonly e: E2e,
    readonly cmds: Readonly<Record<string, DaemonCommand>>,
  ) {
    for (const h of ['h1', 'h2']) {
      const host = e.lab.hosts.find((x) => x.name === h)!;
      e.lab.exec(host, ['sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1']);
      this.daemons.set(h, e.daemon(host, conf(host), { cmd: cmds[h]! }));
    }
  }

  async start(h: string, masters: number): Promise<void> {
    const d = this.daemons.get(h)!;
    const t = d.start();
    await this.waitStates(d, masters > 0 ? /Entering MASTER STATE/ : /Entering BACKUP STATE/, INSTANCES, t);
  }

  async stop(h: string): Promise<void> {
    await this.daemons.get(h)!.stop();
  }

  async waitStates(d: LabDaemon, re: RegExp, n: number, afterUs: number): Promise<void> {
    await waitFor(() => d.lines.filter((l) => l.tUs >= afterUs && re.test(l.text)).length >= n, 15_000, () => `${d.host.name}: ${n} × ${re}\n${this.e.logTails()}`);
  }
}

const PHASES: readonly Phase[] = [
  { name: 'h1 starts', act: (r) => r.start('h1', INSTANCES) },
  { name: 'h2 starts', act: (r) => r.start('h2', 0) },
  {
    name: 'h1 stops',
    act: async (r) => {
      const t = nowUs();
      await r.stop('h1');
      await r.waitStates(r.daemons.get('h2')!, /Entering MASTER STATE/, INSTANCES, t);
    },
  },
  { name: 'h2 stops', act: (r) => r.stop('h2') },
];

type Record3 = Record<string, Record<string, unknown>>;

async function runScenario(label: string, cmds: Readonly<Record<string, DaemonCommand>>): Promise<Record3[]> {
  const e = E2e.create(3, 'dpv');
  try {
    const run = new Run(e, cmds);
    const cap = await e.capture(e.host(3));
    const out: Record3[] = [];
    for (const p of PHASES) {
      const t = nowUs();
      await p.act(run);
      await sleep(SETTLE_MS);
      out.push({ h1: nodeView(e.lab, e.host(1)), h2: nodeView(e.lab, e.host(2)), h3: segmentView(e, cap, t) });
    }
    console.log(`${label}: ${out.length} phases recorded`);
    return out;
  } finally {
    await e.teardown();
  }
}

const KA = keepalivedCommand();
const TS = keepalivedTsCommand();
let oracle: Record3[] | undefined;

async function expectLikeKeepalived(label: string, cmds: Readonly<Record<string, DaemonCommand>>): Promise<void> {
  oracle ??= await runScenario('keepalived on both', { h1: KA, h2: KA });
  const ours = await runScenario(label, cmds);
  PHASES.forEach((p, i) => {
    for (const node of ['h1', 'h2', 'h3']) assert.deepEqual(ours[i]![node], oracle![i]![node], `${label}, phase "${p.name}", ${node}`);
  });
}

test('the oracle itself: keepalived 2.2.7 puts the VIPs on VMACs, drops the strict VIP, answers on the accept one, cleans up', async () => {
  oracle ??= await runScenario('keepalived on both', { h1: KA, h2: KA });
  const first = oracle[0]!;
  assert.deepEqual((first['h1'] as { vipDevice: unknown }).vipDevice, { '192.0.2.100': 'vrrp.51', '192.0.2.101': 'vrrp.52', '2001:db8::100': 'vrrp.53' });
  assert.deepEqual((first['h3'] as { ping: unknown }).ping, { '192.0.2.100': false, '192.0.2.101': true, '2001:db8::100': false });
  assert.equal((oracle[3]!['h1'] as { nft: string }).nft, '');
});

test('keepalived-ts on both nodes: the same links, VIP devices, ruleset, sysctls and traffic as keepalived', () => expectLikeKeepalived('keepalived-ts on both', { h1: TS, h2: TS }));
test('mixed, keepalived-ts master: as keepalived', () => expectLikeKeepalived('keepalived-ts h1, keepalived h2', { h1: TS, h2: KA }));
test('mixed, keepalived master: as keepalived', () => expectLikeKeepalived('keepalived h1, keepalived-ts h2', { h1: KA, h2: TS }));

test('keepalived-ts: a VRRP child SIGKILLed while MASTER, then the whole daemon: the next one takes over and nothing is left after its stop', async () => {
  const e = E2e.create(1, 'dpk');
  after(() => e.teardown());
  const h1 = e.host(1);
  e.lab.exec(h1, ['sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1']);
  const before = nodeView(e.lab, h1);
  const d = e.daemon(h1, conf(h1), { cmd: TS });
  const masters = async (afterUs: number): Promise<void> => {
    await waitFor(() => d.lines.filter((l) => l.tUs >= afterUs && /Entering MASTER STATE/.test(l.text)).length >= INSTANCES, 15_000, () => e.logTails());
    await sleep(500);
  };
  await masters(d.start());
  const running = nodeView(e.lab, h1);
  // The VRRP child dies; the parent starts another at once.
  const t1 = nowUs();
  process.kill(Number(readFileSync(d.vrrpPidFile, 'utf8').trim()), 'SIGKILL');
  await d.waitLine(/Found matching interface vrrp\.51/, t1, 15_000);
  await masters(t1);
  assert.deepEqual(nodeView(e.lab, h1), running, 'the restarted child holds the same links, VIPs, table and settings');
  // The whole daemon dies; the next start takes over what it left.
  const t2 = nowUs();
  d.hardKill();
  await d.waitGone();
  d.start();
  await masters(t2);
  assert.deepEqual(nodeView(e.lab, h1), running);
  await d.stop();
  const left = nodeView(e.lab, h1);
  // keepalived 2.2.7 leaves eth0's arp_ignore and arp_filter at 1 (docs/data-plane.md); the rest is as before.
  assert.deepEqual(left, { ...before, sysctls: { ...(before['sysctls'] as object), 'eth0/arp_ignore': '1', 'eth0/arp_filter': '1' } });
});
