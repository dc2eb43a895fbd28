/**
 * "Ours vs Debian keepalived" IPVS comparison: one qemu guest boot runs the same scenario
 * (test/qemu/ipvs-scenario.sh: real servers in a guest netns, start, RS death and return,
 * SIGHUP reload with an edited config, SIGTERM, -I and lvs_flush variants) for each daemon, side
 * by side in separate network namespaces, and records `ipvsadm -S -n` (sorted) after each phase. Snapshots of two runs are
 * compared line by line per IPVS service and destination.
 *   node dist/test/qemu/ipvs-compare.js keepalived|ours [keepalived|ours] [--out FILE] [--no-variants]
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

/**
 * Run the scenario for every daemon in ONE guest boot, concurrently: each daemon has its own
 * network namespace (hence its own IPVS table) and its own real servers.
 */
export async function runCompareScenarios(
  daemons: readonly CompareDaemon[],
  opts: { readonly variants?: boolean; readonly timeoutMs?: number } = {},
): Promise<CompareRunDetail[]> {
  if (daemons.length === 0 || new Set(daemons).size !== daemons.length) throw new Error(`ipvs-compare: bad daemon list: ${daemons.join(' ')}`);
  const cmds = daemons.map((d) => ({ d, ...daemonCommand(d) }));
  if (/\s/.test(SCENARIO_DIR) || cmds.some((c) => /'/.test(c.prefix))) throw new Error('ipvs-compare: paths with blanks/quotes are not supported');
  mkdirSync(join(cacheDir(), 'jobs'), { recursive: true });
  const job = mkdtempSync(join(cacheDir(), 'jobs', `compare-${daemons.join('-')}-`));
  try {
    const confs = compareConfigs();
    writeFileSync(join(job, 'conf-initial'), confs.initial);
    writeFileSync(join(job, 'conf-reload'), confs.reload);
    writeFileSync(join(job, 'conf-flush'), confs.flush);
    const env = cmds.map((c) => `DAEMON_${c.d}='${c.prefix}'`).join(' ');
    const command = [
      ...cmds.map((c) => `echo "version ${c.d}: $(${c.prefix} -v 2>&1 | head -1)"`),
      `JOB="$KTS_JOB_DIR" HERE='${SCENARIO_DIR}' DAEMONS='${daemons.join(' ')}' ${env} VARIANTS=${opts.variants === false ? 0 : 1} ` +
        `sh '${join(SCENARIO_DIR, 'ipvs-scenario.sh')}'`,
    ].join('\n');
    const r = await runInGuest({ command, jobDir: job, timeoutMs: opts.timeoutMs ?? 300_000 });
    const shared = ['--- scenario', tail(r.output, 80), '--- console', tail(r.consoleLog, 30)];
    return cmds.map((c): CompareRunDetail => {
      const dir = join(job, c.d);
      const phases = readLines(join(dir, 'phases')).map((l) => l.split(' '));
      const snapDir = join(dir, 'snap');
      const snapshots = safeReaddir(snapDir).sort().map((f, i): IpvsSnapshot => ({
        phase: f.replace(/^\d+-/, '').replace(/\.txt$/, ''),
        table: readLines(join(snapDir, f)),
        waitedMs: Number(phases[i]?.[1] ?? 0),
      }));
      const version = c.d === 'keepalived' ? keepalivedVersion(r.output) : undefined;
      const logs = safeReaddir(dir)
        .filter((f) => f.startsWith('daemon-') || f === 'rs-servers.log')
        .map((f) => `--- ${c.d}/${f}\n${tail(safeRead(join(dir, f)), 40)}`);
      return {
        daemon: version === undefined ? c.label : `${c.label} ${version}`,
        kernel: pickKernel() ?? 'unknown',
        snapshots,
        wallMs: r.wallMs,
        rc: r.rc,
        diagnostics: [`rc=${r.rc} wall=${r.wallMs} ms`, ...logs, ...shared].join('\n'),
      };
    });
  } finally {
    if (process.env['KTS_KEEP_JOB'] === undefined) rmSync(job, { recursive: true, force: true });
  }
}

/** The scenario for one daemon in its own guest boot. */
export async function runCompareScenario(
  d: CompareDaemon,
  opts: { readonly variants?: boolean; readonly timeoutMs?: number } = {},
): Promise<CompareRunDetail> {
  const [run] = await runCompareScenarios([d], opts);
  if (!run) throw new Error('ipvs-compare: no run');
  return run;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
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

const isDaemon = (x: string): x is CompareDaemon => x === 'keepalived' || x === 'ours';

async function main(argv: readonly string[]): Promise<number> {
  const outIdx = argv.indexOf('--out');
  const daemons = argv.filter((x, i) => !x.startsWith('--') && i !== outIdx + 1);
  if (daemons.length === 0 || !daemons.every(isDaemon)) {
    console.error('usage: ipvs-compare.js keepalived|ours [keepalived|ours] [--out FILE] [--no-variants]');
    return 2;
  }
  const runs = await runCompareScenarios(daemons, { variants: !argv.includes('--no-variants') });
  const fixture = readFixture();
  for (const run of runs) {
    console.error(run.diagnostics);
    const diffs = diffRuns(fixture, run);
    console.error(`ipvs-compare: ${run.daemon}: ${run.snapshots.length} snapshots, guest wall ${run.wallMs} ms, rc ${run.rc}; ` +
      `vs ${fixture.daemon} reference: ${diffs.length === 0 ? 'equal' : `${diffs.length} difference(s)\n${diffs.join('\n')}`}`);
  }
  const docs = runs.map((run): CompareRun => ({ daemon: run.daemon, kernel: run.kernel, snapshots: run.snapshots }));
  // One daemon: a CompareRun (the fixture's format); several: an array of them.
  const json = JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2) + '\n';
  const out = outIdx >= 0 ? argv[outIdx + 1] : undefined;
  if (out !== undefined) {
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, json);
  } else {
    process.stdout.write(json);
  }
  return runs.every((r) => r.rc === 0) ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((rc) => process.exit(rc), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
