/**
 * Trackers benchmark (`npm run bench -- trackers`): 1000 VRRPv3 instances (all MASTER on one
 * node, laid out as in scale.ts) tracking 200 vrrp_scripts at interval 1 s and 100 track
 * files, keepalived-ts and Debian's keepalived in the same run.
 *
 * Each script is a two-line shell script (one byte appended to a per-daemon counter file, then
 * `[ ! -e FLAG ]`), so the figures are the cost of running 200 scripts a second: the VRRP
 * process's own CPU (utime+stime) and that of the scripts it reaped (cutime+cstime), both from
 * /proc/PID/stat, over a steady window; script runs per second from the counter file. Then the
 * reaction: VI_1 tracks script 0 unweighted; its flag file is created at a random phase of the
 * script's interval and the time until VI_1's VIP leaves eth0 (`ip -ts monitor address`) is
 * taken, BENCH_TRACKERS_REACTIONS times (the VIP comes back in between).
 *
 * Env: BENCH_TRACKERS_WINDOW_S (20), BENCH_TRACKERS_WARMUP_S (5), BENCH_TRACKERS_REACTIONS (5),
 * BENCH_DAEMONS, BENCH_OUT, KTS_BIN, KEEPALIVED_BIN.
 */
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepalivedConf } from '../test/lab/keepalived-conf.js';
import { LabDaemon, type DaemonCommand } from '../test/lab/lab-daemon.js';
import { createLab } from '../test/lab/netns.js';
import { nowUs, sleep } from '../test/lab/proc.js';
import { VipWatcher } from '../test/lab/vip-watch.js';
import { waitFor } from '../test/lab/wait.js';
import { benchDaemons, envNumber, fmt, markdownTable, OURS, outDir, ratio, summarize, THEIRS, writeJson } from './common.js';
import { scanProcs } from '../src/vrrp/trackers/process-scan.js';
import { PROCESS_SCAN_MS } from '../src/vrrp/trackers/tracker-io.js';
import { addInterfaces, PER_INTERFACE, readPidFile, scaleInstances, ticksPerSecond, vipCount, whileRunning } from './scale.js';

const INSTANCES = 1000;
const SCRIPTS = 200;
const FILES = 100;

export interface TrackersResult {
  readonly daemon: string;
  /** VRRP process CPU, % of one core (steady window). */
  readonly selfCpuPct?: number;
  /** CPU of the scripts it ran (reaped children), % of one core. */
  readonly scriptsCpuPct?: number;
  /** Script runs per second (≈ forks per second). */
  readonly runsPerS?: number;
  /** Flag file created → the VIP gone, ms, one per sample. */
  readonly reactionMs: readonly number[];
  readonly startupMs?: number;
  readonly error?: string;
}

/** utime+stime and cutime+cstime (fields 14–17 of /proc/PID/stat), in ticks. */
function cpuTicks(pid: number): { self: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}

function config(dir: string): { text: string; flag0: string; counter: string; vip1: string } {
  const counter = join(dir, 'runs');
  writeFileSync(counter, '');
  const blocks: string[] = [];
  for (let i = 0; i < SCRIPTS; i++) {
    const path = join(dir, `chk${i}.sh`);
    writeFileSync(path, `#!/bin/sh\nprintf x >> ${counter}\n[ ! -e ${join(dir, `flag${i}`)} ]\n`);
    chmodSync(path, 0o755);
    blocks.push(`vrrp_script chk${i} {\n  script "${path}"\n  interval 1\n}`);
  }
  for (let j = 0; j < FILES; j++) {
    writeFileSync(join(dir, `tf${j}`), '0\n');
    blocks.push(`track_file tf${j} {\n  file ${join(dir, `tf${j}`)}\n  weight 1\n}`);
  }
  const specs = scaleInstances(INSTANCES).map((s, i) => ({ ...s, extra: [`track_script {`, `  chk${i % SCRIPTS}`, '}', 'track_file {', `  tf${i % FILES}`, '}'] }));
  // keepalived resolves a track_script/track_file line when it reads it: the blocks come first.
  const conf = keepalivedConf({ routerId: 'kts_trackers', vrrpVersion: 3, instances: specs });
  const split = conf.indexOf('vrrp_instance');
  const text = `${conf.slice(0, split)}${blocks.join('\n')}\n${conf.slice(split)}`;
  return { text, flag0: join(dir, 'flag0'), counter, vip1: specs[0]!.vips[0]!.split('/')[0]! };
}

export async function runTrackersOnce(cmd: DaemonCommand, windowS: number, warmupS: number, reactions: number, dir: string): Promise<TrackersResult> {
  const lab = createLab(1, 'btr');
  const h = lab.host(1);
  let d: LabDaemon | undefined;
  let watch: VipWatcher | undefined;
  const reactionMs: number[] = [];
  const r: { -readonly [K in keyof TrackersResult]: TrackersResult[K] } = { daemon: cmd.label, reactionMs };
  try {
    addInterfaces(lab, h, Math.ceil(INSTANCES / PER_INTERFACE));
    const c = config(dir);
    const vips = new Set(scaleInstances(INSTANCES).map((s) => s.vips[0]!));
    watch = new VipWatcher(lab, [h]);
    d = new LabDaemon(lab, h, dir, cmd, c.text);
    const dd = d;
    const t0 = d.start();
    const pid = await readPidFile(d.vrrpPidFile, 30_000);
    const what = (): string => `only ${vipCount(lab, h, vips)}/${INSTANCES} VIPs`;
    await waitFor(whileRunning(dd, () => vipCount(lab, h, vips) >= INSTANCES, what), 180_000, what, { pollMs: 200 });
    r.startupMs = (nowUs() - t0) / 1000;
    await sleep(warmupS * 1000);
    const a = cpuTicks(pid);
    const runsA = statSync(c.counter).size;
    const w0 = performance.now();
    await sleep(windowS * 1000);
    const b = cpuTicks(pid);
    const runsB = statSync(c.counter).size;
    const elapsedS = (performance.now() - w0) / 1000;
    const hz = ticksPerSecond();
    r.selfCpuPct = ((b.self - a.self) / hz / elapsedS) * 100;
    r.scriptsCpuPct = ((b.children - a.children) / hz / elapsedS) * 100;
    r.runsPerS = (runsB - runsA) / elapsedS;
    for (let i = 0; i < reactions; i++) {
      await sleep(Math.random() * 1000);
      const t = nowUs();
      writeFileSync(c.flag0, '');
      const w = watch;
      const gone = await waitFor(() => w.first(h.name, c.vip1, 'del', t), 10_000, 'VI_1 to drop its VIP', { pollMs: 5 });
      reactionMs.push((gone.tUs - t) / 1000);
      rmSync(c.flag0);
      const back = nowUs();
      // FAULT → BACKUP → MASTER after Master_Down_Interval (much longer on a loaded machine).
      await waitFor(() => w.first(h.name, c.vip1, 'add', back), 90_000, 'VI_1 to take its VIP back', { pollMs: 20 });
    }
  } catch (e) {
    r.error = e instanceof Error ? e.message : String(e);
  } finally {
    watch?.stop();
    await d?.stop(30_000).catch(() => undefined);
    lab.down();
    if (d) writeFileSync(join(dir, `${h.name}.log`), d.lines.map((l) => `${l.tUs} ${l.text}`).join('\n') + '\n');
  }
  return r;
}

export function trackersReport(results: readonly TrackersResult[]): string {
  const get = (daemon: string): TrackersResult | undefined => results.find((x) => x.daemon === daemon);
  const o = get(OURS);
  const t = get(THEIRS);
  const ro = summarize(o?.reactionMs ?? []);
  const rt = summarize(t?.reactionMs ?? []);
  const total = (x: TrackersResult | undefined): number | undefined => (x?.selfCpuPct !== undefined && x.scriptsCpuPct !== undefined ? x.selfCpuPct + x.scriptsCpuPct : undefined);
  const rows: [string, number | undefined, number | undefined, number][] = [
    ['VRRP process CPU, % of one core', o?.selfCpuPct, t?.selfCpuPct, 2],
    ['scripts it ran (reaped children) CPU, %', o?.scriptsCpuPct, t?.scriptsCpuPct, 2],
    ['total CPU, %', total(o), total(t), 2],
    ['script runs (forks) per s', o?.runsPerS, t?.runsPerS, 1],
    ['script failure → VIP gone, ms (median)', ro?.median, rt?.median, 0],
    ['script failure → VIP gone, ms (max)', ro?.max, rt?.max, 0],
    ['start-up: launch → all MASTER, ms', o?.startupMs, t?.startupMs, 0],
  ];
  const lines = [markdownTable(['1000 instances, 200 scripts/s, 100 track files', OURS, THEIRS, 'ratio'], rows.map(([l, a, b, dg]) => [l, fmt(a, dg), fmt(b, dg), ratio(a, b)])), ''];
  lines.push(`targets: total CPU ${ratio(total(o), total(t))} × keepalived (target ≤ 1); reaction within one script interval (1000 ms): max ${fmt(ro?.max, 0)} ms`);
  for (const x of results.filter((y) => y.error !== undefined)) lines.push(`- ${x.daemon}: ${x.error}`);
  return lines.join('\n');
}

/** The /proc scan vrrp_track_process falls back to: ms per scan of this machine's process table, comm only and with cmdlines. */
export function procScanCost(rounds = 200): { readonly processes: number; readonly commMs: number; readonly cmdlineMs: number } {
  const time = (withCmdline: boolean): number => {
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) scanProcs(withCmdline);
    return (performance.now() - t0) / rounds;
  };
  return { processes: scanProcs(false).size, commMs: time(false), cmdlineMs: time(true) };
}

export async function trackersBench(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const windowS = envNumber('BENCH_TRACKERS_WINDOW_S', 20, env);
  const warmupS = envNumber('BENCH_TRACKERS_WARMUP_S', 5, env);
  const reactions = envNumber('BENCH_TRACKERS_REACTIONS', 5, env);
  const out = outDir('trackers', env);
  const results: TrackersResult[] = [];
  for (const cmd of benchDaemons(env)) {
    const r = await runTrackersOnce(cmd, windowS, warmupS, reactions, outDir(join('trackers', cmd.label), env));
    results.push(r);
    console.error(`[trackers] ${cmd.label}: CPU self ${fmt(r.selfCpuPct, 2)} % + scripts ${fmt(r.scriptsCpuPct, 2)} %, ${fmt(r.runsPerS)} runs/s, reaction ${r.reactionMs.map((x) => x.toFixed(0)).join(', ')} ms${r.error ? ` ERROR ${r.error}` : ''}`);
  }
  const scan = procScanCost();
  writeJson(join(out, 'results.json'), { results, scan });
  const scanLine = `/proc scan (vrrp_track_process outside the initial namespace, every ${PROCESS_SCAN_MS} ms): ${scan.processes} processes, ${fmt(scan.commMs, 2)} ms per scan (${fmt((scan.commMs / PROCESS_SCAN_MS) * 100, 2)} % of a core), ${fmt(scan.cmdlineMs, 2)} ms with command lines`;
  return [`## trackers (VRRPv3, advert_int 1; window ${windowS} s after ${warmupS} s warm-up)`, '', trackersReport(results), '', scanLine].join('\n');
}
