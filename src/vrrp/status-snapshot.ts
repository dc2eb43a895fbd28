/**
 * One VRRP instance as the status model sees it (src/process/status.ts, docs/status-api.md):
 * pure, from the instance's config, its FSM state and the interface table's link states.
 * The FSM's monotonic instants become wall-clock times here, with the one (now, wall) pair
 * the caller reads, so the parent and the `status` command can compute ages.
 */
import { formatIp } from '../core/ip.js';
import type { VrrpInstanceConfig } from '../config/model.js';
import type { TrackerStatus, VrrpInstanceStatus } from '../process/status.js';
import type { FsmState } from './fsm-types.js';

export interface InstanceStatusInput {
  readonly cfg: VrrpInstanceConfig;
  readonly fsm: FsmState;
  /** Our advert source address (zeros when the interface has none). */
  readonly src: Uint8Array;
  /** VIPs and eVIPs with the interface each goes on. */
  readonly vips: readonly { readonly address: string; readonly prefixLen: number; readonly ifname: string }[];
  readonly syncGroup: string | null;
  /** Whether a tracked interface is running (IFF_RUNNING); undefined when it does not exist. */
  readonly linkUp: (ifname: string) => boolean | undefined;
  /** The monotonic clock (the FSM's) and the wall clock, read once by the caller. */
  readonly nowMs: number;
  readonly wallMs: number;
}

const isZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

function trackers(input: InstanceStatusInput): TrackerStatus[] {
  return input.cfg.trackInterfaces.map((t) => {
    const up = input.linkUp(t.name);
    // `reverse`: the tracker is good while the interface is down (keepalived.conf(5) track_interface).
    const state = up === undefined ? 'down' : up !== t.reverse ? 'up' : 'down';
    return { kind: 'interface', name: t.name, state, weight: t.weight };
  });
}

export function instanceStatus(input: InstanceStatusInput): VrrpInstanceStatus {
  const { cfg, fsm, nowMs, wallMs } = input;
  const toWall = (atMs: number | null): number | null => (atMs === null ? null : Math.round(wallMs - (nowMs - atMs)));
  const source = isZero(input.src) ? null : formatIp(input.src);
  const master = fsm.state === 'MASTER';
  const lastAt = toWall(fsm.lastTransitionAtMs);
  return {
    name: cfg.name,
    vrid: cfg.vrid,
    family: cfg.family,
    interface: cfg.interface ?? null,
    version: cfg.version,
    state: fsm.state,
    effectivePriority: fsm.effectivePriority,
    basePriority: cfg.priority,
    sourceAddress: source,
    masterAddress: master ? source : fsm.lastMasterAddress === null ? null : formatIp(fsm.lastMasterAddress),
    masterPriority: master ? fsm.effectivePriority : fsm.lastMasterPriority,
    lastAdvertWallMs: master ? null : toWall(fsm.lastMasterAdvertAtMs),
    vips: input.vips.map((v) => `${v.address}/${v.prefixLen} dev ${v.ifname}`),
    trackers: trackers(input),
    faultSources: fsm.faultSources,
    syncGroup: input.syncGroup,
    lastTransition: fsm.lastTransition === null || lastAt === null ? null : { from: fsm.lastTransition.from, to: fsm.state, reason: fsm.lastTransition.reason, atWallMs: lastAt },
  };
}
