/**
 * The long config fuzz (docs/reliability.md): ≥ 10⁵ mutated configs from the sample corpus
 * (src/test-kit/config-mutations.ts), each parsed in a worker thread under a per-case time
 * bound (the worker is terminated when one case runs past it) and a memory bound (the
 * worker's V8 heap limit; a case that needs more ends it with ERR_WORKER_OUT_OF_MEMORY).
 * Every case must also pass the unit suite's check: no exception, every diagnostic located.
 * A failure names the seed and case; `--case N` replays one case in this process and
 * writes its input to a file. SIGINT/SIGTERM stop the run and print the report of the
 * cases checked so far. Case i uses the same seed as case i of the unit suite's
 * `config` target, so a failure there replays here and the other way round.
 *
 * `--skip TEXT` leaves out the cases whose corpus file's path contains TEXT and `--only TEXT`
 * keeps only those (both counted in the report): the one sample that expands to 30,000 real
 * servers costs as much as all the others together and can get a run of its own.
 *
 *   node dist/test/fuzz/config-fuzz.js [--cases 100000] [--seed 0x4b54] [--workers 2]
 *        [--time-ms 5000] [--heap-mb 512] [--skip TEXT | --only TEXT] [--case N] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { configProblem, mutateConfig, sampleCorpus } from '../../src/test-kit/config-mutations.js';
import { caseSeed, DEFAULT_FUZZ_SEED } from '../../src/test-kit/fuzz.js';
import { mulberry32 } from '../../src/test-kit/prng.js';

const TARGET = 'config';

interface Job {
  readonly seed: number;
  readonly from: number;
  readonly to: number;
  readonly skip: string;
  readonly only: string;
}

type FromWorker =
  | { readonly type: 'start'; readonly i: number }
  | { readonly type: 'skipped'; readonly i: number }
  | { readonly type: 'done'; readonly i: number; readonly ms: number; readonly heapMb: number; readonly problem: string | null; readonly bytes: number };

type Sample = ReturnType<typeof sampleCorpus>[number];

/** Case `i` (the same as case i of the unit suite's `config` target): its corpus file and text. */
function caseOf(corpus: readonly Sample[], seed: number, i: number): { path: string; text: string } {
  const rng = mulberry32(caseSeed(seed, TARGET, i));
  const base = rng.pick(corpus);
  return { path: base.path, text: mutateConfig(rng, base.text) };
}

function workerMain(): void {
  const job = workerData as Job;
  const corpus = sampleCorpus();
  const port = parentPort!;
  for (let i = job.from; i < job.to; i++) {
    const { path, text } = caseOf(corpus, job.seed, i);
    if ((job.skip !== '' && path.includes(job.skip)) || (job.only !== '' && !path.includes(job.only))) {
      port.postMessage({ type: 'skipped', i } satisfies FromWorker);
      continue;
    }
    port.postMessage({ type: 'start', i } satisfies FromWorker);
    const t0 = performance.now();
    const problem = configProblem(text);
    const ms = performance.now() - t0;
    port.postMessage({ type: 'done', i, ms, heapMb: getHeapStatistics().used_heap_size / 2 ** 20, problem, bytes: text.length } satisfies FromWorker);
  }
}

interface Failure {
  readonly case: number;
  readonly kind: 'timeout' | 'memory' | 'check' | 'crash';
  readonly detail: string;
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

function count(name: string, dflt: number): number {
  const v = Number(arg(name, String(dflt)));
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`--${name} must be a whole number ≥ 1 (0 would check nothing)`);
  return v;
}

async function main(): Promise<void> {
  const cases = count('cases', 100_000);
  const seed = Number(arg('seed', String(DEFAULT_FUZZ_SEED))) >>> 0;
  const workers = count('workers', 2);
  const timeMs = count('time-ms', 5000);
  const heapMb = count('heap-mb', 512);
  const skip = arg('skip', '');
  const only = arg('only', '');
  const one = arg('case', '');
  if (one !== '') {
    const { text } = caseOf(sampleCorpus(), seed, Number(one));
    const file = join(tmpdir(), `kts-config-fuzz-${seed.toString(16)}-${one}.conf`);
    writeFileSync(file, text);
    console.log(`case ${one} of seed 0x${seed.toString(16)}: ${file} (${text.length} bytes)`);
    console.log(configProblem(text) ?? 'no problem');
    return;
  }
  const durations: number[] = [];
  const failures: Failure[] = [];
  let maxHeapMb = 0;
  let slowest = { i: -1, ms: 0, bytes: 0 };
  let skipped = 0;
  const t0 = performance.now();
  const per = Math.ceil(cases / workers);
  const live = new Set<Worker>();
  let interrupted = false;
  const interrupt = (): void => {
    interrupted = true;
    for (const w of live) void w.terminate();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const run = (from: number, to: number): Promise<void> =>
    new Promise((resolve) => {
      if (from >= to || interrupted) return resolve();
      let current = from;
      let timer: NodeJS.Timeout | undefined;
      let ended = false;
      const w = new Worker(fileURLToPath(import.meta.url), { workerData: { seed, from, to, skip, only } satisfies Job, resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32 } });
      live.add(w);
      const restart = (f: Failure): void => {
        if (ended || interrupted) return;
        ended = true;
        clearTimeout(timer);
        failures.push(f);
        void w.terminate();
        void run(current + 1, to).then(resolve);
      };
      w.on('message', (m: FromWorker) => {
        if (m.type === 'skipped') {
          skipped++;
          current = m.i;
          return;
        }
        if (m.type === 'start') {
          current = m.i;
          timer = setTimeout(() => restart({ case: m.i, kind: 'timeout', detail: `still parsing after ${timeMs} ms` }), timeMs);
          return;
        }
        clearTimeout(timer);
        durations.push(m.ms);
        maxHeapMb = Math.max(maxHeapMb, m.heapMb);
        if (m.ms > slowest.ms) slowest = { i: m.i, ms: m.ms, bytes: m.bytes };
        if (m.problem !== null) failures.push({ case: m.i, kind: 'check', detail: m.problem.split('\n')[0]! });
        if (durations.length % 2000 === 0) console.log(`… ${durations.length} cases, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      });
      w.on('error', (e: Error & { code?: string }) => restart({ case: current, kind: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash', detail: e.message }));
      w.on('exit', () => {
        live.delete(w);
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        resolve();
      });
    });
  await Promise.all(Array.from({ length: workers }, (_, k) => run(k * per, Math.min(cases, (k + 1) * per))));
  const totalS = (performance.now() - t0) / 1000;
  durations.sort((a, b) => a - b);
  const q = (p: number): number => durations[Math.min(durations.length - 1, Math.floor(p * durations.length))] ?? 0;
  const report = {
    cases,
    checked: durations.length,
    skipped,
    ...(skip !== '' ? { skip } : {}),
    ...(only !== '' ? { only } : {}),
    interrupted,
    seed: `0x${seed.toString(16)}`,
    workers,
    bounds: { timeMs, heapMb },
    totalS: Number(totalS.toFixed(1)),
    perSecond: Math.round(durations.length / totalS),
    caseMs: { p50: Number(q(0.5).toFixed(2)), p99: Number(q(0.99).toFixed(1)), max: Number((durations[durations.length - 1] ?? 0).toFixed(1)) },
    slowest,
    maxHeapMb: Math.round(maxHeapMb),
    failures,
  };
  console.log(JSON.stringify(report, null, 2));
  const json = arg('json', '');
  if (json !== '') writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  for (const f of failures) console.log(`FAIL case ${f.case} (${f.kind}): ${f.detail}\n  replay: node dist/test/fuzz/config-fuzz.js --seed ${report.seed} --case ${f.case}`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

if (isMainThread) await main();
else workerMain();
