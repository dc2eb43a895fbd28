/**
 * Environment knobs of tests, properties and benchmarks (KTS_FUZZ_SCALE, SIM_SEEDS,
 * BENCH_REPEAT …), read strictly: a count below 1 would make a property or a benchmark
 * "pass" without checking or measuring anything, and a typo must not silently fall back to
 * the default. Unset or empty means the default.
 */

const INTEGER = /^[+-]?(?:[0-9]+|0x[0-9a-f]+)$/i;

/** A count (runs, seeds, repeats): an integer ≥ 1, `dflt` when unset; anything else throws. */
export function positiveIntEnv(name: string, dflt: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!INTEGER.test(raw) || !Number.isSafeInteger(v) || v < 1) throw new Error(`${name}=${raw}: expected a whole number ≥ 1 (a count of 0 would check nothing)`);
  return v;
}

/** An integer such as a seed (0 and negatives allowed), `dflt` when unset; anything else throws. */
export function intEnv(name: string, dflt: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!INTEGER.test(raw) || !Number.isSafeInteger(v)) throw new Error(`${name}=${raw}: expected a whole number`);
  return v;
}
