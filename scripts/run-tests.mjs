// Test driver: node:test over the compiled tree.
//   (default)  unit tests beside the code (dist/src/**) and of the scripts (scripts/*.test.mjs),
//              then the multi-process tests in dist/test/** (network namespaces: need root),
//              one file at a time.
//   --unit     unit tests only.
//   --only X   only files whose path contains X.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js') || name.endsWith('.test.mjs')) out.push(p);
  }
  return out;
}

const pick = (files) => files.filter((f) => !only || f.includes(only)).sort();
const unit = pick([...walk(join(root, 'dist', 'src')), ...walk(join(root, 'scripts'))]);
const system = unitOnly ? [] : pick(walk(join(root, 'dist', 'test')));

let failed = false;
function run(files, extra) {
  if (files.length === 0) return;
  console.log(`# running ${files.length} test file(s): ${files.map((f) => relative(root, f)).join(' ')}`);
  const r = spawnSync(process.execPath, ['--test', ...extra, ...files], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed = true;
}
run(unit, []);
run(system, ['--test-concurrency=1']);
if (unit.length + system.length === 0) {
  console.error('no test files found (did the build run?)');
  process.exit(1);
}
process.exit(failed ? 1 : 0);
