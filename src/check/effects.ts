/**
 * What the checker engine asks the outside world to do, as data: log lines in keepalived's
 * wording, notify/quorum scripts, and the RS/VS state changes that the FIFO and SMTP
 * writers (src/notify, helper "check-effects") turn into `RS …`/`VS …` lines and alerts.
 * IPVS changes travel separately as IpvsOp lists (see Step).
 */
import type { CheckerType } from '../config/lvs/model.js';
import type { ScriptSpec } from '../config/model.js';
import type { IpvsOp } from '../ipvs/ipvs-types.js';

interface VsRef {
  /** FMT_VS, e.g. `[192.0.2.1]:tcp:80`, `FWM 5`, `[GROUP]:0`. */
  readonly vs: string;
  /** VirtualServerConfig.identity (stable across reloads). */
  readonly vsIdentity: string;
  /** The VS's smtp_alert. */
  readonly smtpAlert: boolean;
}

export type CheckerEffect =
  | { readonly type: 'log'; readonly level: 'info' | 'warn'; readonly msg: string }
  /** Run a notify_up/notify_down/quorum_up/quorum_down script with exactly its configured argv. */
  | { readonly type: 'run-script'; readonly script: ScriptSpec; readonly why: 'notify_up' | 'notify_down' | 'quorum_up' | 'quorum_down' }
  | (VsRef & {
      readonly type: 'rs-up' | 'rs-down';
      /** FMT_RS, e.g. `[192.0.2.10]:tcp:8080`. */
      readonly rs: string;
      /** The RS's smtp_alert (keepalived's per-RS flag). */
      readonly rsSmtpAlert: boolean;
      /** The checker whose result changed the RS (SMTP body: `=> TCP CHECK failed on service <=`). */
      readonly checkerType: CheckerType;
      /** rs-down: the failing probe's reason ("connection refused"). */
      readonly reason?: string;
      /** Emitted at shutdown because of `omega`. */
      readonly shutdown?: boolean;
      /** An alive RS that a reload removed from the config (keepalived's "=> Removing <=" mail). */
      readonly removed?: boolean;
    })
  /**
   * One checker flipped (keepalived mails per checker, after the RS FIFO line and the quorum
   * re-evaluation): `rsAlive` is the RS's resulting state, `rsChanged` whether it changed
   * (without it keepalived mails only when no_checker_emails is off).
   */
  | (VsRef & {
      readonly type: 'checker-up' | 'checker-down';
      readonly rs: string;
      readonly rsSmtpAlert: boolean;
      readonly checkerType: CheckerType;
      readonly reason?: string;
      readonly rsAlive: boolean;
      readonly rsChanged: boolean;
    })
  | (VsRef & {
      readonly type: 'vs-quorum-up' | 'vs-quorum-down';
      readonly quorum: number;
      readonly hysteresis: number;
      /** quorum+hysteresis (up) or quorum−hysteresis (down). */
      readonly threshold: number;
      /** Sum of the effective weights of the alive RSs. */
      readonly live: number;
      /** The quorum state set at start-up (keepalived's "starting up/down" mails), not a change. */
      readonly startup?: boolean;
      readonly shutdown?: boolean;
    });

/** One engine reaction: effects in keepalived's order, and the IPVS ops to carry it out. */
export interface Step {
  readonly effects: CheckerEffect[];
  readonly ops: IpvsOp[];
}

export const emptyStep = (): Step => ({ effects: [], ops: [] });

/** Where the daemon hands every effect (FIFO writer, SMTP alerts, tests). */
export interface CheckerEffectSink {
  onEffect(e: CheckerEffect): void;
}
