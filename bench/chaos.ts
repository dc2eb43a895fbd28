/**
 * Chaos benchmark (`npm run bench -- chaos`): the same seeded schedule of faults
 * (test/chaos/chaos-run.ts: VRRP loss, delay, partition, interface flaps, SIGKILL/SIGSTOP of
 * child and parent, SIGHUP storms) on two keepalived-ts nodes, then on two keepalived
 * nodes, same config; and once more on keepalived-ts with its log file on a full tmpfs
 * (Debian's keepalived has no log file option: it logs to syslog and the console). Per fault
 * kind: dual-master time, how long a dual master outlived the lifted fault, VIP-less time,
 * time to settle. docs/reliability.md defines the figures and records a run.
 *
 * Env: BENCH_CHAOS_STEPS (20: each kind twice), BENCH_CHAOS_SEED (7), BENCH_ADVERT_INT (1),
 * BENCH_CHAOS_DISK (1: the full-log-disk run; 0 skips it), BENCH_DAEMONS, BENCH_OUT.
 */
import { join } from 'node:path';
import { intEnv, positiveIntEnv } from '../src/test-kit/env-knobs.js';
import { chaosSchedule, FAULT_KINDS, runChaos, type ChaosResult } from '../test/chaos/chaos-run.js';
import { benchDaemons, envNumber, fmt, markdownTable, OURS, outDir, requireTools, summarize, writeJson } from './common.js';

interface Column {
  readonly label: string;
  readonly result: ChaosResult;
}

type StepOf = ChaosResult['steps'][number];

/** One cell: `f` over the steps, summed, maxed or the median; "never settled" when a step has no value. */
function aggregate(steps: readonly StepOf[], f: (s: StepOf) => number | undefined, agg: 'sum' | 'max' | 'median'): string {
  const xs = steps.map(f);
  if (xs.length === 0) return 'n/a';
  const ys = xs.filter((x): x is number => x !== undefined);
  const never = ys.length < xs.length ? ` (${xs.length - ys.length} never settled)` : '';
  if (ys.length === 0) return `never settled`;
  const v = agg === 'sum' ? ys.reduce((a, b) => a + b, 0) : agg === 'max' ? Math.max(...ys) : summarize(ys)?.median;
  return `${fmt(v, 0)}${never}`;
}

export async function chaosBench(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  requireTools([
    ['nft', 'nftables'],
    ['unshare', 'util-linux'],
    ['python3', 'python3'],
  ]);
  const count = positiveIntEnv('BENCH_CHAOS_STEPS', 2 * FAULT_KINDS.length, env);
  const seed = intEnv('BENCH_CHAOS_SEED', 7, env);
  const advertIntS = envNumber('BENCH_ADVERT_INT', 1, env);
  const version = advertIntS < 1 ? 3 : 2;
  const steps = chaosSchedule(seed, count);
  const out = outDir('chaos', env);
  const progress = (l: string): void => void process.stderr.write(`chaos: ${l}\n`);
  const columns: Column[] = [];
  for (const cmd of benchDaemons(env)) columns.push({ label: cmd.label, result: await runChaos({ cmd, steps, advertIntS, version, tag: 'chbn', progress }) });
  const ours = benchDaemons(env).find((c) => c.label === OURS);
  if (ours && env['BENCH_CHAOS_DISK'] !== '0') {
    columns.push({ label: `${OURS}, full log disk`, result: await runChaos({ cmd: ours, steps, advertIntS, version, fullLogDiskKb: 64, tag: 'chbd', progress }) });
  }
  writeJson(join(out, 'chaos.json'), { seed, advertIntS, steps, columns });

  const kinds = FAULT_KINDS.filter((k) => steps.some((s) => s.kind === k));
  const table = (title: string, f: (s: StepOf) => number | undefined, agg: 'sum' | 'max' | 'median'): string =>
    `${title}\n\n${markdownTable(
      ['fault', 'n', ...columns.map((c) => c.label)],
      [
        ...kinds.map((k) => [k, String(steps.filter((s) => s.kind === k).length), ...columns.map((c) => aggregate(c.result.steps.filter((s) => s.kind === k), f, agg))]),
        ['**all**', String(steps.length), ...columns.map((c) => aggregate(c.result.steps, f, agg))],
      ],
    )}`;
  const health = markdownTable(
    ['', ...columns.map((c) => c.label)],
    [
      ['both daemons running at the end', ...columns.map((c) => c.result.alive.every(Boolean) ? 'yes' : `no (${c.result.alive.join('/')})`)],
      ['relaunched by the runner (parent killed)', ...columns.map((c) => String(c.result.steps.filter((s) => s.relaunched).length))],
      ['crash lines in the logs', ...columns.map((c) => String(c.result.crashLines.length))],
    ],
  );
  return [
    `## chaos — ${count} faults, seed ${seed}, advert_int ${advertIntS} s (VRRPv${version}); raw: ${out}`,
    table('### dual master: ms two nodes held the VIP (sum per kind)', (s) => s.dualMs, 'sum'),
    table('### dual master after the fault was lifted: ms (max per kind; RFC bound: one advert interval + scheduling)', (s) => s.dualAfterHealMs, 'max'),
    table('### VIP-less: ms nobody held the VIP (sum per kind)', (s) => s.noneMs, 'sum'),
    table('### settle: ms from lifting the fault to h1 alone holding the VIP (median per kind)', (s) => s.settleMs, 'median'),
    `### health\n\n${health}`,
  ].join('\n\n');
}
