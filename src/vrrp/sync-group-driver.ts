/**
 * One vrrp_sync_group at run time (VRRP child): joins its member instances (instance.ts) to the
 * group's pure state machine (sync-group.ts) and carries out what it decides — moving members,
 * the group's log lines, its notifications (through the port the daemon gives it). Members are
 * kept in the group's `group {}` order, which is the order keepalived 2.2.7 moves and notifies
 * them in.
 */
import type { Logger } from '../core/logger.js';
import { assertNever } from '../core/result.js';
import type { VrrpSyncGroupConfig } from '../config/model.js';
import type { VrrpState } from './fsm-types.js';
import type { VrrpInstance } from './instance.js';
import {
  memberFaulted,
  memberTransitioned,
  startGroup,
  syncGroupView,
  type SyncGroupAction,
  type SyncGroupNotifyState,
  type SyncGroupState,
  type SyncGroupStep,
  type SyncMember,
} from './sync-group.js';

export interface SyncGroupPorts {
  readonly log: Logger;
  /** The group's scripts, FIFO line and mail for `state`. */
  notify(state: SyncGroupNotifyState): void;
}

/** A group as the dumps show it (keepalived's "VRRP Sync groups" section, SIGJSON). */
export interface SyncGroupSnapshot {
  readonly name: string;
  readonly state: SyncGroupState;
  readonly members: readonly string[];
  /** Members with a fault of their own (keepalived's "num member fault"). */
  readonly numMemberFault: number;
  /** Members not started yet (keepalived's "num member init"). */
  readonly numMemberInit: number;
}

export class SyncGroupDriver {
  private groupState: SyncGroupState = 'INIT';

  constructor(
    readonly cfg: VrrpSyncGroupConfig,
    /** The member instances, in the group's order. */
    private readonly members: readonly VrrpInstance[],
    private readonly ports: SyncGroupPorts,
  ) {
    for (const inst of members) {
      inst.joinGroup(
        syncGroupView(() => this.groupState, inst.name, () => this.views()),
        (from, to) => this.memberChanged(inst.name, from, to),
      );
    }
  }

  get name(): string {
    return this.cfg.name;
  }

  get state(): SyncGroupState {
    return this.groupState;
  }

  /** Start the members (all in INIT, or some kept by a reload): FAULT or BACKUP as a whole. */
  start(): void {
    this.run(startGroup(this.name, this.views()));
  }

  /** A reload kept the members' common state: the group takes it without a word. */
  keep(state: Exclude<SyncGroupState, 'INIT'>): void {
    this.groupState = state;
  }

  /** After the members have stopped (shutdown): the group's STOP notification. */
  async stopped(): Promise<void> {
    await this.membersIdle();
    this.ports.notify('STOP');
  }

  snapshot(): SyncGroupSnapshot {
    const views = this.views();
    return {
      name: this.name,
      state: this.groupState,
      members: views.map((m) => m.name),
      numMemberFault: views.filter(memberFaulted).length,
      numMemberInit: views.filter((m) => m.fsm.state === 'INIT').length,
    };
  }

  private views(): SyncMember[] {
    return this.members.map((inst) => ({ name: inst.name, fsm: inst.state }));
  }

  private memberChanged(name: string, from: VrrpState, to: VrrpState): void {
    this.run(memberTransitioned(this.name, this.groupState, name, from, to, this.views()));
  }

  /** The group's state is set before any member moves, so moved members find it there. */
  private run(step: SyncGroupStep): void {
    this.groupState = step.state;
    for (const a of step.actions) this.carryOut(a);
  }

  private carryOut(a: SyncGroupAction): void {
    switch (a.type) {
      case 'Log':
        this.ports.log.info(a.msg);
        break;
      case 'Force':
        this.members.find((m) => m.name === a.member)?.force(a.to);
        break;
      case 'StartMembers':
        for (const m of this.members) if (m.state.state === 'INIT') m.start();
        break;
      case 'Notify':
        if (a.afterMembers) void this.membersIdle().then(() => this.ports.notify(a.state));
        else this.ports.notify(a.state);
        break;
      default:
        assertNever(a, 'sync group action');
    }
  }

  private async membersIdle(): Promise<void> {
    await Promise.all(this.members.map((m) => m.idle()));
  }
}
