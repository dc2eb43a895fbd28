/**
 * The checker child's effect sink (keepalived.conf(5) notify_fifo, lvs_notify_fifo,
 * smtp_alert): turns the engine's CheckerEffect stream into `RS …`/`VS …` FIFO lines and
 * SMTP alerts through the notify module's CheckerNotifyEffects. The engine already emits
 * effects in keepalived's order for one transition (RS FIFO line, quorum re-evaluation with
 * its VS line and mail, then the checker's RS mail); this adapter only decides which alerts
 * are mailed:
 * - a checker's mail needs the RS's smtp_alert (the config compiler resolved it against
 *   smtp_alert_checker / smtp_alert) and, with no_checker_emails, an RS alive change;
 * - quorum mails need the VS's smtp_alert; RS shutdown/removal mails the RS's.
 * Logs and scripts are the daemon's: ignored here.
 */
import type { GlobalDefs } from '../config/model.js';
import { assertNever } from '../core/result.js';
import type { Logger } from '../core/logger.js';
import { CheckerNotifyEffects } from '../notify/checker-effects.js';
import type { ScriptRunner } from '../notify/runner.js';
import { checkerAlertBody, type QuorumEvent } from '../notify/smtp-message.js';
import type { SmtpSettings } from '../notify/smtp-alert.js';
import type { CheckerEffect, CheckerEffectSink } from './effects.js';

/** What the sink drives (CheckerNotifyEffects; a recorder in tests). */
export type CheckerNotifyTarget = Pick<CheckerNotifyEffects, 'realServerLine' | 'realServerMail' | 'realServerShutdown' | 'quorum' | 'quorumShutdown'>;

export interface NotifySinkOptions {
  /** global no_checker_emails: mail a checker change only when its RS changed state. */
  readonly noCheckerEmails: boolean;
}

export function notifySinkOptions(g: GlobalDefs): NotifySinkOptions {
  return { noCheckerEmails: g.noCheckerEmails === true };
}

function quorumEvent(up: boolean, startup: boolean): QuorumEvent {
  if (startup) return up ? 'starting-up' : 'starting-down';
  return up ? 'gained' : 'lost';
}

/** Pure mapping of one effect onto the target. */
export function deliverEffect(target: CheckerNotifyTarget, opts: NotifySinkOptions, e: CheckerEffect): void {
  switch (e.type) {
    case 'log':
    case 'run-script':
      return;
    case 'rs-up':
      target.realServerLine(e.vs, e.rs, true);
      return;
    case 'rs-down':
      if (e.shutdown === true || e.removed === true) target.realServerShutdown(e.vs, e.rs, e.shutdown === true, e.rsSmtpAlert);
      else target.realServerLine(e.vs, e.rs, false);
      return;
    case 'checker-up':
    case 'checker-down': {
      if (!e.rsSmtpAlert || (opts.noCheckerEmails && !e.rsChanged)) return;
      const up = e.type === 'checker-up';
      const body = checkerAlertBody(e.checkerType, up ? { type: 'up' } : { type: 'down', ...(e.reason !== undefined ? { reason: e.reason } : {}), timedOut: e.reason === 'timeout' });
      target.realServerMail(e.vs, e.rs, e.rsAlive, body);
      return;
    }
    case 'vs-quorum-up':
    case 'vs-quorum-down': {
      if (e.shutdown === true) {
        target.quorumShutdown(e.vs, e.smtpAlert);
        return;
      }
      const figures = { quorum: e.quorum, hysteresis: e.hysteresis, threshold: e.threshold, liveWeight: e.live };
      target.quorum(e.vs, quorumEvent(e.type === 'vs-quorum-up', e.startup === true), figures, e.smtpAlert);
      return;
    }
    default:
      assertNever(e, 'checker effect');
  }
}

/** A sink over a target; a failing delivery is the daemon's to log (it catches). */
export function createNotifySink(target: CheckerNotifyTarget, opts: NotifySinkOptions): CheckerEffectSink {
  return { onEffect: (e) => deliverEffect(target, opts, e) };
}

/** The daemon's sink: FIFOs and SMTP from global_defs, with close/idle for shutdown and reload. */
export interface OpenedNotifySink extends CheckerEffectSink {
  /** Pending SMTP alerts delivered (or failed). */
  idle(): Promise<void>;
  close(): void;
}

export interface OpenNotifySinkDeps {
  readonly log: Logger;
  readonly runner: ScriptRunner;
  /** Test seam: where mail goes (default from global_defs). */
  readonly smtp?: SmtpSettings | null;
}

export type OpenNotifySink = (g: GlobalDefs, deps: OpenNotifySinkDeps) => Promise<OpenedNotifySink>;

export const openNotifySink: OpenNotifySink = async (g, deps) => {
  const fx = await CheckerNotifyEffects.open(g, deps);
  const opts = notifySinkOptions(g);
  return {
    onEffect: (e) => deliverEffect(fx, opts, e),
    idle: () => fx.idle(),
    close: () => fx.close(),
  };
};

/** The global_defs that decide how the sink is opened (FIFO paths/scripts, mail): reopen when they differ. */
export function notifySettingsKey(g: GlobalDefs): string {
  return JSON.stringify([
    g.notifyFifo,
    g.routerId,
    g.smtpServer,
    g.notificationEmail,
    g.notificationEmailFrom,
    g.smtpConnectTimeoutMs,
    g.lvsNotifyFifo,
    g.notifyFifoScript,
    g.lvsNotifyFifoScript,
    g.smtpHeloName,
    g.noCheckerEmails,
  ]);
}
