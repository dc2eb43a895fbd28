// What `npm pack` would publish: the compiled daemon and what builds its addon, never the
// tests, the unit-test kit, the lab or the benchmarks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

test('the package holds the daemon and the addon sources, and no test code', () => {
  assert.ok(existsSync(join(root, 'dist', 'src', 'test-kit')), 'build first: the check needs dist/src/test-kit to exist');
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = JSON.parse(r.stdout)[0].files.map((f) => f.path);
  for (const needed of ['dist/src/cli/keepalived-ts.js', 'dist/src/vrrp/daemon.js', 'native/src/nio.c', 'native/binding.gyp', 'scripts/build-native.mjs']) {
    assert.ok(files.includes(needed), `${needed} missing from the package`);
  }
  const shipped = files.filter((f) => /(^|\/)test-kit\/|\.test\.js|^dist\/test\/|^dist\/bench\/|^test\/|^bench\/|^src\//.test(f));
  assert.deepEqual(shipped, []);
});
