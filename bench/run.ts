/**
 * `npm run bench [-- NAME…]`: runs the benchmarks (all but soak, or the named ones) and prints one
 * Markdown report (machine line, then each benchmark's tables: keepalived-ts and keepalived
 * from the same run, and their ratio). Progress goes to stderr. Needs root, iproute2,
 * tcpdump, python3 and Debian's keepalived (`apt-get install keepalived tcpdump`).
 * Measurements only: the exit status says whether every benchmark ran, not how fast.
 */
import { chaosBench } from './chaos.js';
import { machineLine } from './common.js';
import { checkerReloadBench, checkersBench } from './checkers.js';
import { configMemoryBench } from './config-memory.js';
import { configParseBench } from './config-parse.js';
import { failoverBench } from './failover.js';
import { reloadMigrateBench } from './reload-migrate.js';
import { rtnlBench } from './rtnl.js';
import { scaleBench } from './scale.js';
import { trackersBench } from './trackers.js';
import { soakBench } from './soak.js';
import { statusBench } from './status.js';

const BENCHMARKS: Readonly<Record<string, (env: NodeJS.ProcessEnv) => Promise<string>>> = {
  failover: failoverBench,
  scale: scaleBench,
  'config-parse': configParseBench,
  'config-memory': configMemoryBench,
  checkers: checkersBench,
  'checker-reload': checkerReloadBench,
  'reload-migrate': reloadMigrateBench,
  rtnl: rtnlBench,
  trackers: trackersBench,
  status: statusBench,
  chaos: chaosBench,
  soak: soakBench,
};

/** Run only when named (`npm run soak` runs it): it lasts SOAK_MINUTES. */
const ONLY_WHEN_NAMED: readonly string[] = ['soak'];

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(`usage: node dist/bench/run.js [${Object.keys(BENCHMARKS).join('|')} …]  (default: all)`);
    return 0;
  }
  const names = argv.length > 0 ? [...argv] : Object.keys(BENCHMARKS).filter((n) => !ONLY_WHEN_NAMED.includes(n));
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    return 2;
  }
  console.log(`# keepalived-ts benchmarks\n\n${machineLine()}\n`);
  let failed = false;
  for (const name of names) {
    try {
      console.log(await BENCHMARKS[name]!(process.env));
    } catch (e) {
      failed = true;
      console.error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exit(1);
  },
);
