// keepalived vs keepalived-ts, IPVS side: ONE qemu guest boot runs the comparison scenario
// (ipvs-compare.ts) for Debian's keepalived and then for ours. keepalived must reproduce the
// committed reference snapshots (so the reference, the scenario and the guest kernel still
// agree), and ours must produce the same reference tables, phase by phase.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureQemuPackages } from './qemu-vm.js';
import type { CompareRun, CompareRunDetail } from './ipvs-compare.js';
import { diffRuns, readFixture, runCompareScenarios } from './ipvs-compare.js';

const variants = process.env['KTS_COMPARE_VARIANTS'] !== '0';
let runs: Promise<readonly CompareRunDetail[]> | undefined;

function phase(run: CompareRun, name: string): readonly string[] {
  const s = run.snapshots.find((x) => x.phase === name);
  assert.ok(s, `${run.daemon}: no snapshot for phase ${name}`);
  return s.table;
}

function reference(): CompareRun {
  const ref = readFixture();
  return variants ? ref : { ...ref, snapshots: ref.snapshots.filter((s) => !/-(dont-release|lvs-flush)/.test(s.phase)) };
}

function describeDiffs(ref: CompareRun, run: CompareRunDetail): string {
  const diffs = diffRuns(ref, run);
  const shown = diffs.length > 80 ? [...diffs.slice(0, 80), `… and ${diffs.length - 80} more`] : diffs;
  return `${ref.daemon} reference vs ${run.daemon}: ${diffs.length} difference(s)\n${shown.join('\n')}\n--- ${run.daemon} run\n${run.diagnostics}`;
}

async function runOf(label: 'keepalived' | 'ours'): Promise<CompareRunDetail> {
  assert.ok(runs, 'the guest run did not start');
  const all = await runs;
  const run = all[label === 'keepalived' ? 0 : 1];
  assert.ok(run, `no ${label} run`);
  return run;
}

before(() => {
  ensureQemuPackages();
  runs = runCompareScenarios(['keepalived', 'ours'], { variants, timeoutMs: 420_000 });
  // Each test awaits it; an early rejection must not count as unhandled.
  runs.catch(() => undefined);
});

test('Debian keepalived: IPVS snapshots match the committed reference', { timeout: 450_000 }, async () => {
  const run = await runOf('keepalived');
  assert.equal(run.rc, 0, run.diagnostics);
  const ref = reference();
  assert.deepEqual(diffRuns(ref, run), [], describeDiffs(ref, run));
  // The reference itself must show the behaviours the scenario is about.
  const down = phase(run, 'rs-down');
  assert.ok(!down.some((l) => l.includes('-r 198.51.100.11:8080')), 'dead RS removed');
  assert.ok(down.includes('-a -t 203.0.113.11:80 -r 198.51.100.14:80 -g -w 0'), 'inhibited RS at weight 0');
  assert.ok(down.includes('-a -t 203.0.113.30:80 -r 198.51.100.19:80 -m -w 1'), 'sorry server on quorum loss');
  assert.deepEqual(phase(run, 'shutdown'), ['-A -t 203.0.113.99:80 -s rr'], 'only the foreign service survives SIGTERM');
  // DR/TUN real servers written on 8080 under a VS on 443: entered on 443, checked on 8080;
  // connect_port wins; NAT keeps 8080; without a port the checker tries port 0 and fails.
  const startup = phase(run, 'startup');
  assert.ok(startup.includes('-a -t 203.0.113.60:443 -r 198.51.100.20:443 -g -w 1'), 'DR RS on the service port');
  assert.ok(startup.includes('-a -t 203.0.113.61:443 -r 198.51.100.21:443 -i -w 1 --tun-type ipip'), 'TUN RS on the service port');
  assert.ok(!startup.some((l) => /198\.51\.100\.2[45]:/.test(l)), 'RSs without a port never pass their check');
  assert.deepEqual(phase(run, 'checker-ports'), ['198.51.100.20 8080', '198.51.100.21 8080', '198.51.100.22 9090', '198.51.100.23 8080'], 'ports the checkers connect to');
});

test('keepalived-ts: IPVS snapshots equal Debian keepalived\'s reference, phase by phase', { timeout: 450_000 }, async () => {
  const run = await runOf('ours');
  const ref = reference();
  assert.deepEqual(diffRuns(ref, run), [], describeDiffs(ref, run));
  assert.equal(run.rc, 0, run.diagnostics);
});
