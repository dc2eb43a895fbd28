/**
 * Scale benchmark (`npm run bench -- scale`): CPU and memory of the VRRP process with 1, 100
 * and 1000 instances, keepalived-ts and Debian's keepalived in the same run.
 *
 * Worst case for CPU: every instance is MASTER on one node (no peer), so each sends one
 * VRRPv3 advert per second (advert_int 1). A VRID is unique per (interface, family), 1..255,
 * so instances are spread over interfaces 250 at a time: eth0 (the lab's), then eth1, eth2
 * (veth pairs created inside the host namespace) with IPv4 VIPs, then eth3 with IPv6 VIPs
 * (the documentation ranges hold fewer than 1000 IPv4 addresses). After every instance is
 * MASTER (all VIPs present) and the start-up GARP bursts are over (keepalived repeats them
 * after garp_master_delay, 5 s), utime+stime (/proc/PID/stat) and VmRSS (/proc/PID/status)
 * of the VRRP child (pid from the -r pid file) are sampled over a steady window; the
 * interfaces' tx packet counters check that the adverts really go out.
 *
 * The receive path is measured too: every instance BACKUP on h2 while a master on h1 (Debian's
 * keepalived by default, the same input for both daemons) sends the adverts.
 *
 * Env: BENCH_SCALE_COUNTS (1,100,1000), BENCH_SCALE_BACKUP_COUNTS (1000; 0 skips),
 * BENCH_SCALE_PEER (keepalived | keepalived-ts: the master in the backup case), BENCH_SCALE_WINDOW_S (20), BENCH_SCALE_WARMUP_S (8),
 * BENCH_DAEMONS, BENCH_OUT, KTS_BIN, KEEPALIVED_BIN.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepalivedConf, type VrrpInstanceSpec } from '../test/lab/keepalived-conf.js';
import { daemonCommandFromEnv, LabDaemon, type DaemonCommand } from '../test/lab/lab-daemon.js';
import { createLab, type Lab, type LabHost } from '../test/lab/netns.js';
import { isAlive, nowUs, sleep } from '../test/lab/proc.js';
import { waitFor } from '../test/lab/wait.js';
import { benchDaemons, envNumber, fmt, markdownTable, OURS, outDir, ratio, requireTools, THEIRS, writeJson } from './common.js';

export const PER_INTERFACE = 250;

interface IfacePlan {
  readonly name: string;
  readonly family: 4 | 6;
  /** Address given to the interface (eth0 already has the lab's). */
  readonly addr: string | null;
  vip(i: number): string;
}

/** The lab hosts own 192.0.2.11-13 on eth0: the VIPs skip them. */
const ETH0_HOSTS = Array.from({ length: 254 }, (_, i) => i + 1).filter((x) => x < 11 || x > 13);

const IFACES: readonly IfacePlan[] = [
  { name: 'eth0', family: 4, addr: null, vip: (i) => `192.0.2.${ETH0_HOSTS[i]!}/32` },
  { name: 'eth1', family: 4, addr: '198.51.100.254/24', vip: (i) => `198.51.100.${i + 1}/32` },
  { name: 'eth2', family: 4, addr: '203.0.113.254/24', vip: (i) => `203.0.113.${i + 1}/32` },
  { name: 'eth3', family: 6, addr: null, vip: (i) => `2001:db8:3::${(i + 1).toString(16)}/64` },
];

export const MAX_INSTANCES = PER_INTERFACE * IFACES.length;

/** Instances 0..n-1 filled interface by interface, VRID 1..250 on each. */
export function scaleInstances(n: number): VrrpInstanceSpec[] {
  if (n < 1 || n > MAX_INSTANCES) throw new Error(`instances: 1..${MAX_INSTANCES}`);
  return Array.from({ length: n }, (_, j) => {
    const iface = IFACES[Math.floor(j / PER_INTERFACE)]!;
    const i = j % PER_INTERFACE;
    return { name: `VI_${j + 1}`, iface: iface.name, vrid: i + 1, priority: 100, advertInt: 1, vips: [iface.vip(i)] };
  });
}

export interface ProcSample {
  /** utime + stime, clock ticks. */
  readonly cpuTicks: number;
  readonly rssKb: number;
  readonly hwmKb: number;
  /** Private memory (heap, stacks): VmRSS minus the file-backed pages of the node/keepalived binary. */
  readonly rssAnonKb: number;
  /** Proportional set size: shared pages (the node binary, shared by parent and child) split between sharers. */
  readonly pssKb: number;
}

/** utime+stime from /proc/PID/stat (fields 14 and 15; the command name may contain spaces). */
export function parseProcStatTicks(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): utime is field 14 → f[11], stime field 15 → f[12].
  return Number(f[11]) + Number(f[12]);
}

/** A `Name:   N kB` line of /proc/PID/status, in kB (0 if absent). */
export function parseStatusKb(status: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

function sampleProc(pid: number): ProcSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  let pssKb = 0;
  try {
    pssKb = parseStatusKb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
  } catch {
    /* kernel without smaps_rollup: PSS stays 0 */
  }
  return {
    cpuTicks: parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    rssKb: parseStatusKb(status, 'VmRSS'),
    hwmKb: parseStatusKb(status, 'VmHWM'),
    rssAnonKb: parseStatusKb(status, 'RssAnon'),
    pssKb,
  };
}

let clkTck: number | undefined;
export function ticksPerSecond(): number {
  clkTck ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clkTck;
}

/**
 * eth1.. on `h`: without `peer` a veth pair inside h's namespace (the adverts go nowhere);
 * with `peer` the other end is `peer`'s interface of the same name, so peer hears h.
 * Either way both ends are created inside lab namespaces, never in the root namespace.
 */
/** eth1… for instances beyond the first 250 (VRIDs are unique per interface and family). */
export function addInterfaces(lab: Lab, h: LabHost, count: number, peer?: LabHost): void {
  for (const p of IFACES.slice(1, count)) {
    if (peer) {
      lab.exec(h, ['ip', 'link', 'add', p.name, 'type', 'veth', 'peer', 'name', p.name, 'netns', peer.ns]);
      lab.exec(peer, ['ip', 'link', 'set', p.name, 'up']);
      if (p.addr !== null) lab.exec(peer, ['ip', 'addr', 'add', p.addr.replace('.254/', '.253/'), 'dev', p.name]);
    } else {
      lab.exec(h, ['ip', 'link', 'add', p.name, 'type', 'veth', 'peer', 'name', `${p.name}p`]);
      lab.exec(h, ['ip', 'link', 'set', `${p.name}p`, 'up']);
    }
    lab.exec(h, ['ip', 'link', 'set', p.name, 'up']);
    if (p.addr !== null) lab.exec(h, ['ip', 'addr', 'add', p.addr, 'dev', p.name]);
  }
}

function txPackets(lab: Lab, h: LabHost, ifnames: readonly string[]): number {
  const links = JSON.parse(lab.exec(h, ['ip', '-j', '-s', 'link', 'show'])) as Array<{ ifname: string; stats64?: { tx?: { packets?: number } } }>;
  return links.filter((l) => ifnames.includes(l.ifname)).reduce((n, l) => n + (l.stats64?.tx?.packets ?? 0), 0);
}

function vipCount(lab: Lab, h: LabHost, vips: ReadonlySet<string>): number {
  let n = 0;
  for (const line of lab.exec(h, ['ip', '-o', 'addr', 'show']).split('\n')) {
    const m = /\sinet6? (\S+)/.exec(line);
    if (m && vips.has(m[1]!)) n++;
  }
  return n;
}

async function readPidFile(path: string, ms: number): Promise<number> {
  const live = (): number | undefined => {
    const pid = existsSync(path) ? Number(readFileSync(path, 'utf8').trim()) : 0;
    return pid > 0 && isAlive(pid) ? pid : undefined;
  };
  return waitFor(live, ms, `a live pid in ${path}`, { pollMs: 50 });
}

export interface ScaleResult {
  readonly role: ScaleRole;
  readonly daemon: string;
  readonly instances: number;
  /** Launch → every VIP present (includes the master-down wait, ≈ 3.6 s). */
  readonly startupMs?: number;
  /** CPU the VRRP process used from launch until every instance was MASTER (s). */
  readonly startupCpuS?: number;
  /** Steady window: VRRP process CPU as % of one core. */
  readonly cpuPct?: number;
  readonly rssMb?: number;
  readonly hwmMb?: number;
  readonly rssAnonMb?: number;
  readonly pssMb?: number;
  /** The parent (watchdog) process, for the whole footprint. */
  readonly parentRssMb?: number;
  /** Packets sent per second on the instances' interfaces during the window (≈ instances). */
  readonly txPerS?: number;
  readonly windowS: number;
  readonly error?: string;
}

/** `done` as a waitFor probe that gives up as soon as the daemon died. */
function whileRunning(d: LabDaemon, done: () => boolean, what: () => string): () => boolean {
  return () => {
    if (!d.running) throw new Error(`${what()} (the daemon exited)`);
    return done();
  };
}

/** Instances that logged "(NAME) Entering BACKUP STATE" (both daemons use these words). */
function backupCount(d: LabDaemon): number {
  const names = new Set<string>();
  for (const l of d.lines) {
    const m = /\((VI_\d+)\) Entering BACKUP STATE/.exec(l.text);
    if (m) names.add(m[1]!);
  }
  return names.size;
}

export type ScaleRole = 'master' | 'backup';

/**
 * One measurement. role 'master': `cmd` alone on h1, every instance becomes MASTER.
 * role 'backup': `peerCmd` on h1 is MASTER of every instance (priority 150) and `cmd` on h2
 * (priority 100) stays BACKUP, receiving n adverts per second: the receive path's cost.
 */
export async function runScaleOnce(cmd: DaemonCommand, n: number, windowS: number, warmupS: number, dir: string, role: ScaleRole = 'master', peerCmd?: DaemonCommand): Promise<ScaleResult> {
  const lab = createLab(role === 'master' ? 1 : 2, 'bsc');
  const started: LabDaemon[] = [];
  let d: LabDaemon | undefined;
  const r: { -readonly [K in keyof ScaleResult]: ScaleResult[K] } = { role, daemon: cmd.label, instances: n, windowS };
  try {
    const sender = lab.host(1);
    const h = role === 'master' ? sender : lab.host(2);
    const specs = scaleInstances(n);
    const ifCount = Math.ceil(n / PER_INTERFACE);
    addInterfaces(lab, sender, ifCount, role === 'backup' ? h : undefined);
    const ifnames = IFACES.slice(0, ifCount).map((p) => p.name);
    const vips = new Set(specs.map((s) => s.vips[0]!));
    const conf = (priority: number): string => keepalivedConf({ routerId: 'kts_scale', vrrpVersion: 3, instances: specs.map((x) => ({ ...x, priority })) });
    const allVipsOn = async (host: LabHost, daemon: LabDaemon, t0: number): Promise<void> => {
      const what = (): string => `${host.name}: only ${vipCount(lab, host, vips)}/${n} VIPs after ${((nowUs() - t0) / 1e6).toFixed(1)} s`;
      await waitFor(whileRunning(daemon, () => vipCount(lab, host, vips) >= n, what), 120_000, what, { pollMs: 100 });
    };
    if (role === 'backup') {
      if (!peerCmd) throw new Error('role backup needs the master daemon');
      const m = new LabDaemon(lab, sender, dir, peerCmd, conf(150));
      started.push(m);
      await allVipsOn(sender, m, m.start());
    }
    d = new LabDaemon(lab, h, dir, cmd, conf(100));
    started.push(d);
    const tStart = d.start();
    const vrrpPid = await readPidFile(d.vrrpPidFile, 30_000);
    if (role === 'master') await allVipsOn(h, d, tStart);
    else {
      const dd = d;
      const what = (): string => `${h.name}: only ${backupCount(dd)}/${n} instances BACKUP`;
      await waitFor(whileRunning(dd, () => backupCount(dd) >= n, what), 120_000, what, { pollMs: 100 });
    }
    r.startupMs = (nowUs() - tStart) / 1000;
    r.startupCpuS = sampleProc(vrrpPid).cpuTicks / ticksPerSecond();
    await sleep(warmupS * 1000);
    const a = sampleProc(vrrpPid);
    const txA = txPackets(lab, sender, ifnames);
    const t0 = performance.now();
    await sleep(windowS * 1000);
    const b = sampleProc(vrrpPid);
    const txB = txPackets(lab, sender, ifnames);
    const elapsedS = (performance.now() - t0) / 1000;
    if (role === 'backup' && vipCount(lab, h, vips) > 0) throw new Error(`${h.name} took over VIPs during the window: it missed adverts`);
    const main = d.mainPid();
    r.cpuPct = ((b.cpuTicks - a.cpuTicks) / ticksPerSecond() / elapsedS) * 100;
    r.rssMb = b.rssKb / 1024;
    r.hwmMb = b.hwmKb / 1024;
    r.rssAnonMb = b.rssAnonKb / 1024;
    r.pssMb = b.pssKb / 1024;
    if (main !== undefined) r.parentRssMb = sampleProc(main).rssKb / 1024;
    r.txPerS = (txB - txA) / elapsedS;
  } catch (e) {
    r.error = e instanceof Error ? e.message : String(e);
  } finally {
    for (const x of started.reverse()) await x.stop(20_000).catch(() => undefined);
    lab.down();
    for (const x of started) writeFileSync(join(dir, `${x.host.name}.log`), x.lines.map((l) => `${l.tUs} ${l.text}`).join('\n') + '\n');
  }
  return r;
}

const METRICS: ReadonlyArray<readonly [string, (r: ScaleResult) => number | undefined, number]> = [
  ['CPU, % of one core (steady)', (r) => r.cpuPct, 2],
  ['VmRSS, MB (end of window)', (r) => r.rssMb, 1],
  ['VmHWM (peak RSS), MB', (r) => r.hwmMb, 1],
  ['RssAnon (private), MB', (r) => r.rssAnonMb, 1],
  ['PSS, MB', (r) => r.pssMb, 1],
  ['parent VmRSS, MB', (r) => r.parentRssMb, 1],
  ['start-up: launch → all MASTER (backup: all BACKUP), ms', (r) => r.startupMs, 0],
  ['start-up CPU of the VRRP process, s', (r) => r.startupCpuS, 2],
  ['adverts per s on the wire (check ≈ instances)', (r) => r.txPerS, 1],
];

export function scaleReport(role: ScaleRole, counts: readonly number[], results: readonly ScaleResult[]): string {
  const get = (daemon: string, n: number): ScaleResult | undefined => results.find((r) => r.role === role && r.daemon === daemon && r.instances === n);
  const rows: string[][] = [];
  for (const n of counts) {
    for (const [label, f, digits] of METRICS) {
      const o = get(OURS, n);
      const t = get(THEIRS, n);
      const ov = o ? f(o) : undefined;
      const tv = t ? f(t) : undefined;
      rows.push([String(n), label, fmt(ov, digits), fmt(tv, digits), ratio(ov, tv)]);
    }
  }
  const lines = [markdownTable(['instances', 'VRRP process', OURS, THEIRS, 'ratio'], rows), ''];
  if (role === 'master') {
    const cpuO = get(OURS, 1000)?.cpuPct;
    const cpuT = get(THEIRS, 1000)?.cpuPct;
    lines.push(`targets: VRRP RSS with 1 instance ${fmt(get(OURS, 1)?.rssMb)} MB (target ≤ 40 MB); CPU at 1000 instances ${ratio(cpuO, cpuT)} × keepalived (target ≤ 2)`);
  }
  for (const r of results.filter((x) => x.role === role && x.error !== undefined)) lines.push(`- ${r.daemon} with ${r.instances}: ${r.error}`);
  return lines.join('\n');
}

function parseCounts(name: string, dflt: string, env: NodeJS.ProcessEnv): number[] {
  const raw = env[name] ?? dflt;
  const counts = raw.split(',').map((x) => x.trim()).filter((x) => x !== '' && x !== '0').map(Number);
  for (const n of counts) if (!Number.isInteger(n) || n < 1 || n > MAX_INSTANCES) throw new Error(`${name}: ${n} not in 1..${MAX_INSTANCES}`);
  return counts;
}

export async function scaleBench(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  requireTools([['python3', 'python3']]);
  const counts = parseCounts('BENCH_SCALE_COUNTS', '1,100,1000', env);
  const backupCounts = parseCounts('BENCH_SCALE_BACKUP_COUNTS', '1000', env);
  const windowS = envNumber('BENCH_SCALE_WINDOW_S', 20, env);
  const warmupS = envNumber('BENCH_SCALE_WARMUP_S', 8, env);
  const daemons = benchDaemons(env);
  // The same master (keepalived unless BENCH_SCALE_PEER=keepalived-ts) feeds both measured backups.
  const peer = daemonCommandFromEnv({ ...env, DEMO_DAEMON: env['BENCH_SCALE_PEER'] === OURS ? undefined : 'keepalived' });
  const out = outDir('scale', env);
  const results: ScaleResult[] = [];
  const plan: Array<readonly [ScaleRole, number]> = [...counts.map((n) => ['master', n] as const), ...backupCounts.map((n) => ['backup', n] as const)];
  for (const [role, n] of plan) {
    for (const cmd of daemons) {
      const dir = outDir(join('scale', `${role}-${cmd.label}-${n}`), env);
      const r = await runScaleOnce(cmd, n, windowS, warmupS, dir, role, peer);
      results.push(r);
      console.error(
        `[scale] ${role} ${cmd.label} ${n} instances: CPU ${fmt(r.cpuPct, 2)} %, RSS ${fmt(r.rssMb)} MB, start-up ${fmt(r.startupMs, 0)} ms, adverts ${fmt(r.txPerS)}/s` +
          (r.error ? ` ERROR ${r.error}` : ''),
      );
    }
  }
  writeJson(join(out, 'results.json'), results);
  const parts = [
    `## scale (VRRPv3, advert_int 1; window ${windowS} s after ${warmupS} s warm-up)`,
    '',
    `raw figures, configs and daemon logs: ${out}`,
    '',
    '### every instance MASTER on one node (each sends 1 advert/s)',
    '',
    scaleReport('master', counts, results),
  ];
  if (backupCounts.length > 0) {
    parts.push('', `### every instance BACKUP, receiving the adverts of a ${peer.label} master on another node`, '', scaleReport('backup', backupCounts, results));
  }
  return `${parts.join('\n')}\n`;
}
