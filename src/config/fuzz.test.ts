// Fuzzing the config pipeline (issue 4): mutations of the sample corpus (byte flips, brace
// insert/delete, quotes, `$`, `~SEQ`/`~LST`, include lines; src/test-kit/config-mutations.ts)
// must never throw, and every diagnostic must carry a location; parse time must grow linearly
// with input size. Seeded and replayable (src/test-kit/fuzz.ts); the long run with per-case
// time and memory bounds is test/fuzz/config-fuzz.ts (docs/reliability.md). Inputs that ever
// broke it live in test/corpus/config/ and are replayed first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configProblem, FUZZ_INCLUDE_READER as reader, mutateConfig, sampleCorpus } from '../test-kit/config-mutations.js';
import { formatFuzzStats, fuzzPlan, runFuzz } from '../test-kit/fuzz.js';
import { walkFiles } from '../test-kit/walk-files.js';
import { parseConfigText } from './parse-config.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** A fixed number of mutations (not a time budget): the same seed always checks the same inputs. */
const CASES = 1000;

const samples = sampleCorpus(root);
// 1173.conf generates 30,000 real servers with ~SEQ (≈1 s of CPU per case, as much as all the
// other cases together): the long run (test/fuzz/config-fuzz.ts) gives it a run of its own, the
// unit suite leaves it out of the mutations and of the ×1/×8 timing.
const corpus = samples.filter((s) => !s.path.endsWith('/1173.conf')).map((s) => s.text);
const replay = walkFiles(join(root, 'test/corpus/config')).map((p) => ({ p, text: readFileSync(p, 'latin1') }));

function check(text: string, what: string): void {
  const problem = configProblem(text);
  if (problem !== null) assert.fail(`${what} ${problem}\n--- input ---\n${text}`);
}

test('replayed inputs that once broke the config pipeline', () => {
  assert.ok(replay.length >= 2);
  for (const { p, text } of replay) check(text, p);
});

test('fuzz: mutated corpus never throws, every diagnostic located', (t) => {
  assert.ok(corpus.length >= 50);
  const stats = runFuzz(fuzzPlan('config', CASES), fileURLToPath(import.meta.url), (rng) => check(mutateConfig(rng, rng.pick(corpus)), 'the mutated config'));
  t.diagnostic(formatFuzzStats(stats));
});

test('parse time is linear: corpus ×8 takes well under 8² × corpus ×1', () => {
  assert.equal(corpus.length, samples.length - 1);
  const one = corpus.join('\n');
  const eight = Array.from({ length: 8 }, () => one).join('\n');
  const time = (text: string): number => {
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const t0 = process.hrtime.bigint();
      parseConfigText(text, '/f/main.conf', { reader, configId: 'n1', randomSeed: 1 });
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return best;
  };
  time(one); // warm up the JIT
  const t1 = time(one);
  const t8 = time(eight);
  // Linear means ≈8×; allow 24× for noise and GC, which still rules out quadratic (64×).
  assert.ok(t8 < Math.max(24 * t1, 50), `×1 ${t1.toFixed(1)} ms, ×8 ${t8.toFixed(1)} ms`);
});
