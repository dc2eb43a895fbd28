/**
 * reload-migrate: the checker child's reload migration (src/check/migrate.ts) timed in
 * process, ours only (keepalived has no separate step to compare with; checker-reload times
 * the whole SIGHUP against it): 2,000 VS × 15 RS (30,000 real servers, keepalived #2318's
 * layout) and a tenth of it, best of BENCH_MIGRATE_REPEAT runs each, and their ratio (≈ 10
 * when linear) — every server sent anew. Then the reload as the parent and the checker child
 * now do it at 30,000 servers (src/config/slices.ts): the parent's encoding of the slices
 * (on its worker thread), and the child's whole step — decoding the parent's delta, the
 * migration, the scheduler, quorum of the rebuilt servers and their IPVS entries — with
 * nothing changed and with one virtual server changed. Its unit tests count property reads
 * instead, which a loaded machine cannot disturb.
 */
import { buildState, evaluateQuorum, setCheckerState, startStep } from '../src/check/lvs-state.js';
import { migratedTables, migrateState } from '../src/check/migrate.js';
import { CheckerScheduler } from '../src/check/scheduler.js';
import { nullLogger } from '../src/core/logger.js';
import type { KeepalivedConfig } from '../src/config/model.js';
import { decodeSlice, encodeSlices, heldAfter, slicePayload } from '../src/config/slices.js';
import { FakeClock } from '../src/test-kit/fake-clock.js';
import { positiveIntEnv } from '../src/test-kit/env-knobs.js';
import { lvsConfig, manyVirtualServers } from '../src/test-kit/lvs-sim.js';
import { fmt, markdownTable } from './common.js';

/** Best wall-clock time (ms) of migrating `nVs` × 15 servers, every 7th VS with a failed checker. */
function bestMigrateMs(nVs: number, repeat: number): number {
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const old = buildState({ virtualServers: manyVirtualServers(nVs, 1), virtualServerGroups: [] });
    for (let v = 0; v < nVs; v += 7) setCheckerState(old, { vs: v, rs: v % 15, checker: 0 }, false);
    const next = { virtualServers: manyVirtualServers(nVs, 2).reverse(), virtualServerGroups: [] };
    const t0 = performance.now();
    migrateState(old, next);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Best times (ms) of the parent's slice encoding and of the child's reload step with `changes` servers changed. */
function bestChildStepMs(nVs: number, changes: number, repeat: number): { encodeMs: number; stepMs: number } {
  const base = lvsConfig('');
  const cfgs = manyVirtualServers(nVs, 1);
  const config: KeepalivedConfig = { ...base, virtualServers: cfgs };
  let encodeMs = Infinity;
  let stepMs = Infinity;
  for (let i = 0; i < repeat; i++) {
    let t0 = performance.now();
    const s1 = encodeSlices(config);
    encodeMs = Math.min(encodeMs, performance.now() - t0);
    const first = decodeSlice(slicePayload('checker', 1, s1));
    if (!first.ok) throw new Error(first.reason);
    const state = buildState(first.value.config);
    startStep(state);
    const sched = new CheckerScheduler(state, { clock: new FakeClock(), random: () => 0.5, log: nullLogger, createProbe: () => ({ run: () => new Promise(() => undefined), close: () => undefined }), onStep: () => undefined });
    sched.start();
    const edited = cfgs.map((vs, v) => (v < changes ? { ...vs, realServers: vs.realServers.map((r) => ({ ...r, weight: 7 })) } : vs));
    const payload = slicePayload('checker', 2, encodeSlices({ ...config, virtualServers: edited }), heldAfter('checker', 1, s1));
    t0 = performance.now();
    const next = decodeSlice(payload, first.value);
    if (!next.ok) throw new Error(next.reason);
    const m = migrateState(state, next.value.config);
    sched.migrate(m.state, m.carriedFrom, () => true);
    evaluateQuorum(m.state, m.rebuilt);
    migratedTables(m);
    stepMs = Math.min(stepMs, performance.now() - t0);
    sched.stop();
  }
  return { encodeMs, stepMs };
}

export function reloadMigrateBench(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const repeat = positiveIntEnv('BENCH_MIGRATE_REPEAT', 5, env);
  const big = bestMigrateMs(2000, repeat);
  const small = bestMigrateMs(200, repeat);
  const table = markdownTable(
    ['real servers', 'migrate (ms, best of ' + String(repeat) + ')'],
    [
      ['30,000 (2,000 VS × 15)', fmt(big, 1)],
      ['3,000 (200 VS × 15)', fmt(small, 2)],
      ['ratio (linear ≈ 10)', fmt(big / small, 1)],
    ],
  );
  const none = bestChildStepMs(2000, 0, repeat);
  const one = bestChildStepMs(2000, 1, repeat);
  const tenth = bestChildStepMs(2000, 200, repeat);
  const steps = markdownTable(
    ['30,000 real servers (2,000 VS × 15)', 'ms, best of ' + String(repeat)],
    [
      ["parent: encode the slices (JSON per virtual server + fingerprint, on its worker thread)", fmt(none.encodeMs, 0)],
      ['checker child: whole reload step, nothing changed', fmt(none.stepMs, 1)],
      ['checker child: whole reload step, 1 virtual server changed', fmt(one.stepMs, 1)],
      ['checker child: whole reload step, 200 virtual servers (3,000 RS) changed', fmt(tenth.stepMs, 1)],
    ],
  );
  return Promise.resolve(`## reload-migrate (checker reload migration, in process, keepalived-ts only)\n\n${table}\n\n${steps}\n`);
}
