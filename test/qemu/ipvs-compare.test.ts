// keepalived vs keepalived-ts, IPVS side: the comparison scenario (ipvs-compare.ts) runs once
// per daemon, each in its own qemu guest; Debian's keepalived must reproduce the committed
// reference snapshots, and ours must produce the same tables as keepalived, phase by phase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureQemuPackages } from './qemu-vm.js';
import type { CompareRun, CompareRunDetail } from './ipvs-compare.js';
import { diffRuns, readFixture, runCompareScenario } from './ipvs-compare.js';

const variants = process.env['KTS_COMPARE_VARIANTS'] !== '0';
let keepalivedRun: CompareRunDetail | undefined;

function phase(run: CompareRun, name: string): readonly string[] {
  const s = run.snapshots.find((x) => x.phase === name);
  assert.ok(s, `${run.daemon}: no snapshot for phase ${name}`);
  return s.table;
}

test('Debian keepalived: IPVS snapshots match the committed reference', { timeout: 330_000 }, async () => {
  ensureQemuPackages();
  const run = await runCompareScenario('keepalived', { variants, timeoutMs: 300_000 });
  keepalivedRun = run;
  assert.equal(run.rc, 0, run.diagnostics);
  const ref = readFixture();
  const wanted = variants ? ref : { ...ref, snapshots: ref.snapshots.filter((s) => !/-(dont-release|lvs-flush)/.test(s.phase)) };
  const diffs = diffRuns(wanted, run);
  assert.deepEqual(diffs, [], `reference vs this run:\n${diffs.join('\n')}\n${run.diagnostics}`);
  // The reference itself must show the behaviours the scenario is about.
  const down = phase(run, 'rs-down');
  assert.ok(!down.some((l) => l.includes('-r 198.51.100.11:8080')), 'dead RS removed');
  assert.ok(down.includes('-a -t 203.0.113.11:80 -r 198.51.100.14:80 -g -w 0'), 'inhibited RS at weight 0');
  assert.ok(down.includes('-a -t 203.0.113.30:80 -r 198.51.100.19:80 -m -w 1'), 'sorry server on quorum loss');
  assert.deepEqual(phase(run, 'shutdown'), ['-A -t 203.0.113.99:80 -s rr'], 'only the foreign service survives SIGTERM');
});

test('keepalived-ts: IPVS snapshots equal Debian keepalived\'s, phase by phase', { timeout: 330_000 }, async () => {
  ensureQemuPackages();
  const reference: CompareRun = keepalivedRun ?? readFixture();
  const ours = await runCompareScenario('ours', { variants, timeoutMs: 300_000 });
  const diffs = diffRuns(reference, ours);
  const shown = diffs.length > 80 ? [...diffs.slice(0, 80), `… and ${diffs.length - 80} more`] : diffs;
  assert.deepEqual(diffs, [], `${reference.daemon} vs ${ours.daemon}: ${diffs.length} difference(s)\n${shown.join('\n')}\n` +
    `--- keepalived-ts run\n${ours.diagnostics}`);
  assert.equal(ours.rc, 0, ours.diagnostics);
});
