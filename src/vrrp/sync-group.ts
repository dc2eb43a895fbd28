/**
 * vrrp_sync_group at run time (VRRP child; keepalived.conf(5) vrrp_sync_group): the member
 * instances of a group move together. Pure: the group's own state machine over what its
 * members' FSMs (fsm.ts) say; sync-group-driver.ts carries out its actions on the running
 * instances. The rules are keepalived 2.2.7's, observed on Debian's keepalived in network
 * namespaces (docs/compatibility.md "Sync groups at run time"):
 *
 * - one member entering FAULT moves every other member to FAULT; the group leaves FAULT only
 *   when the last member with a fault of its own recovers: that member enters BACKUP and moves
 *   the others to BACKUP (a member whose faults clear earlier stays in FAULT, silently);
 * - a member whose down timer runs out becomes MASTER only when every other member wants MASTER
 *   too (or the group is MASTER already), else it stays BACKUP wanting MASTER and waits one more
 *   Master_Down_Interval (fsm.ts asks canGoMaster); its entering MASTER moves the others to
 *   MASTER; a member leaving MASTER for BACKUP (a higher priority seen) moves the others to BACKUP;
 * - each group change is logged once ("VRRP_Group(G) Syncing instances to MASTER state") and
 *   notified once (the group's notify_* / notify scripts with `GROUP name STATE 0`, its FIFO line
 *   and its mail), after the members' own notifications;
 * - at start-up a group with a faulted member starts in FAULT as a whole ("VRRP_Group(G):
 *   Syncing VI_2 to FAULT state"), else in BACKUP, notified before its members;
 * - a reload keeps the group's state when its members agree and none is new; otherwise the
 *   members that are not BACKUP start again from INIT and the group starts again in BACKUP.
 */
import type { KeepalivedConfig, VrrpInstanceConfig } from '../config/model.js';
import type { FsmState, SyncGroupView, VrrpState } from './fsm-types.js';

/** The group's own state (keepalived's sync group state; INIT until it has started). */
export type SyncGroupState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

/** A state the group notifies (its scripts, FIFO line and mail); STOP comes at shutdown. */
export type SyncGroupNotifyState = 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** What the group reads of one member. */
export interface SyncMember {
  readonly name: string;
  readonly fsm: Pick<FsmState, 'state' | 'wantState' | 'faultSources'>;
}

export type SyncGroupAction =
  /** A line for the daemon's log, without any instance prefix. */
  | { readonly type: 'Log'; readonly msg: string }
  /** Move a member to `to` (fsm.ts forceState, reason 'sync-group'). */
  | { readonly type: 'Force'; readonly member: string; readonly to: 'BACKUP' | 'MASTER' | 'FAULT' }
  /** Start the members still in INIT (start-up, or members a reload starts again). */
  | { readonly type: 'StartMembers' }
  /**
   * Notify the group's state: at once (`afterMembers` false), or once the members' own
   * notifications, which wait for their address changes, have gone out.
   */
  | { readonly type: 'Notify'; readonly state: SyncGroupNotifyState; readonly afterMembers: boolean };

export interface SyncGroupStep {
  readonly state: SyncGroupState;
  readonly actions: readonly SyncGroupAction[];
}

/** The member has a fault of its own (an interface, a tracker, no source address). */
export const memberFaulted = (m: SyncMember): boolean => m.fsm.faultSources.length > 0;

/** keepalived's rule: MASTER only when the group is MASTER or every other member wants MASTER. */
export function canGoMaster(group: SyncGroupState, self: string, members: readonly SyncMember[]): boolean {
  return group === 'MASTER' || members.every((m) => m.name === self || m.fsm.wantState === 'MASTER');
}

export function othersFaulted(self: string, members: readonly SyncMember[]): boolean {
  return members.some((m) => m.name !== self && memberFaulted(m));
}

/** The view fsm.ts gets for one member; reads the group and its members when asked. */
export function syncGroupView(group: () => SyncGroupState, self: string, members: () => readonly SyncMember[]): SyncGroupView {
  return {
    canGoMaster: () => canGoMaster(group(), self, members()),
    othersFaulted: () => othersFaulted(self, members()),
  };
}

const syncLine = (group: string, to: string): string => `VRRP_Group(${group}) Syncing instances to ${to} state`;

/**
 * A member changed state by itself (its own FSM step). Members the group moves (Force) arrive
 * here too and find the group in their new state already: nothing more happens.
 * @param name the group's name, for its log line.
 */
export function memberTransitioned(name: string, group: SyncGroupState, trigger: string, from: VrrpState, to: VrrpState, members: readonly SyncMember[]): SyncGroupStep {
  const unchanged: SyncGroupStep = { state: group, actions: [] };
  // STOP is shutdown (the daemon notifies the group once all members stopped); INIT → x is
  // start-up, which startGroup() orders.
  if (to === 'STOP' || to === 'INIT' || from === 'INIT' || to === group) return unchanged;
  const actions: SyncGroupAction[] = [{ type: 'Log', msg: syncLine(name, to) }];
  for (const m of members) {
    if (m.name !== trigger && m.fsm.state !== to && m.fsm.state !== 'INIT' && m.fsm.state !== 'STOP') actions.push({ type: 'Force', member: m.name, to });
  }
  actions.push({ type: 'Notify', state: to, afterMembers: true });
  return { state: to, actions };
}

/**
 * Start-up of a group whose members are still in INIT, or in the state a reload kept (then
 * BACKUP, or anything when a member has a fault). FAULT as a whole when any member has a fault
 * of its own (fsm.ts starts the others in FAULT through othersFaulted), else BACKUP, notified
 * before the members' own BACKUP.
 */
export function startGroup(name: string, members: readonly SyncMember[]): SyncGroupStep {
  const faulted = members.find(memberFaulted);
  if (faulted === undefined) return { state: 'BACKUP', actions: [{ type: 'Notify', state: 'BACKUP', afterMembers: false }, { type: 'StartMembers' }] };
  const actions: SyncGroupAction[] = [{ type: 'Log', msg: `VRRP_Group(${name}): Syncing ${faulted.name} to FAULT state` }, { type: 'StartMembers' }];
  for (const m of members) {
    if (m.fsm.state !== 'INIT' && m.fsm.state !== 'FAULT' && m.fsm.state !== 'STOP') actions.push({ type: 'Force', member: m.name, to: 'FAULT' });
  }
  actions.push({ type: 'Notify', state: 'FAULT', afterMembers: true });
  return { state: 'FAULT', actions };
}

/** One member of a group after a reload: its state kept from the old run, or new (INIT). */
export interface ReloadedMember extends SyncMember {
  /** Created by this reload (a new instance, or one whose identity changed). */
  readonly fresh: boolean;
}

export type ReloadPlan =
  /** The members agree and none is new: the group is in their state, nothing is said. */
  | { readonly type: 'keep'; readonly state: Exclude<SyncGroupState, 'INIT'> }
  /** These members start again from INIT (addresses removed silently), then startGroup(). */
  | { readonly type: 'restart'; readonly members: readonly string[] };

/**
 * What a reload does to a group (keepalived 2.2.7: a SIGHUP with the same config changes
 * nothing; a member added or taken out keeps the others' state while they agree; a new member
 * instance, or members in different states, start the group again: those not in BACKUP go back
 * through INIT, without a priority-0 advert).
 */
export function reloadGroup(members: readonly ReloadedMember[]): ReloadPlan {
  const states = new Set(members.map((m) => m.fsm.state));
  const [only] = states;
  if (states.size === 1 && only !== undefined && only !== 'INIT' && only !== 'STOP' && !members.some((m) => m.fresh)) return { type: 'keep', state: only };
  return { type: 'restart', members: members.filter((m) => !m.fresh && m.fsm.state !== 'BACKUP').map((m) => m.name) };
}

/** What a reload does to every group of the new config. */
export interface ReloadGroups {
  /** Groups that keep their members' common state. */
  readonly kept: ReadonlyMap<string, Exclude<SyncGroupState, 'INIT'>>;
  /** Groups that start again (startGroup once their new and restarted members exist). */
  readonly started: ReadonlySet<string>;
  /** Old instances that go back through INIT. */
  readonly members: ReadonlySet<string>;
}

/**
 * reloadGroup for every vrrp_sync_group of the new config.
 * @param oldState the state an instance of the new config keeps from the old run (the daemon
 *   matches instances as keepalived does), undefined for a new one.
 */
export function reloadGroups(config: KeepalivedConfig, oldState: (cfg: VrrpInstanceConfig) => SyncMember['fsm'] | undefined): ReloadGroups {
  const byName = new Map(config.vrrpInstances.map((c) => [c.name, c]));
  const kept = new Map<string, Exclude<SyncGroupState, 'INIT'>>();
  const started = new Set<string>();
  const members = new Set<string>();
  for (const g of config.vrrpSyncGroups) {
    const reloaded = g.members.flatMap((name): ReloadedMember[] => {
      const cfg = byName.get(name);
      if (!cfg) return [];
      const fsm = oldState(cfg);
      return [{ name, fsm: fsm ?? { state: 'INIT', wantState: 'BACKUP', faultSources: [] }, fresh: fsm === undefined }];
    });
    const plan = reloadGroup(reloaded);
    if (plan.type === 'keep') kept.set(g.name, plan.state);
    else {
      started.add(g.name);
      for (const m of plan.members) members.add(m);
    }
  }
  return { kept, started, members };
}
