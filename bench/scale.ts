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
 * Env: BENCH_SCALE_COUNTS (1,100,1000), BENCH_SCALE_WINDOW_S (20), BENCH_SCALE_WARMUP_S (8),
 * BENCH_DAEMONS, BENCH_OUT, KTS_BIN, KEEPALIVED_BIN.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepalivedConf, type VrrpInstanceSpec } from '../test/lab/keepalived-conf.js';
import { LabDaemon, type DaemonCommand } from '../test/lab/lab-daemon.js';
import { createLab, type Lab, type LabHost } from '../test/lab/netns.js';
import { isAlive, nowUs, sleep } from '../test/lab/proc.js';
import { benchDaemons, envNumber, fmt, markdownTable, OURS, outDir, ratio, requireTools, THEIRS, writeJson } from './common.js';

const PER_INTERFACE = 250;

interface IfacePlan {
  readonly name: string;
  readonly family: 4 | 6;
  /** Address given to the interface (eth0 already has the lab's). */
  readonly addr: string | null;
  vip(i: number): string;
}

/** eth0's own address is 192.0.2.11: its VIPs skip it. */
const ETH0_HOSTS = Array.from({ length: 254 }, (_, i) => i + 1).filter((x) => x !== 11);

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
function ticksPerSecond(): number {
  clkTck ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clkTck;
}

function addInterfaces(lab: Lab, h: LabHost, count: number): void {
  for (const p of IFACES.slice(1, count)) {
    // Both ends inside the host namespace: nothing appears in the root namespace.
    lab.exec(h, ['ip', 'link', 'add', p.name, 'type', 'veth', 'peer', 'name', `${p.name}p`]);
    lab.exec(h, ['ip', 'link', 'set', `${p.name}p`, 'up']);
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
  const deadline = Date.now() + ms;
  for (;;) {
    if (existsSync(path)) {
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pid > 0 && isAlive(pid)) return pid;
    }
    if (Date.now() > deadline) throw new Error(`no live pid in ${path} within ${ms} ms`);
    await sleep(50);
  }
}

export interface ScaleResult {
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

export async function runScaleOnce(cmd: DaemonCommand, n: number, windowS: number, warmupS: number, dir: string): Promise<ScaleResult> {
  const lab = createLab(1, 'bsc');
  let d: LabDaemon | undefined;
  const r: { -readonly [K in keyof ScaleResult]: ScaleResult[K] } = { daemon: cmd.label, instances: n, windowS };
  try {
    const h = lab.host(1);
    const specs = scaleInstances(n);
    const ifCount = Math.ceil(n / PER_INTERFACE);
    addInterfaces(lab, h, ifCount);
    const ifnames = IFACES.slice(0, ifCount).map((p) => p.name);
    const vips = new Set(specs.map((s) => s.vips[0]!));
    d = new LabDaemon(lab, h, dir, cmd, keepalivedConf({ routerId: 'kts_scale', vrrpVersion: 3, instances: specs }));
    const tStart = d.start();
    const vrrpPid = await readPidFile(d.vrrpPidFile, 30_000);
    const deadline = Date.now() + 120_000;
    while (vipCount(lab, h, vips) < n) {
      if (Date.now() > deadline || !d.running) throw new Error(`only ${vipCount(lab, h, vips)}/${n} VIPs after ${((nowUs() - tStart) / 1e6).toFixed(1)} s`);
      await sleep(100);
    }
    r.startupMs = (nowUs() - tStart) / 1000;
    r.startupCpuS = sampleProc(vrrpPid).cpuTicks / ticksPerSecond();
    await sleep(warmupS * 1000);
    const a = sampleProc(vrrpPid);
    const txA = txPackets(lab, h, ifnames);
    const t0 = performance.now();
    await sleep(windowS * 1000);
    const b = sampleProc(vrrpPid);
    const txB = txPackets(lab, h, ifnames);
    const elapsedS = (performance.now() - t0) / 1000;
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
    await d?.stop(20_000).catch(() => undefined);
    lab.down();
    if (d) writeFileSync(join(dir, `${d.host.name}.log`), d.lines.map((l) => `${l.tUs} ${l.text}`).join('\n') + '\n');
  }
  return r;
}

export function scaleReport(counts: readonly number[], results: readonly ScaleResult[]): string {
  const get = (daemon: string, n: number): ScaleResult | undefined => results.find((r) => r.daemon === daemon && r.instances === n);
  const rows: string[][] = [];
  const metrics: ReadonlyArray<readonly [string, (r: ScaleResult) => number | undefined, number]> = [
    ['CPU, % of one core (steady)', (r) => r.cpuPct, 2],
    ['VmRSS, MB (end of window)', (r) => r.rssMb, 1],
    ['VmHWM (peak RSS), MB', (r) => r.hwmMb, 1],
    ['RssAnon (private), MB', (r) => r.rssAnonMb, 1],
    ['PSS, MB', (r) => r.pssMb, 1],
    ['parent VmRSS, MB', (r) => r.parentRssMb, 1],
    ['start-up: launch → all MASTER, ms', (r) => r.startupMs, 0],
    ['start-up CPU of the VRRP process, s', (r) => r.startupCpuS, 2],
    ['packets sent per s (check ≈ instances)', (r) => r.txPerS, 1],
  ];
  for (const n of counts) {
    for (const [label, f, digits] of metrics) {
      const o = get(OURS, n);
      const t = get(THEIRS, n);
      const ov = o ? f(o) : undefined;
      const tv = t ? f(t) : undefined;
      rows.push([String(n), label, fmt(ov, digits), fmt(tv, digits), ratio(ov, tv)]);
    }
  }
  const lines = [markdownTable(['instances', 'VRRP process', OURS, THEIRS, 'ratio'], rows), ''];
  const rss1 = get(OURS, 1)?.rssMb;
  const cpuO = get(OURS, 1000)?.cpuPct;
  const cpuT = get(THEIRS, 1000)?.cpuPct;
  lines.push(`targets: VRRP RSS with 1 instance ${fmt(rss1)} MB (target ≤ 40 MB); CPU at 1000 instances ${ratio(cpuO, cpuT)} × keepalived (target ≤ 2)`);
  for (const r of results.filter((x) => x.error !== undefined)) lines.push(`- ${r.daemon} with ${r.instances}: ${r.error}`);
  return lines.join('\n');
}

export async function scaleBench(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  requireTools([['python3', 'python3']]);
  const counts = (env['BENCH_SCALE_COUNTS'] ?? '1,100,1000').split(',').map((s) => Number(s.trim()));
  for (const n of counts) if (!Number.isInteger(n) || n < 1 || n > MAX_INSTANCES) throw new Error(`BENCH_SCALE_COUNTS: ${n} not in 1..${MAX_INSTANCES}`);
  const windowS = envNumber('BENCH_SCALE_WINDOW_S', 20, env);
  const warmupS = envNumber('BENCH_SCALE_WARMUP_S', 8, env);
  const daemons = benchDaemons(env);
  const out = outDir('scale', env);
  const results: ScaleResult[] = [];
  for (const n of counts) {
    for (const cmd of daemons) {
      const dir = outDir(join('scale', `${cmd.label}-${n}`), env);
      const r = await runScaleOnce(cmd, n, windowS, warmupS, dir);
      results.push(r);
      console.error(
        `[scale] ${cmd.label} ${n} instances: CPU ${fmt(r.cpuPct, 2)} %, RSS ${fmt(r.rssMb)} MB, start-up ${fmt(r.startupMs, 0)} ms, tx ${fmt(r.txPerS)}/s` +
          (r.error ? ` ERROR ${r.error}` : ''),
      );
    }
  }
  writeJson(join(out, 'results.json'), results);
  return `## scale (VRRPv3, advert_int 1, every instance MASTER on one node; window ${windowS} s after ${warmupS} s warm-up)\n\nraw figures, configs and daemon logs: ${out}\n\n${scaleReport(counts, results)}\n`;
}
