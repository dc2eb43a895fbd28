/**
 * One VRRP instance at run time (VRRP child): owns the FSM state, arms its one timer and
 * carries out the FSM's actions through the ports the daemon gives it. The order the FSM
 * returns is kept: an advert goes out first, VIP changes are serialised on one chain, and a
 * GARP burst waits for the VIPs it announces (RFC 5798 §6.4.1/§6.4.2, keepalived §1g
 * "Becoming master").
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { assertNever } from '../core/result.js';
import type { GarpSettings } from '../config/model.js';
import type { NotifyState } from '../notify/notify-args.js';
import { initialFsmState, nextDeadline, step, type FsmEvent, type FsmParams, type FsmState, type TransitionReason, type VrrpState } from './fsm.js';
import { garpPlan, type GarpReason } from './garp-plan.js';
import type { ReceiveState, ReceiveTarget } from './receive.js';

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
  /** One GARP/NA per VIP, `repeat` times (spacing is the port's business). */
  sendGarps(repeat: number): void;
  /** A state notification (scripts, FIFO, status). */
  notify(state: NotifyState, priority: number): void;
}

/**
 * Node's timers have 1 ms resolution and measure from libuv's cached loop time, so about a
 * quarter of them fire up to ~1 ms before their deadline (bench/RESULTS.md). A timer that
 * early is due: otherwise the FSM would ignore it and the re-armed remainder (< 1 ms) would
 * cost at least another millisecond, on master-down as on every advert.
 */
export const TIMER_SLACK_MS = 1;

export class VrrpInstance implements ReceiveTarget {
  private fsm: FsmState;
  private timer: TimerHandle | null = null;
  /** The FSM's next deadline (the pending timer may be set for an earlier one). */
  private timerAtMs: number | null = null;
  /** What the pending timer was set for. */
  private timerSetForMs = 0;
  private garpTimers: TimerHandle[] = [];
  private refreshTimer: TimerHandle | null = null;
  /** Serialises VIP add/remove and the GARPs that depend on them. */
  private vipChain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    readonly params: FsmParams,
    private garp: GarpSettings,
    private readonly ports: InstancePorts,
    /** What the receive pipeline keeps for this instance (receive.ts): check context, drop counters. */
    readonly receive: ReceiveState,
    initial?: FsmState,
  ) {
    this.fsm = initial ?? initialFsmState(params);
  }

  get name(): string {
    return this.params.name;
  }

  get state(): FsmState {
    return this.fsm;
  }

  start(): void {
    this.handle({ type: 'Startup' });
  }

  advertReceived(priority: number, advertIntCs: number, src: Uint8Array): void {
    this.handle({ type: 'AdvertReceived', priority, advertIntCs, src });
  }

  setFault(source: string, active: boolean): void {
    if (this.fsm.faultSources.includes(source) === active) return;
    this.handle({ type: 'FaultChanged', source, active });
  }

  setEffectivePriority(effectivePriority: number): void {
    if (effectivePriority === this.fsm.effectivePriority) return;
    this.handle({ type: 'PriorityChanged', effectivePriority });
  }

  /** Replace GARP settings on reload (takes effect from the next burst). */
  updateGarp(garp: GarpSettings): void {
    this.garp = garp;
  }

  /** After a reload changed the VIP list of a MASTER: apply the new list and announce it. */
  refreshVips(apply: () => Promise<void>): Promise<void> {
    return this.chain(async () => {
      await apply();
      if (this.fsm.state === 'MASTER') this.ports.sendGarps(this.garp.masterRepeat);
    });
  }

  /** Graceful stop: a MASTER sends priority 0 and removes its VIPs; resolves when done. */
  async shutdown(): Promise<void> {
    if (!this.stopped) this.handle({ type: 'Shutdown' });
    this.stopped = true;
    this.clearTimers();
    await this.vipChain;
  }

  /** Re-arm the timer of an instance created from a detached state (reload). */
  resume(): void {
    this.stopped = false;
    this.armTimer();
    if (this.fsm.state === 'MASTER') this.startRefresh();
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
    const { state, actions } = step(this.params, this.fsm, event, now);
    this.fsm = state;
    for (const a of actions) {
      switch (a.type) {
        case 'SendAdvert':
          this.ports.sendAdvert(a.priority);
          break;
        case 'AddVips':
          this.ports.log.info(`(${this.name}) setting VIPs.`);
          void this.chain(() => this.ports.addVips());
          break;
        case 'RemoveVips':
          this.cancelGarps();
          this.ports.log.info(`(${this.name}) removing VIPs.`);
          void this.chain(() => this.ports.removeVips());
          break;
        case 'SendGarpBurst':
          this.scheduleGarps(a.reason);
          break;
        case 'Transition':
          this.onTransition(a.from, a.to, a.reason, a.priority);
          break;
        case 'LogEvent':
          this.ports.log[a.level](`(${this.name}) ${a.msg}`);
          break;
        case 'NotifyMasterRxLowerPri':
          break;
        default:
          assertNever(a, 'FSM action');
      }
    }
    if (!this.stopped) this.armTimer();
  }

  private onTransition(from: VrrpState, to: VrrpState, reason: TransitionReason, priority: number): void {
    // The FSM logs "Receive advertisement timeout", "Entering … STATE" and "sent 0 priority"
    // itself (LogEvent, in keepalived's order); logging them here too printed each twice.
    if (to === 'STOP') this.ports.log.info(`(${this.name}) Stopping`, { from, reason });
    if (to === 'MASTER') this.startRefresh();
    if (from === 'MASTER') this.stopRefresh();
    // Scripts run once the addresses match the new state, as keepalived orders them.
    if (to !== 'INIT') void this.chain(async () => this.ports.notify(to, priority));
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

  private scheduleGarps(reason: GarpReason): void {
    const now = this.ports.clock.nowMs();
    for (const burst of garpPlan(this.garp, reason)) {
      const fire = (): void => {
        if (this.fsm.state === 'MASTER') this.ports.sendGarps(burst.repeat);
      };
      if (burst.atOffsetMs === 0) {
        // Announce only once the VIPs are in place (the chain holds the pending add).
        void this.chain(async () => fire());
      } else {
        const t = this.ports.clock.setTimer(now + burst.atOffsetMs, fire);
        this.garpTimers.push(t);
      }
    }
  }

  private startRefresh(): void {
    this.stopRefresh();
    const periodMs = this.garp.masterRefreshMs;
    if (periodMs <= 0) return;
    const tick = (): void => {
      if (this.fsm.state !== 'MASTER' || this.stopped) return;
      for (const b of garpPlan(this.garp, 'refresh')) this.ports.sendGarps(b.repeat);
      this.refreshTimer = this.ports.clock.setTimer(this.ports.clock.nowMs() + periodMs, tick);
    };
    this.refreshTimer = this.ports.clock.setTimer(this.ports.clock.nowMs() + periodMs, tick);
  }

  private stopRefresh(): void {
    this.refreshTimer?.cancel();
    this.refreshTimer = null;
  }

  private cancelGarps(): void {
    for (const t of this.garpTimers) t.cancel();
    this.garpTimers = [];
  }

  private clearTimers(): void {
    this.timer?.cancel();
    this.timer = null;
    this.timerAtMs = null;
    this.cancelGarps();
    this.stopRefresh();
  }
}
