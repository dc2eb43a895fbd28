/**
 * Who held the VIP when, from the kernel's address notifications (test/lab/vip-watch.ts):
 * the intervals where two or more hosts held it (dual master, as the segment sees it: two
 * hosts answering ARP for it) and where none did (the VIP unreachable). Pure.
 */
import type { AddrEvent } from '../lab/vip-watch.js';

export interface Episode {
  readonly kind: 'dual' | 'none';
  readonly startUs: number;
  readonly endUs: number;
}

export interface VipTimeline {
  readonly episodes: readonly Episode[];
  readonly dualMs: number;
  readonly noneMs: number;
  /** How many times the set of holders changed. */
  readonly changes: number;
}

/**
 * The VIP's holders over [fromUs, toUs]; `events` may start before `fromUs` (they give the
 * holders at the start). An `add` for a host that holds it already changes nothing.
 */
export function vipTimeline(events: readonly AddrEvent[], vip: string, fromUs: number, toUs: number): VipTimeline {
  const mine = events.filter((e) => e.address === vip).sort((a, b) => a.tUs - b.tUs);
  const holders = new Set<string>();
  const episodes: Episode[] = [];
  let changes = 0;
  let segStart = fromUs;
  /** Ends the segment [segStart, endUs) held by `count` hosts. */
  const close = (endUs: number, count: number): void => {
    if (endUs <= segStart) return;
    const kind = count >= 2 ? 'dual' : count === 0 ? 'none' : null;
    if (kind === null) return;
    const last = episodes[episodes.length - 1];
    if (last && last.kind === kind && last.endUs === segStart) episodes[episodes.length - 1] = { kind, startUs: last.startUs, endUs };
    else episodes.push({ kind, startUs: segStart, endUs });
  };
  for (const e of mine) {
    if (e.tUs > toUs) break;
    const count = holders.size;
    const had = holders.has(e.host);
    if (e.type === 'add' ? had : !had) continue;
    if (e.type === 'add') holders.add(e.host);
    else holders.delete(e.host);
    if (e.tUs >= fromUs) {
      close(e.tUs, count);
      segStart = e.tUs;
      changes++;
    }
  }
  close(toUs, holders.size);
  const total = (k: Episode['kind']): number => episodes.filter((x) => x.kind === k).reduce((n, x) => n + (x.endUs - x.startUs) / 1000, 0);
  return { episodes, dualMs: total('dual'), noneMs: total('none'), changes };
}
