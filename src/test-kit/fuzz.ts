/**
 * The fuzz driver of the unit suite (docs/reliability.md): a target runs a fixed number of
 * generated cases, each from its own seeded PRNG, so the same seed always checks the same
 * inputs and one failing case is replayed alone. Knobs (read strictly, src/test-kit/env-knobs.ts):
 *
 *   KTS_FUZZ_SEED=N        the run's seed (default 0x4b54); a long run picks another one
 *   KTS_FUZZ_SCALE=K       K × every target's default case count (a count ≥ 1)
 *   KTS_FUZZ_REPLAY=T:S:I  only case I of target T under seed S (what a failure prints);
 *                          the other targets of the file check nothing and say so
 *
 * A failure names the target, the seed, the case and the exact replay command.
 */
import { relative } from 'node:path';
import { intEnv, positiveIntEnv } from './env-knobs.js';
import { mulberry32, type Prng } from './prng.js';

export const DEFAULT_FUZZ_SEED = 0x4b54;

export interface FuzzPlan {
  readonly target: string;
  readonly seed: number;
  /** Cases run: the default × KTS_FUZZ_SCALE, or one under a replay. */
  readonly cases: number;
  /** The first case index (non-zero only under a replay). */
  readonly first: number;
  /** False when a replay names another target: this one runs nothing. */
  readonly active: boolean;
}

export interface FuzzStats {
  readonly target: string;
  readonly seed: number;
  readonly cases: number;
  readonly ms: number;
  readonly perSecond: number;
}

const hex32 = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** The plan for `target` from the environment; throws on a malformed knob. */
export function fuzzPlan(target: string, defaultCases: number, env: NodeJS.ProcessEnv = process.env): FuzzPlan {
  const replay = env['KTS_FUZZ_REPLAY'];
  if (replay !== undefined && replay !== '') {
    const m = /^([a-z0-9-]+):((?:0x)?[0-9a-f]+):([0-9]+)$/i.exec(replay);
    if (!m) throw new Error(`KTS_FUZZ_REPLAY=${replay}: expected TARGET:SEED:CASE as a failure prints it`);
    const [, t, s, i] = m;
    return { target, seed: Number(s) >>> 0, cases: 1, first: Number(i), active: t === target };
  }
  const seed = intEnv('KTS_FUZZ_SEED', DEFAULT_FUZZ_SEED, env) >>> 0;
  return { target, seed, cases: defaultCases * positiveIntEnv('KTS_FUZZ_SCALE', 1, env), first: 0, active: true };
}

const fmix32 = (x: number): number => {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

/** A well-mixed 32-bit seed for case `index` of a run (murmur3's finaliser over seed, target, index). */
export function caseSeed(seed: number, target: string, index: number): number {
  let h = fmix32(seed);
  for (let i = 0; i < target.length; i++) h = fmix32(h ^ target.charCodeAt(i));
  return fmix32(h ^ fmix32(index + 0x9e3779b9));
}

/** The command that replays one case (printed with every failure). */
export function replayCommand(target: string, seed: number, index: number, file: string): string {
  return `KTS_FUZZ_REPLAY=${target}:${hex32(seed)}:${index} node --test ${relative(process.cwd(), file)}`;
}

/**
 * Runs `plan.cases` cases of `body`, each with a PRNG seeded by caseSeed(); rethrows the
 * first failure with the target, seed, case and replay command in front of its message.
 * `file` is the compiled test file (for the replay command).
 */
export function runFuzz(plan: FuzzPlan, file: string, body: (rng: Prng, index: number) => void): FuzzStats {
  const t0 = performance.now();
  let ran = 0;
  if (plan.active) {
    for (let i = plan.first; i < plan.first + plan.cases; i++) {
      try {
        body(mulberry32(caseSeed(plan.seed, plan.target, i)), i);
      } catch (e) {
        const why = e instanceof Error ? (e.stack ?? e.message) : String(e);
        throw new Error(`fuzz ${plan.target}: case ${i} of seed ${hex32(plan.seed)} failed\n  replay: ${replayCommand(plan.target, plan.seed, i, file)}\n${why}`, { cause: e });
      }
      ran++;
    }
  }
  const ms = performance.now() - t0;
  return { target: plan.target, seed: plan.seed, cases: ran, ms, perSecond: ms > 0 ? Math.round((ran * 1000) / ms) : 0 };
}

/** One line for the test's diagnostics (and the figures in docs/reliability.md). */
export function formatFuzzStats(s: FuzzStats): string {
  return `fuzz ${s.target}: ${s.cases} case(s), seed ${hex32(s.seed)}, ${(s.ms / 1000).toFixed(2)} s, ${s.perSecond}/s`;
}
