/**
 * "Ours vs Debian keepalived" IPVS comparison: one qemu guest boot per daemon runs the same
 * scenario (test/qemu/ipvs-scenario.sh: real servers in a guest netns, start, RS death and
 * return, SIGHUP reload with an edited config, SIGTERM, -I and lvs_flush variants) and records
 * `ipvsadm -S -n` (sorted) after each phase. Snapshots of two daemons are compared line by line
 * per IPVS service and destination.
 *   node dist/test/qemu/ipvs-compare.js keepalived|ours [--out FILE]
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, pickKernel, runInGuest } from './qemu-vm.js';
import { compareConfigs } from './ipvs-compare-conf.js';

export interface IpvsSnapshot {
  readonly phase: string;
  /** `ipvsadm -S -n` lines, sorted (C locale). */
  readonly table: readonly string[];
  readonly waitedMs: number;
}

export interface CompareRun {
  readonly daemon: string;
  readonly kernel: string;
  readonly snapshots: readonly IpvsSnapshot[];
}

export interface CompareRunDetail extends CompareRun {
  readonly wallMs: number;
  readonly rc: number;
  /** Scenario output, daemon logs and the guest console, for failure messages. */
  readonly diagnostics: string;
}

export type CompareDaemon = 'keepalived' | 'ours';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Repository root from dist/test/qemu (compiled) — the scenario files live in test/qemu. */
const REPO = resolve(HERE, '..', '..', '..');
const SCENARIO_DIR = join(REPO, 'test', 'qemu');

export function daemonCommand(d: CompareDaemon): { readonly label: string; readonly prefix: string } {
  switch (d) {
    case 'keepalived':
      return { label: 'keepalived', prefix: '/usr/sbin/keepalived' };
    case 'ours':
      return { label: 'keepalived-ts', prefix: `${process.execPath} ${join(REPO, 'dist', 'src', 'cli', 'keepalived-ts.js')}` };
  }
}

function keepalivedVersion(output: string): string | undefined {
  return /Keepalived v(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** Run the scenario for one daemon in one guest boot. */
export async function runCompareScenario(
  d: CompareDaemon,
  opts: { readonly variants?: boolean; readonly timeoutMs?: number } = {},
): Promise<CompareRunDetail> {
  const cmd = daemonCommand(d);
  if (/\s/.test(SCENARIO_DIR) || /'/.test(cmd.prefix)) throw new Error(`ipvs-compare: paths with blanks/quotes are not supported: ${cmd.prefix}`);
  mkdirSync(join(cacheDir(), 'jobs'), { recursive: true });
  const job = mkdtempSync(join(cacheDir(), 'jobs', `compare-${d}-`));
  try {
    const confs = compareConfigs();
    writeFileSync(join(job, 'conf-initial'), confs.initial);
    writeFileSync(join(job, 'conf-reload'), confs.reload);
    writeFileSync(join(job, 'conf-flush'), confs.flush);
    const command = [
      `${cmd.prefix} -v 2>&1 | head -1`,
      `JOB="$KTS_JOB_DIR" HERE='${SCENARIO_DIR}' DAEMON='${cmd.prefix}' VARIANTS=${opts.variants === false ? 0 : 1} ` +
        `sh '${join(SCENARIO_DIR, 'ipvs-scenario.sh')}'`,
    ].join('\n');
    const r = await runInGuest({ command, jobDir: job, timeoutMs: opts.timeoutMs ?? 240_000 });
    const phases = readLines(join(job, 'phases')).map((l) => l.split(' '));
    const snapDir = join(job, 'snap');
    const files = safeReaddir(snapDir).sort();
    const snapshots = files.map((f, i): IpvsSnapshot => ({
      phase: f.replace(/^\d+-/, '').replace(/\.txt$/, ''),
      table: readLines(join(snapDir, f)),
      waitedMs: Number(phases[i]?.[1] ?? 0),
    }));
    const version = d === 'keepalived' ? keepalivedVersion(r.output) : undefined;
    const logs = safeReaddir(job)
      .filter((f) => f.startsWith('daemon-') || f === 'rs-servers.log')
      .map((f) => `--- ${f}\n${tail(readFileSync(join(job, f), 'utf8'), 40)}`);
    return {
      daemon: version === undefined ? cmd.label : `${cmd.label} ${version}`,
      kernel: pickKernel() ?? 'unknown',
      snapshots,
      wallMs: r.wallMs,
      rc: r.rc,
      diagnostics: [`rc=${r.rc} wall=${r.wallMs} ms`, '--- scenario', tail(r.output, 60), ...logs, '--- console', tail(r.consoleLog, 30)].join('\n'),
    };
  } finally {
    if (process.env['KTS_KEEP_JOB'] === undefined) rmSync(job, { recursive: true, force: true });
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  } catch {
    return [];
  }
}

function tail(text: string, n: number): string {
  return text.split('\n').slice(-n).join('\n');
}

/** Service key of an `ipvsadm -S` line: `-t ADDR:PORT`, `-u …`, `--sctp-service …` or `-f MARK`. */
function serviceKey(tokens: readonly string[]): string {
  return tokens.slice(1, 3).join(' ');
}

interface TableIndex {
  readonly services: Map<string, string>;
  readonly dests: Map<string, string>;
}

function indexTable(lines: readonly string[]): TableIndex {
  const services = new Map<string, string>();
  const dests = new Map<string, string>();
  for (const line of lines) {
    const t = line.split(/\s+/);
    if (t[0] === '-A') services.set(serviceKey(t), line);
    else if (t[0] === '-a') dests.set(`${serviceKey(t)} ${t.slice(3, 5).join(' ')}`, line);
    else services.set(`? ${line}`, line);
  }
  return { services, dests };
}

function diffMaps(kind: string, a: Map<string, string>, b: Map<string, string>, la: string, lb: string): string[] {
  const out: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    if (x === y) continue;
    if (y === undefined) out.push(`${kind} ${key}: only in ${la}: ${x ?? ''}`);
    else if (x === undefined) out.push(`${kind} ${key}: only in ${lb}: ${y}`);
    else out.push(`${kind} ${key}: ${la} \`${x}\` vs ${lb} \`${y}\``);
  }
  return out;
}

/** Differences between two snapshots of the same phase; [] when equal. */
export function diffSnapshot(a: IpvsSnapshot, b: IpvsSnapshot, la: string, lb: string): string[] {
  const ia = indexTable(a.table);
  const ib = indexTable(b.table);
  return [
    ...diffMaps('service', ia.services, ib.services, la, lb),
    ...diffMaps('dest', ia.dests, ib.dests, la, lb),
  ].map((l) => `[${a.phase}] ${l}`);
}

/** Phase-by-phase differences between two runs (missing phases included). */
export function diffRuns(a: CompareRun, b: CompareRun): string[] {
  const out: string[] = [];
  const phases = [...new Set([...a.snapshots.map((s) => s.phase), ...b.snapshots.map((s) => s.phase)])];
  for (const phase of phases) {
    const sa = a.snapshots.find((s) => s.phase === phase);
    const sb = b.snapshots.find((s) => s.phase === phase);
    if (sa === undefined) out.push(`[${phase}] no snapshot from ${a.daemon}`);
    else if (sb === undefined) out.push(`[${phase}] no snapshot from ${b.daemon}`);
    else out.push(...diffSnapshot(sa, sb, a.daemon, b.daemon));
  }
  return out;
}

export function fixturePath(): string {
  return join(REPO, 'test', 'fixtures', 'ipvs-compare', 'keepalived-2.2.7.json');
}

export function readFixture(path = fixturePath()): CompareRun {
  return JSON.parse(readFileSync(path, 'utf8')) as CompareRun;
}

async function main(argv: readonly string[]): Promise<number> {
  const d = argv[0];
  if (d !== 'keepalived' && d !== 'ours') {
    console.error('usage: ipvs-compare.js keepalived|ours [--out FILE] [--no-variants]');
    return 2;
  }
  const outIdx = argv.indexOf('--out');
  const run = await runCompareScenario(d, { variants: !argv.includes('--no-variants') });
  console.error(run.diagnostics);
  const doc: CompareRun = { daemon: run.daemon, kernel: run.kernel, snapshots: run.snapshots };
  const json = JSON.stringify(doc, null, 2) + '\n';
  const out = outIdx >= 0 ? argv[outIdx + 1] : undefined;
  if (out !== undefined) {
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, json);
  } else {
    process.stdout.write(json);
  }
  console.error(`ipvs-compare: ${run.daemon}: ${run.snapshots.length} snapshots, guest wall ${run.wallMs} ms, rc ${run.rc}`);
  return run.rc === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((rc) => process.exit(rc), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
