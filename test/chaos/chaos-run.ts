/**
 * Chaos in namespaces (docs/reliability.md): two nodes run the same VRRP config — both
 * keepalived-ts or both Debian's keepalived — while a seeded schedule of faults hits them:
 * VRRP loss, delay, a partition (net-faults.ts, nftables in the lab's switch namespace),
 * carrier and admin interface flaps, SIGKILL and SIGSTOP of the VRRP child and of the parent,
 * SIGHUP storms; optionally with the log file on a full tmpfs in a private mount namespace.
 * The kernel's address notifications give, per fault, the time two nodes held the VIP
 * (dual master) and the time none did, and how long a dual master outlived the fault.
 * Measures only; the test (chaos-short.test.ts) and the benchmark (bench/chaos.ts) judge.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32, type Prng } from '../../src/test-kit/prng.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import { LabDaemon, readPid, type DaemonCommand } from '../lab/lab-daemon.js';
import { createLab, type Lab, type LabHost } from '../lab/netns.js';
import { isAlive, nowUs, sleep } from '../lab/proc.js';
import { vipHolders, VipWatcher } from '../lab/vip-watch.js';
import { NetFaults } from './net-faults.js';
import { vipTimeline } from './vip-timeline.js';

export const CHAOS_VIP = '192.0.2.100';
const PRIORITIES = [150, 100] as const;

export const FAULT_KINDS = ['loss', 'delay', 'partition', 'flap-carrier', 'flap-admin', 'kill-child', 'kill-parent', 'stop-child', 'stop-parent', 'reload-storm'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults after which a process was dead or frozen: a dual master then also waits for it, not only for an advert. */
export const PROCESS_FAULTS: ReadonlySet<FaultKind> = new Set(['kill-child', 'kill-parent']);

export interface ChaosStep {
  readonly kind: FaultKind;
  /** Which node a host fault hits: the one holding the VIP, or the other. */
  readonly target: 'master' | 'backup';
  /** How long the fault lasts (ms). */
  readonly ms: number;
  /** loss: percent; delay: ms; reload-storm: SIGHUPs; otherwise 0. */
  readonly param: number;
}

/** A seeded schedule: `count` steps, every kind once before any repeats (in a seeded order). */
export function chaosSchedule(seed: number, count: number, kinds: readonly FaultKind[] = FAULT_KINDS, scale = 1): ChaosStep[] {
  const rng = mulberry32(seed);
  const steps: ChaosStep[] = [];
  let bag: FaultKind[] = [];
  for (let i = 0; i < count; i++) {
    if (bag.length === 0) bag = shuffle(rng, [...kinds]);
    const kind = bag.pop()!;
    steps.push(stepOf(rng, kind, scale));
  }
  return steps;
}

function shuffle<T>(rng: Prng, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

function stepOf(rng: Prng, kind: FaultKind, scale: number): ChaosStep {
  const target = rng.chance(0.7) ? 'master' : 'backup';
  const ms = (lo: number, hi: number): number => Math.round(rng.int(lo, hi) * scale);
  switch (kind) {
    case 'loss':
      return { kind, target, ms: ms(6000, 12000), param: rng.pick([10, 30, 50]) };
    case 'delay':
      return { kind, target, ms: ms(4000, 8000), param: rng.pick([50, 200, 500]) };
    case 'partition':
      // Longer than Master_Down_Interval at advert_int 1, whatever the scale: both sides become master.
      return { kind, target, ms: Math.max(4000, ms(4000, 7000)), param: 0 };
    case 'flap-carrier':
    case 'flap-admin':
      return { kind, target, ms: ms(300, 4000), param: 0 };
    case 'kill-child':
    case 'kill-parent':
      return { kind, target, ms: ms(500, 2500), param: 0 };
    case 'stop-child':
    case 'stop-parent':
      return { kind, target, ms: ms(500, 5000), param: 0 };
    case 'reload-storm':
      return { kind, target, ms: ms(1000, 3000), param: rng.int(10, 40) };
  }
}

export interface StepResult extends ChaosStep {
  readonly host: string;
  /** Dual-master and VIP-less time from the fault's start to the end of its settle (ms). */
  readonly dualMs: number;
  readonly noneMs: number;
  /** How long a dual master lasted after the fault was lifted (ms; 0 = none). */
  readonly dualAfterHealMs: number;
  /** Lift → one holder, stable (ms); undefined when it never settled. */
  readonly settleMs: number | undefined;
  /** A process fault the daemon did not survive on its own (relaunched by the runner). */
  readonly relaunched: boolean;
}

export interface ChaosOptions {
  readonly cmd: DaemonCommand;
  readonly steps: readonly ChaosStep[];
  readonly advertIntS: number;
  /** VRRP version of the config (advert_int below 1 s needs 3). */
  readonly version: 2 | 3;
  /** Put the log file (-g, keepalived-ts only) on a tmpfs of this many KiB, filled before start. */
  readonly fullLogDiskKb?: number;
  readonly tag?: string;
  readonly progress?: (line: string) => void;
}

export interface ChaosResult {
  readonly label: string;
  readonly steps: readonly StepResult[];
  readonly dualMs: number;
  readonly noneMs: number;
  /** Daemon log tails, for failure messages. */
  readonly tails: string;
  /** Lines with "crash" signs (uncaught exceptions, fatal errors) in either daemon's log. */
  readonly crashLines: readonly string[];
  /** Per node at the end: the parent and the VRRP child still running. */
  readonly alive: readonly boolean[];
}

/** The lab-daemon command wrapped so that `dir` is a full tmpfs in a private mount namespace. */
function withFullLogDisk(cmd: DaemonCommand, dir: string, kb: number): DaemonCommand {
  // `df` prints the full disk into the daemon's console log, for the record.
  const script = `mount -t tmpfs -o size=${kb}k kts-chaos-logs "$0" && (dd if=/dev/zero of="$0/filler" bs=1k count=${kb + 64} 2>/dev/null; true) && df -k "$0" | tail -1 && exec "$@"`;
  return { label: cmd.label, prefix: ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, dir, ...cmd.prefix] };
}

const CRASH = /uncaught|unhandled|TypeError|RangeError|ReferenceError|FATAL|Segmentation|core dumped|Aborted/i;

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const lab = createLab(2, o.tag ?? 'chao');
  const runDir = mkdtempSync(join(tmpdir(), `kts-chaos-${lab.prefix}-`));
  const faults = new NetFaults(lab);
  const watch = new VipWatcher(lab, lab.hosts);
  const daemons: LabDaemon[] = [];
  const say = o.progress ?? (() => undefined);
  try {
    for (const [i, h] of lab.hosts.entries()) {
      const conf = keepalivedConf({ routerId: h.name, vrrpVersion: o.version, instances: [{ name: 'VI_1', iface: 'eth0', vrid: 51, priority: PRIORITIES[i]!, advertInt: o.advertIntS, vips: [`${CHAOS_VIP}/24`] }] });
      let cmd = o.cmd;
      let args: ((c: readonly string[]) => readonly string[]) | undefined;
      if (o.fullLogDiskKb !== undefined) {
        const dir = join(runDir, `${h.name}-logs`);
        mkdirSync(dir);
        cmd = withFullLogDisk(cmd, dir, o.fullLogDiskKb);
        args = (c) => [...c, `--log-file=${join(dir, 'keepalived.log')}`, `--log-json=${join(dir, 'keepalived.json')}`];
      }
      daemons.push(new LabDaemon(lab, h, runDir, cmd, conf, args ? { args } : {}));
    }
    for (const d of daemons) d.start();
    const masterDownMs = 3 * o.advertIntS * 1000 + 1000;
    await settle(lab, 30_000 + masterDownMs, o.advertIntS);
    const results: StepResult[] = [];
    const t0 = nowUs();
    for (const [n, step] of o.steps.entries()) {
      const holders = vipHolders(lab, CHAOS_VIP);
      const master = lab.hosts.find((h) => holders.includes(h.name)) ?? lab.host(1);
      const host = step.target === 'master' ? master : lab.hosts.find((h) => h !== master)!;
      const d = daemons[lab.hosts.indexOf(host)]!;
      const startUs = nowUs();
      const relaunched = await inflict(lab, faults, d, host, step);
      const healUs = nowUs();
      const settleMs = await settle(lab, 10_000 + 3 * masterDownMs, o.advertIntS);
      const endUs = nowUs();
      const t = vipTimeline(watch.events, CHAOS_VIP, startUs, endUs);
      const after = t.episodes.filter((e) => e.kind === 'dual' && e.endUs > healUs).reduce((m, e) => Math.max(m, (e.endUs - Math.max(e.startUs, healUs)) / 1000), 0);
      const r: StepResult = { ...step, host: host.name, dualMs: t.dualMs, noneMs: t.noneMs, dualAfterHealMs: after, settleMs, relaunched };
      results.push(r);
      say(`${o.cmd.label} step ${n + 1}/${o.steps.length} ${step.kind}(${step.param}) on ${host.name} ${step.ms} ms: dual ${r.dualMs.toFixed(0)} ms, VIP-less ${r.noneMs.toFixed(0)} ms, dual after lift ${after.toFixed(0)} ms, settled in ${settleMs ?? 'never'} ms${relaunched ? ', relaunched' : ''}`);
    }
    const all = vipTimeline(watch.events, CHAOS_VIP, t0, nowUs());
    const crashLines = daemons.flatMap((d) => d.lines.filter((l) => CRASH.test(l.text)).map((l) => `${d.host.name}: ${l.text}`));
    const tails = daemons.map((d) => `--- ${d.host.name}\n${d.tail(25)}`).join('\n');
    const alive = daemons.map((d) => {
      const main = d.mainPid();
      const child = readPid(d.vrrpPidFile);
      return d.running && main !== undefined && isAlive(main) && child !== undefined && isAlive(child);
    });
    return { label: o.cmd.label, steps: results, dualMs: all.dualMs, noneMs: all.noneMs, tails, crashLines, alive };
  } finally {
    faults.heal();
    await Promise.all(daemons.map((d) => d.stop(5000)));
    watch.stop();
    lab.down();
    rmSync(runDir, { recursive: true, force: true });
  }
}

/**
 * Waits until the highest-priority node (h1: it preempts) alone holds the VIP for two advert
 * intervals; the ms it took, or undefined when it did not within `ms`.
 */
async function settle(lab: Lab, ms: number, advertIntS: number): Promise<number | undefined> {
  const t0 = Date.now();
  let stableSince: number | undefined;
  let last = '';
  while (Date.now() - t0 < ms) {
    const h = vipHolders(lab, CHAOS_VIP).join(',');
    const now = Date.now();
    if (h !== last) stableSince = undefined;
    last = h;
    if (h === lab.host(1).name) {
      stableSince ??= now;
      if (now - stableSince >= 2 * advertIntS * 1000) return stableSince - t0;
    }
    await sleep(50);
  }
  return undefined;
}

function signalPid(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Applies one fault for its duration and lifts it; true when the daemon had to be relaunched. */
async function inflict(lab: Lab, faults: NetFaults, d: LabDaemon, host: LabHost, s: ChaosStep): Promise<boolean> {
  const other = lab.hosts.find((h) => h !== host)!;
  const child = (): number | undefined => readPid(d.vrrpPidFile);
  switch (s.kind) {
    case 'loss':
      await faults.apply({ type: 'loss', percent: s.param });
      await sleep(s.ms);
      faults.heal();
      return false;
    case 'delay':
      await faults.apply({ type: 'delay', a: host, b: other, ms: s.param, jitterMs: s.param / 5, seed: s.ms });
      await sleep(s.ms);
      faults.heal();
      return false;
    case 'partition':
      await faults.apply({ type: 'partition', a: host, b: other });
      await sleep(s.ms);
      faults.heal();
      return false;
    case 'flap-carrier':
      lab.setLink(host, false);
      await sleep(s.ms);
      lab.setLink(host, true);
      return false;
    case 'flap-admin':
      lab.exec(host, ['ip', 'link', 'set', 'eth0', 'down']);
      await sleep(s.ms);
      lab.exec(host, ['ip', 'link', 'set', 'eth0', 'up']);
      return false;
    case 'kill-child':
      signalPid(child(), 'SIGKILL');
      await sleep(s.ms);
      return relaunchIfGone(d);
    case 'kill-parent': {
      signalPid(d.mainPid(), 'SIGKILL');
      await sleep(s.ms);
      // A supervisor (systemd's Restart=) would start it again; the children must be gone by then.
      await d.waitGone(5000);
      if (d.running) await d.stop(2000);
      d.start();
      return true;
    }
    case 'stop-child':
    case 'stop-parent': {
      const pid = s.kind === 'stop-child' ? child() : d.mainPid();
      signalPid(pid, 'SIGSTOP');
      await sleep(s.ms);
      signalPid(pid, 'SIGCONT');
      return false;
    }
    case 'reload-storm':
      for (let i = 0; i < s.param; i++) {
        signalPid(d.mainPid(), 'SIGHUP');
        await sleep(s.ms / s.param);
      }
      return false;
  }
}

/** After a child's SIGKILL the parent restarts it; if the whole daemon went away instead, start it again. */
async function relaunchIfGone(d: LabDaemon): Promise<boolean> {
  const main = d.mainPid();
  if (d.running && main !== undefined && isAlive(main)) return false;
  await d.stop(2000);
  d.start();
  return true;
}
