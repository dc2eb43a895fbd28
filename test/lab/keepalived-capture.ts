/**
 * The run behind the capture tools (capture-keepalived-nft.ts, capture-keepalived-rtnl.ts):
 * Debian's keepalived under `strace -e write=all` in h1 of a 2-host lab (h1 has a second
 * interface, eth1), with a snapshot taken in each phase: every instance MASTER; BACKUP after a
 * higher-priority peer (keepalived in h2) appears; MASTER again when the peer stops; after
 * keepalived stops. Everything happens inside the lab's namespaces.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addSecondInterface, createLab, requireCommands, type Lab, type LabHost } from './netns.js';
import { LabDaemon, keepalivedCommand, type DaemonCommand } from './lab-daemon.js';
import { nowUs, sleep } from './proc.js';

export type CapturePhase = 'master' | 'backup' | 'master-again' | 'stopped';

export interface CaptureRunSpec {
  readonly name: string;
  readonly config: string;
  /** Instances that must all be MASTER before the first snapshot. */
  readonly instances: number;
  /** keepalived in h2 with higher priorities: makes h1's instances BACKUP and MASTER again. */
  readonly peerConfig?: string;
  /** Commands run in h1 before keepalived starts. */
  readonly before?: readonly (readonly string[])[];
}

export interface CaptureContext {
  readonly lab: Lab;
  readonly h1: LabHost;
  readonly stracePath: string;
}

export function linkIndexes(lab: Lab, h: LabHost): Record<string, number> {
  const links = JSON.parse(lab.exec(h, ['ip', '-j', 'link', 'show'])) as { ifindex: number; ifname: string }[];
  return Object.fromEntries(links.map((l) => [l.ifname, l.ifindex]));
}

async function waitCount(d: LabDaemon, re: RegExp, n: number, afterUs: number, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (d.lines.filter((l) => l.tUs >= afterUs && re.test(l.text)).length < n) {
    if (Date.now() > deadline) throw new Error(`${d.host.name}: ${n} line(s) matching ${re} not seen within ${ms} ms`);
    await sleep(20);
  }
}

/** SIGTERM keepalived itself (strace in front of it would only detach). */
async function stopByPidFile(d: LabDaemon): Promise<void> {
  const pid = Number(readFileSync(d.pidFile, 'utf8').trim());
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (d.running && Date.now() < deadline) await sleep(50);
}

/** Runs the phases, calling `snapshot` in each; the lab is removed at the end. */
export async function captureKeepalivedRun(s: CaptureRunSpec, runDir: string, snapshot: (ctx: CaptureContext, phase: CapturePhase) => void): Promise<void> {
  const lab = createLab(2, 'kcap');
  try {
    const h1 = lab.host(1);
    addSecondInterface(lab, h1);
    for (const cmd of s.before ?? []) lab.exec(h1, cmd);
    const stracePath = join(runDir, `${s.name}.strace`);
    const ka = keepalivedCommand();
    const traced: DaemonCommand = { label: 'keepalived (strace)', prefix: ['strace', '-f', '-qq', '-xx', '-s', '65536', '-e', 'trace=sendto,sendmsg', '-e', 'write=all', '-o', stracePath, ...ka.prefix] };
    const d = new LabDaemon(lab, h1, runDir, traced, s.config);
    const ctx = { lab, h1, stracePath };
    const t0 = d.start();
    await waitCount(d, /Entering MASTER STATE/, s.instances, t0);
    await sleep(1500);
    snapshot(ctx, 'master');
    if (s.peerConfig !== undefined) {
      const peer = new LabDaemon(lab, lab.host(2), runDir, ka, s.peerConfig);
      const t1 = peer.start();
      await waitCount(d, /Entering BACKUP STATE/, s.instances, t1);
      await sleep(1500);
      snapshot(ctx, 'backup');
      const t2 = nowUs();
      await peer.stop();
      await waitCount(d, /Entering MASTER STATE/, s.instances, t2);
      await sleep(1500);
      snapshot(ctx, 'master-again');
    }
    await stopByPidFile(d);
    await d.waitGone();
    await sleep(500);
    snapshot(ctx, 'stopped');
  } finally {
    lab.down();
  }
}

export interface FixtureCapture<S extends CaptureRunSpec, P extends { readonly phase: CapturePhase }> {
  readonly scenarios: readonly S[];
  /** Where NAME.json files go. */
  readonly outDir: string;
  /** Commands beyond keepalived and strace → their Debian packages. */
  readonly needs?: Readonly<Record<string, string>>;
  /** One phase's record; `sentBefore` = datagrams already recorded (the strace log grows). */
  readonly snapshot: (ctx: CaptureContext, phase: CapturePhase, sentBefore: number) => { readonly phase: P; readonly sent: number };
  readonly summary: (p: P) => string;
}

/**
 * The capture tools' main: every scenario (or `--only NAME`) run through
 * captureKeepalivedRun, written as `{ name, description, keepalived, config, before?, phases }`.
 */
export async function captureFixtures<S extends CaptureRunSpec & { readonly description: string }, P extends { readonly phase: CapturePhase }>(c: FixtureCapture<S, P>): Promise<void> {
  requireCommands({ keepalived: 'keepalived', strace: 'strace', ...c.needs });
  const onlyIdx = process.argv.indexOf('--only');
  const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : undefined;
  mkdirSync(c.outDir, { recursive: true });
  const runDir = mkdtempSync(join(tmpdir(), 'kts-capture-'));
  try {
    for (const s of c.scenarios) {
      if (only !== undefined && s.name !== only) continue;
      const phases: P[] = [];
      let sent = 0;
      await captureKeepalivedRun(s, runDir, (ctx, phase) => {
        const r = c.snapshot(ctx, phase, sent);
        phases.push(r.phase);
        sent = r.sent;
      });
      const fixture = { name: s.name, description: s.description, keepalived: '2.2.7', config: s.config, ...(s.before ? { before: s.before } : {}), phases };
      writeFileSync(join(c.outDir, `${s.name}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
      console.log(`${s.name}: ${phases.map(c.summary).join(', ')}`);
    }
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** Run `main` when this module is the process's entry point. */
export function runIfMain(moduleUrl: string, main: () => Promise<void>): void {
  if (process.argv[1] === undefined || resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

/** test/fixtures/SUB of the repository, from a compiled tool in dist/test/lab. */
export function fixtureDir(moduleUrl: string, sub: string): string {
  return resolve(dirname(fileURLToPath(moduleUrl)), '..', '..', '..', 'test', 'fixtures', sub);
}
