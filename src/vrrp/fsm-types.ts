/**
 * Types of the VRRP state machine (fsm.ts): per-instance parameters, the state record, the
 * events a driver feeds in and the actions it must carry out. Plain readonly data, so states
 * can be compared, logged and replayed by the simulation tests.
 */
import type { LogLevel } from '../core/logger.js';
import type { VrrpInstanceConfig } from '../config/model.js';

/** RFC 5798 §6.4 states, plus keepalived's STOP pseudo-state (terminal; notifications only). */
export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** Why a state changed; the single transition funnel attaches exactly one to every change. */
export type TransitionReason =
  | 'startup' // INIT → BACKUP, or INIT → MASTER for the address owner with `state MASTER`
  | 'master-down-timer' // Master_Down_Timer expired: no (accepted) advert for Master_Down_Interval
  | 'priority-0-advert' // the master resigned (priority 0) and our Skew_Time ran out
  | 'preempt' // we discarded a lower-priority master's adverts until our down timer ran out
  | 'higher-priority-advert' // MASTER saw a higher priority (or equal priority, higher address)
  | 'fault' // a fault source became active (interface down, weight-0 tracker failed)
  | 'fault-cleared' // the last fault source cleared
  | 'shutdown' // graceful stop (SIGTERM)
  | 'sync-group' // a vrrp_sync_group moved this member with another one (sync-group.ts)
  | 'tracked-deleted'; // another program deleted a tracked VIP, virtual route or rule of this MASTER

export const TRANSITION_REASONS: readonly TransitionReason[] = [
  'startup', 'master-down-timer', 'priority-0-advert', 'preempt', 'higher-priority-advert', 'fault', 'fault-cleared',
  'shutdown', 'sync-group', 'tracked-deleted',
];

/**
 * The vrrp_instance settings the state machine reads, exactly as the config model holds them
 * (the compiler already applied keepalived's defaults and clearings: nopreempt and
 * preempt_delay off for the address owner and for `state MASTER`). A new FSM keyword is one
 * more name here.
 */
export const FSM_CONFIG_FIELDS = [
  'name', // for the driver's log bindings; messages do not repeat it
  'vrid',
  'version',
  'priority', // base priority 1..255; 255 = address owner, never changed by trackers
  'advertIntCs', // our Advertisement_Interval
  'downTimerAdverts', // keepalived `down_timer_adverts` (RFC: 3)
  'nopreempt',
  'preemptDelayMs', // 0 = no preempt delay
  'lowerPrioNoAdvert',
  'higherPrioSendAdvert',
  'initialState', // only the address owner acts on MASTER at startup
] as const satisfies readonly (keyof VrrpInstanceConfig)[];

/** Immutable per-instance parameters: a projection of VrrpInstanceConfig (see fsmParamsFromConfig). */
export type FsmParams = Pick<VrrpInstanceConfig, (typeof FSM_CONFIG_FIELDS)[number]> & {
  /** Our advert source address (primary address or mcast_src_ip/unicast_src_ip), for tie-breaks. */
  readonly primaryAddress: Uint8Array;
  /** priority === 255. */
  readonly addressOwner: boolean;
};

/** Per-instance statistics, named after keepalived's `keepalived.stats` fields. */
export interface FsmCounters {
  readonly advertRcvd: number;
  readonly advertSent: number;
  readonly becameMaster: number;
  readonly releasedMaster: number;
  readonly priZeroRcvd: number;
  readonly priZeroSent: number;
}

/** Every counter at zero: a new instance, or after STATS_CLEAR. */
export const ZERO_COUNTERS: FsmCounters = { advertRcvd: 0, advertSent: 0, becameMaster: 0, releasedMaster: 0, priZeroRcvd: 0, priZeroSent: 0 };

export interface FsmState {
  readonly state: VrrpState;
  /**
   * What this instance alone would be in (keepalived `wantstate`). Equal to `state` for a
   * standalone instance. A sync-group member whose down timer ran out while another member
   * did not want MASTER stays BACKUP wanting MASTER; an accepted advert makes it want BACKUP
   * again (sync-group.ts reads it before letting a member become MASTER).
   */
  readonly wantState: 'BACKUP' | 'MASTER' | 'FAULT';
  /** Priority advertised and compared against: base plus tracker weights, clamped to [1,254]. */
  readonly effectivePriority: number;
  /** RFC 5798 Master_Adver_Interval (cs): our own, or the master's once a v3 BACKUP adopts it. */
  readonly masterAdverIntervalCs: number;
  /** BACKUP: absolute Master_Down_Timer deadline (ms); null otherwise. */
  readonly masterDownAtMs: number | null;
  /** MASTER: absolute Adver_Timer deadline (ms); null otherwise. */
  readonly adverAtMs: number | null;
  /**
   * BACKUP with preempt_delay: when lower-priority adverts stop being accepted (ms). Not a
   * timer: keepalived checks it when an advert arrives, so it is not part of nextDeadline.
   */
  readonly preemptDelayAtMs: number | null;
  /** Reason to attach when the BACKUP down timer expires (keepalived's next_master_reason). */
  readonly nextMasterReason: TransitionReason;
  /** Active fault sources (sorted, unique); FAULT while non-empty. */
  readonly faultSources: readonly string[];
  readonly lastMasterAddress: Uint8Array | null;
  readonly lastMasterPriority: number | null;
  readonly lastTransitionAtMs: number | null;
  /** The last state change (status: "who is master, since when and why"). */
  readonly lastTransition: { readonly from: VrrpState; readonly reason: TransitionReason } | null;
  /** When the advert that set lastMasterAddress was accepted (ms). */
  readonly lastMasterAdvertAtMs: number | null;
  /**
   * global_defs vrrp_startup_delay: until then (ms) a BACKUP's master-down timer counts from
   * this instant, not from now, and the address owner waits in INIT; null when none.
   */
  readonly startDelayUntilMs: number | null;
  readonly counters: FsmCounters;
}

/** Events. AdvertReceived must already have passed the receive checks (vrid, auth, TTL, v2 interval …). */
export type FsmEvent =
    /**
     * `afterTrackerInit`: the instance waited in INIT for its unweighted scripts' first result
     * (keepalived then logs "Entering BACKUP STATE" without "(init)"); `delayUntilMs`: the end of
     * vrrp_startup_delay (absolute ms), when one runs; `resumeMaster`: this instance was MASTER in
     * a VRRP process that died moments ago (resume.ts).
     */
    | { readonly type: 'Startup'; readonly afterTrackerInit?: boolean; readonly delayUntilMs?: number; readonly resumeMaster?: boolean }
  | { readonly type: 'AdvertReceived'; readonly priority: number; readonly advertIntCs: number; readonly src: Uint8Array }
  /** The driver arms one timer at nextDeadline(state); the FSM handles every deadline ≤ now. */
  | { readonly type: 'TimerFired' }
  /** `source` names the fault (e.g. `interface:eth0`, `script:chk`); FAULT while any is active. */
  | { readonly type: 'FaultChanged'; readonly source: string; readonly active: boolean }
  /** New effective priority from trackers (clamped to [1,254]; ignored for the address owner). */
  | { readonly type: 'PriorityChanged'; readonly effectivePriority: number }
  /**
   * Another program deleted a VIP, virtual route or virtual rule this MASTER tracks
   * (keepalived.conf(5) no_track): it resigns with a priority-0 advert and, as a BACKUP, takes
   * over again after Skew_Time unless a peer does first, so the deleted item is reinstated.
   */
  | { readonly type: 'TrackedDeleted' }
  | { readonly type: 'Shutdown' };

export type GarpReason = 'became-master' | 'lower-prio-seen';

/** Actions for the driver, in the order they must be carried out. */
export type FsmAction =
  | { readonly type: 'SendAdvert'; readonly priority: number }
  | { readonly type: 'AddVips' }
  | { readonly type: 'RemoveVips' }
  /** The driver sends the burst and schedules the delayed/refresh bursts from the GARP config. */
  | { readonly type: 'SendGarpBurst'; readonly reason: GarpReason }
  /** Exactly one per state change; `priority` is the effective priority (for `notify` argv). */
  | {
      readonly type: 'Transition';
      readonly from: VrrpState;
      readonly to: VrrpState;
      readonly reason: TransitionReason;
      readonly priority: number;
    }
  /** keepalived's log text without the `(INSTANCE) ` prefix (the driver's logger binds it). */
  | { readonly type: 'LogEvent'; readonly level: LogLevel; readonly msg: string }
  | { readonly type: 'NotifyMasterRxLowerPri' };

/**
 * What a vrrp_sync_group tells one member's step (sync-group.ts builds it); absent for an
 * instance outside any group. Read only when the step needs it.
 */
export interface SyncGroupView {
  /** keepalived: the group is MASTER already, or every other member wants MASTER. */
  canGoMaster(): boolean;
  /** Another member has a fault of its own: this one stays in (or starts in) FAULT. */
  othersFaulted(): boolean;
}

export interface StepResult {
  readonly state: FsmState;
  readonly actions: readonly FsmAction[];
}
