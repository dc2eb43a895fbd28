/**
 * The VRRP state machine of one instance, as a pure function with keepalived's semantics:
 * `step(params, state, event, nowMs) → { state, actions }`. Runs in the vrrp child; the driver
 * feeds events (adverts that passed the receive checks, timer expiry, faults, tracker priority,
 * startup, shutdown) and carries out the returned actions in order. It never touches sockets or
 * timers: it keeps absolute deadlines and the driver arms one timer at nextDeadline(state).
 *
 * RFC 5798 §6.4 (and RFC 3768 §6.4) ladders, with keepalived's deviations (keepalived.conf(5)
 * `state`, `nopreempt`, `preempt_delay`, `lower_prio_no_advert`, `higher_prio_send_advert`; each
 * checked against keepalived 2.2.7 in the interop tests, docs/compatibility.md "VRRP at run time"):
 * non-owner `state MASTER` still waits the master-down timer; preempt_delay; nopreempt;
 * lower_prio_no_advert / higher_prio_send_advert; a priority-0 advert on FAULT and shutdown;
 * leaving FAULT goes to BACKUP. Every state change goes through transition() with a typed reason.
 */
import { compareBytes, formatIp } from '../core/ip.js';
import type { LogLevel } from '../core/logger.js';
import { assertNever } from '../core/result.js';
import type { VrrpInstanceConfig } from '../config/model.js';
import { FSM_CONFIG_FIELDS, ZERO_COUNTERS } from './fsm-types.js';
import type {
  FsmAction,
  FsmCounters,
  FsmEvent,
  FsmParams,
  FsmState,
  GarpReason,
  StepResult,
  SyncGroupView,
  TransitionReason,
  VrrpState,
} from './fsm-types.js';
import { VRRP_PRIO_OWNER, VRRP_PRIO_STOP, masterDownIntervalUs, skewPriority, skewTimeUs, usToMs } from './timers.js';

export type * from './fsm-types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The mutable working copy one step edits, plus the actions it has produced so far. */
interface Ctx {
  readonly p: FsmParams;
  readonly s: Mutable<FsmState>;
  readonly c: Mutable<FsmCounters>;
  readonly actions: FsmAction[];
  readonly nowMs: number;
  /** The member's sync group, if any (keepalived.conf(5) vrrp_sync_group). */
  readonly group: SyncGroupView | undefined;
}

/**
 * The FSM parameters of a compiled instance: its FSM_CONFIG_FIELDS as they are, plus what the
 * config cannot know.
 * @param primaryAddress our advert source address bytes (4 or 16), used for equal-priority tie-breaks.
 */
export function fsmParamsFromConfig(cfg: VrrpInstanceConfig, primaryAddress: Uint8Array): FsmParams {
  const params = { primaryAddress, addressOwner: cfg.priority === VRRP_PRIO_OWNER } as Mutable<FsmParams>;
  for (const k of FSM_CONFIG_FIELDS) (params as Record<typeof k, unknown>)[k] = cfg[k];
  return params;
}

/** The INIT state an instance starts in (before the Startup event). */
export function initialFsmState(params: FsmParams): FsmState {
  return {
    state: 'INIT',
    wantState: params.initialState,
    effectivePriority: params.priority,
    masterAdverIntervalCs: params.advertIntCs,
    masterDownAtMs: null,
    adverAtMs: null,
    preemptDelayAtMs: null,
    nextMasterReason: 'master-down-timer',
    faultSources: [],
    lastMasterAddress: null,
    lastMasterPriority: null,
    lastTransitionAtMs: null,
    lastTransition: null,
    lastMasterAdvertAtMs: null,
    startDelayUntilMs: null,
    counters: ZERO_COUNTERS,
  };
}

/** Effective priority from base + tracker contributions: [1,254], the owner's 255 never moves. */
export function clampEffectivePriority(basePriority: number, computed: number): number {
  if (basePriority === VRRP_PRIO_OWNER) return VRRP_PRIO_OWNER;
  return Math.min(VRRP_PRIO_OWNER - 1, Math.max(1, Math.round(computed)));
}

/** Skew_Time of this instance now, in ms (fractional, from whole microseconds). */
export function skewTimeMs(params: FsmParams, state: FsmState): number {
  const prio = skewPriority(params.priority, state.effectivePriority);
  return usToMs(skewTimeUs(params.version, prio, state.masterAdverIntervalCs));
}

/** Master_Down_Interval of this instance now, in ms. */
export function masterDownIntervalMs(params: FsmParams, state: FsmState): number {
  const prio = skewPriority(params.priority, state.effectivePriority);
  return usToMs(masterDownIntervalUs(params.version, prio, state.masterAdverIntervalCs, params.downTimerAdverts));
}

/** The single deadline the driver must arm a timer for (absolute ms), or null for none. */
export function nextDeadline(state: FsmState): number | null {
  switch (state.state) {
    case 'MASTER':
      return state.adverAtMs;
    case 'BACKUP':
      return state.masterDownAtMs;
    case 'INIT':
      // Only the address owner waiting out vrrp_startup_delay has one.
      return state.masterDownAtMs;
    case 'FAULT':
    case 'STOP':
      return null;
    default:
      return assertNever(state.state, 'VRRP state');
  }
}

/**
 * Advance one instance by one event.
 * @param nowMs the driver's monotonic clock (Clock.nowMs) when the event happened.
 * @param group the instance's vrrp_sync_group, when it is a member: it may hold the member in
 *   BACKUP (another member does not want MASTER) or in FAULT (another member has a fault).
 * @returns the new state and the actions to carry out, in order. Never throws for valid params.
 */
export function step(params: FsmParams, state: FsmState, event: FsmEvent, nowMs: number, group?: SyncGroupView): StepResult {
  const ctx: Ctx = { p: params, s: { ...state }, c: { ...state.counters }, actions: [], nowMs, group };
  if (state.state === 'STOP') return { state, actions: [] };
  switch (event.type) {
    case 'Startup':
      onStartup(ctx, event.afterTrackerInit === true, event.delayUntilMs, event.resumeMaster === true);
      break;
    case 'AdvertReceived':
      onAdvert(ctx, event.priority, event.advertIntCs, event.src);
      break;
    case 'TimerFired':
      onTimer(ctx);
      break;
    case 'FaultChanged':
      onFault(ctx, event.source, event.active);
      break;
    case 'PriorityChanged':
      onPriority(ctx, event.effectivePriority);
      break;
    case 'TrackedDeleted':
      if (ctx.s.state === 'MASTER') transition(ctx, 'BACKUP', 'tracked-deleted');
      break;
    case 'Shutdown':
      transition(ctx, 'STOP', 'shutdown');
      break;
    default:
      return assertNever(event, 'FSM event');
  }
  return finish(ctx);
}

/**
 * Force a state change from outside the event ladder (a sync-group coordinator). Goes through
 * the same funnel as step(), so exit/entry actions and the Transition action are identical.
 */
export function forceState(
  params: FsmParams,
  state: FsmState,
  to: 'BACKUP' | 'MASTER' | 'FAULT',
  reason: TransitionReason,
  nowMs: number,
): StepResult {
  const ctx: Ctx = { p: params, s: { ...state }, c: { ...state.counters }, actions: [], nowMs, group: undefined };
  if (state.state === 'STOP' || state.state === 'INIT') return { state, actions: [] };
  transition(ctx, to, reason);
  return finish(ctx);
}

/** ctx.s and ctx.c are the step's own copies, so they become the new state as they are. */
function finish(ctx: Ctx): StepResult {
  ctx.s.counters = ctx.c;
  return { state: ctx.s, actions: ctx.actions };
}

function log(ctx: Ctx, level: LogLevel, msg: string): void {
  ctx.actions.push({ type: 'LogEvent', level, msg });
}

function sendAdvert(ctx: Ctx, priority: number): void {
  ctx.actions.push({ type: 'SendAdvert', priority });
  ctx.c.advertSent++;
  if (priority === VRRP_PRIO_STOP) ctx.c.priZeroSent++;
}

function garp(ctx: Ctx, reason: GarpReason): void {
  ctx.actions.push({ type: 'SendGarpBurst', reason });
}

/** During vrrp_startup_delay the interval counts from the delay's end (keepalived.conf(5)). */
function armMasterDown(ctx: Ctx, intervalMs: number): void {
  const delay = ctx.s.startDelayUntilMs;
  ctx.s.masterDownAtMs = (delay !== null && delay > ctx.nowMs ? delay : ctx.nowMs) + intervalMs;
}

// ---------------------------------------------------------------------------------------------
// Event handlers

function onStartup(ctx: Ctx, afterTrackerInit: boolean, delayUntilMs: number | undefined, resumeMaster: boolean): void {
  if (ctx.s.state !== 'INIT') {
    log(ctx, 'debug', `startup event ignored in ${ctx.s.state} state`);
    return;
  }
  if (delayUntilMs !== undefined && delayUntilMs > ctx.nowMs) ctx.s.startDelayUntilMs = delayUntilMs;
  const owner = ctx.p.addressOwner && ctx.p.initialState === 'MASTER';
  if (ctx.s.faultSources.length > 0) transition(ctx, 'FAULT', 'fault');
  // A sync group starts in FAULT as a whole when any member has a fault.
  else if (ctx.group?.othersFaulted() === true) transition(ctx, 'FAULT', 'sync-group');
  // The master's VRRP process died and was restarted before any backup's down timer ran out:
  // it takes MASTER again at once (an advert and GARPs now), so a crash costs no failover.
  else if (resumeMaster && ctx.group === undefined) {
    log(ctx, 'info', 'Resuming MASTER state held before the VRRP process restarted');
    transition(ctx, 'MASTER', 'startup');
  }
  // The owner waits out vrrp_startup_delay silently (keepalived: a down timer of 1 µs from the
  // delay's end, without a BACKUP entry); onTimer takes it to MASTER then.
  else if (owner && ctx.group === undefined && ctx.s.startDelayUntilMs !== null) ctx.s.masterDownAtMs = ctx.s.startDelayUntilMs;
  // Only the address owner with `state MASTER` skips the election (keepalived.conf(5) `state`:
  // any other instance starts as BACKUP and waits its master-down timer, as keepalived 2.2.7 does;
  // so does an owner in a sync group, which waits for the other members).
  else if (owner && ctx.group === undefined) {
    // keepalived 2.2.7 gets there through an immediate down-timer expiry, so it logs this first.
    log(ctx, 'info', 'Receive advertisement timeout');
    transition(ctx, 'MASTER', 'startup');
  }
  else transition(ctx, 'BACKUP', 'startup', afterTrackerInit ? '' : ' (init)');
}

function onAdvert(ctx: Ctx, priority: number, advertIntCs: number, src: Uint8Array): void {
  if (ctx.s.state === 'INIT' || ctx.s.state === 'FAULT') return;
  ctx.c.advertRcvd++;
  if (priority === VRRP_PRIO_STOP) ctx.c.priZeroRcvd++;
  if (ctx.s.state === 'BACKUP') backupRx(ctx, priority, advertIntCs, src);
  else if (ctx.s.state === 'MASTER') masterRx(ctx, priority, advertIntCs, src);
}

/** RFC 5798 §6.4.2 "If an ADVERTISEMENT is received", keepalived vrrp_state_backup. */
function backupRx(ctx: Ctx, priority: number, advertIntCs: number, src: Uint8Array): void {
  const { p, s } = ctx;
  if (priority === VRRP_PRIO_STOP) {
    log(ctx, 'info', 'Backup received priority 0 advertisement');
    armMasterDown(ctx, skewTimeMs(p, s));
    s.nextMasterReason = 'priority-0-advert';
    return;
  }
  const delayRunning = p.preemptDelayMs > 0 && (s.preemptDelayAtMs === null || s.preemptDelayAtMs > ctx.nowMs);
  if (p.nopreempt || priority >= s.effectivePriority || delayRunning) {
    adoptMasterInterval(ctx, advertIntCs);
    armMasterDown(ctx, masterDownIntervalMs(p, s));
    s.lastMasterAddress = src;
    s.lastMasterPriority = priority;
    s.lastMasterAdvertAtMs = ctx.nowMs;
    s.nextMasterReason = 'master-down-timer';
    // A master we accept: a sync-group member that wanted MASTER no longer does.
    s.wantState = 'BACKUP';
    if (p.preemptDelayMs > 0) {
      if (priority >= s.effectivePriority) {
        if (s.preemptDelayAtMs !== null) log(ctx, 'info', 'stop preempt delay');
        s.preemptDelayAtMs = null;
      } else if (s.preemptDelayAtMs === null) {
        log(ctx, 'info', `start preempt delay(${p.preemptDelayMs / 1000})`);
        s.preemptDelayAtMs = ctx.nowMs + p.preemptDelayMs;
      }
    }
    return;
  }
  // Lower priority and we may preempt: ignore it so our down timer runs out (RFC 5798 §6.4.2).
  log(ctx, 'info', `received lower priority (${priority}) advert from ${formatIp(src)} - discarding`);
  s.lastMasterAddress = src;
  s.lastMasterPriority = priority;
  s.lastMasterAdvertAtMs = ctx.nowMs;
  s.nextMasterReason = 'preempt';
}

/** RFC 5798 §6.4.3 "If an ADVERTISEMENT is received", keepalived vrrp_state_master_rx. */
function masterRx(ctx: Ctx, priority: number, advertIntCs: number, src: Uint8Array): void {
  const { p, s } = ctx;
  const ours = s.effectivePriority;
  if (priority === VRRP_PRIO_STOP) {
    log(ctx, 'info', 'Master received priority 0 message');
    sendAdvert(ctx, ours);
    s.adverAtMs = ctx.nowMs + p.advertIntCs * 10;
    return;
  }
  const addrCmp = compareBytes(src, p.primaryAddress);
  if (priority === ours && addrCmp === 0) {
    log(ctx, 'warn', 'WARNING - equal priority advert received from remote host with our IP address.');
    return;
  }
  const from = formatIp(src);
  if (priority < ours || (priority === ours && addrCmp < 0)) {
    const forcing = p.lowerPrioNoAdvert ? '' : ', forcing new election';
    log(ctx, 'info', `Received advert from ${from} with lower priority ${priority}, ours ${ours}${forcing}`);
    if (!p.lowerPrioNoAdvert) sendAdvert(ctx, ours);
    garp(ctx, 'lower-prio-seen');
    ctx.actions.push({ type: 'NotifyMasterRxLowerPri' });
    return;
  }
  if (p.higherPrioSendAdvert) sendAdvert(ctx, ours);
  log(
    ctx,
    'info',
    priority > ours
      ? `Master received advert from ${from} with higher priority ${priority}, ours ${ours}`
      : `Master received advert from ${from} with same priority ${priority} but higher IP address than ours`,
  );
  adoptMasterInterval(ctx, advertIntCs);
  s.lastMasterAddress = src;
  s.lastMasterPriority = priority;
  s.lastMasterAdvertAtMs = ctx.nowMs;
  transition(ctx, 'BACKUP', 'higher-priority-advert');
}

/** RFC 5798: a v3 BACKUP uses the master's Max Adver Int as Master_Adver_Interval; v2 drops mismatches earlier. */
function adoptMasterInterval(ctx: Ctx, advertIntCs: number): void {
  if (ctx.p.version !== 3 || advertIntCs <= 0 || advertIntCs === ctx.s.masterAdverIntervalCs) return;
  log(ctx, 'info', `advertisement interval updated to ${advertIntCs * 10} milli-sec from ${ctx.s.masterAdverIntervalCs * 10} milli-sec`);
  ctx.s.masterAdverIntervalCs = advertIntCs;
}

function onTimer(ctx: Ctx): void {
  const { p, s, nowMs } = ctx;
  if (s.state === 'INIT' && s.masterDownAtMs !== null && s.masterDownAtMs <= nowMs) {
    if (s.faultSources.length > 0) transition(ctx, 'FAULT', 'fault');
    else {
      log(ctx, 'info', 'Receive advertisement timeout');
      transition(ctx, 'MASTER', 'startup');
    }
  } else if (s.state === 'BACKUP' && s.masterDownAtMs !== null && s.masterDownAtMs <= nowMs) {
    log(ctx, 'info', 'Receive advertisement timeout');
    // keepalived prefers BACKUP in a sync group: a member becomes MASTER only when every other
    // member wants to; until then it waits one more Master_Down_Interval, wanting MASTER.
    if (ctx.group !== undefined && !ctx.group.canGoMaster()) {
      s.wantState = 'MASTER';
      s.nextMasterReason = 'master-down-timer';
      armMasterDown(ctx, masterDownIntervalMs(p, s));
      return;
    }
    transition(ctx, 'MASTER', s.nextMasterReason);
  } else if (s.state === 'MASTER' && s.adverAtMs !== null && s.adverAtMs <= nowMs) {
    sendAdvert(ctx, s.effectivePriority);
    s.adverAtMs = nowMs + p.advertIntCs * 10;
  }
}

function onFault(ctx: Ctx, source: string, active: boolean): void {
  const { s } = ctx;
  const before = s.faultSources;
  const set = new Set(before);
  if (active) set.add(source);
  else set.delete(source);
  s.faultSources = [...set].sort();
  const wasFaulted = before.length > 0;
  const isFaulted = s.faultSources.length > 0;
  if (wasFaulted === isFaulted || s.state === 'INIT') return;
  if (isFaulted) transition(ctx, 'FAULT', 'fault');
  // In a sync group the last member whose faults clear takes the group out of FAULT.
  else if (s.state === 'FAULT' && ctx.group?.othersFaulted() !== true) transition(ctx, 'BACKUP', 'fault-cleared');
}

function onPriority(ctx: Ctx, requested: number): void {
  const { p, s } = ctx;
  const next = clampEffectivePriority(p.priority, requested);
  if (next === s.effectivePriority) return;
  const oldSkewMs = skewTimeMs(p, s);
  log(ctx, 'info', `Changing effective priority from ${s.effectivePriority} to ${next}`);
  s.effectivePriority = next;
  // Both the full master-down and the priority-0 skew deadline contain one Skew_Time: shift it.
  if (s.state === 'BACKUP' && s.masterDownAtMs !== null) s.masterDownAtMs += skewTimeMs(p, s) - oldSkewMs;
}

// ---------------------------------------------------------------------------------------------
// The transition funnel: exit actions of the old state, entry actions of the new one, then
// exactly one Transition action (what notifications and the sync group key on).

/** Reached from step() and forceState(); a no-op when the state does not change. */
function transition(ctx: Ctx, to: VrrpState, reason: TransitionReason, initMark = ' (init)'): void {
  const { p, s, c, nowMs } = ctx;
  const from = s.state;
  if (from === to) return;
  // keepalived marks the start-up BACKUP entry: "(VI_1) Entering BACKUP STATE (init)".
  const entry = entryLog(from, to, reason, initMark);
  if (entry !== null) log(ctx, 'info', entry);

  if (from === 'MASTER') {
    // Resigning (fault, shutdown) tells the backups to take over after Skew_Time (RFC 5798 §6.4.3).
    if (to === 'FAULT' || to === 'STOP' || reason === 'tracked-deleted') {
      sendAdvert(ctx, VRRP_PRIO_STOP);
      // keepalived 2.2.7 sends it for a member its group moves to FAULT too, without the line.
      if (reason !== 'sync-group') log(ctx, 'info', 'sent 0 priority');
    }
    ctx.actions.push({ type: 'RemoveVips' });
    c.releasedMaster++;
  }

  s.masterDownAtMs = null;
  s.adverAtMs = null;
  s.preemptDelayAtMs = null;
  switch (to) {
    case 'MASTER':
      s.masterAdverIntervalCs = p.advertIntCs;
      sendAdvert(ctx, s.effectivePriority);
      ctx.actions.push({ type: 'AddVips' });
      garp(ctx, 'became-master');
      c.becameMaster++;
      s.adverAtMs = nowMs + p.advertIntCs * 10;
      s.wantState = 'MASTER';
      break;
    case 'BACKUP':
      // After a higher-priority advert the caller already adopted the master's interval.
      if (reason !== 'higher-priority-advert') s.masterAdverIntervalCs = p.advertIntCs;
      s.nextMasterReason = 'master-down-timer';
      // After resigning for a deleted VIP/route/rule keepalived 2.2.7 takes over again after
      // Skew_Time, as a backup does after a priority-0 advert (RFC 5798 §6.4.2).
      armMasterDown(ctx, reason === 'tracked-deleted' ? skewTimeMs(p, s) : masterDownIntervalMs(p, s));
      s.wantState = 'BACKUP';
      break;
    case 'FAULT':
      s.wantState = 'FAULT';
      break;
    case 'STOP':
    case 'INIT':
      break;
    default:
      assertNever(to, 'VRRP state');
  }
  s.state = to;
  s.lastTransitionAtMs = nowMs;
  s.lastTransition = { from, reason };
  ctx.actions.push({ type: 'Transition', from, to, reason, priority: s.effectivePriority });
}

/**
 * keepalived 2.2.7's line for entering a state: "Entering BACKUP STATE (init)" at start-up,
 * "entering FAULT state" for a fault found at start-up, and nothing for a BACKUP member its
 * sync group moves to FAULT (it only notifies).
 */
function entryLog(from: VrrpState, to: VrrpState, reason: TransitionReason, initMark: string): string | null {
  if (to === 'STOP' || to === 'INIT') return null;
  if (from === 'INIT' && to === 'FAULT') return 'entering FAULT state';
  if (reason === 'sync-group' && to === 'FAULT' && from !== 'MASTER') return null;
  return `Entering ${to} STATE${to === 'BACKUP' && reason === 'startup' ? initMark : ''}`;
}
