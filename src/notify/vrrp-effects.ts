/**
 * The VRRP child's notification side effects beyond scripts (keepalived.conf(5)): FIFO
 * lines to notify_fifo / vrrp_notify_fifo and SMTP alerts, in keepalived's order after the
 * notify scripts. One object per daemon run; the daemon calls `instance()` on every
 * transition and `close()` when it stops.
 */
import type { GlobalDefs } from '../config/model.js';
import type { Logger } from '../core/logger.js';
import { NotifyFifoSet } from './fifo-writer.js';
import type { VrrpFifoState } from './fifo-lines.js';
import type { NotifyState } from './notify-args.js';
import type { ScriptRunner } from './runner.js';
import { SmtpAlerter, smtpSettingsFrom, type SmtpSettings } from './smtp-alert.js';
import { EmailStateDedupe, vrrpGroupAlert, vrrpInstanceAlert } from './smtp-message.js';

export interface VrrpEffectsDeps {
  readonly log: Logger;
  readonly runner: ScriptRunner;
  /** Seam for tests: where mail goes (default: from global_defs). */
  readonly smtp?: SmtpSettings | null;
}

export class VrrpNotifyEffects {
  private readonly dedupe: EmailStateDedupe;

  private constructor(
    private readonly routerId: string,
    private readonly fifos: NotifyFifoSet,
    private readonly alerter: SmtpAlerter | null,
    noEmailFaults: boolean,
  ) {
    this.dedupe = new EmailStateDedupe(noEmailFaults);
  }

  static async open(g: GlobalDefs, deps: VrrpEffectsDeps): Promise<VrrpNotifyEffects> {
    const fifos = await NotifyFifoSet.open('vrrp', g, { log: deps.log, runner: deps.runner });
    const smtp = deps.smtp !== undefined ? deps.smtp : smtpSettingsFrom(g);
    const alerter = smtp ? new SmtpAlerter(smtp, { log: deps.log }) : null;
    return new VrrpNotifyEffects(g.routerId, fifos, alerter, g.noEmailFaults ?? false);
  }

  /** An instance entered `state`: FIFO line, then mail when `smtpAlert` and the state changed since the last mail. */
  instance(inst: { readonly name: string; readonly smtpAlert: boolean }, state: NotifyState, priority: number): void {
    this.fifos.emit({ type: 'instance', name: inst.name, state, priority });
    if (this.alerter && inst.smtpAlert && this.dedupe.shouldSend(`i:${inst.name}`, state)) {
      this.alerter.send(vrrpInstanceAlert(this.routerId, inst.name, state));
    }
  }

  /** FIFO-only instance events: MASTER_RX_LOWER_PRI and the *_PRIORITY changes. */
  instanceEvent(name: string, state: Exclude<VrrpFifoState, NotifyState>, priority: number): void {
    this.fifos.emit({ type: 'instance', name, state, priority });
  }

  group(grp: { readonly name: string; readonly smtpAlert: boolean }, state: Exclude<NotifyState, 'DELETED'>): void {
    this.fifos.emit({ type: 'group', name: grp.name, state });
    if (this.alerter && grp.smtpAlert && this.dedupe.shouldSend(`g:${grp.name}`, state)) {
      this.alerter.send(vrrpGroupAlert(this.routerId, grp.name, state));
    }
  }

  /** Resolves when queued mail has been handed to the server (tests, orderly stop). */
  idle(): Promise<void> {
    return this.alerter?.idle() ?? Promise.resolve();
  }

  close(): void {
    this.fifos.close();
    this.alerter?.close();
  }
}
