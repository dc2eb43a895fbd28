/**
 * Where is the VIP? Two views, for e2e tests, interop tests and the demo:
 *  - VipWatcher: `ip -ts -o monitor address` per host namespace, so each add/delete has
 *    the kernel-notification receive time (µs, CLOCK_REALTIME, as tcpdump's);
 *  - vipHolders(): a one-shot poll of `ip -o addr show dev eth0` in each host.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Lab, LabHost } from './netns.js';

export interface AddrEvent {
  readonly host: string;
  /** Wall-clock µs from ip's own timestamp. */
  readonly tUs: number;
  readonly type: 'add' | 'del';
  readonly dev: string;
  readonly family: 'inet' | 'inet6';
  readonly address: string;
  readonly prefixLen: number;
}

/** One `ip -ts -o monitor address` line: `[2026-11-26T10:57:50.893980] [Deleted ]3: eth0    inet 192.0.2.100/24 …`. */
export function parseIpMonitorLine(host: string, line: string): AddrEvent | undefined {
  const m = /^\[(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})\] (Deleted )?\d+: (\S+)\s+(inet6?) ([0-9a-fA-F.:]+)\/(\d+)/.exec(line);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, us, del, dev, fam, addr, plen] = m;
  // ip prints local time.
  const ms = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)).getTime();
  return {
    host,
    tUs: ms * 1000 + Number(us),
    type: del ? 'del' : 'add',
    dev: dev as string,
    family: fam === 'inet6' ? 'inet6' : 'inet',
    address: addr as string,
    prefixLen: Number(plen),
  };
}

export class VipWatcher {
  readonly events: AddrEvent[] = [];
  private readonly procs: ChildProcess[] = [];

  constructor(lab: Lab, hosts: readonly LabHost[]) {
    for (const h of hosts) {
      const p = lab.spawn(h, ['ip', '-ts', '-o', 'monitor', 'address']);
      this.procs.push(p);
      if (p.stdout) {
        createInterface({ input: p.stdout }).on('line', (line) => {
          const e = parseIpMonitorLine(h.name, line);
          if (e) this.events.push(e);
        });
      }
    }
  }

  /** Pids of the `ip monitor` processes, e.g. to renice the observers. */
  get pids(): number[] {
    return this.procs.flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
  }

  /** First event of `type` for `address` on `host` at or after `afterUs`. */
  first(host: string, address: string, type: 'add' | 'del', afterUs = 0): AddrEvent | undefined {
    return this.events.find((e) => e.host === host && e.address === address && e.type === type && e.tUs >= afterUs);
  }

  /** Hosts holding `address` at `atUs` according to the notifications (the lab starts with no VIPs). */
  holdersAt(address: string, hosts: readonly string[], atUs = Number.MAX_SAFE_INTEGER): string[] {
    return hosts.filter((h) => {
      let holds = false;
      for (const e of this.events) if (e.host === h && e.address === address && e.tUs <= atUs) holds = e.type === 'add';
      return holds;
    });
  }

  stop(): void {
    for (const p of this.procs) p.kill('SIGTERM');
  }
}

/** Hosts whose eth0 currently has `address` (a one-shot poll). */
export function vipHolders(lab: Lab, address: string, hosts: readonly LabHost[] = lab.hosts): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const text = lab.exec(h, ['ip', '-o', 'addr', 'show', 'dev', 'eth0']);
    if (text.split('\n').some((l) => new RegExp(`\\sinet6? ${address.replace(/\./g, '\\.')}/`).test(l))) out.push(h.name);
  }
  return out;
}
