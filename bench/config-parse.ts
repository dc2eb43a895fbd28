/**
 * Config-test benchmark (`npm run bench -- config-parse`): parse and validate a generated
 * keepalived.conf with N vrrp_instances and N/2 virtual_servers (3 real servers with a
 * TCP_CHECK each), N = 1k, 10k, 100k. Measures `keepalived-ts -t` and Debian's
 * `keepalived -t` as subprocesses on the same file (wall time, peak RSS via GNU time's %M),
 * plus our `readConfigFile` in-process (wall time only: no Node start-up), and prints the
 * ratio ours/keepalived and the time per 1k instances to show linearity.
 *
 * Both run in a throw-away network namespace holding the interfaces the config names
 * (eth0…, 255 instances per interface: a VRID is unique per interface), so keepalived does
 * not spend its time on "interface doesn't exist" warnings; the file is only parsed, never run.
 *
 * Env: BENCH_CONFIG_COUNTS (1000,10000,100000), BENCH_CONFIG_REPEAT (3),
 * BENCH_CONFIG_TIMEOUT_S (300: a keepalived or keepalived-ts run killed after this counts as
 * "timeout"; a keepalived run that timed out is not repeated), BENCH_DAEMONS, BENCH_OUT, KTS_BIN, KEEPALIVED_BIN.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfigFile } from '../src/config/read-config.js';
import { DEFAULT_KTS_BIN } from '../test/lab/lab-daemon.js';
import { positiveIntEnv } from '../src/test-kit/env-knobs.js';
import { envNumber, fmt, markdownTable, OURS, outDir, ratio, requireTools, summarize, THEIRS, writeJson } from './common.js';

const PER_INTERFACE = 255;
const REAL_SERVERS = 3;

const hex = (n: number): string => n.toString(16);

/** `instances` vrrp_instances (VRRPv3, one IPv6 VIP each) and `instances / 2` virtual servers. */
export function generateConfig(instances: number): string {
  const out: string[] = ['global_defs {', '  router_id bench', '  vrrp_version 3', '}', ''];
  for (let j = 0; j < instances; j++) {
    const iface = Math.floor(j / PER_INTERFACE);
    const vrid = (j % PER_INTERFACE) + 1;
    out.push(
      `vrrp_instance VI_${j + 1} {`,
      '  state BACKUP',
      `  interface eth${iface}`,
      `  virtual_router_id ${vrid}`,
      `  priority ${100 + (j % 50)}`,
      '  advert_int 1',
      '  virtual_ipaddress {',
      `    2001:db8:${hex(iface)}::${hex(vrid)}/64`,
      '  }',
      '}',
    );
  }
  for (let j = 0; j < Math.floor(instances / 2); j++) {
    out.push(`virtual_server 198.51.100.${(j % 250) + 1} ${1000 + Math.floor(j / 250)} {`, '  delay_loop 6', '  lb_algo rr', '  lb_kind NAT', '  protocol TCP');
    for (let r = 0; r < REAL_SERVERS; r++) {
      out.push(`  real_server 203.0.113.${((j * REAL_SERVERS + r) % 250) + 1} 8080 {`, '    weight 1', '    TCP_CHECK {', '      connect_timeout 3', '    }', '  }');
    }
    out.push('}');
  }
  return `${out.join('\n')}\n`;
}

interface Run {
  readonly wallMs: number;
  readonly maxRssKb: number | undefined;
  readonly status: number | 'timeout';
}

/**
 * One subprocess under GNU time (peak RSS of the process tree it waited for). `timeout`
 * sits between time and the measured program, so the cap kills the program itself (killing
 * the outer process would leave it running as an orphan).
 */
function timedRun(ns: string, argv: readonly string[], timeoutMs: number, scratch: string): Run {
  const timeFile = join(scratch, 'time.out');
  writeFileSync(timeFile, '');
  const cap = ['timeout', '-s', 'KILL', String(Math.ceil(timeoutMs / 1000))];
  const t0 = process.hrtime.bigint();
  const r = spawnSync('ip', ['netns', 'exec', ns, '/usr/bin/time', '-f', '%M', '-o', timeFile, ...cap, ...argv], { stdio: 'ignore', timeout: timeoutMs + 60_000, killSignal: 'SIGKILL' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // timeout(1) exits 124, or 128+9 when the program died of the KILL it sent.
  if (r.error !== undefined || r.signal !== null || r.status === 124 || r.status === 137) return { wallMs, maxRssKb: undefined, status: 'timeout' };
  const rss = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
  return { wallMs, maxRssKb: Number.isFinite(rss) ? rss : undefined, status: r.status ?? -1 };
}

function inProcessMs(file: string): number {
  const t0 = process.hrtime.bigint();
  readConfigFile(file, 'bench');
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function addInterfaces(ns: string, count: number): void {
  const pairs = Math.ceil(count / 2);
  const cmds: string[] = [];
  for (let p = 0; p < pairs; p++) cmds.push(`link add eth${2 * p} type veth peer name eth${2 * p + 1}`);
  execFileSync('ip', ['-n', ns, '-batch', '-'], { input: `${cmds.join('\n')}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
}

const status = (runs: readonly Run[]): string => [...new Set(runs.map((r) => String(r.status)))].join('/');

export async function configParseBench(env: NodeJS.ProcessEnv): Promise<string> {
  requireTools([['keepalived', 'keepalived'], ['/usr/bin/time', 'time']]);
  const counts = (env['BENCH_CONFIG_COUNTS'] ?? '1000,10000,100000').split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`BENCH_CONFIG_COUNTS=${env['BENCH_CONFIG_COUNTS'] ?? ''}: expected whole numbers ≥ 1`);
    return n;
  });
  const repeat = positiveIntEnv('BENCH_CONFIG_REPEAT', 3, env);
  const timeoutMs = envNumber('BENCH_CONFIG_TIMEOUT_S', 300, env) * 1000;
  const wanted = (env['BENCH_DAEMONS'] ?? `${OURS},${THEIRS}`).split(',');
  const kts = env['KTS_BIN'] ?? DEFAULT_KTS_BIN;
  const keepalived = env['KEEPALIVED_BIN'] ?? '/usr/sbin/keepalived';
  const dir = outDir('config-parse', env);
  const ns = `kts${process.pid % 100000}-cfgbench`;
  execFileSync('ip', ['netns', 'add', ns]);
  const rows: string[][] = [];
  const raw: unknown[] = [];
  try {
    addInterfaces(ns, Math.ceil(Math.max(...counts) / PER_INTERFACE));
    for (const n of counts) {
      const file = join(dir, `vrrp-${n}.conf`);
      writeFileSync(file, generateConfig(n));
      const sizeMb = statSync(file).size / 1e6;
      const ours: Run[] = [];
      const theirs: Run[] = [];
      const inProc: number[] = [];
      for (let i = 0; i < repeat; i++) {
        // Interleaved, so drift on the machine hits both alike.
        if (wanted.includes(OURS)) {
          console.error(`config-parse: ${n} instances, run ${i + 1}: keepalived-ts -t`);
          ours.push(timedRun(ns, [process.execPath, kts, '-t', '-f', file, '-i', 'bench'], timeoutMs, dir));
          inProc.push(inProcessMs(file));
        }
        // A keepalived run that hit the cap would hit it again: it is not repeated.
        if (wanted.includes(THEIRS) && !theirs.some((r) => r.status === 'timeout')) {
          console.error(`config-parse: ${n} instances, run ${i + 1}: keepalived -t`);
          theirs.push(timedRun(ns, [keepalived, '-t', '-f', file, '-i', 'bench'], timeoutMs, dir));
        }
      }
      const oMs = summarize(ours.filter((r) => r.status !== 'timeout').map((r) => r.wallMs));
      const tMs = summarize(theirs.filter((r) => r.status !== 'timeout').map((r) => r.wallMs));
      const oRss = summarize(ours.map((r) => r.maxRssKb));
      const tRss = summarize(theirs.map((r) => r.maxRssKb));
      const ip = summarize(inProc);
      const perK = (s: typeof oMs): string => (s === undefined ? 'n/a' : fmt(s.median / (n / 1000), 1));
      const timedOut = theirs.some((r) => r.status === 'timeout') ? ` (timeout ${timeoutMs / 1000} s)` : '';
      rows.push([
        String(n),
        String(Math.floor(n / 2)),
        fmt(sizeMb, 1),
        fmt(oMs?.median, 0),
        fmt(ip?.median, 0),
        `${fmt(tMs?.median, 0)}${timedOut}`,
        ratio(oMs?.median, tMs?.median),
        `${perK(oMs)} / ${perK(tMs)}`,
        fmt(oRss === undefined ? undefined : oRss.max / 1024, 0),
        fmt(tRss === undefined ? undefined : tRss.max / 1024, 0),
        ratio(oRss?.max, tRss?.max),
        `${status(ours)} / ${status(theirs)}`,
      ]);
      raw.push({ instances: n, virtualServers: Math.floor(n / 2), sizeMb, ours, theirs, inProcessMs: inProc });
    }
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
  writeJson(join(dir, 'results.json'), raw);
  const header = [
    'vrrp_instances',
    'virtual_servers',
    'MB',
    `${OURS} -t ms`,
    'in-process ms',
    `${THEIRS} -t ms`,
    'ratio',
    'ms per 1k instances (ours / keepalived)',
    `${OURS} peak RSS MB`,
    `${THEIRS} peak RSS MB`,
    'RSS ratio',
    'exit (ours / keepalived)',
  ];
  return [
    `## config-parse (runs per size: ${repeat}; wall time median, peak RSS max; raw figures in ${dir})`,
    '',
    markdownTable(header, rows),
    '',
  ].join('\n');
}
