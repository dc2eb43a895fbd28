/**
 * Checker-engine simulation kit: LVS configs from text, an in-memory IpvsClient (the
 * kernel's table with keepalived's EEXIST/ENOENT leniency), scripted probes whose health a
 * test flips, and a FakeClock driver that lets probe promises settle between timers.
 */
import assert from 'node:assert/strict';
import { parseConfigText } from '../config/parse-config.js';
import type { KeepalivedConfig } from '../config/model.js';
import type { VirtualServerConfig } from '../config/lvs/model.js';
import type { IpvsClient, IpvsOp, IpvsServiceEntry, IpvsSyncDaemonSpec, IpvsTable } from '../ipvs/ipvs-types.js';
import type { Probe, ProbeAttempt, ProbeOutcome } from '../check/probe.js';
import { applyOps } from '../check/table-diff.js';
import type { FakeClock } from './fake-clock.js';
import { memoryReader } from './memory-reader.js';

/** A config from keepalived text; fails the test on error diagnostics. */
export function lvsConfig(text: string): KeepalivedConfig {
  const r = parseConfigText(text, '/etc/keepalived/keepalived.conf', { reader: memoryReader({}), configId: 'sim' });
  const errors = r.diagnostics.filter((d) => d.severity === 'error' && !d.message.startsWith('SECURITY VIOLATION'));
  assert.deepEqual(errors.map((d) => d.message), [], 'config has errors');
  return r.config;
}

/**
 * `nVs` virtual servers (10.x.y.1:80) × 15 real servers (172.16.y.1..15:8080+x) with one
 * TCP_CHECK each and the given weight: the reload layout of keepalived #2318 at any size,
 * built directly (parsing 30,000 real servers would dominate what a test or bench measures).
 */
export function manyVirtualServers(nVs: number, weight: number): VirtualServerConfig[] {
  const base = lvsConfig('virtual_server 192.0.2.1 80 {\n lb_algo rr\n protocol TCP\n real_server 192.0.2.10 8080 {\n TCP_CHECK {\n connect_timeout 2\n }\n }\n}\n').virtualServers[0]!;
  const r0 = base.realServers[0]!;
  return Array.from({ length: nVs }, (_, v) => ({
    ...base,
    identity: `ip|[10.${v >> 8}.${v & 255}.1]:TCP:80`,
    name: `[10.${v >> 8}.${v & 255}.1]:tcp:80`,
    address: { type: 'ip' as const, family: 4 as const, address: `10.${v >> 8}.${v & 255}.1`, port: 80 },
    realServers: Array.from({ length: 15 }, (_, r) => ({ ...r0, address: `172.16.${v & 255}.${r + 1}`, port: 8080 + (v >> 8), weight })),
  }));
}

/** In-memory IPVS; `unavailable` makes every call reject like a kernel without ip_vs. */
export class FakeIpvs implements IpvsClient {
  table: IpvsTable = [];
  readonly ops: IpvsOp[] = [];
  closed = false;

  constructor(initial: IpvsTable = []) {
    this.table = initial;
  }

  apply(op: IpvsOp): Promise<void> {
    this.ops.push(op);
    this.table = applyOps(this.table, [op]);
    return Promise.resolve();
  }

  dump(): Promise<IpvsServiceEntry[]> {
    return Promise.resolve(this.table.map((e) => ({ service: e.service, dests: [...e.dests] })));
  }

  /** Sync-daemon and timeout calls, in order: `start <spec json>`, `stop master`, `timeouts tcp/tcpfin/udp`. */
  readonly control: string[] = [];

  startDaemon(spec: IpvsSyncDaemonSpec): Promise<void> {
    this.control.push(`start ${JSON.stringify(spec)}`);
    return Promise.resolve();
  }

  /** Rejects like the kernel (ESRCH) when no daemon of that state was started. */
  stopDaemon(state: 'master' | 'backup'): Promise<void> {
    this.control.push(`stop ${state}`);
    const started = this.control.filter((c) => c.startsWith(`start {"state":"${state}"`)).length;
    const stopped = this.control.filter((c) => c === `stop ${state}`).length - 1;
    return started > stopped ? Promise.resolve() : Promise.reject(new Error('No such process'));
  }

  setTimeouts(t: { readonly tcpS: number; readonly tcpfinS: number; readonly udpS: number }): Promise<void> {
    this.control.push(`timeouts ${t.tcpS}/${t.tcpfinS}/${t.udpS}`);
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
  }

  /** `address:port=weight` per dest, per service address (sorted, compact for asserts). */
  summary(): string[] {
    return sortedSummary(this.table);
  }
}

export function sortedSummary(t: IpvsTable): string[] {
  return t
    .map((e) => {
      const k = e.service.key;
      const name = k.type === 'fwmark' ? `fwm${k.fwmark}` : `${k.address}:${k.port}`;
      const ds = e.dests.map((d) => `${d.address}:${d.port}=${d.weight}`).sort();
      return `${name} ${ds.join(' ')}`.trim();
    })
    .sort();
}

/** A probe whose result the test sets per target (connect address:port). */
export class ScriptedProbes {
  private readonly healthy = new Map<string, boolean>();
  readonly runs: { target: string; urlIndex: number }[] = [];
  /** Per-url failure (HTTP): `target#url` → false. */
  private readonly urlHealth = new Map<string, boolean>();

  set(target: string, up: boolean): void {
    this.healthy.set(target, up);
  }

  setUrl(target: string, urlIndex: number, up: boolean): void {
    this.urlHealth.set(`${target}#${urlIndex}`, up);
  }

  probe(target: string): Probe {
    return {
      run: (a: ProbeAttempt): Promise<ProbeOutcome> => {
        this.runs.push({ target, urlIndex: a.urlIndex });
        const up = (this.healthy.get(target) ?? true) && (this.urlHealth.get(`${target}#${a.urlIndex}`) ?? true);
        return Promise.resolve(up ? { type: 'success' } : { type: 'failure', reason: 'connection refused' });
      },
      close: () => undefined,
    };
  }
}

/** Let settled promises run their continuations. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Advance the clock to `untilMs` timer by timer, letting probe promises settle after each.
 * `quantumMs` > 0 batches all timers of each quantum before settling (large simulations):
 * results then land up to one quantum late, which shifts later runs by as much.
 */
export async function runUntil(clock: FakeClock, untilMs: number, quantumMs = 0): Promise<void> {
  await settle();
  for (;;) {
    const next = clock.nextAtMs();
    if (next === null || next > untilMs) break;
    clock.advanceTo(Math.min(untilMs, quantumMs > 0 ? Math.max(next, clock.nowMs() + quantumMs) : next));
    await settle();
  }
  clock.advanceTo(untilMs);
  await settle();
}
