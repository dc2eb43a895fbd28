/**
 * One VRRP instance at run time (VRRP child): owns the FSM state, arms its one timer and
 * carries out the FSM's actions through the ports the daemon gives it. The order the FSM
 * returns is kept: an advert goes out first, VIP changes are serialised on one chain, and a
 * GARP burst waits for the VIPs it announces (RFC 5798 §6.4.1/§6.4.2; garp-pacing.ts does the
 * pacing).
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { assertNever } from '../core/result.js';
import type { GarpSettings } from '../config/model.js';
import type { NotifyState } from '../notify/notify-args.js';
import {
  forceState,
  initialFsmState,
  nextDeadline,
  step,
  type FsmAction,
  type FsmEvent,
  type FsmParams,
  type FsmState,
  type StepResult,
  type SyncGroupView,
  type TransitionReason,
  type VrrpState,
} from './fsm.js';
import { ZERO_COUNTERS } from './fsm-types.js';
import { emptyDropCounters } from './drop-counters.js';
import { GarpPacer } from './garp-pacing.js';
import type { AhSequence } from './ipsec-ah.js';
import { ahSequenceOf, type ReceiveState, type ReceiveTarget } from './receive.js';
import type { VipTarget } from './vip-addresses.js';

/** How an instance starts (fsm-types.ts Startup). */
export interface StartOptions {
  readonly afterTrackerInit?: boolean;
  readonly delayUntilMs?: number;
  /** It was MASTER in the VRRP process that died (resume.ts). */
  readonly resumeMaster?: boolean;
}

/** What an instance is, from its config: FSM parameters, GARP settings, VIPs, receive state. */
export interface InstanceSetup {
  readonly params: FsmParams;
  readonly garp: GarpSettings;
  /** VIPs and eVIPs, each with its interface: what the GARPs announce. */
  readonly vips: readonly VipTarget[];
  /** What the receive pipeline keeps for this instance (receive.ts): check context, drop counters. */
  readonly receive: ReceiveState;
}

/** What an instance needs from the daemon (sockets, netlink, notify). */
export interface InstancePorts {
  readonly clock: Clock;
  readonly log: Logger;
  /** Send one advert with this priority to every destination (group or unicast peers). */
  sendAdvert(priority: number): void;
  /** Add the VIPs/eVIPs (EEXIST is success). Never rejects: failures are logged by the port. */
  addVips(): Promise<void>;
  /** Remove the VIPs/eVIPs (absent is success). Never rejects. */
  removeVips(): Promise<void>;
  /** One GARP (IPv4 VIP) or unsolicited NA (IPv6 VIP); garp-pacing.ts decides when. */
  announce(vip: VipTarget): void;
  /** Every state change, at once (before its VIP changes and scripts); `atMs` is the FSM's time of it. */
  transitioned(from: VrrpState, to: VrrpState, reason: TransitionReason, atMs: number): void;
  /** A state notification (scripts, FIFO, status), once the addresses match the new state. */
  notify(state: NotifyState, priority: number): void;
  /** A MASTER heard a lower-priority advert (notify_master_rx_lower_pri, FIFO MASTER_RX_LOWER_PRI). */
  rxLowerPri?(priority: number): void;
  /** The effective priority changed while MASTER or BACKUP (FIFO *_PRIORITY lines). */
  priorityChanged?(state: 'MASTER' | 'BACKUP', priority: number): void;
  /** virtual_routes / virtual_rules (virtual-routes.ts); absent when the instance has none. */
  readonly routes?: InstanceRoutesPort;
}

/**
 * An instance's routes and rules, in keepalived 2.2.7's order: set after the VIPs (routes, then
 * rules), removed before them (rules, then routes). Each call logs keepalived's line at once and
 * returns the work, which the instance runs on its VIP chain.
 */
export interface InstanceRoutesPort {
  set(): () => Promise<void>;
  remove(): () => Promise<void>;
}

/**
 * Node's timers have 1 ms resolution and measure from libuv's cached loop time, so about a
 * quarter of them fire up to ~1 ms before their deadline (bench/RESULTS.md). A timer that
 * early is due: otherwise the FSM would ignore it and the re-armed remainder (< 1 ms) would
 * cost at least another millisecond, on master-down as on every advert.
 */
export const TIMER_SLACK_MS = 1;

/**
 * keepalived's AH sequence rules around the state machine (its ipsecah_counter): a BACKUP
 * that accepts an advert clears the "cycled" mark; becoming MASTER with a cycled counter
 * restarts it, before the first advert. True when a MASTER saw a lower-priority advert: its
 * answer must then carry a number above that advert's (VrrpInstance.syncAhAbove).
 */
function ahBookkeeping(ah: AhSequence, event: FsmEvent | undefined, before: VrrpState, actions: readonly FsmAction[]): boolean {
  if (event?.type === 'AdvertReceived' && before === 'BACKUP') ah.clearCycled();
  if (actions.some((a) => a.type === 'Transition' && a.to === 'MASTER')) ah.onBecomingMaster();
  return event?.type === 'AdvertReceived' && actions.some((a) => a.type === 'NotifyMasterRxLowerPri');
}

export class VrrpInstance implements ReceiveTarget {
  private fsm: FsmState;
  private timer: TimerHandle | null = null;
  /** The FSM's next deadline (the pending timer may be set for an earlier one). */
  private timerAtMs: number | null = null;
  /** What the pending timer was set for. */
  private timerSetForMs = 0;
  private readonly garps: GarpPacer;
  /** Serialises VIP add/remove and the GARPs that depend on them. */
  private vipChain: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The sync group this instance is a member of (sync-group-driver.ts), if any. */
  private group: { readonly view: SyncGroupView; readonly changed: (from: VrrpState, to: VrrpState) => void } | null = null;
  /** What the terminal notification says: STOP at shutdown, DELETED when a reload removed us. */
  private stopAs: 'STOP' | 'DELETED' = 'STOP';

  readonly params: FsmParams;
  readonly receive: ReceiveState;
  private readonly garp: GarpSettings;

  constructor(
    setup: InstanceSetup,
    private readonly ports: InstancePorts,
    initial?: FsmState,
  ) {
    this.params = setup.params;
    this.receive = setup.receive;
    this.garp = setup.garp;
    this.fsm = initial ?? initialFsmState(setup.params);
    this.garps = new GarpPacer(setup.garp, setup.vips, {
      clock: ports.clock,
      announce: (vip) => ports.announce(vip),
      isMaster: () => this.fsm.state === 'MASTER',
      afterVips: (fn) => void this.chain(async () => fn()),
    });
  }

  get name(): string {
    return this.params.name;
  }

  get state(): FsmState {
    return this.fsm;
  }

  /**
   * `afterTrackerInit`: it waited in INIT for its unweighted scripts' first result;
   * `delayUntilMs`: the end of global_defs vrrp_startup_delay, when it runs.
   */
  start(opts: StartOptions = {}): void {
    this.handle({ type: 'Startup', ...opts });
  }

  /**
   * Make this instance a member of a sync group: its steps see `view`, and `changed` hears each
   * of its state changes once the step's actions have been carried out.
   */
  joinGroup(view: SyncGroupView, changed: (from: VrrpState, to: VrrpState) => void): void {
    this.group = { view, changed };
  }

  /** Its sync group moves it (fsm.ts forceState, reason 'sync-group'). */
  force(to: 'BACKUP' | 'MASTER' | 'FAULT'): void {
    this.apply(forceState(this.params, this.fsm, to, 'sync-group', this.ports.clock.nowMs()));
  }

  /** Resolves once the address changes and notifications queued so far are done. */
  idle(): Promise<void> {
    return this.vipChain;
  }

  advertReceived(priority: number, advertIntCs: number, src: Uint8Array): void {
    this.handle({ type: 'AdvertReceived', priority, advertIntCs, src });
  }

  setFault(source: string, active: boolean): void {
    if (this.fsm.faultSources.includes(source) === active) return;
    this.handle({ type: 'FaultChanged', source, active });
  }

  /** Another program deleted a VIP, route or rule this instance tracks (fsm.ts TrackedDeleted). */
  trackedDeleted(): void {
    // Detached by a reload (its successor has its own VIPs) or stopped: not its business.
    if (this.stopped) return;
    this.handle({ type: 'TrackedDeleted' });
  }

  setEffectivePriority(effectivePriority: number): void {
    if (effectivePriority === this.fsm.effectivePriority) return;
    const before = this.fsm.effectivePriority;
    this.handle({ type: 'PriorityChanged', effectivePriority });
    const { state, effectivePriority: now } = this.fsm;
    if (now !== before && (state === 'MASTER' || state === 'BACKUP')) this.ports.priorityChanged?.(state, now);
  }

  /** STATS_CLEAR: every counter of keepalived.stats back to zero (state and timers untouched). */
  clearStats(): void {
    this.fsm = { ...this.fsm, counters: ZERO_COUNTERS };
    this.receive.drops = emptyDropCounters();
  }

  /** After a reload changed the VIP list of a MASTER: apply the new list and announce it. */
  refreshVips(apply: () => Promise<void>): Promise<void> {
    return this.chain(async () => {
      await apply();
      this.garps.burst(this.garp.masterRepeat);
    });
  }

  /**
   * Graceful stop: a MASTER sends priority 0 and removes its VIPs; resolves when done. `as`
   * DELETED: a reload removed the instance (its notifications say DELETED, not STOP).
   */
  async shutdown(as: 'STOP' | 'DELETED' = 'STOP'): Promise<void> {
    this.stopAs = as;
    if (!this.stopped) this.handle({ type: 'Shutdown' });
    this.stopped = true;
    this.clearTimers();
    await this.vipChain;
  }

  /** Re-arm the timer of an instance created from a detached state (reload). */
  resume(): void {
    this.stopped = false;
    this.armTimer();
    if (this.fsm.state === 'MASTER') this.garps.startRefresh();
  }

  /** Stop timers without any wire or address action (the instance moves to a reloaded daemon). */
  detach(): FsmState {
    this.stopped = true;
    this.clearTimers();
    return this.fsm;
  }

  /** `atMs`: the instant the event counts as happening (default: now). */
  private handle(event: FsmEvent, atMs?: number): void {
    const now = atMs ?? this.ports.clock.nowMs();
    this.apply(step(this.params, this.fsm, event, now, this.group?.view), event);
  }

  /** `event`: what caused the step (undefined when a sync group forces the state). */
  private apply({ state, actions }: StepResult, event?: FsmEvent): void {
    const from = this.fsm.state;
    this.fsm = state;
    const ah = ahSequenceOf(this.receive);
    let syncAh = ah !== null && ahBookkeeping(ah, event, from, actions);
    for (const a of actions) {
      switch (a.type) {
        case 'SendAdvert':
          if (syncAh) syncAh = this.syncAhAbove(ah);
          this.ports.sendAdvert(a.priority);
          break;
        case 'AddVips':
          this.ports.log.info(`(${this.name}) setting VIPs.`);
          void this.chain(() => this.ports.addVips());
          if (this.ports.routes) void this.chain(this.ports.routes.set());
          break;
        case 'RemoveVips':
          // The VIPs go: nothing pending may announce them any more.
          this.garps.cancel();
          if (this.ports.routes) void this.chain(this.ports.routes.remove());
          this.ports.log.info(`(${this.name}) removing VIPs.`);
          void this.chain(() => this.ports.removeVips());
          break;
        case 'SendGarpBurst':
          this.garps.schedule(a.reason);
          break;
        case 'Transition':
          this.onTransition(a.from, a.to, a.reason, a.priority);
          break;
        case 'LogEvent':
          this.ports.log[a.level](`(${this.name}) ${a.msg}`);
          break;
        case 'NotifyMasterRxLowerPri':
          if (syncAh) syncAh = this.syncAhAbove(ah);
          this.ports.rxLowerPri?.(this.fsm.effectivePriority);
          break;
        default:
          assertNever(a, 'FSM action');
      }
    }
    if (!this.stopped) this.armTimer();
    // The group reacts once this member's own actions are out (its log lines come first).
    if (state.state !== from) this.group?.changed(from, state.state);
  }

  /** Before the answer to a lower-priority advert goes out (keepalived logs it after "Received advert … lower priority"). */
  private syncAhAbove(ah: AhSequence | null): false {
    ah?.syncAbove();
    this.ports.log.info(`(${this.name}) IPSEC-AH : Syncing seq_num - Increment seq`);
    return false;
  }

  private onTransition(from: VrrpState, to: VrrpState, reason: TransitionReason, priority: number): void {
    // The FSM logs "Receive advertisement timeout", "Entering … STATE" and "sent 0 priority"
    // itself (LogEvent, in keepalived's order); logging them here too printed each twice.
    if (to === 'STOP' && this.stopAs === 'STOP') this.ports.log.info(`(${this.name}) Stopping`, { from, reason });
    this.ports.transitioned(from, to, reason, this.fsm.lastTransitionAtMs ?? this.ports.clock.nowMs());
    if (to === 'MASTER') this.garps.startRefresh();
    // Scripts run once the addresses match the new state, as keepalived orders them.
    const as: NotifyState | null = to === 'INIT' ? null : to === 'STOP' ? this.stopAs : to;
    if (as !== null) void this.chain(async () => this.ports.notify(as, priority));
  }

  /**
   * Lazy re-arm: a BACKUP pushes its master-down deadline later on every advert, and a
   * clearTimeout + setTimeout per advert was a visible share of the receive path at 1000
   * instances (bench/RESULTS.md). A later deadline only moves `timerAtMs`; the pending timer
   * fires early and re-arms for the rest. Only an earlier deadline replaces the timer.
   */
  private armTimer(): void {
    const at = nextDeadline(this.fsm);
    if (at === this.timerAtMs) return;
    this.timerAtMs = at;
    if (this.timer !== null && at !== null && at > this.timerSetForMs) return;
    this.timer?.cancel();
    this.timer = null;
    if (at !== null) this.setTimerAt(at);
  }

  private setTimerAt(at: number): void {
    this.timerSetForMs = at;
    this.timer = this.ports.clock.setTimer(at, () => {
      this.timer = null;
      const due = this.timerAtMs;
      if (this.stopped || due === null) {
        this.timerAtMs = null;
        return;
      }
      const now = this.ports.clock.nowMs();
      if (due - now > TIMER_SLACK_MS && due > at) {
        this.setTimerAt(due);
        return;
      }
      this.timerAtMs = null;
      this.handle({ type: 'TimerFired' }, due > now && due - now <= TIMER_SLACK_MS ? due : now);
    });
  }

  private chain(op: () => Promise<void>): Promise<void> {
    this.vipChain = this.vipChain.then(op, op);
    return this.vipChain;
  }

  private clearTimers(): void {
    this.timer?.cancel();
    this.timer = null;
    this.timerAtMs = null;
    this.garps.cancel();
  }
}
