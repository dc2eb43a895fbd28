/**
 * Checker benchmarks of issue 5:
 * - `checkers`: 10,000 TCP_CHECK + 2,000 HTTP_GET real servers at delay_loop 1 s: checks/s
 *   sustained (counted by the backends), CPU and RSS of the checker child, and the time from
 *   a backend failing to its removal (100 TCP backends closed → RST, 100 HTTP backends
 *   stalled → timeout) and back.
 * - `checker-reload`: 2,000 virtual servers × 15 real servers (30,000) with TCP_CHECK,
 *   SIGHUP with the same config, time until the checker logs the end of the reload.
 *
 * keepalived's checker exits without IPVS and the host kernel has none, so both daemons
 * run in one qemu guest boot with a Debian kernel (bench/guest.ts), one after the other on
 * the same backends; TCG emulation distorts absolute figures (both columns alike). Ours also
 * runs on the host in a network namespace without IPVS (our checker keeps checking), which
 * gives undistorted figures for ours only. The in-place work is bench/checker-scenario.ts.
 *
 * Env: BENCH_CHECKERS_TCP (10000), BENCH_CHECKERS_HTTP (2000), BENCH_CHECKERS_PER_VS (100),
 * BENCH_CHECKERS_WARMUP_S (10, after the ramp), BENCH_CHECKERS_WINDOW_S (10), BENCH_CHECKERS_FAIL_TCP (100),
 * BENCH_CHECKERS_FAIL_HTTP (100), BENCH_CHECKERS_TCP_BACKENDS (2: processes serving the TCP ports), BENCH_CHECKERS_CAP_S (20: detection/recovery cap),
 * BENCH_CHECKERS_WHERE (guest,host), BENCH_RELOAD_VS (2000), BENCH_RELOAD_RS_PER_VS (15),
 * BENCH_RELOAD_DELAY_LOOP_S (10), BENCH_RELOAD_CAP_S (120), BENCH_RELOAD_DONE_RE
 * (`Reload complete|Reload finished`), BENCH_QEMU_MEM (4096 MiB), BENCH_DAEMONS, BENCH_OUT,
 * KTS_BIN, KEEPALIVED_BIN.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { positiveIntEnv } from '../src/test-kit/env-knobs.js';
import { benchDaemons, envNumber, fmt, markdownTable, OURS, outDir, ratio, requireTools, THEIRS } from './common.js';
import { DETECTION_TIMING, detectionBoundMs } from './checker-conf.js';
import type { CheckersResult, DetectionTimes, ReloadResult, ScenarioDaemon, ScenarioPlan } from './checker-scenario.js';
import { runInIpvsGuest } from './guest.js';

const SCENARIO = fileURLToPath(new URL('./checker-scenario.js', import.meta.url));
/** Enough descriptors for 12,000 listeners plus the checks in flight. */
const NOFILE = 262_144;

type Where = 'guest' | 'host';
type Mode = ScenarioPlan['mode'];

function envCount(name: string, dflt: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === '0') return 0;
  return envNumber(name, dflt, env);
}

function basePlan(mode: Mode, dir: string, daemons: readonly ScenarioDaemon[], ipvs: boolean, env: NodeJS.ProcessEnv): ScenarioPlan {
  return {
    mode,
    dir,
    daemons,
    ipvs,
    tcp: positiveIntEnv('BENCH_CHECKERS_TCP', 10_000, env),
    http: envCount('BENCH_CHECKERS_HTTP', 2000, env),
    perVs: positiveIntEnv('BENCH_CHECKERS_PER_VS', 100, env),
    tcpBackends: positiveIntEnv('BENCH_CHECKERS_TCP_BACKENDS', 2, env),
    rampCapS: envNumber('BENCH_CHECKERS_RAMP_CAP_S', 240, env),
    warmupS: envNumber('BENCH_CHECKERS_WARMUP_S', 10, env),
    windowS: envNumber('BENCH_CHECKERS_WINDOW_S', 10, env),
    failTcp: envCount('BENCH_CHECKERS_FAIL_TCP', 100, env),
    failHttp: envCount('BENCH_CHECKERS_FAIL_HTTP', 100, env),
    detectCapS: envNumber('BENCH_CHECKERS_CAP_S', 20, env),
    reloadVs: positiveIntEnv('BENCH_RELOAD_VS', 2000, env),
    reloadRsPerVs: positiveIntEnv('BENCH_RELOAD_RS_PER_VS', 15, env),
    reloadCapS: envNumber('BENCH_RELOAD_CAP_S', 120, env),
    reloadDelayLoopS: envNumber('BENCH_RELOAD_DELAY_LOOP_S', 10, env),
    reloadDoneRe: env['BENCH_RELOAD_DONE_RE'] ?? 'Reload complete|Reload finished',
  };
}

function scenarioCommand(planPath: string): string {
  return `ulimit -n ${NOFILE}; exec ${process.execPath} ${SCENARIO} ${planPath}`;
}

/** Echoes the scenario's progress file to stderr while it runs (the guest writes it over 9p). */
function tailProgress(path: string, prefix: string): () => void {
  let off = 0;
  const tick = (): void => {
    if (!existsSync(path)) return;
    const size = statSync(path).size;
    if (size <= off) return;
    const text = readFileSync(path, 'utf8').slice(off);
    off = size;
    for (const l of text.split('\n')) if (l !== '') process.stderr.write(`${prefix}${l}\n`);
  };
  const timer = setInterval(tick, 1000);
  return () => {
    clearInterval(timer);
    tick();
  };
}

function readResults<T>(dir: string): T[] {
  const p = join(dir, 'result.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as T[]) : [];
}

/** Both daemons in one guest boot; the share lives under /srv (the guest's /tmp is its own tmpfs). */
async function inGuest<T>(mode: Mode, daemons: readonly ScenarioDaemon[], out: string, env: NodeJS.ProcessEnv): Promise<T[]> {
  const share = mkdtempSync('/srv/kts-bench-');
  try {
    const plan = basePlan(mode, share, daemons, true, env);
    writeFileSync(join(share, 'plan.json'), JSON.stringify(plan));
    const caps = mode === 'reload' ? 600 + plan.reloadCapS : 240 + 3 * plan.detectCapS;
    const timeoutMs = (300 + daemons.length * (plan.rampCapS + plan.warmupS + plan.windowS + caps)) * 1000;
    process.stderr.write(`${mode}: qemu guest (TCG), ${daemons.map((d) => d.label).join(' then ')}, timeout ${timeoutMs / 1000} s\n`);
    const stop = tailProgress(join(share, 'progress.log'), `${mode} [guest] `);
    const r = await runInIpvsGuest({ command: scenarioCommand(join(share, 'plan.json')), shares: [share], timeoutMs, memMiB: positiveIntEnv('BENCH_QEMU_MEM', 4096, env) }).finally(stop);
    writeFileSync(join(share, 'guest-output.txt'), r.output);
    process.stderr.write(`${mode}: guest exited ${r.rc} after ${(r.wallMs / 1000).toFixed(0)} s\n`);
    const results = readResults<T>(share);
    if (results.length === 0) throw new Error(`no results from the guest (rc ${r.rc}): ${r.output.split('\n').slice(-8).join(' | ')}`);
    return results;
  } finally {
    cpSync(share, join(out, 'guest'), { recursive: true });
    rmSync(share, { recursive: true, force: true });
  }
}

/** Ours alone in a network namespace of the host: no IPVS, no emulation. */
async function inNetns<T>(mode: Mode, daemon: ScenarioDaemon, out: string, env: NodeJS.ProcessEnv): Promise<T[]> {
  const ns = `kts${process.pid}-chk`;
  const dir = join(out, 'host');
  mkdirSync(dir, { recursive: true });
  const plan = basePlan(mode, dir, [daemon], false, env);
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  execFileSync('ip', ['netns', 'add', ns]);
  const stop = tailProgress(join(dir, 'progress.log'), `${mode} [host netns] `);
  try {
    await new Promise<void>((resolve) => {
      const p = spawn('ip', ['netns', 'exec', ns, 'sh', '-c', scenarioCommand(join(dir, 'plan.json'))], { stdio: ['ignore', 'ignore', 'ignore'] });
      p.on('close', () => resolve());
      p.on('error', () => resolve());
    });
  } finally {
    stop();
    execFileSync('ip', ['netns', 'del', ns]);
  }
  return readResults<T>(dir);
}

function where(env: NodeJS.ProcessEnv): Where[] {
  const w = (env['BENCH_CHECKERS_WHERE'] ?? 'guest,host').split(',').map((s) => s.trim());
  return (['guest', 'host'] as const).filter((x) => w.includes(x));
}

interface Columns<T> {
  /** Host load averages (1 min) before/after each run: other work on the machine slows the TCG guest. */
  readonly load: string;
  readonly ours?: T;
  readonly theirs?: T;
  readonly host?: T;
}

async function collect<T extends { label: string }>(mode: Mode, name: string, env: NodeJS.ProcessEnv): Promise<Columns<T>> {
  requireTools([['ip', 'iproute2']]);
  const daemons: ScenarioDaemon[] = benchDaemons(env).map((d) => ({ label: d.label, prefix: d.prefix }));
  const out = outDir(name, env);
  const w = where(env);
  const load: string[] = [];
  const la = (): string => loadavg()[0]!.toFixed(1);
  const l0 = la();
  const guest = w.includes('guest') ? await inGuest<T>(mode, daemons, out, env) : [];
  if (w.includes('guest')) load.push(`guest run ${l0} → ${la()}`);
  const oursCmd = daemons.find((d) => d.label === OURS);
  const l1 = la();
  const host = w.includes('host') && oursCmd ? await inNetns<T>(mode, oursCmd, out, env) : [];
  if (w.includes('host') && oursCmd) load.push(`host run ${l1} → ${la()}`);
  writeFileSync(join(out, 'results.json'), `${JSON.stringify({ guest, host }, null, 2)}\n`);
  if (w.includes('host') && oursCmd && host.length === 0) process.stderr.write(`${mode}: no result from the host netns run (see ${join(out, 'host', 'progress.log')})\n`);
  const pick = (xs: readonly T[], label: string): T | undefined => xs.find((x) => x.label === label);
  const cols: { load: string; ours?: T; theirs?: T; host?: T } = { load: `host load average (1 min): ${load.join(', ')}` };
  const o = pick(guest, OURS);
  const t = pick(guest, THEIRS);
  const h = pick(host, OURS);
  if (o) cols.ours = o;
  if (t) cols.theirs = t;
  if (h) cols.host = h;
  return cols;
}

/** The value at fraction q of the sorted defined values (nearest rank). */
function quantile(xs: ReadonlyArray<number | undefined>, q: number): number | undefined {
  // Values come back through JSON: a missing time is null there.
  const s = xs.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

/** A figure read back from JSON (NaN and undefined were written as null). */
const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : undefined);

type Getter<T> = (r: T) => number | undefined;

function row<T>(label: string, c: Columns<T>, get: Getter<T>, digits = 1): string[] {
  const v = (r: T | undefined): number | undefined => {
    return r === undefined ? undefined : num(get(r));
  };
  return [label, fmt(v(c.ours), digits), fmt(v(c.theirs), digits), ratio(v(c.ours), v(c.theirs)), fmt(v(c.host), digits)];
}

const HEADER = ['figure', `${OURS} (guest)`, `${THEIRS} (guest)`, 'ratio', `${OURS} (host netns, no IPVS)`];

function errors(c: Columns<{ label: string; error?: string }>): string {
  const lines: string[] = [];
  for (const [k, r] of [['ours', c.ours], ['theirs', c.theirs], ['host', c.host]] as const) {
    if (r?.error !== undefined) lines.push(`- ${r.label} (${k === 'host' ? 'host netns' : 'guest'}): ${r.error}`);
  }
  return lines.length > 0 ? `\nerrors:\n${lines.join('\n')}\n` : '';
}

function detectionRows(c: Columns<CheckersResult>, kind: 'tcp' | 'http', what: string): string[][] {
  const d = (src: keyof DetectionTimes) => (r: CheckersResult): ReadonlyArray<number | undefined> => r[kind]?.[src] ?? [];
  const out: string[][] = [];
  for (const [src, label] of [['log', '"Removing service" line'], ['ipvs', 'gone from /proc/net/ip_vs'], ['recovery', 'reopened → "Adding service"']] as const) {
    for (const [q, qn] of [[0.5, 'median'], [0.95, 'p95'], [1, 'max']] as const) out.push(row(`${what}: ${label}, ${qn} ms`, c, (r) => quantile(d(src)(r), q), 0));
  }
  out.push(row(`${what}: removed (log) / failed`, c, (r) => {
    const xs = d('log')(r);
    return xs.length === 0 ? undefined : xs.filter((x) => typeof x === 'number').length / xs.length;
  }, 2));
  return out;
}

export async function checkersBench(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const c = await collect<CheckersResult>('checkers', 'checkers', env);
  const plan = basePlan('checkers', '', [], false, env);
  const bound = detectionBoundMs(DETECTION_TIMING);
  const rows: string[][] = [
    row('TCP_CHECK checks/s (backend accepts)', c, (r) => r.tcpPerS),
    row('HTTP_GET checks/s (backend requests)', c, (r) => r.httpPerS),
    row('checker child CPU, % of one core', c, (r) => r.cpuPct),
    row('busiest backend process CPU, % of one core (≈ 100: the backends are the limit)', c, (r) => r.backendCpuPct),
    row('checker child VmRSS, MB', c, (r) => r.rssMb),
    row('checker child VmHWM, MB', c, (r) => r.hwmMb),
    row('parent VmRSS, MB', c, (r) => r.parentRssMb),
    row('launch → checker child pid file, ms', c, (r) => r.childUpMs, 0),
    row('launch → backends see ≥ 80 % of the nominal check rate, ms', c, (r) => r.rampMs, 0),
    row('real servers in IPVS after the window', c, (r) => r.ipvsDests, 0),
    row('"Removing service" before the failures (expect 0)', c, (r) => r.removedBeforeT0, 0),
    ...detectionRows(c, 'tcp', `${plan.failTcp} TCP closed (RST)`),
    ...detectionRows(c, 'http', `${plan.failHttp} HTTP stalled (timeout)`),
  ];
  const maxLog = (r: CheckersResult | undefined): number | undefined => (r === undefined ? undefined : quantile([...(r.tcp?.log ?? []), ...(r.http?.log ?? [])], 1));
  const target = [
    `target: removal within delay_loop × (retry+1) + connect_timeout + 50 ms = ${bound} ms (worst, log): ${OURS} guest ${fmt(maxLog(c.ours), 0)}, host ${fmt(maxLog(c.host), 0)}; ${THEIRS} ${fmt(maxLog(c.theirs), 0)}`,
    `target: under one core: ${OURS} checker CPU guest ${fmt(num(c.ours?.cpuPct))} %, host ${fmt(num(c.host?.cpuPct))} %`,
  ];
  return [
    `### checkers — ${plan.tcp} TCP_CHECK + ${plan.http} HTTP_GET real servers, delay_loop 1, connect_timeout 1, retry 1, delay_before_retry 1`,
    '',
    `ramp (≥ 80 % of nominal checks/s, cap ${plan.rampCapS} s) + warm-up ${plan.warmupS} s, window ${plan.windowS} s; guest: qemu TCG (both daemons in one boot, same backends); host: ${OURS} alone in a netns without IPVS; ${c.load}`,
    '',
    markdownTable(HEADER, rows),
    '',
    ...target,
    errors(c),
  ].join('\n');
}

export async function checkerReloadBench(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const c = await collect<ReloadResult>('reload', 'checker-reload', env);
  const plan = basePlan('reload', '', [], false, env);
  const reloadMs = (r: ReloadResult): number | undefined => (r.capped ? undefined : r.reloadMs);
  const capped = (r: ReloadResult | undefined): string => (r?.capped ? `> ${plan.reloadCapS * 1000} (cap)` : fmt(num(r?.reloadMs), 0));
  const rows: string[][] = [
    ['SIGHUP → reload done line, ms', capped(c.ours), capped(c.theirs), ratio(c.ours && reloadMs(c.ours), c.theirs && reloadMs(c.theirs)), capped(c.host)],
    row('SIGHUP → checker child `Reloading` line (the file read; ours: by the parent), ms', c, (r) => r.childReloadingMs, 0),
    row("the checker's own reload step (ours: its done line's figure), ms", c, (r) => r.applyMs, 0),
    row('checker child CPU during the reload, s', c, (r) => r.reloadCpuS, 2),
    row('checker child CPU before (steady), % of one core', c, (r) => r.cpuPctSteady),
    row('TCP checks/s before the reload', c, (r) => r.tcpPerS),
    row('checker child VmRSS before, MB', c, (r) => r.rssMbBefore),
    row('checker child VmRSS after, MB', c, (r) => r.rssMbAfter),
    row('real servers in IPVS before', c, (r) => r.ipvsDestsBefore, 0),
    row('real servers in IPVS after', c, (r) => r.ipvsDestsAfter, 0),
    row('launch → checker child pid file, ms', c, (r) => r.childUpMs, 0),
    row('launch → backends see ≥ 80 % of the nominal check rate, ms', c, (r) => r.rampMs, 0),
  ];
  return [
    `### checker-reload — ${plan.reloadVs} virtual servers × ${plan.reloadRsPerVs} real servers (${plan.reloadVs * plan.reloadRsPerVs}) with TCP_CHECK, SIGHUP with the same config`,
    '',
    `delay_loop ${plan.reloadDelayLoopS}; done line /${plan.reloadDoneRe}/; reload cap ${plan.reloadCapS} s (keepalived 2.3 reloads this in ~0.25 s; 2.2.7 has the O(n²) reload of keepalived #2318); ${c.load}`,
    '',
    markdownTable(HEADER, rows),
    errors(c),
  ].join('\n');
}
