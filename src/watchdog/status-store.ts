/**
 * The parent's copy of the children's status (src/process/status.ts): merges each child's
 * updates, keeps the count of instances per state incrementally (systemd's STATUS= line is
 * recomputed on every update, so counting all N instances each time would make a staggered
 * failover O(N²)), and notices a gap in a child's sequence so that the parent can ask for a
 * full update. Pure: the caller passes the wall clock.
 */
import type { ChildKind } from '../process/options.js';
import { VRRP_STATE_NAMES, type StatusUpdate, type VirtualServerStatus, type VrrpInstanceStatus, type VrrpStateName } from '../process/status.js';

interface ChildPart {
  seq: number;
  /** Wall time of the last full update (advert times are exact as of then). */
  lastFullWallMs: number | null;
  readonly instances: Map<string, VrrpInstanceStatus>;
  readonly virtualServers: Map<string, VirtualServerStatus>;
}

export type ApplyOutcome = 'applied' | 'gap';

const emptyCounts = (): Record<VrrpStateName, number> => ({ INIT: 0, BACKUP: 0, MASTER: 0, FAULT: 0, STOP: 0 });

export class StatusStore {
  private readonly parts = new Map<ChildKind, ChildPart>();
  private readonly counts = emptyCounts();
  /** +1 on every change (readers cache what they derived from one version). */
  version = 0;

  /** Merge one update; 'gap' when updates were lost (the caller asks the child for a full one). */
  apply(kind: ChildKind, u: StatusUpdate, wallMs: number): ApplyOutcome {
    this.version++;
    let part = this.parts.get(kind);
    if (!part || u.full) {
      if (part) this.forget(part);
      part = { seq: u.seq, lastFullWallMs: null, instances: new Map(), virtualServers: new Map() };
      this.parts.set(kind, part);
    }
    const gap = !u.full && u.seq !== part.seq + 1;
    part.seq = u.seq;
    if (u.full) part.lastFullWallMs = wallMs;
    for (const name of u.removedInstances) this.setInstance(part, name, undefined);
    for (const inst of u.instances) this.setInstance(part, inst.name, inst);
    for (const name of u.removedVirtualServers) part.virtualServers.delete(name);
    for (const vs of u.virtualServers) part.virtualServers.set(vs.name, vs);
    return gap ? 'gap' : 'applied';
  }

  /** A child exited: what it reported no longer runs (its restart sends a full update). */
  childGone(kind: ChildKind): void {
    const part = this.parts.get(kind);
    if (!part) return;
    this.version++;
    this.forget(part);
    this.parts.delete(kind);
  }

  lastFullWallMs(kind: ChildKind): number | null {
    return this.parts.get(kind)?.lastFullWallMs ?? null;
  }

  instances(): VrrpInstanceStatus[] {
    const out: VrrpInstanceStatus[] = [];
    for (const part of this.parts.values()) for (const i of part.instances.values()) out.push(i);
    return out;
  }

  /** One child's instances as it last reported them. */
  instancesOf(kind: ChildKind): VrrpInstanceStatus[] {
    return [...(this.parts.get(kind)?.instances.values() ?? [])];
  }

  instance(name: string): VrrpInstanceStatus | undefined {
    for (const part of this.parts.values()) {
      const i = part.instances.get(name);
      if (i) return i;
    }
    return undefined;
  }

  virtualServers(): VirtualServerStatus[] {
    const out: VirtualServerStatus[] = [];
    for (const part of this.parts.values()) for (const vs of part.virtualServers.values()) out.push(vs);
    return out;
  }

  /** Instances per state, kept up to date by every update (O(1) to read). */
  stateCounts(): Readonly<Record<VrrpStateName, number>> {
    return { ...this.counts };
  }

  private setInstance(part: ChildPart, name: string, next: VrrpInstanceStatus | undefined): void {
    const prev = part.instances.get(name);
    if (prev) this.counts[prev.state]--;
    if (next) {
      part.instances.set(name, next);
      this.counts[next.state]++;
    } else part.instances.delete(name);
  }

  private forget(part: ChildPart): void {
    for (const i of part.instances.values()) this.counts[i.state]--;
    part.instances.clear();
    part.virtualServers.clear();
  }
}

/** `2 MASTER, 1 BACKUP` (states with no instance left out; `no VRRP instance` when empty). */
export function formatStateCounts(counts: Readonly<Record<VrrpStateName, number>>): string {
  const parts = VRRP_STATE_NAMES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'no VRRP instance';
}
