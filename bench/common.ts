/**
 * Shared pieces of the benchmarks in bench/: which daemons are compared (keepalived-ts and
 * Debian's keepalived, both through the lab's daemon contract), summary statistics, the
 * machine description and the Markdown tables every benchmark prints. Benchmarks measure
 * and print; they never assert.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonCommandFromEnv, type DaemonCommand } from '../test/lab/lab-daemon.js';
import { requireRoot } from '../test/lab/netns.js';

export const OURS = 'keepalived-ts';
export const THEIRS = 'keepalived';

/** Ours first, then keepalived; BENCH_DAEMONS=keepalived-ts (or keepalived) runs only one of them. */
export function benchDaemons(env: NodeJS.ProcessEnv = process.env): DaemonCommand[] {
  const wanted = (env['BENCH_DAEMONS'] ?? `${OURS},${THEIRS}`).split(',').map((s) => s.trim());
  const out: DaemonCommand[] = [];
  if (wanted.includes(OURS)) out.push(daemonCommandFromEnv({ ...env, DEMO_DAEMON: undefined }));
  if (wanted.includes(THEIRS)) out.push(daemonCommandFromEnv({ ...env, DEMO_DAEMON: 'keepalived' }));
  if (out.length === 0) throw new Error(`BENCH_DAEMONS=${env['BENCH_DAEMONS'] ?? ''}: expected ${OURS} and/or ${THEIRS}`);
  return out;
}

export function requireTools(tools: ReadonlyArray<readonly [cmd: string, pkg: string]>): void {
  requireRoot();
  for (const [cmd, pkg] of tools) {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`the benchmark needs ${cmd}: apt-get install ${pkg}`);
    }
  }
}

export function envNumber(name: string, dflt: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}=${raw}: expected a positive number`);
  return v;
}

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Median (mean of the middle two for an even count), min and max of the defined values. */
export function summarize(values: ReadonlyArray<number | undefined>): Summary | undefined {
  const xs = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const mid = xs.length >> 1;
  const median = xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  return { n: xs.length, median, min: xs[0]!, max: xs[xs.length - 1]! };
}

export const fmt = (v: number | undefined, digits = 1): string => (v === undefined ? 'n/a' : v.toFixed(digits));

/** ours / theirs, as printed in every table. */
export function ratio(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined || theirs === 0) return 'n/a';
  return (ours / theirs).toFixed(3);
}

export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Observers (tcpdump, ip monitor) run at nice −10, as the shared lab does, so they keep up under load. */
export function renice(pids: ReadonlyArray<number | undefined>, prio = -10): void {
  for (const p of pids) {
    if (p === undefined) continue;
    try {
      setPriority(p, prio);
    } catch {
      /* it may have exited already; the measurement only gets noisier */
    }
  }
}

function keepalivedVersion(): string {
  // keepalived prints its version on stderr.
  const r = spawnSync('/usr/sbin/keepalived', ['--version'], { encoding: 'utf8' });
  return `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n')[0]?.trim() || 'keepalived: not found';
}

/** One line describing where the figures come from (RESULTS.md records it). */
export function machineLine(): string {
  const c = cpus();
  return `${new Date().toISOString()} · ${c.length} cores (${c[0]?.model.trim() ?? '?'}) · kernel ${release()} · node ${process.version} · ${keepalivedVersion()}`;
}

/** Where a benchmark leaves its raw figures and daemon logs: BENCH_OUT, else a fresh directory under /tmp. */
export function outDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env['BENCH_OUT'] ?? join(tmpdir(), `kts-bench-${process.pid}`);
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
