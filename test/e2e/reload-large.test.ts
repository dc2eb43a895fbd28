/**
 * A reload never costs the master its adverts (keepalived(8) SIGNALS, HUP): h1 masters VI_1
 * at advert_int 0.1 (VRRPv3: Master_Down_Interval ≈ 0.36 s on h2) in a file that also holds
 * 2,000 virtual servers × 15 real servers (30,000, keepalived issue #2318's shape). Three
 * SIGHUPs to h1, each with the file edited (one virtual server changed). h3 records the
 * adverts (tcpdump's kernel timestamps): the longest gap between h1's adverts across the
 * reloads must stay below h2's Master_Down_Interval, and h2 must never take VI_1 (no second
 * master). keepalived 2.2.7 runs the same scenario first, as the oracle; its figures are
 * printed beside ours (its own gaps are not asserted: they are its business).
 *
 * keepalived-ts reads the file on a worker thread of the parent and hands the VRRP child
 * only the VRRP part (docs/architecture.md, "Configuration and reload").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { keepalivedConf, manyVirtualServersConf } from '../lab/keepalived-conf.js';
import { keepalivedCommand, keepalivedTsCommand, type DaemonCommand } from '../lab/lab-daemon.js';
import { nowUs } from '../lab/proc.js';
import { E2e, linesOf, sleep, vrrpTimesMs } from './kit.js';

const ADVERT_S = 0.1;
const VIP = '192.0.2.100';
const RELOADS = 3;
/** After each SIGHUP: long enough for ours (parse on the worker) and keepalived to finish. */
const AFTER_RELOAD_MS = 6000;

const conf = (host: string, priority: number, edit: number): string =>
  keepalivedConf({ routerId: host, vrrpVersion: 3, instances: [{ name: 'VI_1', iface: 'eth0', vrid: 51, priority, advertInt: ADVERT_S, vips: [`${VIP}/24`] }] }) + (host === 'h1' ? manyVirtualServersConf(2000, edit) : '');

interface Figures {
  readonly label: string;
  /** Longest interval between two of h1's adverts, from 1 s before the first SIGHUP to the end. */
  readonly maxGapMs: number;
  /** When that gap began, after the SIGHUP before it, ms. */
  readonly gapAfterHupMs: number;
  /** h1's log from its SIGHUP to the end of that reload, ms after the SIGHUP (which step took the time). */
  readonly reloadLog: readonly string[];
  /** Same, in the 1 s before the first SIGHUP (the machine's own jitter). */
  readonly steadyGapMs: number;
  /** h2's adverts for VI_1 after the first SIGHUP (h2 only advertises as master). */
  readonly h2Adverts: number;
  readonly h2Master: number;
  /** VmRSS of h1's VRRP child before the first and after the last reload, MB. */
  readonly vrrpRssMb: readonly [number, number];
}

const rssMb = (pidFile: string): number => {
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
};

/** The longest interval (ms) and when it began (µs). */
function maxGap(times: readonly number[]): { ms: number; atUs: number } {
  let max = 0;
  let atUs = 0;
  for (let i = 1; i < times.length; i++) {
    if (times[i]! - times[i - 1]! > max) {
      max = times[i]! - times[i - 1]!;
      atUs = times[i - 1]!;
    }
  }
  return { ms: Math.round(max / 100) / 10, atUs };
}

async function scenario(cmd: DaemonCommand, tag: string): Promise<Figures> {
  const e = E2e.create(3, tag);
  try {
    const cap = await e.capture(e.host(3), 'ip proto 112');
    const d1 = e.daemon(e.host(1), conf('h1', 150, 0), { cmd });
    const d2 = e.daemon(e.host(2), conf('h2', 100, 0), { cmd });
    d1.start();
    d2.start();
    await e.waitHolders(VIP, ['h1'], 60_000);
    await sleep(2000);
    const rssBefore = rssMb(d1.vrrpPidFile);
    const t0 = nowUs();
    const hups: number[] = [];
    for (let i = 1; i <= RELOADS; i++) {
      d1.writeConf(conf('h1', 150, i));
      hups.push(nowUs());
      d1.signal('SIGHUP');
      await sleep(AFTER_RELOAD_MS);
    }
    const tEnd = nowUs();
    const h1 = e.host(1).mac;
    const h1Times = cap.frames.filter((f) => f.kind === 'vrrp' && f.vrid === 51 && f.srcMac === h1 && f.tUs >= t0 - 1_000_000 && f.tUs <= tEnd).map((f) => f.tUs);
    const steady = h1Times.filter((t) => t < t0);
    const gap = maxGap(h1Times);
    const hup = hups.filter((h) => h <= gap.atUs).at(-1) ?? t0;
    return {
      label: cmd.label,
      maxGapMs: gap.ms,
      gapAfterHupMs: Math.round((gap.atUs - hup) / 1000),
      reloadLog: d1.lines.filter((l) => l.tUs >= hup && l.tUs < hup + AFTER_RELOAD_MS * 1000 && /reload|Reload/.test(l.text)).map((l) => `+${Math.round((l.tUs - hup) / 1000)} ms ${l.text}`),
      steadyGapMs: maxGap(steady).ms,
      h2Adverts: cap.frames.filter((f) => f.kind === 'vrrp' && f.vrid === 51 && f.srcMac === e.host(2).mac && f.tUs >= t0).length,
      h2Master: linesOf(d2, /\(VI_1\) Entering MASTER STATE/, t0).length,
      vrrpRssMb: [rssBefore, rssMb(d1.vrrpPidFile)],
    };
  } finally {
    await e.teardown();
  }
}

const show = (f: Figures): string[] => [
  `${f.label}: longest gap between h1's adverts across ${RELOADS} reloads ${f.maxGapMs} ms, ${f.gapAfterHupMs} ms after a SIGHUP (steady ${f.steadyGapMs} ms); h2 adverts ${f.h2Adverts}, h2 MASTER ${f.h2Master}; h1 VRRP child VmRSS ${f.vrrpRssMb[0]} → ${f.vrrpRssMb[1]} MB`,
  ...f.reloadLog.map((l) => `  ${l}`),
];

test('SIGHUP with 30,000 real servers in the file: the advert_int 0.1 master keeps advertising, no second master (keepalived 2.2.7 beside)', { timeout: 300_000 }, async (t) => {
  const theirs = await scenario(keepalivedCommand(), 'rlk');
  for (const l of show(theirs)) t.diagnostic(l);
  const ours = await scenario(keepalivedTsCommand(), 'rlo');
  for (const l of show(ours)) t.diagnostic(l);
  const { masterDownMs } = vrrpTimesMs(3, 100, ADVERT_S);
  assert.equal(ours.h2Master, 0, `h2 became a second master\n${show(ours).join('\n')}`);
  assert.equal(ours.h2Adverts, 0, `h2 advertised VI_1 while h1 was master\n${show(ours).join('\n')}`);
  assert.ok(ours.maxGapMs < masterDownMs, `a gap of ${ours.maxGapMs} ms in h1's adverts ≥ h2's Master_Down_Interval ${masterDownMs} ms\n${show(ours).join('\n')}`);
  // The VRRP child never sees the virtual servers: its memory does not grow with them.
  assert.ok(ours.vrrpRssMb[1] < ours.vrrpRssMb[0] + 20, show(ours).join('\n'));
});
