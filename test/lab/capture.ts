/**
 * tcpdump on a lab host, parsed into frames: ARP (for gratuitous ARP after a takeover) and
 * VRRP adverts. `-tt` gives kernel receive timestamps in µs (CLOCK_REALTIME), `-e` the
 * source MAC (which host sent it), `--immediate-mode -l` no buffering delay.
 * PcapCapture writes a pcap file instead, for decoders such as tshark.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Lab, LabHost } from './netns.js';

export type Frame =
  | { readonly kind: 'arp'; readonly tUs: number; readonly srcMac: string; readonly op: 'request' | 'reply'; readonly senderIp: string; readonly targetIp?: string }
  | { readonly kind: 'vrrp'; readonly tUs: number; readonly srcMac: string; readonly srcIp: string; readonly version: number; readonly vrid: number; readonly priority: number }
  /** ICMPv6 neighbor advertisement (unsolicited NA after an IPv6 takeover); needs `icmp6` in the filter. */
  | { readonly kind: 'na'; readonly tUs: number; readonly srcMac: string; readonly srcIp: string; readonly dstIp: string; readonly target: string };

const toUs = (t: string): number => {
  const [s = '0', frac = ''] = t.split('.');
  return Number(s) * 1_000_000 + Number(frac.padEnd(6, '0').slice(0, 6));
};

/** One line of `tcpdump -n -tt -e -l`. */
export function parseTcpdumpLine(line: string): Frame | undefined {
  const head = /^(\d+\.\d+) ([0-9a-f:]{17}) > [0-9a-f:]{17}, ethertype (\S+) \([^)]*\), length \d+: (.*)$/.exec(line);
  if (!head) return undefined;
  const [, t, srcMac, ethertype, body] = head as unknown as [string, string, string, string, string];
  const tUs = toUs(t);
  if (ethertype === 'ARP') {
    let m = /Request who-has (\S+)(?: \([^)]*\))? tell (\S+?),/.exec(body);
    if (m) return { kind: 'arp', tUs, srcMac, op: 'request', senderIp: m[2] as string, targetIp: m[1] as string };
    m = /Reply (\S+) is-at/.exec(body);
    if (m) return { kind: 'arp', tUs, srcMac, op: 'reply', senderIp: m[1] as string };
    m = /Announcement,? (\S+?),/.exec(body);
    if (m) return { kind: 'arp', tUs, srcMac, op: 'request', senderIp: m[1] as string, targetIp: m[1] as string };
    return undefined;
  }
  const na = /^(\S+) > (\S+): ICMP6, neighbor advertisement, tgt is (\S+?),/.exec(body);
  if (na) return { kind: 'na', tUs, srcMac, srcIp: na[1] as string, dstIp: na[2] as string, target: na[3] as string };
  // tcpdump prints "(ttl N), " before the VRID when the TTL/hop limit is not 255.
  const v = /^(\S+) > \S+: VRRPv(\d), Advertisement, (?:\(ttl \d+\), )?vrid (\d+), prio (\d+)/.exec(body);
  if (v) return { kind: 'vrrp', tUs, srcMac, srcIp: v[1] as string, version: Number(v[2]), vrid: Number(v[3]), priority: Number(v[4]) };
  return undefined;
}

/** A gratuitous ARP for `vip`: sender IP = VIP (request with target = VIP, or reply). */
export function isGarpFor(f: Frame, vip: string): boolean {
  return f.kind === 'arp' && f.senderIp === vip && (f.op === 'reply' || f.targetIp === vip);
}

/** Resolves once tcpdump says it is listening; rejects if it exits first or takes over 5 s. */
function tcpdumpReady(proc: ChildProcess, host: LabHost): Promise<void> {
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump on ${host.name} did not start`)), 5000);
    if (proc.stderr) {
      createInterface({ input: proc.stderr }).on('line', (l) => {
        if (/listening on/.test(l)) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    proc.once('exit', () => reject(new Error(`tcpdump on ${host.name} exited`)));
  });
  ready.catch(() => undefined);
  return ready;
}

export class Capture {
  readonly frames: Frame[] = [];
  readonly ready: Promise<void>;
  private readonly proc: ChildProcess;

  constructor(lab: Lab, host: LabHost, filter = 'arp or ip proto 112 or ip6 proto 112') {
    this.proc = lab.spawn(host, ['tcpdump', '-i', 'eth0', '-n', '-tt', '-e', '-l', '--immediate-mode', '-s', '256', filter]);
    this.ready = tcpdumpReady(this.proc, host);
    if (this.proc.stdout) {
      createInterface({ input: this.proc.stdout }).on('line', (l) => {
        const f = parseTcpdumpLine(l);
        if (f) this.frames.push(f);
      });
    }
  }

  /** tcpdump's pid (`ip netns exec` execs it), e.g. to renice the observer. */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  first(pred: (f: Frame) => boolean, afterUs = 0): Frame | undefined {
    return this.frames.find((f) => f.tUs >= afterUs && pred(f));
  }

  last(pred: (f: Frame) => boolean, beforeUs = Number.MAX_SAFE_INTEGER): Frame | undefined {
    let out: Frame | undefined;
    for (const f of this.frames) if (f.tUs < beforeUs && pred(f)) out = f;
    return out;
  }

  stop(): void {
    this.proc.kill('SIGTERM');
  }
}

/**
 * tcpdump writing a pcap file on a lab host. `--immediate-mode` matters: without it libpcap
 * hands packets over in blocks (up to ~1 s late) and a SIGTERM drops the unprocessed block,
 * i.e. exactly the last adverts (such as a priority-0 one sent just before the stop).
 */
export class PcapCapture {
  readonly ready: Promise<void>;
  private readonly proc: ChildProcess;
  private readonly exited: Promise<void>;

  /** The default filter takes VRRP, AH-protected VRRP (`auth_type AH`: IP protocol 51), ARP and ICMPv6 (NA). */
  constructor(lab: Lab, host: LabHost, readonly file: string, filter = 'arp or ip proto 112 or ip proto 51 or ip6 proto 112 or icmp6') {
    this.proc = lab.spawn(host, ['tcpdump', '-Z', 'root', '-i', 'eth0', '-n', '-U', '--immediate-mode', '-s', '256', '--time-stamp-precision=micro', '-w', file, filter]);
    this.exited = new Promise((resolve) => this.proc.once('exit', () => resolve()));
    this.ready = tcpdumpReady(this.proc, host);
  }

  /** SIGTERM tcpdump and wait until it has written and closed the file. */
  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    await this.exited;
  }
}
