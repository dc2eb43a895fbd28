/**
 * Network faults between the lab's hosts, all inside the lab's switch namespace (never the
 * root namespace): an nftables `bridge` table whose forward chain sees every frame once per
 * egress port, so a rule can drop by ingress and egress port (a partition between two
 * hosts) or at random (`numgen random mod 100 < P`: loss of VRRP adverts); and delay lines
 * (delay-line.ts) that carry VRRP between two ports after a delay while the direct path is
 * dropped. The host kernel has no sch_netem, hence this.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Lab, LabHost } from '../lab/netns.js';

const TABLE = 'kts_chaos';
const CHAIN = 'links';
const DELAY_LINE = join(dirname(fileURLToPath(import.meta.url)), 'delay-line.js');
const port = (h: LabHost): string => `p${h.name}`;
const VRRP_ONLY = ['meta', 'l4proto', 'vrrp'];

export type NetFault =
  | { readonly type: 'loss'; readonly percent: number }
  | { readonly type: 'partition'; readonly a: LabHost; readonly b: LabHost }
  | { readonly type: 'delay'; readonly a: LabHost; readonly b: LabHost; readonly ms: number; readonly jitterMs: number; readonly seed: number };

export class NetFaults {
  private readonly lines: ChildProcess[] = [];

  constructor(private readonly lab: Lab) {
    this.nft(['add', 'table', 'bridge', TABLE]);
    this.nft(['add', 'chain', 'bridge', TABLE, CHAIN, '{', 'type', 'filter', 'hook', 'forward', 'priority', '0', ';', 'policy', 'accept', ';', '}']);
  }

  private nft(args: readonly string[]): void {
    execFileSync('ip', ['netns', 'exec', this.lab.switchNs, 'nft', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  private rule(match: readonly string[]): void {
    this.nft(['add', 'rule', 'bridge', TABLE, CHAIN, ...match, 'counter', 'drop']);
  }

  /** Applies a fault (several may be active at once); heal() lifts them all. */
  async apply(f: NetFault): Promise<void> {
    switch (f.type) {
      case 'loss':
        // Each copy of a frame is dropped on its own: every receiver loses its own adverts.
        if (f.percent > 0) this.rule([...VRRP_ONLY, 'numgen', 'random', 'mod', '100', '<', String(Math.min(99, f.percent))]);
        return;
      case 'partition':
        this.rule(['iifname', port(f.a), 'oifname', port(f.b)]);
        this.rule(['iifname', port(f.b), 'oifname', port(f.a)]);
        return;
      case 'delay':
        for (const [x, y] of [
          [f.a, f.b],
          [f.b, f.a],
        ] as const) {
          this.rule(['iifname', port(x), 'oifname', port(y), ...VRRP_ONLY]);
          await this.delayLine(x, y, f.ms, f.jitterMs, f.seed);
        }
        return;
    }
  }

  private async delayLine(from: LabHost, to: LabHost, ms: number, jitterMs: number, seed: number): Promise<void> {
    const p = spawn('ip', ['netns', 'exec', this.lab.switchNs, process.execPath, DELAY_LINE, port(from), port(to), String(ms), String(jitterMs), String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.lines.push(p);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('delay line did not start within 10 s')), 10_000);
      p.once('exit', (code) => reject(new Error(`delay line exited (${code})`)));
      createInterface({ input: p.stdout! }).once('line', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Frames dropped by the rules so far (nft counters), for the report. */
  dropped(): number {
    const out = execFileSync('ip', ['netns', 'exec', this.lab.switchNs, 'nft', 'list', 'chain', 'bridge', TABLE, CHAIN], { encoding: 'utf8' });
    let n = 0;
    for (const m of out.matchAll(/counter packets (\d+)/g)) n += Number(m[1]);
    return n;
  }

  /** Lifts every fault: rules flushed, delay lines stopped (frames still in a line are lost). */
  heal(): void {
    this.nft(['flush', 'chain', 'bridge', TABLE, CHAIN]);
    for (const p of this.lines.splice(0)) p.kill('SIGTERM');
  }
}
