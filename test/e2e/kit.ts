/**
 * Shared scaffolding of the end-to-end VRRP tests: one lab (test/lab/netns.ts) with daemons
 * (LabDaemon), address watchers and captures, all torn down by `teardown()` whatever happened.
 * Each daemon gets its own TMPDIR so its SIGUSR1/SIGUSR2 dumps can be read back.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStatsDump } from '../../src/vrrp/dump.js';
import { masterDownIntervalUs, skewTimeUs } from '../../src/vrrp/timers.js';
import { Capture } from '../lab/capture.js';
import { daemonCommandFromEnv, LabDaemon, type LogLine } from '../lab/lab-daemon.js';
import { createLab, type Lab, type LabHost } from '../lab/netns.js';
import { sleep } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';
import { vipHolders, VipWatcher, type AddrEvent } from '../lab/vip-watch.js';

export { sleep };

export class E2e {
  readonly runDir: string;
  readonly daemons: LabDaemon[] = [];
  private readonly stoppers: { stop(): void }[] = [];
  private readonly tmpDirs = new Map<LabDaemon, string>();

  private constructor(readonly lab: Lab) {
    this.runDir = mkdtempSync(join(tmpdir(), `kts-e2e-${lab.prefix}-`));
  }

  /** A lab of `n` hosts; fails loudly without root, iproute2, tcpdump or python3. */
  static create(n: number, tag: string): E2e {
    for (const bin of ['/usr/bin/tcpdump', '/usr/bin/python3']) {
      if (!existsSync(bin)) throw new Error(`${bin} missing: apt-get install tcpdump python3`);
    }
    return new E2e(createLab(n, tag));
  }

  host(i: number): LabHost {
    return this.lab.host(i);
  }

  /** A daemon on `host` with this config (not started); its dumps go to its own TMPDIR. */
  daemon(host: LabHost, conf: string): LabDaemon {
    const tmp = join(this.runDir, `${host.name}-tmp-${this.daemons.length}`);
    mkdirSync(tmp);
    const d = new LabDaemon(this.lab, host, this.runDir, daemonCommandFromEnv(), conf, { env: { TMPDIR: tmp } });
    this.daemons.push(d);
    this.tmpDirs.set(d, tmp);
    return d;
  }

  watch(hosts: readonly LabHost[] = this.lab.hosts): VipWatcher {
    const w = new VipWatcher(this.lab, hosts);
    this.stoppers.push(w);
    return w;
  }

  async capture(host: LabHost, filter?: string): Promise<Capture> {
    const c = filter === undefined ? new Capture(this.lab, host) : new Capture(this.lab, host, filter);
    this.stoppers.push(c);
    await c.ready;
    return c;
  }

  holders(vip: string): string[] {
    return vipHolders(this.lab, vip);
  }

  /** Waits until exactly `expected` (sorted host names) hold `vip`. */
  async waitHolders(vip: string, expected: readonly string[], ms: number): Promise<void> {
    const want = [...expected].sort().join(',');
    await waitFor(() => this.holders(vip).sort().join(',') === want, ms, () => `${vip} holders ${want} (now: ${this.holders(vip).join(',') || 'none'})\n${this.logTails()}`);
  }

  /** SIGUSR2 to the parent, then the parsed keepalived.stats its VRRP child wrote. */
  async stats(d: LabDaemon): Promise<Record<string, Record<string, number>>> {
    return parseStatsDump(await this.dump(d, 'SIGUSR2', 'keepalived.stats'));
  }

  /** SIGUSR1 to the parent, then the keepalived.data text. */
  async data(d: LabDaemon): Promise<string> {
    return this.dump(d, 'SIGUSR1', 'keepalived.data');
  }

  /** Where `d`'s VRRP child writes `name` (its TMPDIR). */
  dumpPath(d: LabDaemon, name: string): string {
    return join(this.tmpDirs.get(d) ?? '/nonexistent', name);
  }

  private async dump(d: LabDaemon, sig: NodeJS.Signals, name: string): Promise<string> {
    const path = this.dumpPath(d, name);
    if (existsSync(path)) unlinkSync(path);
    d.signal(sig);
    await waitFor(() => existsSync(path), 5000, () => `${d.host.name}: ${name} not written in its TMPDIR\n${this.logTails()}`);
    return readFileSync(path, 'utf8');
  }

  logTails(n = 12): string {
    return this.daemons.map((d) => `--- ${d.host.name} (last ${n} lines)\n${d.lines.slice(-n).map((l) => `    ${l.text}`).join('\n')}`).join('\n');
  }

  async teardown(): Promise<void> {
    try {
      await Promise.all(this.daemons.map((d) => d.stop(3000)));
    } finally {
      for (const s of this.stoppers) s.stop();
      this.lab.down();
      rmSync(this.runDir, { recursive: true, force: true });
    }
  }
}

/** Log lines of `d` matching `re` at or after `afterUs`. */
export function linesOf(d: LabDaemon, re: RegExp, afterUs = 0): LogLine[] {
  return d.lines.filter((l) => l.tUs >= afterUs && re.test(l.text));
}

/** Milliseconds between two µs timestamps, rounded to 0.1 ms for messages. */
export const msBetween = (fromUs: number, toUs: number): number => Math.round((toUs - fromUs) / 100) / 10;

/** Skew_Time and Master_Down_Interval (3 adverts) in ms, from the daemon's own timer arithmetic. */
export function vrrpTimesMs(version: 2 | 3, priority: number, advertIntS: number): { skewMs: number; masterDownMs: number } {
  const cs = Math.round(advertIntS * 100);
  return { skewMs: skewTimeUs(version, priority, cs) / 1000, masterDownMs: masterDownIntervalUs(version, priority, cs, 3) / 1000 };
}

export interface TakeoverCheck {
  readonly host: string;
  readonly vip: string;
  /** When the old master was SIGKILLed (µs). */
  readonly tKillUs: number;
  readonly version: 2 | 3;
  /** The new master's priority (its Skew_Time). */
  readonly priority: number;
  readonly advertS: number;
  readonly label: string;
}

/**
 * After a SIGKILL of the master: waits for `host` to add the VIP and asserts it did so within
 * its Master_Down_Interval + TIMING_MARGIN_MS, and not sooner than one advert interval before
 * it (the last advert left at most one interval before the kill). Logs and returns the ms.
 */
export async function expectTakeoverAfterKill(e: E2e, vips: VipWatcher, c: TakeoverCheck): Promise<number> {
  const added = (): AddrEvent | undefined => vips.first(c.host, c.vip, 'add', c.tKillUs);
  await waitFor(() => added() !== undefined, 10_000, () => `${c.host} to add ${c.vip}\n${e.logTails()}`);
  const tookMs = msBetween(c.tKillUs, added()!.tUs);
  const { skewMs, masterDownMs } = vrrpTimesMs(c.version, c.priority, c.advertS);
  const bound = masterDownMs + TIMING_MARGIN_MS;
  const floor = masterDownMs - c.advertS * 1000 - 50;
  const msg = `${c.label}: ${c.host} added ${c.vip} ${tookMs} ms after SIGKILL (Master_Down_Interval ${masterDownMs} ms = 3×${c.advertS * 1000} + skew ${skewMs}; allowed ${floor}..${bound} ms)`;
  console.log(`# ${msg}`);
  assert.ok(tookMs <= bound && tookMs >= floor, msg);
  return tookMs;
}

/**
 * Slack for timing bounds on a loaded 2-core CI machine: Node start-up of the child is not in
 * these windows, but GC pauses, netlink round trips and tcpdump/ip-monitor scheduling are.
 */
export const TIMING_MARGIN_MS = 1500;
