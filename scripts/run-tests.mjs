// Test driver: node:test over the compiled tree (which files: scripts/test-plan.mjs).
//   (default)  unit tests (dist/src/**, dist/bench/**, scripts/**), then the multi-process
//              tests in dist/test/** (network namespaces: need root), one file at a time.
//   --unit     unit tests only.
//   --only X   only files whose path contains X.
// A tree that should hold tests and is missing or empty fails the run before anything runs.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testPlan } from './test-plan.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const onlyIdx = args.indexOf('--only');

function list(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) list(p, out);
    else out.push(p);
  }
  return out;
}

const plan = testPlan({ root, unitOnly: args.includes('--unit'), only: onlyIdx >= 0 ? args[onlyIdx + 1] : undefined, exists: existsSync, list });
if (plan.errors.length > 0) {
  for (const e of plan.errors) console.error(`run-tests: ${e}`);
  process.exit(1);
}

let failed = false;
function run(files, extra) {
  if (files.length === 0) return;
  console.log(`# running ${files.length} test file(s): ${files.map((f) => relative(root, f)).join(' ')}`);
  const r = spawnSync(process.execPath, ['--test', ...extra, ...files], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed = true;
}
run(plan.unit, []);
run(plan.system, ['--test-concurrency=1']);
process.exit(failed ? 1 : 0);
