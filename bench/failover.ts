/**
 * Failover benchmark (`npm run bench -- failover`): keepalived-ts and Debian's keepalived
 * in the same run, measured the same way.
 *
 * Lab: h1 (priority 150) and h2 (100), both `state BACKUP`, VRID 51, VIP 192.0.2.100/24 on
 * eth0; h3 is a bystander running tcpdump (kernel µs timestamps); `ip -ts monitor address`
 * on h1/h2 gives the VIP instants. Per run: converge → steady → SIGKILL of h1's whole tree
 * (just after one of its adverts reached h3, so both daemons are killed at the same phase
 * of the advert cycle) → h2 takes over → h1 relaunched, preempts → steady → SIGTERM h1 →
 * h2 takes over on the priority-0 advert. The metrics (failover_hard,
 * failover_hard_since_last_advert, failover_graceful, …_since_prio0) are defined in
 * bench/RESULTS.md "What is measured, and how".
 *
 * The RFC bounds are for the backup (priority 100): master-down = 3 × Advertisement_Interval
 * + Skew_Time, and Skew_Time alone after a priority-0 advert (RFC 3768 §6.1, RFC 5798 §6.1,
 * with keepalived's v2 skew; src/vrrp/timers.ts).
 *
 * Env: BENCH_REPEAT (3), BENCH_ADVERT_INT (1 and 0.1 by default; one value runs one config),
 * BENCH_DAEMONS, BENCH_OUT (raw figures, configs and daemon logs), KTS_BIN, KEEPALIVED_BIN.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Capture, isGarpFor, type Frame } from '../test/lab/capture.js';
import { keepalivedConf } from '../test/lab/keepalived-conf.js';
import { LabDaemon, type DaemonCommand } from '../test/lab/lab-daemon.js';
import { createLab, type LabHost } from '../test/lab/netns.js';
import { nowUs, signalAll, sleep } from '../test/lab/proc.js';
import { VipWatcher } from '../test/lab/vip-watch.js';
import { waitFor } from '../test/lab/wait.js';
import { masterDownIntervalUs, skewTimeUs } from '../src/vrrp/timers.js';
import { positiveIntEnv } from '../src/test-kit/env-knobs.js';
import { benchDaemons, fmt, markdownTable, OURS, outDir, ratio, renice, requireTools, summarize, THEIRS, writeJson, type Summary } from './common.js';

export interface FailoverConfig {
  /** Seconds. */
  readonly advertInt: number;
  readonly version: 2 | 3;
}

const CONFIGS: readonly FailoverConfig[] = [
  { advertInt: 1, version: 2 },
  { advertInt: 0.1, version: 3 },
];

const VIP = '192.0.2.100';
const VRID = 51;
const PRIO_HIGH = 150;
const PRIO_LOW = 100;

export type FailoverMetric =
  | 'converge'
  | 'advertIntervalMedian'
  | 'advertIntervalMax'
  | 'killAfterAdvert'
  | 'hardVip'
  | 'hardGarp'
  | 'hard'
  | 'hardSinceLastAdvert'
  | 'hardDoneSinceLastAdvert'
  | 'preempt'
  | 'gracefulPrio0'
  | 'gracefulRelease'
  | 'gracefulSincePrio0'
  | 'graceful';

type Bound = 'masterDown' | 'skew';

/** Rows of the printed table: metric, what it is (RESULTS.md name), RFC bound it is compared with. */
const ROWS: ReadonlyArray<readonly [FailoverMetric, string, Bound | null]> = [
  ['converge', 'converge: launch → h1 sole holder + GARP', null],
  ['advertIntervalMedian', 'advert_interval_median (h1, steady)', null],
  ['advertIntervalMax', 'advert_interval_max (h1, steady)', null],
  ['killAfterAdvert', 'SIGKILL after h1\'s last advert (phase)', null],
  ['hard', 'failover_hard: SIGKILL → VIP on h2 + GARP', null],
  ['hardSinceLastAdvert', 'failover_hard_since_last_advert', 'masterDown'],
  ['hardDoneSinceLastAdvert', 'h1 last advert → VIP on h2 + GARP', 'masterDown'],
  ['preempt', 'preempt_after_hard: relaunch → h1 sole + GARP', null],
  ['gracefulPrio0', 'graceful_prio0_advert: SIGTERM → prio 0', null],
  ['gracefulRelease', 'graceful_release_vip: SIGTERM → VIP off h1', null],
  ['gracefulSincePrio0', 'failover_graceful_since_prio0', 'skew'],
  ['graceful', 'failover_graceful: SIGTERM → VIP on h2 + GARP', 'skew'],
];

export type RunMetrics = Partial<Record<FailoverMetric, number>>;

export interface RunResult {
  readonly daemon: string;
  readonly config: FailoverConfig;
  readonly run: number;
  readonly metrics: RunMetrics;
  readonly error?: string;
}

export function advertIntCs(c: FailoverConfig): number {
  return Math.round(c.advertInt * 100);
}

/** The backup's RFC bounds (ms): master-down interval and skew time. */
export function rfcBoundsMs(c: FailoverConfig): Record<Bound, number> {
  return {
    masterDown: masterDownIntervalUs(c.version, PRIO_LOW, advertIntCs(c), 3) / 1000,
    skew: skewTimeUs(c.version, PRIO_LOW, advertIntCs(c)) / 1000,
  };
}


const ms = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : (a - b) / 1000);
const maxOf = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : Math.max(a, b));

/** Spacing (ms) of consecutive frame times. */
function gaps(ts: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < ts.length; i++) out.push((ts[i]! - ts[i - 1]!) / 1000);
  return out;
}

export async function runFailoverOnce(cmd: DaemonCommand, cfg: FailoverConfig, dir: string): Promise<{ metrics: RunMetrics; error?: string }> {
  const m: RunMetrics = {};
  const put = (k: FailoverMetric, v: number | undefined): void => {
    if (v !== undefined) m[k] = v;
  };
  const advMs = cfg.advertInt * 1000;
  const phaseMs = 4 * rfcBoundsMs(cfg).masterDown + 15_000;
  const steadyMs = Math.max(3000, 6 * advMs);
  const settleMs = Math.max(1500, 3 * advMs);
  const lab = createLab(3, 'bfo');
  const observers: Array<{ stop(): void }> = [];
  const daemons: LabDaemon[] = [];
  try {
    const [h1, h2, h3] = lab.hosts as [LabHost, LabHost, LabHost];
    const cap = new Capture(lab, h3, 'arp or ip proto 112');
    observers.push(cap);
    await cap.ready;
    const vips = new VipWatcher(lab, [h1, h2]);
    observers.push(vips);
    renice([cap.pid, ...vips.pids]);
    await sleep(300);
    const conf = (h: LabHost, priority: number): string =>
      keepalivedConf({ routerId: `kts_${h.name}`, vrrpVersion: cfg.version, instances: [{ name: 'VI_4', iface: 'eth0', vrid: VRID, priority, advertInt: cfg.advertInt, vips: [`${VIP}/24`] }] });
    const d1 = new LabDaemon(lab, h1, dir, cmd, conf(h1, PRIO_HIGH));
    const d2 = new LabDaemon(lab, h2, dir, cmd, conf(h2, PRIO_LOW));
    daemons.push(d1, d2);
    const advertFrom = (h: LabHost) => (f: Frame) => f.kind === 'vrrp' && f.srcMac === h.mac && f.vrid === VRID && f.priority > 0;
    const prio0From = (h: LabHost) => (f: Frame) => f.kind === 'vrrp' && f.srcMac === h.mac && f.vrid === VRID && f.priority === 0;
    const garpFrom = (h: LabHost) => (f: Frame) => isGarpFor(f, VIP) && f.srcMac === h.mac;
    const sole = (h: LabHost, o: LabHost): boolean => vips.holdersAt(VIP, [h.name, o.name]).join() === h.name;
    /** VIP added on `h` and its GARP seen on h3, both after `t0`: the later instant. */
    const takenOver = (h: LabHost, t0: number): number | undefined => maxOf(vips.first(h.name, VIP, 'add', t0)?.tUs, cap.first(garpFrom(h), t0)?.tUs);

    // (a) convergence
    const tStart = d1.start();
    d2.start();
    await waitFor(() => sole(h1, h2) && takenOver(h1, tStart) !== undefined, phaseMs, 'converge', { pollMs: 5 });
    const tConverged = takenOver(h1, tStart)!;
    put('converge', ms(tConverged, tStart));
    await sleep(steadyMs);

    // (b) hard failover, the kill pinned just after one of h1's adverts
    const seen = cap.frames.length;
    await waitFor(() => cap.frames.slice(seen).some(advertFrom(h1)), 4 * advMs + 1000, 'an advert from h1', { pollMs: 1 });
    const tKill = d1.hardKill();
    const steady = cap.frames.filter((f) => f.tUs > tConverged && f.tUs < tKill && advertFrom(h1)(f)).map((f) => f.tUs);
    const spacing = summarize(gaps(steady));
    put('advertIntervalMedian', spacing?.median);
    put('advertIntervalMax', spacing?.max);
    await waitFor(() => takenOver(h2, tKill) !== undefined && cap.first(advertFrom(h2), tKill) !== undefined, phaseMs, 'hard failover', { pollMs: 5 });
    const tHard = takenOver(h2, tKill);
    const tFirst = cap.first(advertFrom(h2), tKill)?.tUs;
    // h1's last advert may reach h3 just after the kill mark: its last one before h2's first.
    const tLast = cap.last(advertFrom(h1), tFirst ?? tKill)?.tUs;
    put('killAfterAdvert', ms(tKill, tLast));
    put('hardVip', ms(vips.first(h2.name, VIP, 'add', tKill)?.tUs, tKill));
    put('hardGarp', ms(cap.first(garpFrom(h2), tKill)?.tUs, tKill));
    put('hard', ms(tHard, tKill));
    put('hardSinceLastAdvert', ms(tFirst, tLast));
    put('hardDoneSinceLastAdvert', ms(tHard, tLast));
    await sleep(settleMs);

    // (d) preemption after the crash (the relaunch also removes h1's stale VIP)
    await d1.waitGone();
    const tRestart = d1.start();
    await waitFor(() => sole(h1, h2) && takenOver(h1, tRestart) !== undefined, phaseMs, 'preempt', { pollMs: 5 });
    put('preempt', ms(takenOver(h1, tRestart), tRestart));
    await sleep(steadyMs);

    // (c) graceful failover: SIGTERM to h1's main process
    const main = d1.mainPid();
    if (main === undefined) throw new Error('h1: main process not found');
    const tTerm = nowUs();
    signalAll([main], 'SIGTERM');
    const prio0 = (): number | undefined => cap.first(prio0From(h1), tTerm)?.tUs;
    await waitFor(() => takenOver(h2, tTerm) !== undefined && prio0() !== undefined && cap.first(advertFrom(h2), prio0()) !== undefined, phaseMs, 'graceful failover', { pollMs: 5 });
    const tPrio0 = prio0();
    put('gracefulPrio0', ms(tPrio0, tTerm));
    put('gracefulRelease', ms(vips.first(h1.name, VIP, 'del', tTerm)?.tUs, tTerm));
    put('gracefulSincePrio0', ms(cap.first(advertFrom(h2), tPrio0)?.tUs, tPrio0));
    put('graceful', ms(takenOver(h2, tTerm), tTerm));
    await d1.stop();
    await sleep(Math.min(settleMs, 1000));
    return { metrics: m };
  } catch (e) {
    return { metrics: m, error: e instanceof Error ? e.message : String(e) };
  } finally {
    for (const d of daemons) await d.stop(5000).catch(() => undefined);
    for (const o of observers) o.stop();
    lab.down();
    for (const d of daemons) writeFileSync(join(dir, `${d.host.name}.log`), d.lines.map((l) => `${l.tUs} run${l.run} ${l.text}`).join('\n') + '\n');
  }
}

function selectedConfigs(env: NodeJS.ProcessEnv): FailoverConfig[] {
  const raw = env['BENCH_ADVERT_INT'];
  if (raw === undefined || raw === '') return [...CONFIGS];
  const advertInt = Number(raw);
  if (!(advertInt > 0)) throw new Error(`BENCH_ADVERT_INT=${raw}: expected seconds`);
  return [{ advertInt, version: Number.isInteger(advertInt) ? 2 : 3 }];
}

const cell = (s: Summary | undefined): string => (s === undefined ? 'n/a' : s.n > 1 ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median));
const signed = (v: number | undefined): string => (v === undefined ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}`);

/** The Markdown report of one configuration: medians (min–max) of both daemons, ratio, RFC bound and the distance from it. */
export function failoverReport(cfg: FailoverConfig, results: readonly RunResult[]): string {
  const bounds = rfcBoundsMs(cfg);
  const of = (daemon: string, k: FailoverMetric): Summary | undefined =>
    summarize(results.filter((r) => r.daemon === daemon && r.config === cfg).map((r) => r.metrics[k]));
  const rows = ROWS.map(([k, label, bound]) => {
    const o = of(OURS, k);
    const t = of(THEIRS, k);
    const b = bound === null ? undefined : bounds[bound];
    return [label, cell(o), cell(t), ratio(o?.median, t?.median), fmt(b), signed(b === undefined || o === undefined ? undefined : o.median - b), signed(b === undefined || t === undefined ? undefined : t.median - b)];
  });
  const n = (d: string): number => results.filter((r) => r.daemon === d && r.config === cfg).length;
  const lines = [
    `### advert_int ${cfg.advertInt} s, VRRPv${cfg.version} (runs: ${OURS} ${n(OURS)}, ${THEIRS} ${n(THEIRS)}; ms, median (min–max))`,
    '',
    markdownTable([`metric`, OURS, THEIRS, 'ratio', 'RFC bound', `${OURS} − bound`, `${THEIRS} − bound`], rows),
    '',
  ];
  const med = (d: string, k: FailoverMetric): number | undefined => of(d, k)?.median;
  const hardDist = ((med(OURS, 'hardSinceLastAdvert') ?? NaN) - bounds.masterDown).toFixed(1);
  const hardRatio = ratio(med(OURS, 'hard'), med(THEIRS, 'hard'));
  const gracefulDist = ((med(OURS, 'graceful') ?? NaN) - bounds.skew).toFixed(1);
  lines.push(
    `targets: hard failover since the last advert ${hardDist} ms from the bound (target ≤ 5 ms); ` +
      `failover_hard ratio ${hardRatio} (target ≤ 1.05 at advert_int 0.1); graceful ${gracefulDist} ms past the skew (target ≤ 5 ms)`,
  );
  for (const r of results.filter((x) => x.config === cfg && x.error !== undefined)) lines.push(`- ${r.daemon} run ${r.run}: ${r.error}`);
  return lines.join('\n');
}

export async function failoverBench(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  requireTools([
    ['tcpdump', 'tcpdump'],
    ['python3', 'python3'],
  ]);
  const repeat = positiveIntEnv('BENCH_REPEAT', 3, env);
  const daemons = benchDaemons(env);
  const configs = selectedConfigs(env);
  const out = outDir('failover', env);
  const results: RunResult[] = [];
  const reports: string[] = [];
  for (const cfg of configs) {
    // Interleaved (ours, keepalived, ours, …) so a change in machine load hits both alike.
    for (let run = 1; run <= repeat; run++) {
      for (const cmd of daemons) {
        const dir = outDir(join('failover', `adv${cfg.advertInt}-${cmd.label}-run${run}`), env);
        const t0 = Date.now();
        const r = await runFailoverOnce(cmd, cfg, dir);
        results.push({ daemon: cmd.label, config: cfg, run, ...r });
        const hard = r.metrics.hardSinceLastAdvert;
        const grace = r.metrics.gracefulSincePrio0;
        console.error(
          `[failover] advert_int=${cfg.advertInt} ${cmd.label} run ${run}: hard since last advert ${fmt(hard)} ms, graceful since prio0 ${fmt(grace)} ms` +
            ` (${((Date.now() - t0) / 1000).toFixed(1)} s)${r.error ? ` ERROR ${r.error}` : ''}`,
        );
      }
    }
    reports.push(failoverReport(cfg, results));
  }
  writeJson(join(out, 'results.json'), results);
  return `## failover\n\nraw figures, configs and daemon logs: ${out}\n\n${reports.join('\n\n')}\n`;
}
