/**
 * Config memory benchmark (`npm run bench -- config-memory`, issue 11's config memory): peak
 * RSS (GNU time's %M) of `keepalived-ts -t` and Debian's `keepalived -t` on the same files —
 * every file of the sample corpus (test/fixtures/samples), a 1 MB config of duplicated blocks
 * (keepalived.conf.sample repeated) and devel-tools/configs/1173.conf (~SEQ expanding to
 * 30,000 real servers) — with the ratio ours/keepalived. Node's own floor is printed too
 * (`keepalived-ts -t` on an empty file): what a config costs us is the peak above it.
 * `-t` only parses and checks (no address, socket or kernel change), so it runs where it is.
 *
 * Env: BENCH_REPEAT (3 runs of the two large files; the corpus files run once each),
 * KTS_BIN, KEEPALIVED_BIN, BENCH_OUT.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { positiveIntEnv } from '../src/test-kit/env-knobs.js';
import { walkFiles } from '../src/test-kit/walk-files.js';
import { DEFAULT_KTS_BIN } from '../test/lab/lab-daemon.js';
import { fmt, markdownTable, OURS, outDir, ratio, requireTools, summarize, THEIRS, writeJson } from './common.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLES = join(ROOT, 'test/fixtures/samples');
const DUPLICATED_BYTES = 1_000_000;

interface Peak {
  readonly rssKb: number | undefined;
  readonly status: number;
  readonly wallMs: number;
}

function peakRss(argv: readonly string[], scratch: string): Peak {
  const timeFile = join(scratch, 'time.out');
  writeFileSync(timeFile, '');
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', timeFile, 'timeout', '-s', 'KILL', '300', ...argv], { stdio: 'ignore' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
  return { rssKb: Number.isFinite(rss) && rss > 0 ? rss : undefined, status: r.status ?? -1, wallMs };
}

/** keepalived.conf.sample repeated to 1 MB: many blocks with the same names and addresses. */
export function duplicatedConfig(bytes = DUPLICATED_BYTES): string {
  const block = readFileSync(join(SAMPLES, 'keepalived.conf.sample'), 'latin1');
  return Array.from({ length: Math.ceil(bytes / (block.length + 1)) }, () => block).join('\n');
}

const mb = (kb: number | undefined): string => fmt(kb === undefined ? undefined : kb / 1024, 1);

export async function configMemoryBench(env: NodeJS.ProcessEnv): Promise<string> {
  requireTools([['keepalived', 'keepalived'], ['/usr/bin/time', 'time']]);
  const repeat = positiveIntEnv('BENCH_REPEAT', 3, env);
  const kts = env['KTS_BIN'] ?? DEFAULT_KTS_BIN;
  const keepalived = env['KEEPALIVED_BIN'] ?? '/usr/sbin/keepalived';
  const dir = outDir('config-memory', env);
  const ours = (file: string): Peak => peakRss([process.execPath, kts, '-t', '-f', file], dir);
  const theirs = (file: string): Peak => peakRss([keepalived, '-t', '-f', file], dir);

  const empty = join(dir, 'empty.conf');
  writeFileSync(empty, '');
  const floorKb = summarize(Array.from({ length: repeat }, () => ours(empty).rssKb))?.median;
  const duplicated = join(dir, 'duplicated-1mb.conf');
  writeFileSync(duplicated, duplicatedConfig());

  const rows: string[][] = [];
  const raw: unknown[] = [];
  const row = (name: string, o: readonly Peak[], t: readonly Peak[]): void => {
    const oKb = summarize(o.map((p) => p.rssKb))?.median;
    const tKb = summarize(t.map((p) => p.rssKb))?.median;
    const above = oKb !== undefined && floorKb !== undefined ? Math.max(0, oKb - floorKb) : undefined;
    rows.push([name, mb(oKb), mb(tKb), ratio(oKb, tKb), mb(above), ratio(above, tKb), fmt(summarize(o.map((p) => p.wallMs))?.median, 0), fmt(summarize(t.map((p) => p.wallMs))?.median, 0)]);
    raw.push({ name, ours: o, theirs: t });
  };

  const corpus = walkFiles(SAMPLES).filter((p) => !p.endsWith('README.md') && !p.endsWith('/1173.conf'));
  const perFile = corpus.map((file) => {
    console.error(`config-memory: ${relative(SAMPLES, file)}`);
    return { file, o: ours(file), t: theirs(file) };
  });
  raw.push({ corpus: perFile.map((p) => ({ file: relative(SAMPLES, p.file), ours: p.o, theirs: p.t })) });
  const worst = perFile.reduce((a, b) => ((a.o.rssKb ?? 0) / (a.t.rssKb ?? 1) >= (b.o.rssKb ?? 0) / (b.t.rssKb ?? 1) ? a : b));
  row(`sample corpus, median of ${perFile.length} files`, perFile.map((p) => p.o), perFile.map((p) => p.t));
  row(`sample corpus, worst ratio (${basename(worst.file)})`, [worst.o], [worst.t]);
  for (const [name, file] of [
    ['1 MB of duplicated blocks', duplicated],
    ['1173.conf: 30,000 real servers', join(SAMPLES, 'devel-tools/configs/1173.conf')],
  ] as const) {
    const o: Peak[] = [];
    const t: Peak[] = [];
    for (let i = 0; i < repeat; i++) {
      console.error(`config-memory: ${name}, run ${i + 1}`);
      o.push(ours(file));
      t.push(theirs(file));
    }
    row(name, o, t);
  }
  writeJson(join(dir, 'results.json'), { floorKb, raw });
  const header = ['config', `${OURS} -t peak RSS MB`, `${THEIRS} -t peak RSS MB`, 'ratio', `${OURS} above its floor MB`, 'ratio above the floor', `${OURS} ms`, `${THEIRS} ms`];
  return [
    `## config-memory (peak RSS, median of ${repeat} runs for the large files; ${OURS}'s floor, -t on an empty file: ${mb(floorKb)} MB; raw figures in ${dir})`,
    '',
    markdownTable(header, rows),
    '',
  ].join('\n');
}
