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
import { Capture, type Frame } from '../lab/capture.js';
import { daemonCommandFromEnv, LabDaemon, type DaemonCommand, type LabDaemonOptions, type LogLine } from '../lab/lab-daemon.js';
import { createLab, type Lab, type LabHost } from '../lab/netns.js';
import { sleep } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';
import { vipHolders, VipWatcher } from '../lab/vip-watch.js';

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

  /**
   * A daemon on `host` with this config (not started); its dumps go to its own TMPDIR. The
   * binary is DEMO_DAEMON's unless `cmd` names one; `args` changes the lab contract's flags.
   */
  daemon(host: LabHost, conf: string, opts: { cmd?: DaemonCommand; args?: LabDaemonOptions['args'] } = {}): LabDaemon {
    const tmp = join(this.runDir, `${host.name}-tmp-${this.daemons.length}`);
    mkdirSync(tmp);
    const d = new LabDaemon(this.lab, host, this.runDir, opts.cmd ?? daemonCommandFromEnv(), conf, { env: { TMPDIR: tmp }, ...(opts.args ? { args: opts.args } : {}) });
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
  /** The backup that takes over, and the master that was SIGKILLed (host names). */
  readonly host: string;
  readonly from: string;
  readonly vip: string;
  readonly vrid: number;
  /** When the old master was SIGKILLed (µs). */
  readonly tKillUs: number;
  readonly version: 2 | 3;
  /** The new master's priority (its Skew_Time). */
  readonly priority: number;
  readonly advertS: number;
  readonly label: string;
}

/**
 * Lateness allowed past an RFC 5798 timer on a loaded machine: one Master_Advertisement_Interval.
 * Within it the new master's timer fired late only by scheduling; beyond it the takeover is
 * as late as if one more advert had been waited for (a master-down of 4 intervals instead of
 * 3), which is the class of bug the bound is there to catch.
 */
export const takeoverMarginMs = (advertS: number): number => advertS * 1000;

/**
 * After a SIGKILL of the master: waits for `host` to add the VIP and asserts, on the wire
 * (tcpdump's kernel timestamps, so no observer scheduling is in the figure), that its first
 * advert came Master_Down_Interval after the old master's last one (RFC 5798 §6.4.2: the
 * backup's timer restarts at every advert it receives): never sooner (less the instance's
 * 1 ms timer slack), and no later than takeoverMarginMs past it. Logs and returns the ms.
 */
export async function expectTakeoverAfterKill(e: E2e, vips: VipWatcher, cap: Capture, c: TakeoverCheck): Promise<number> {
  const mac = (name: string): string => e.lab.hosts.find((h) => h.name === name)!.mac;
  const advertFrom = (name: string) => (f: Frame): boolean => f.kind === 'vrrp' && f.srcMac === mac(name) && f.vrid === c.vrid;
  await waitFor(() => vips.first(c.host, c.vip, 'add', c.tKillUs), 10_000, () => `${c.host} to add ${c.vip}\n${e.logTails()}`);
  const first = await waitFor(() => cap.first(advertFrom(c.host), c.tKillUs), 5000, () => `${c.host}'s first advert on the wire\n${e.logTails()}`);
  const last = cap.last(advertFrom(c.from), first.tUs);
  assert.ok(last, `${c.label}: no advert of ${c.from} before ${c.host}'s first`);
  const tookMs = msBetween(last.tUs, first.tUs);
  const { skewMs, masterDownMs } = vrrpTimesMs(c.version, c.priority, c.advertS);
  const floor = masterDownMs - 2;
  const bound = masterDownMs + takeoverMarginMs(c.advertS);
  const msg = `${c.label}: ${c.host}'s first advert ${tookMs} ms after ${c.from}'s last (Master_Down_Interval ${masterDownMs} ms = 3×${c.advertS * 1000} + skew ${skewMs}; allowed ${floor}..${bound} ms)`;
  console.log(msg);
  assert.ok(tookMs >= floor && tookMs <= bound, msg);
  return tookMs;
}

