// The layering checker on small made-up trees: what it must reject, and what it must let pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { folderCycles, layerViolations, readTree, tableProblems } from './check-layers.mjs';
import { withTree } from './temp-tree.mjs';

const f = (path, ...imports) => ({ path, imports });

test('a downward import passes, an upward one is named with both files', () => {
  assert.deepEqual(layerViolations([f('src/vrrp/fsm.ts', 'src/core/clock.ts', 'src/config/model.ts')]), []);
  const v = layerViolations([f('src/vrrp/daemon.ts', 'src/watchdog/child-api.ts')]);
  assert.equal(v.length, 1);
  assert.match(v[0], /^src\/vrrp\/daemon\.ts imports src\/watchdog\/child-api\.ts: vrrp may not import watchdog/);
});

test('subsystems on one level do not import each other; genhash may use check', () => {
  assert.equal(layerViolations([f('src/vrrp/x.ts', 'src/check/probe.ts')]).length, 1);
  assert.equal(layerViolations([f('src/check/x.ts', 'src/vrrp/fsm.ts')]).length, 1);
  assert.equal(layerViolations([f('src/notify/x.ts', 'src/ipvs/ipvs-types.ts')]).length, 1);
  assert.deepEqual(layerViolations([f('src/genhash/genhash.ts', 'src/check/probes/http.ts')]), []);
});

test('test files follow their folder, plus the test kit; production code never imports the kit', () => {
  assert.deepEqual(layerViolations([f('src/vrrp/fsm.test.ts', 'src/test-kit/fake-clock.ts')]), []);
  assert.equal(layerViolations([f('src/vrrp/fsm.ts', 'src/test-kit/fake-clock.ts')]).length, 1);
  assert.equal(layerViolations([f('src/vrrp/fsm.test.ts', 'src/cli/args.ts')]).length, 1);
  assert.deepEqual(layerViolations([f('src/test-kit/sim-net.ts', 'src/vrrp/fsm.ts')]), []);
  assert.equal(layerViolations([f('src/test-kit/x.ts', 'src/watchdog/parent.ts')]).length, 1);
});

test('src/ never imports test/ or bench/, except the listed unit tests that use the lab', () => {
  assert.equal(layerViolations([f('src/check/x.ts', 'test/lab/netns.ts')]).length, 1);
  assert.equal(layerViolations([f('src/check/x.test.ts', 'bench/common.ts')]).length, 1);
  assert.deepEqual(layerViolations([f('src/config/lvs/corpus.test.ts', 'test/lab/keepalived-check.ts')]), []);
});

test('an unknown folder and a table entry pointing up are reported', () => {
  assert.match(layerViolations([f('src/snmp/agent.ts', 'src/core/clock.ts')])[0], /src\/snmp\/: a folder not in the layer table/);
  assert.match(layerViolations([f('src/core/x.ts', 'src/snmp/agent.ts')])[0], /src\/snmp\/ is not in the layer table/);
  assert.deepEqual(tableProblems([['a', []], ['b', ['a']]]), []);
  assert.equal(tableProblems([['a', ['b']], ['b', ['a']]]).length, 1);
});

test('folder cycles are found among production files only', () => {
  const files = [f('src/sys/s.ts', 'src/netlink/m.ts'), f('src/netlink/m.ts', 'src/sys/nio.ts'), f('src/core/c.ts')];
  assert.deepEqual(folderCycles(files), ['folder cycle among netlink, sys']);
  assert.deepEqual(folderCycles([f('src/vrrp/a.test.ts', 'src/test-kit/k.ts'), f('src/test-kit/k.ts', 'src/vrrp/a.ts')]), []);
});

test('the command line reads a tree and fails on it (relative, dynamic and type imports)', () => {
  const files = {
    'src/core/clock.ts': "export const x = 1;\n// import { y } from '../cli/args.js' (a comment is not an import)\n",
    'src/cli/args.ts': "import { x } from '../core/clock.js';\nexport const y = x;\n",
    'src/vrrp/daemon.ts': "import type { y } from '../cli/args.js';\nexport const z = import('../watchdog/child-api.js');\n",
  };
  const script = join(dirname(fileURLToPath(import.meta.url)), 'check-layers.mjs');
  withTree(files, (root) => {
    assert.deepEqual(readTree(root).find((t) => t.path === 'src/vrrp/daemon.ts')?.imports, ['src/cli/args.ts', 'src/watchdog/child-api.ts']);
    const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /src\/vrrp\/daemon\.ts imports src\/cli\/args\.ts: vrrp may not import cli/);
    assert.match(r.stderr, /src\/vrrp\/daemon\.ts imports src\/watchdog\/child-api\.ts/);
    assert.doesNotMatch(r.stderr, /src\/core\/clock\.ts imports/);
  });
  const clean = { ...files };
  delete clean['src/vrrp/daemon.ts'];
  withTree(clean, (root) => assert.equal(spawnSync(process.execPath, [script, root], { encoding: 'utf8' }).status, 0));
});
