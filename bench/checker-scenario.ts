/**
 * The in-place part of the checker benchmarks (bench/checkers.ts): run as root inside the
 * qemu guest (IPVS present) or inside a benchmark network namespace (no IPVS), never in the
 * root namespace. Reads a plan (JSON file, argv[2]), gives the namespace a dummy interface
 * with the backend address, starts the backends (bench/checker-backends.ts), then runs each
 * daemon's checker (`-n -l -D -C -f CONF -p PID -c CPID`) one after the other on the same
 * backends and writes `result.json` (and `progress.log`, daemon logs) into the plan's dir.
 *
 * Mode `checkers`: warm-up, then a window measuring checks/s (backend counters), CPU and
 * RSS of the checker child; then `failTcp` TCP ports are closed (a connect gets RST) and
 * `failHttp` HTTP ports stalled (the check times out) at T0 and the time until each real
 * server is removed is taken from the daemon's "Removing service" log lines (timestamped
 * on arrival) and, with IPVS, from polling /proc/net/ip_vs; then they are reopened and
 * the time until "Adding service" is taken.
 * Mode `reload`: start, wait for "steady" (warm-up), SIGHUP with the same config, time until
 * the checker logs the end of its reload (keepalived: "Reload complete").
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isAlive, processTree, signalAll, sleep } from '../test/lab/proc.js';
import { waitFor } from '../test/lab/wait.js';
import { parseProcStatTicks, parseStatusKb } from './scale.js';
import { BACKEND_ADDR, checkerConf, checkersLayout, DETECTION_TIMING, HTTP_FIRST_PORT, reloadLayout, TCP_FIRST_PORT } from './checker-conf.js';

export interface ScenarioDaemon {
  readonly label: string;
  readonly prefix: readonly string[];
}

export interface ScenarioPlan {
  readonly mode: 'checkers' | 'reload';
  readonly dir: string;
  readonly daemons: readonly ScenarioDaemon[];
  /** Poll /proc/net/ip_vs (in the qemu guest). */
  readonly ipvs: boolean;
  readonly tcp: number;
  readonly http: number;
  readonly perVs: number;
  /** Backend processes for the TCP ports (one event loop accepting 10,000 connections/s can be the limit). */
  readonly tcpBackends: number;
  /** After launch, wait (up to rampCapS) until the backends see ≥ 80 % of the nominal check rate, then warmupS. */
  readonly rampCapS: number;
  readonly warmupS: number;
  readonly windowS: number;
  readonly failTcp: number;
  readonly failHttp: number;
  readonly detectCapS: number;
  readonly reloadVs: number;
  readonly reloadRsPerVs: number;
  readonly reloadCapS: number;
  /** delay_loop of the reload layout, s (30,000 checks on 15 backend ports at 1 s would exhaust ephemeral ports). */
  readonly reloadDelayLoopS: number;
  /** Matches the checker's "reload finished" log line (keepalived: "Reload complete"). */
  readonly reloadDoneRe: string;
}

export interface DetectionTimes {
  /** ms from T0 to the "Removing service" line, per failed port (undefined: not seen within the cap). */
  readonly log: ReadonlyArray<number | undefined>;
  /** ms from T0 to the first /proc/net/ip_vs poll without the real server (guest only). */
  readonly ipvs: ReadonlyArray<number | undefined>;
  /** ms from reopening to the "Adding service" line. */
  readonly recovery: ReadonlyArray<number | undefined>;
}

export interface CheckersResult {
  readonly label: string;
  readonly error?: string;
  /** launch → backends see ≥ 80 % of the nominal check rate (undefined: not within the cap). */
  readonly rampMs?: number;
  /** launch → the checker child's pid file, ms. */
  readonly childUpMs?: number;
  readonly tcpPerS?: number;
  readonly httpPerS?: number;
  readonly cpuPct?: number;
  /** CPU of the busiest backend process over the window, % of one core. */
  readonly backendCpuPct?: number;
  readonly rssMb?: number;
  readonly hwmMb?: number;
  readonly parentRssMb?: number;
  /** "Removing service" lines before T0 (should be 0: every backend was up). */
  readonly removedBeforeT0?: number;
  /** Real servers in /proc/net/ip_vs at the end of the window (guest only). */
  readonly ipvsDests?: number;
  readonly tcp?: DetectionTimes;
  readonly http?: DetectionTimes;
}

export interface ReloadResult {
  readonly label: string;
  readonly error?: string;
  readonly rampMs?: number;
  readonly childUpMs?: number;
  /** SIGHUP → the reload-done line, ms (undefined with `capped`). */
  readonly reloadMs?: number;
  readonly capped?: boolean;
  /** SIGHUP → the checker child's `Reloading` line (ours: the parent has read the file and sent it), ms. */
  readonly childReloadingMs?: number;
  /** The checker's own account of its reload step (ours: "(N ms)" on its done line), ms. */
  readonly applyMs?: number;
  /** CPU the checker child used from SIGHUP to the end of the reload, s. */
  readonly reloadCpuS?: number;
  readonly cpuPctSteady?: number;
  readonly rssMbBefore?: number;
  readonly rssMbAfter?: number;
  readonly ipvsDestsBefore?: number;
  readonly ipvsDestsAfter?: number;
  readonly tcpPerS?: number;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const REMOVING = /Removing service \[[^\]]+\]:(?:tcp:)?(\d+)/;
const ADDING = /Adding service \[[^\]]+\]:(?:tcp:)?(\d+)/;
const TICKS_PER_S = 100;

interface Line {
  readonly tMs: number;
  readonly text: string;
}

let progressFile = '';
function progress(msg: string): void {
  const line = `${new Date().toISOString().slice(11, 23)} ${msg}\n`;
  process.stderr.write(line);
  if (progressFile !== '') appendFileSync(progressFile, line);
}

class Backends {
  private readonly proc: ChildProcess;
  private readonly waiters: Array<(o: Record<string, unknown>) => void> = [];
  private readyResolve: (() => void) | undefined;
  readonly ready: Promise<void>;

  constructor(ranges: readonly string[]) {
    this.proc = spawn(process.execPath, [join(HERE, 'checker-backends.js'), BACKEND_ADDR, ...ranges], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.ready = new Promise((r) => (this.readyResolve = r));
    createInterface({ input: this.proc.stdout! }).on('line', (l) => {
      const o = JSON.parse(l) as Record<string, unknown>;
      if (o['type'] === 'ready') this.readyResolve?.();
      else this.waiters.shift()?.(o);
    });
  }

  command(cmd: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.proc.stdin!.write(`${cmd}\n`);
    });
  }

  async accepted(): Promise<{ tMs: number; tcp: number; http: number }> {
    const o = await this.command('stats');
    const a = o['accepted'] as { tcp: number; http: number };
    return { tMs: o['tMs'] as number, tcp: a.tcp, http: a.http };
  }

  /** The backend processes' pids (their CPU shows whether they, not the checker, were the limit). */
  pids(): number[] {
    return this.proc.pid === undefined ? [] : [this.proc.pid];
  }

  stop(): void {
    this.proc.stdin!.end();
    this.proc.kill('SIGTERM');
  }
}

class Daemon {
  readonly lines: Line[] = [];
  readonly pidFile: string;
  readonly checkPidFile: string;
  private readonly proc: ChildProcess;
  readonly startMs = Date.now();

  constructor(d: ScenarioDaemon, conf: string, dir: string) {
    const tag = d.label.replace(/[^a-z0-9]+/gi, '_');
    this.pidFile = join(dir, `${tag}.pid`);
    this.checkPidFile = join(dir, `${tag}_checkers.pid`);
    const [bin, ...pre] = d.prefix;
    this.proc = spawn(bin!, [...pre, '-n', '-l', '-D', '-C', '-f', conf, '-p', this.pidFile, '-c', this.checkPidFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    // A stream, not a write per line: the directory may be a 9p share of a TCG guest.
    const log = createWriteStream(join(dir, `${tag}.log`));
    for (const s of [this.proc.stdout!, this.proc.stderr!]) {
      createInterface({ input: s }).on('line', (text) => {
        this.lines.push({ tMs: Date.now(), text });
        log.write(`${text}\n`);
      });
    }
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async childPid(ms: number): Promise<number> {
    const live = (): number | undefined => {
      const pid = existsSync(this.checkPidFile) ? Number(readFileSync(this.checkPidFile, 'utf8').trim()) : 0;
      if (pid > 0 && isAlive(pid)) return pid;
      if (!this.running) throw new Error(`exited (${this.proc.exitCode ?? this.proc.signalCode ?? '?'}) before its checker child was up: ${this.lines.slice(-3).map((l) => l.text).join(' | ')}`);
      return undefined;
    };
    return waitFor(live, ms, `a checker child pid in ${this.checkPidFile}`, { pollMs: 50 });
  }

  hup(): number {
    const t = Date.now();
    this.proc.kill('SIGHUP');
    return t;
  }

  async stop(): Promise<void> {
    const pid = this.proc.pid;
    if (pid === undefined || !this.running) return;
    const tree = processTree(pid);
    this.proc.kill('SIGTERM');
    await waitFor(() => !this.running, 20_000, 'the daemon to exit', { pollMs: 50 }).catch(() => undefined); // SIGKILL below
    signalAll(tree.filter(isAlive), 'SIGKILL');
  }
}

interface ProcFigures {
  readonly ticks: number;
  readonly rssKb: number;
  readonly hwmKb: number;
}

function procFigures(pid: number): ProcFigures {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { ticks: parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')), rssKb: parseStatusKb(status, 'VmRSS'), hwmKb: parseStatusKb(status, 'VmHWM') };
}

/** Ports of BACKEND_ADDR present as real servers in /proc/net/ip_vs (with multiplicity in `count`). */
export function ipvsDestPorts(text: string, addrHex: string): { ports: Set<number>; count: number } {
  const ports = new Set<number>();
  let count = 0;
  for (const m of text.matchAll(/^\s+->\s+([0-9A-F]{8}):([0-9A-F]{4})\s/gm)) {
    if (m[1] !== addrHex) continue;
    ports.add(parseInt(m[2]!, 16));
    count++;
  }
  return { ports, count };
}

const ADDR_HEX = BACKEND_ADDR.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join('').toUpperCase();

function readIpvs(): { ports: Set<number>; count: number } {
  return ipvsDestPorts(readFileSync('/proc/net/ip_vs', 'utf8'), ADDR_HEX);
}

function setupNamespace(): void {
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  try {
    execFileSync('ip', ['link', 'add', 'kbd0', 'type', 'dummy'], { stdio: 'ignore' });
  } catch {
    // A kernel without the dummy driver: a veth pair with both ends in this namespace.
    execFileSync('ip', ['link', 'add', 'kbd0', 'type', 'veth', 'peer', 'name', 'kbd1']);
    execFileSync('ip', ['link', 'set', 'kbd1', 'up']);
  }
  execFileSync('ip', ['addr', 'add', `${BACKEND_ADDR}/24`, 'dev', 'kbd0']);
  execFileSync('ip', ['link', 'set', 'kbd0', 'up']);
}

/** First arrival time of `re`'s port for each wanted port after `sinceMs`, relative to `t0`. */
function firstPerPort(lines: readonly Line[], re: RegExp, ports: readonly number[], sinceMs: number, t0: number): Array<number | undefined> {
  const first = new Map<number, number>();
  for (const l of lines) {
    if (l.tMs < sinceMs) continue;
    const m = re.exec(l.text);
    if (m && !first.has(Number(m[1]))) first.set(Number(m[1]), l.tMs - t0);
  }
  return ports.map((p) => first.get(p));
}

/**
 * Waits until the backends count ≥ 80 % of `nominalPerS` checks per second over 3 s
 * (delay_loop runs from the end of a check, so the sustained rate is a little below nominal)
 * (keepalived activates its checkers one by one, logging each, which takes a minute for
 * 12,000 under TCG). Returns launch → that moment, ms, or undefined after `capS`.
 */
async function waitRamp(be: Backends, daemon: Daemon, nominalPerS: number, capS: number, label: string): Promise<number | undefined> {
  // The rate over the last 3 s (checks may come in bursts, a 1 s sample can read 0).
  const samples = [await be.accepted()];
  let lastLog = 0;
  while (Date.now() - daemon.startMs < capS * 1000) {
    await sleep(1000);
    if (!daemon.running) throw new Error('daemon exited during the ramp');
    samples.push(await be.accepted());
    if (samples.length > 4) samples.shift();
    const a = samples[0]!;
    const b = samples[samples.length - 1]!;
    const rate = (b.tcp + b.http - a.tcp - a.http) / ((b.tMs - a.tMs) / 1000);
    if (samples.length === 4 && rate >= 0.8 * nominalPerS) return Date.now() - daemon.startMs;
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      progress(`${label}: ramp: ${rate.toFixed(0)} of ${nominalPerS.toFixed(0)} checks/s`);
    }
  }
  progress(`${label}: nominal check rate not reached within ${capS} s`);
  return undefined;
}

interface Window {
  readonly pid: number;
  readonly childUpMs: number;
  readonly rampMs: number | undefined;
  readonly tcpPerS: number;
  readonly httpPerS: number;
  readonly cpuPct: number;
  /** CPU of the busiest backend process, % of one core. */
  readonly backendCpuPct: number;
  /** The checker child at the end of the window. */
  readonly end: ProcFigures;
}

/** Checker child up → ramp → warm-up → the measuring window (backend counters, child CPU). */
async function steadyWindow(plan: ScenarioPlan, label: string, daemon: Daemon, be: Backends, nominalPerS: number, upMs: number): Promise<Window> {
  const pid = await daemon.childPid(upMs);
  const childUpMs = Date.now() - daemon.startMs;
  progress(`${label}: checker child ${pid} up after ${childUpMs} ms`);
  const rampMs = await waitRamp(be, daemon, nominalPerS, plan.rampCapS, label);
  await sleep(plan.warmupS * 1000);
  const a0 = await be.accepted();
  const p0 = procFigures(pid);
  const b0 = be.pids().map((b) => procFigures(b).ticks);
  await sleep(plan.windowS * 1000);
  const a1 = await be.accepted();
  const p1 = procFigures(pid);
  const b1 = be.pids().map((b) => procFigures(b).ticks);
  const s = (a1.tMs - a0.tMs) / 1000;
  const pct = (ticks: number): number => (ticks / TICKS_PER_S / s) * 100;
  const backendCpuPct = Math.max(0, ...b1.map((t, i) => pct(t - (b0[i] ?? t))));
  return { pid, childUpMs, rampMs, tcpPerS: (a1.tcp - a0.tcp) / s, httpPerS: (a1.http - a0.http) / s, cpuPct: pct(p1.ticks - p0.ticks), backendCpuPct, end: p1 };
}

async function runCheckers(plan: ScenarioPlan, d: ScenarioDaemon, be: Backends, conf: string): Promise<CheckersResult> {
  const r: Record<string, unknown> = { label: d.label };
  const daemon = new Daemon(d, conf, plan.dir);
  try {
    const w = await steadyWindow(plan, d.label, daemon, be, (plan.tcp + plan.http) / DETECTION_TIMING.delayLoopS, 120_000);
    Object.assign(r, { childUpMs: w.childUpMs, rampMs: w.rampMs, tcpPerS: w.tcpPerS, httpPerS: w.httpPerS, cpuPct: w.cpuPct, backendCpuPct: w.backendCpuPct });
    r['rssMb'] = w.end.rssKb / 1024;
    r['hwmMb'] = w.end.hwmKb / 1024;
    const main = Number(readFileSync(daemon.pidFile, 'utf8').trim());
    if (main > 0 && isAlive(main)) r['parentRssMb'] = procFigures(main).rssKb / 1024;
    if (plan.ipvs) r['ipvsDests'] = readIpvs().count;
    progress(`${d.label}: ${fmt(r['tcpPerS'])} TCP + ${fmt(r['httpPerS'])} HTTP checks/s, CPU ${fmt(r['cpuPct'])} %, RSS ${fmt(r['rssMb'])} MB`);

    // Detection: fail the first failTcp TCP and failHttp HTTP real servers at T0.
    const tcpPorts = Array.from({ length: plan.failTcp }, (_, i) => TCP_FIRST_PORT + i);
    const httpPorts = Array.from({ length: plan.failHttp }, (_, i) => HTTP_FIRST_PORT + i);
    const t0 = Date.now();
    r['removedBeforeT0'] = daemon.lines.filter((l) => l.tMs < t0 && REMOVING.test(l.text)).length;
    if (plan.failTcp > 0) await be.command(`close tcp ${TCP_FIRST_PORT} ${plan.failTcp}`);
    if (plan.failHttp > 0) await be.command(`stall http ${HTTP_FIRST_PORT} ${plan.failHttp}`);
    const gone = new Map<number, number>();
    const want = [...tcpPorts, ...httpPorts];
    // Only a real server present at T0 can be timed leaving the table.
    const presentAtT0 = plan.ipvs ? readIpvs().ports : new Set<number>();
    const capMs = plan.detectCapS * 1000;
    const removedAll = (): boolean => firstPerPort(daemon.lines, REMOVING, want, t0, t0).every((x) => x !== undefined);
    while (Date.now() - t0 < capMs) {
      if (plan.ipvs) {
        const { ports } = readIpvs();
        const t = Date.now() - t0;
        for (const p of want) if (presentAtT0.has(p) && !ports.has(p) && !gone.has(p)) gone.set(p, t);
        if (gone.size >= want.filter((p) => presentAtT0.has(p)).length && removedAll()) break;
        await sleep(25);
      } else {
        if (removedAll()) break;
        await sleep(50);
      }
    }
    await sleep(200);
    const det = (ports: number[]): DetectionTimes => ({
      log: firstPerPort(daemon.lines, REMOVING, ports, t0, t0),
      ipvs: plan.ipvs ? ports.map((p) => gone.get(p)) : [],
      recovery: [],
    });
    const tcpDet = det(tcpPorts);
    const httpDet = det(httpPorts);
    progress(`${d.label}: removed ${tcpDet.log.filter((x) => x !== undefined).length}/${tcpPorts.length} TCP, ${httpDet.log.filter((x) => x !== undefined).length}/${httpPorts.length} HTTP (log) in ${Date.now() - t0} ms`);

    // Recovery: reopen, time until "Adding service".
    const t1 = Date.now();
    if (plan.failTcp > 0) await be.command(`open tcp ${TCP_FIRST_PORT} ${plan.failTcp}`);
    if (plan.failHttp > 0) await be.command(`open http ${HTTP_FIRST_PORT} ${plan.failHttp}`);
    while (Date.now() - t1 < capMs && !firstPerPort(daemon.lines, ADDING, want, t1, t1).every((x) => x !== undefined)) await sleep(50);
    r['tcp'] = { ...tcpDet, recovery: firstPerPort(daemon.lines, ADDING, tcpPorts, t1, t1) };
    r['http'] = { ...httpDet, recovery: firstPerPort(daemon.lines, ADDING, httpPorts, t1, t1) };
  } catch (e) {
    r['error'] = e instanceof Error ? e.message : String(e);
    progress(`${d.label}: ${String(r['error'])}`);
  } finally {
    await daemon.stop();
  }
  return r as unknown as CheckersResult;
}

async function runReload(plan: ScenarioPlan, d: ScenarioDaemon, be: Backends, conf: string): Promise<ReloadResult> {
  const r: Record<string, unknown> = { label: d.label };
  const daemon = new Daemon(d, conf, plan.dir);
  try {
    const w = await steadyWindow(plan, d.label, daemon, be, (plan.reloadVs * plan.reloadRsPerVs) / plan.reloadDelayLoopS, 300_000);
    const pid = w.pid;
    const p1 = w.end;
    Object.assign(r, { childUpMs: w.childUpMs, rampMs: w.rampMs, tcpPerS: w.tcpPerS, cpuPctSteady: w.cpuPct });
    r['rssMbBefore'] = p1.rssKb / 1024;
    if (plan.ipvs) r['ipvsDestsBefore'] = readIpvs().count;
    const done = new RegExp(plan.reloadDoneRe);
    const th = daemon.hup();
    progress(`${d.label}: SIGHUP (${fmt(r['tcpPerS'])} checks/s before, CPU ${fmt(r['cpuPctSteady'])} %)`);
    let doneAt: number | undefined;
    while (Date.now() - th < plan.reloadCapS * 1000 && daemon.running) {
      const l = daemon.lines.find((x) => x.tMs >= th && done.test(x.text));
      if (l) {
        doneAt = l.tMs;
        break;
      }
      await sleep(10);
    }
    // The child may have been replaced by the reload: read the pid file again.
    const pidAfter = await daemon.childPid(5000).catch(() => pid);
    if (doneAt === undefined) r['capped'] = true;
    else r['reloadMs'] = doneAt - th;
    const reloading = daemon.lines.find((x) => x.tMs >= th && /Reloading$/.test(x.text));
    if (reloading) r['childReloadingMs'] = reloading.tMs - th;
    const own = daemon.lines.find((x) => x.tMs >= th && done.test(x.text))?.text.match(/\((\d+) ms\)$/);
    if (own) r['applyMs'] = Number(own[1]);
    if (pidAfter === pid && isAlive(pid)) {
      const p2 = procFigures(pid);
      r['reloadCpuS'] = (p2.ticks - p1.ticks) / TICKS_PER_S;
      r['rssMbAfter'] = p2.rssKb / 1024;
    }
    if (plan.ipvs) r['ipvsDestsAfter'] = readIpvs().count;
    progress(`${d.label}: reload ${doneAt === undefined ? `> ${plan.reloadCapS} s (cap)` : `${doneAt - th} ms`}`);
  } catch (e) {
    r['error'] = e instanceof Error ? e.message : String(e);
    progress(`${d.label}: ${String(r['error'])}`);
  } finally {
    await daemon.stop();
  }
  return r as unknown as ReloadResult;
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? v.toFixed(1) : 'n/a';
}

async function main(planPath: string): Promise<void> {
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as ScenarioPlan;
  progressFile = join(plan.dir, 'progress.log');
  setupNamespace();
  const reload = plan.mode === 'reload';
  const layout = reload ? reloadLayout(plan.reloadVs, plan.reloadRsPerVs) : checkersLayout(plan.tcp, plan.http, plan.perVs);
  const conf = join(plan.dir, `${plan.mode}.conf`);
  writeFileSync(conf, checkerConf(layout, reload ? { ...DETECTION_TIMING, delayLoopS: plan.reloadDelayLoopS } : DETECTION_TIMING));
  const ranges = reload ? [`tcp:${TCP_FIRST_PORT}:${plan.reloadRsPerVs}`] : [...splitRange('tcp', TCP_FIRST_PORT, plan.tcp, plan.tcpBackends ?? 1), ...(plan.http > 0 ? [`http:${HTTP_FIRST_PORT}:${plan.http}`] : [])];
  // One process per range: the TCP ports are split over `tcpBackends` event loops, HTTP has its own.
  const backends = ranges.map((rg) => new Backends([rg]));
  await Promise.all(backends.map((b) => b.ready));
  const be = combine(backends);
  progress(`backends listening (${ranges.join(' ')}); ${layout.length} virtual servers`);
  const results: Array<CheckersResult | ReloadResult> = [];
  try {
    for (const d of plan.daemons) {
      results.push(reload ? await runReload(plan, d, be, conf) : await runCheckers(plan, d, be, conf));
      writeFileSync(join(plan.dir, 'result.json'), `${JSON.stringify(results, null, 2)}\n`);
      await sleep(2000);
    }
  } finally {
    for (const b of backends) b.stop();
  }
}

function splitRange(kind: string, first: number, count: number, parts: number): string[] {
  const n = Math.max(1, Math.min(parts, count));
  const size = Math.ceil(count / n);
  const out: string[] = [];
  for (let i = 0; i < count; i += size) out.push(`${kind}:${first + i}:${Math.min(size, count - i)}`);
  return out;
}

/** One façade over the backend processes: commands go to all, counters are summed. */
function combine(bs: readonly Backends[]): Backends {
  const facade = Object.create(Backends.prototype) as Backends;
  facade.command = async (cmd: string) => (await Promise.all(bs.map((b) => b.command(cmd))))[0]!;
  facade.pids = () => bs.flatMap((b) => b.pids());
  facade.accepted = async () => {
    const xs = await Promise.all(bs.map((b) => b.accepted()));
    return { tMs: Math.max(...xs.map((x) => x.tMs)), tcp: xs.reduce((n, x) => n + x.tcp, 0), http: xs.reduce((n, x) => n + x.http, 0) };
  };
  return facade;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv[2] ?? '').then(
    () => process.exit(0),
    (e: unknown) => {
      progress(`scenario failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    },
  );
}
