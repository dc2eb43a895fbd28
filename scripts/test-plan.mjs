// Which test files scripts/run-tests.mjs runs, and what is missing. Pure over an injected
// file system view, so scripts/test-plan.test.mjs can check it on made-up trees.
//   unit:   dist/src/**/*.test.js (unit tests beside the code), dist/bench/**/*.test.js (the
//           benchmarks' own unit tests), scripts/**/*.test.mjs (this runner's tests);
//   system: dist/test/**/*.test.js (network namespaces, qemu: root), unless unitOnly.
// Every tree the plan expects must exist and hold at least one test file: a missing
// dist/test (or an empty one) is an error, never "0 system tests, all passed".
import { join } from 'node:path';

/** Trees of unit tests: [directory relative to the root, file suffix]. */
export const UNIT_TREES = [
  ['dist/src', '.test.js'],
  ['dist/bench', '.test.js'],
  ['scripts', '.test.mjs'],
];
export const SYSTEM_TREE = ['dist/test', '.test.js'];

/**
 * @param {{ root: string, unitOnly: boolean, only?: string, exists: (p: string) => boolean,
 *           list: (dir: string) => string[] }} o  `list` returns every file under dir (recursive).
 * @returns {{ unit: string[], system: string[], errors: string[] }}
 */
export function testPlan(o) {
  const errors = [];
  const collect = (trees) =>
    trees.flatMap(([dir, suffix]) => {
      const abs = join(o.root, dir);
      if (!o.exists(abs)) {
        errors.push(`${dir} is missing (did the build run? npm run build)`);
        return [];
      }
      const files = o.list(abs).filter((f) => f.endsWith(suffix));
      if (files.length === 0) errors.push(`${dir} holds no *${suffix} file`);
      return files;
    });
  const pick = (files) => files.filter((f) => o.only === undefined || f.includes(o.only)).sort();
  const unit = pick(collect(UNIT_TREES));
  const system = o.unitOnly ? [] : pick(collect([SYSTEM_TREE]));
  if (errors.length === 0 && unit.length + system.length === 0) errors.push(`no test file matches ${o.only === undefined ? 'anything' : `--only ${o.only}`}`);
  return { unit, system, errors };
}
