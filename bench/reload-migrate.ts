/**
 * reload-migrate: the checker child's reload migration (src/check/migrate.ts) timed in
 * process, ours only (keepalived has no separate step to compare with; checker-reload times
 * the whole SIGHUP against it): 2,000 VS × 15 RS (30,000 real servers, keepalived #2318's
 * layout) and a tenth of it, best of BENCH_MIGRATE_REPEAT runs each, and their ratio (≈ 10
 * when linear). Its unit test counts property reads instead, which a loaded machine cannot
 * disturb.
 */
import { buildState, setCheckerState } from '../src/check/lvs-state.js';
import { migrateState } from '../src/check/migrate.js';
import { positiveIntEnv } from '../src/test-kit/env-knobs.js';
import { manyVirtualServers } from '../src/test-kit/lvs-sim.js';
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
  return Promise.resolve(`## reload-migrate (checker reload migration, in process, keepalived-ts only)\n\n${table}\n`);
}
