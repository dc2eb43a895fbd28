/**
 * Regenerates test/fixtures/nft/*.json: runs Debian's keepalived (2.2.7) under strace in h1
 * of a 2-host netns lab (h1 also has a second interface, eth1, a veth pair kept inside h1),
 * one config at a time, and records per phase `nft list ruleset` (and the netlink view of it)
 * plus every nf_tables message keepalived sent, sequence numbers zeroed. A phase is one of:
 * the instances all MASTER; BACKUP after a higher-priority peer (keepalived in h2) appears;
 * MASTER again when the peer stops; after keepalived stops.
 *
 *   npx tsc -p . && node dist/test/lab/capture-keepalived-nft.js [--only NAME]
 *
 * Needs root, keepalived, nftables and strace. Everything happens inside the lab's namespaces.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addSecondInterface, createLab, requireCommands, type Lab, type LabHost } from './netns.js';
import { LabDaemon, keepalivedCommand, type DaemonCommand } from './lab-daemon.js';
import { nftSendsFromStrace, splitNetlink, withoutSequence, zeroAttributePadding } from './strace-netlink.js';
import { nowUs, sleep } from './proc.js';
import { NFT_CAPTURE_SCENARIOS, type NftCaptureScenario, type NftFixture, type NftFixturePhase } from './nft-scenarios.js';

const OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'nft');

function linkIndexes(lab: Lab, h: LabHost): Record<string, number> {
  const links = JSON.parse(lab.exec(h, ['ip', '-j', 'link', 'show'])) as { ifindex: number; ifname: string }[];
  return Object.fromEntries(links.map((l) => [l.ifname, l.ifindex]));
}

function snapshot(lab: Lab, h: LabHost, phase: NftFixturePhase['phase'], stracePath: string, sentBefore: number): { phase: NftFixturePhase; sent: number } {
  const sends = nftSendsFromStrace(stracePath);
  const batches = sends.slice(sentBefore).map((s) => splitNetlink(s.bytes).map((m) => Buffer.from(zeroAttributePadding(withoutSequence(m))).toString('hex')));
  return {
    phase: {
      phase,
      ruleset: lab.exec(h, ['nft', 'list', 'ruleset']),
      netlink: phase === 'stopped' ? '' : execFileSync('ip', ['netns', 'exec', h.ns, 'nft', '--debug=netlink', 'list', 'ruleset'], { encoding: 'utf8' }).split('\ntable ')[0] ?? '',
      links: linkIndexes(lab, h),
      sent: batches,
    },
    sent: sends.length,
  };
}

async function waitCount(d: LabDaemon, re: RegExp, n: number, afterUs: number, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (d.lines.filter((l) => l.tUs >= afterUs && re.test(l.text)).length < n) {
    if (Date.now() > deadline) throw new Error(`${d.host.name}: ${n} line(s) matching ${re} not seen within ${ms} ms`);
    await sleep(20);
  }
}

async function stopByPidFile(d: LabDaemon): Promise<void> {
  const pid = Number(readFileSync(d.pidFile, 'utf8').trim());
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (d.running && Date.now() < deadline) await sleep(50);
}

async function capture(s: NftCaptureScenario, runDir: string): Promise<NftFixture> {
  const lab = createLab(2, 'nftc');
  try {
    const h1 = lab.host(1);
    const h2 = lab.host(2);
    addSecondInterface(lab, h1);
    for (const cmd of s.before ?? []) lab.exec(h1, cmd);
    const stracePath = join(runDir, `${s.name}.strace`);
    const ka = keepalivedCommand();
    const traced: DaemonCommand = { label: 'keepalived (strace)', prefix: ['strace', '-f', '-qq', '-xx', '-s', '65536', '-e', 'trace=sendto,sendmsg', '-e', 'write=all', '-o', stracePath, ...ka.prefix] };
    const d = new LabDaemon(lab, h1, runDir, traced, s.config);
    const phases: NftFixturePhase[] = [];
    let sent = 0;
    const take = (phase: NftFixturePhase['phase']): void => {
      const r = snapshot(lab, h1, phase, stracePath, sent);
      phases.push(r.phase);
      sent = r.sent;
    };
    const t0 = d.start();
    await waitCount(d, /Entering MASTER STATE/, s.instances, t0);
    await sleep(1500);
    take('master');
    if (s.peerConfig !== undefined) {
      const peer = new LabDaemon(lab, h2, runDir, ka, s.peerConfig);
      const t1 = peer.start();
      await waitCount(d, /Entering BACKUP STATE/, s.instances, t1);
      await sleep(1500);
      take('backup');
      const t2 = nowUs();
      await peer.stop();
      await waitCount(d, /Entering MASTER STATE/, s.instances, t2);
      await sleep(1500);
      take('master-again');
    }
    await stopByPidFile(d);
    await d.waitGone();
    await sleep(500);
    take('stopped');
    return { name: s.name, description: s.description, keepalived: '2.2.7', config: s.config, ...(s.before ? { before: s.before } : {}), phases };
  } finally {
    lab.down();
  }
}

async function main(): Promise<void> {
  requireCommands({ keepalived: 'keepalived', nft: 'nftables', strace: 'strace' });
  const onlyIdx = process.argv.indexOf('--only');
  const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : undefined;
  mkdirSync(OUT_DIR, { recursive: true });
  const runDir = mkdtempSync(join(tmpdir(), 'kts-nft-capture-'));
  try {
    for (const s of NFT_CAPTURE_SCENARIOS) {
      if (only !== undefined && s.name !== only) continue;
      const f = await capture(s, runDir);
      writeFileSync(join(OUT_DIR, `${s.name}.json`), `${JSON.stringify(f, null, 1)}\n`);
      console.log(`${s.name}: ${f.phases.map((p) => `${p.phase} (${p.sent.length} batch(es))`).join(', ')}`);
    }
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
