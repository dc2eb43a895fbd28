/**
 * Soak (`npm run soak`, or `npm run bench -- soak`): two nodes on one VRRP config (VRRPv3,
 * advert_int 0.1 by default: ten adverts a second each way) run for SOAK_MINUTES while a
 * steady churn exercises the paths that could leak — a SIGHUP reload every minute, SIGUSR1
 * and SIGUSR2 dumps, and every fifth minute a carrier flap of the master (failover and
 * preemption back). Every SOAK_SAMPLE_S seconds: RssAnon and open fds of each parent and VRRP
 * child (/proc/PID/status, /proc/PID/fd). The report gives start, end and peak, the trend of
 * the RssAnon floor (least squares over each minute's minimum, first two minutes left out:
 * a heap's garbage comes and goes, a leak raises the floor) and the fd range;
 * docs/reliability.md records runs.
 *
 * Env: SOAK_MINUTES (10), SOAK_SAMPLE_S (10), SOAK_ADVERT_INT (0.1), BENCH_DAEMONS
 * (keepalived-ts by default here; add keepalived to compare), BENCH_OUT.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { positiveIntEnv } from '../src/test-kit/env-knobs.js';
import { keepalivedConf } from '../test/lab/keepalived-conf.js';
import { LabDaemon, readPid, type DaemonCommand } from '../test/lab/lab-daemon.js';
import { createLab } from '../test/lab/netns.js';
import { sleep } from '../test/lab/proc.js';
import { vipHolders } from '../test/lab/vip-watch.js';
import { benchDaemons, envNumber, fmt, markdownTable, outDir, requireTools, writeJson } from './common.js';

export interface ProcSample {
  readonly tS: number;
  readonly who: string;
  readonly pid: number;
  readonly rssAnonKb: number;
  readonly fds: number;
}

/** RssAnon (kB) and the open fd count of `pid`, or undefined if it is gone. */
export function sampleProc(pid: number): { rssAnonKb: number; fds: number } | undefined {
  try {
    const m = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { rssAnonKb: Number(m?.[1] ?? NaN), fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x (per unit of x); 0 with fewer than two points. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

interface SoakRun {
  readonly label: string;
  readonly samples: ProcSample[];
  readonly childRestarts: number;
  readonly failovers: number;
  readonly reloads: number;
  readonly alive: boolean;
}

async function soakOne(cmd: DaemonCommand, minutes: number, sampleS: number, advertIntS: number, log: (l: string) => void): Promise<SoakRun> {
  const lab = createLab(2, 'soak');
  const runDir = mkdtempSync(join(tmpdir(), `kts-soak-${lab.prefix}-`));
  const daemons: LabDaemon[] = [];
  const samples: ProcSample[] = [];
  let reloads = 0;
  let failovers = 0;
  const childPids = new Set<number>();
  try {
    for (const [i, h] of lab.hosts.entries()) {
      const conf = keepalivedConf({ routerId: h.name, vrrpVersion: 3, instances: [{ name: 'VI_1', iface: 'eth0', vrid: 51, priority: i === 0 ? 150 : 100, advertInt: advertIntS, vips: ['192.0.2.100/24'] }] });
      const tmp = join(runDir, `${h.name}-tmp`);
      mkdirSync(tmp);
      daemons.push(new LabDaemon(lab, h, runDir, cmd, conf, { env: { TMPDIR: tmp } }));
    }
    for (const d of daemons) d.start();
    await sleep(5000);
    const t0 = Date.now();
    let nextSample = 0;
    let minute = 0;
    while (Date.now() - t0 < minutes * 60_000) {
      const tS = (Date.now() - t0) / 1000;
      if (tS >= nextSample) {
        nextSample += sampleS;
        for (const d of daemons) {
          const who = [['parent', d.mainPid()], ['vrrp', readPid(d.vrrpPidFile)]] as const;
          for (const [role, pid] of who) {
            if (pid === undefined) continue;
            if (role === 'vrrp') childPids.add(pid);
            const s = sampleProc(pid);
            if (s) samples.push({ tS, who: `${d.host.name} ${role}`, pid, ...s });
          }
        }
      }
      if (tS >= (minute + 1) * 60) {
        minute++;
        const master = daemons.find((d) => vipHolders(lab, '192.0.2.100', [d.host]).length > 0) ?? daemons[0]!;
        master.signal('SIGHUP');
        reloads++;
        for (const d of daemons) d.signal(minute % 2 === 0 ? 'SIGUSR1' : 'SIGUSR2');
        if (minute % 5 === 0) {
          lab.setLink(master.host, false);
          await sleep(2000);
          lab.setLink(master.host, true);
          failovers++;
        }
        log(`${cmd.label}: minute ${minute}/${minutes}`);
      }
      await sleep(250);
    }
    const alive = daemons.every((d) => d.running);
    return { label: cmd.label, samples, childRestarts: Math.max(0, childPids.size - daemons.length), failovers, reloads, alive };
  } finally {
    await Promise.all(daemons.map((d) => d.stop(5000)));
    lab.down();
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** (hours, MB) of each minute's lowest RssAnon, from minute 2 on (warm-up left out). */
export function floorPoints(xs: readonly ProcSample[]): [number, number][] {
  const byMinute = new Map<number, number>();
  for (const s of xs) {
    const m = Math.floor(s.tS / 60);
    if (m < 2) continue;
    byMinute.set(m, Math.min(byMinute.get(m) ?? Infinity, s.rssAnonKb));
  }
  return [...byMinute].map(([m, kb]) => [(m + 0.5) / 60, kb / 1024]);
}

function summarizeRun(r: SoakRun): string[][] {
  const rows: string[][] = [];
  for (const who of [...new Set(r.samples.map((s) => s.who))].sort()) {
    const xs = r.samples.filter((s) => s.who === who);
    const first = xs[0]!;
    const last = xs[xs.length - 1]!;
    const mbPerHour = slope(floorPoints(xs));
    const fds = xs.map((s) => s.fds);
    rows.push([
      r.label,
      who,
      String(xs.length),
      fmt(first.rssAnonKb / 1024),
      fmt(last.rssAnonKb / 1024),
      fmt(Math.max(...xs.map((s) => s.rssAnonKb)) / 1024),
      fmt(mbPerHour, 2),
      `${Math.min(...fds)}–${Math.max(...fds)}`,
    ]);
  }
  return rows;
}

export async function soakBench(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  requireTools([['python3', 'python3']]);
  const minutes = positiveIntEnv('SOAK_MINUTES', 10, env);
  const sampleS = positiveIntEnv('SOAK_SAMPLE_S', 10, env);
  const advertIntS = envNumber('SOAK_ADVERT_INT', 0.1, env);
  const cmds = benchDaemons({ BENCH_DAEMONS: 'keepalived-ts', ...env });
  const out = outDir('soak', env);
  const runs: SoakRun[] = [];
  for (const cmd of cmds) runs.push(await soakOne(cmd, minutes, sampleS, advertIntS, (l) => void process.stderr.write(`soak: ${l}\n`)));
  writeJson(join(out, 'soak.json'), { minutes, sampleS, advertIntS, runs });
  const table = markdownTable(['daemon', 'process', 'samples', 'RssAnon start MB', 'end MB', 'peak MB', 'floor trend MB/h', 'fds'], runs.flatMap(summarizeRun));
  const events = markdownTable(
    ['daemon', 'reloads', 'failovers (carrier flap)', 'VRRP child restarts', 'running at the end'],
    runs.map((r) => [r.label, String(r.reloads), String(r.failovers), String(r.childRestarts), r.alive ? 'yes' : 'no']),
  );
  return `## soak — ${minutes} min, advert_int ${advertIntS} s, sample every ${sampleS} s; raw: ${out}\n\n${table}\n\n${events}`;
}
