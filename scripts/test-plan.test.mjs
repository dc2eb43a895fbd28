// The runner's file selection on made-up trees: bench unit tests run, a missing or empty
// expected tree is an error (never a silent run of nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testPlan } from './test-plan.mjs';

/** A file system view holding `files` (paths relative to /r). */
function fs(files) {
  const abs = files.map((f) => `/r/${f}`);
  return {
    root: '/r',
    exists: (p) => abs.some((f) => f.startsWith(`${p}/`)),
    list: (dir) => abs.filter((f) => f.startsWith(`${dir}/`)),
  };
}

const TREE = ['dist/src/a/x.test.js', 'dist/src/a/x.js', 'dist/bench/b.test.js', 'dist/test/e2e/t.test.js', 'dist/test/lab/kit.js', 'scripts/p.test.mjs'];

test('unit tests come from src, bench and scripts; system tests from dist/test', () => {
  const p = testPlan({ ...fs(TREE), unitOnly: false });
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.unit, ['/r/dist/bench/b.test.js', '/r/dist/src/a/x.test.js', '/r/scripts/p.test.mjs']);
  assert.deepEqual(p.system, ['/r/dist/test/e2e/t.test.js']);
  assert.deepEqual(testPlan({ ...fs(TREE), unitOnly: true }).system, []);
});

test('a missing or empty expected tree is an error', () => {
  const noSystem = testPlan({ ...fs(TREE.filter((f) => !f.startsWith('dist/test/'))), unitOnly: false });
  assert.deepEqual(noSystem.errors, ['dist/test is missing (did the build run? npm run build)']);
  assert.deepEqual(testPlan({ ...fs(TREE.filter((f) => !f.startsWith('dist/test/'))), unitOnly: true }).errors, [], '--unit does not need dist/test');
  const noBenchTests = testPlan({ ...fs(TREE.filter((f) => f !== 'dist/bench/b.test.js').concat('dist/bench/run.js')), unitOnly: true });
  assert.deepEqual(noBenchTests.errors, ['dist/bench holds no *.test.js file']);
  assert.deepEqual(testPlan({ ...fs([]), unitOnly: true }).errors.length, 3);
});

test('--only narrows every tree and must match something', () => {
  const p = testPlan({ ...fs(TREE), unitOnly: false, only: 'e2e' });
  assert.deepEqual([p.unit, p.system, p.errors], [[], ['/r/dist/test/e2e/t.test.js'], []]);
  assert.deepEqual(testPlan({ ...fs(TREE), unitOnly: false, only: 'nothing-like-this' }).errors, ['no test file matches --only nothing-like-this']);
});
