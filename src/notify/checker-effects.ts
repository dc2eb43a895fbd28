/**
 * The checker child's notification side effects (keepalived.conf(5) notify_fifo,
 * lvs_notify_fifo, smtp_alert): `RS`/`VS` lines to notify_fifo / lvs_notify_fifo and SMTP
 * alerts for real-server and quorum changes. The checker engine decides *when* (it knows
 * smtp_alert per RS/VS, no_checker_emails, omega); this object formats and delivers.
 * keepalived's order for one RS transition: RS FIFO line, then the quorum re-evaluation (VS
 * line + VS mail), then the checker's RS mail.
 */
import type { GlobalDefs } from '../config/model.js';
import type { Logger } from '../core/logger.js';
import { NotifyFifoSet } from './fifo-writer.js';
import type { ScriptRunner } from './runner.js';
import type { FifoPlan } from './script-plan.js';
import { SmtpAlerter, smtpSettingsFrom, type SmtpSettings } from './smtp-alert.js';
import { quorumAlert, quorumShutdownAlert, realServerAlert, realServerShutdownAlert, type QuorumEvent, type QuorumFigures } from './smtp-message.js';

export interface CheckerEffectsDeps {
  readonly log: Logger;
  readonly runner: ScriptRunner;
  /** Seam for tests: where mail goes (default: from global_defs). */
  readonly smtp?: SmtpSettings | null;
  /** The FIFOs to open, as the script pass cleared them (script-plan.ts planFifos). */
  readonly fifos: readonly FifoPlan[];
}

export class CheckerNotifyEffects {
  private constructor(
    private readonly routerId: string,
    private readonly fifos: NotifyFifoSet,
    private readonly alerter: SmtpAlerter | null,
  ) {}

  static async open(g: GlobalDefs, deps: CheckerEffectsDeps): Promise<CheckerNotifyEffects> {
    const fifos = await NotifyFifoSet.open('lvs', deps.fifos, g.umask, { log: deps.log, runner: deps.runner });
    const smtp = deps.smtp !== undefined ? deps.smtp : smtpSettingsFrom(g);
    return new CheckerNotifyEffects(g.routerId, fifos, smtp ? new SmtpAlerter(smtp, { log: deps.log }) : null);
  }

  /** `RS <rs> <vs> UP|DOWN` (names: realServerName / VirtualServerConfig.name). */
  realServerLine(vs: string, rs: string, up: boolean): void {
    this.fifos.emit({ type: 'rs', rs, vs, up });
  }

  /** The checker's mail for an RS transition; `body` from checkerAlertBody, `rsUp` the RS's resulting state. */
  realServerMail(vs: string, rs: string, rsUp: boolean, body: string): void {
    this.alerter?.send(realServerAlert(this.routerId, rs, vs, rsUp, body));
  }

  /** RS taken out at stop (omega) or removed by a reload: FIFO DOWN line and, with `mail`, the shutdown/removal mail. */
  realServerShutdown(vs: string, rs: string, stopping: boolean, mail: boolean): void {
    this.fifos.emit({ type: 'rs', rs, vs, up: false });
    if (mail) this.alerter?.send(realServerShutdownAlert(this.routerId, rs, vs, stopping));
  }

  /** Quorum state set or changed: `VS <vs> UP|DOWN` and, with `mail` (the VS's smtp_alert), the quorum mail. */
  quorum(vs: string, event: QuorumEvent, figures: QuorumFigures, mail: boolean): void {
    this.fifos.emit({ type: 'vs', vs, up: event === 'starting-up' || event === 'gained' });
    if (mail) this.alerter?.send(quorumAlert(this.routerId, vs, event, figures));
  }

  /** VS quorum dropped at stop (omega): `VS … DOWN` and the `=> Shutting down <=` mail. */
  quorumShutdown(vs: string, mail: boolean): void {
    this.fifos.emit({ type: 'vs', vs, up: false });
    if (mail) this.alerter?.send(quorumShutdownAlert(this.routerId, vs));
  }

  idle(): Promise<void> {
    return this.alerter?.idle() ?? Promise.resolve();
  }

  close(): void {
    this.fifos.close();
    this.alerter?.close();
  }
}
