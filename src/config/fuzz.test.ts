// Fuzzing the config pipeline (issue 4): mutations of the sample corpus (byte flips, brace
// insert/delete, quotes, `$`, `~SEQ`/`~LST`, include lines) must never throw or hang, every
// diagnostic must carry a location, and parse time must grow linearly with input size.
// Seeded (test-kit/prng.ts), bounded to ≈10 s. Inputs that ever broke it live in
// test/corpus/config/ and are replayed first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intEnv, positiveIntEnv } from '../test-kit/env-knobs.js';
import { memoryReader } from '../test-kit/memory-reader.js';
import { mulberry32, type Prng } from '../test-kit/prng.js';
import { walkFiles } from '../test-kit/walk-files.js';
import { parseConfigText } from './parse-config.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SEED = intEnv('KTS_FUZZ_SEED', 0x4b54);
/** A fixed number of mutations (not a time budget): the same seed always checks the same inputs. */
const RUNS = positiveIntEnv('KTS_FUZZ_RUNS', 300);

const samples = walkFiles(join(root, 'test/fixtures/samples'));
const corpus = samples.map((p) => readFileSync(p, 'latin1'));
// 1173.conf generates 30,000 real servers with ~SEQ (≈1 s alone): fuzzed, but kept out of the
// ×1/×8 timing so that test stays within its time box.
const timed = samples.filter((p) => !p.endsWith('/1173.conf')).map((p) => readFileSync(p, 'latin1'));
const replay = walkFiles(join(root, 'test/corpus/config')).map((p) => ({ p, text: readFileSync(p, 'latin1') }));

// Included files resolve inside this in-memory tree (globs, cycles, braces all reachable).
const files: Record<string, string> = { '/f/a.conf': 'vrrp_instance A {\n include b.conf\n}\n', '/f/b.conf': 'include a.conf\npriority 7\n', '/f/d/x.conf': '~SEQ(I,1,3) $I' };
const reader = memoryReader(files, ['/f/d/x.conf']);

function check(text: string, what: string): void {
  let r: ReturnType<typeof parseConfigText>;
  try {
    r = parseConfigText(text, '/f/main.conf', { reader, configId: 'n1', randomSeed: 1 });
  } catch (e) {
    assert.fail(`${what} threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n--- input ---\n${text}`);
  }
  for (const d of r.diagnostics) {
    assert.ok(d.loc !== undefined && d.loc.line >= 1 && d.loc.col >= 1, `${what}: diagnostic without location: ${d.code} ${d.message}\n--- input ---\n${text}`);
  }
}

const SNIPPETS = ['{', '}', '"', '$', '$X', '${X}', '$X=1', '~SEQ(I,1,3) ', '~SEQx(I,0,2) ', '~LST({a,b},{1,2}) ', '~LST(', '~SEQ(', 'include ', 'includea ', 'include *', 'include {a,b}.conf', 'include /f/a.conf', 'include d/*', '@n1 ', '@^n1 ', '\\', '#', '!', '\n', '${_RANDOM 1 9}', '${_ENV X}', '\0', 'include_check', ' }}}'];

function mutate(rng: Prng, text: string): string {
  let s = text;
  const n = rng.int(1, 6);
  for (let k = 0; k < n; k++) {
    const at = rng.int(0, s.length);
    switch (rng.int(0, 5)) {
      case 0: {
        const i = Math.min(at, s.length - 1);
        if (i >= 0) s = s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << rng.int(0, 7))) + s.slice(i + 1);
        break;
      }
      case 1:
        s = s.slice(0, at) + rng.pick(SNIPPETS) + s.slice(at);
        break;
      case 2: {
        const i = s.indexOf(rng.pick(['{', '}', '"']), at);
        if (i >= 0) s = s.slice(0, i) + s.slice(i + 1);
        break;
      }
      case 3: {
        const lineStart = s.lastIndexOf('\n', at) + 1;
        s = s.slice(0, lineStart) + rng.pick(SNIPPETS) + s.slice(lineStart);
        break;
      }
      case 4:
        s = s.slice(0, at) + s.slice(at + rng.int(1, 40));
        break;
      default: {
        const j = rng.int(0, s.length);
        s = s.slice(0, at) + s.slice(Math.min(at, j), Math.max(at, j)) + s.slice(at);
      }
    }
  }
  return s;
}

test('replayed inputs that once broke the config pipeline', () => {
  assert.ok(replay.length >= 2);
  for (const { p, text } of replay) check(text, p);
});

test(`fuzz: mutated corpus never throws, every diagnostic located (seed ${SEED})`, () => {
  assert.ok(corpus.length >= 50);
  const rng = mulberry32(SEED);
  for (let run = 0; run < RUNS; run++) {
    const base = rng.pick(corpus);
    check(mutate(rng, base), `seed ${SEED} run ${run}`);
  }
});

test('parse time is linear: corpus ×8 takes well under 8² × corpus ×1', () => {
  assert.equal(timed.length, corpus.length - 1);
  const one = timed.join('\n');
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
