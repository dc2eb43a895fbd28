/**
 * Notifications of the VRRP child in keepalived's order (keepalived.conf(5) notify,
 * notify_master …, notify_fifo, smtp_alert; checked on 2.2.7 with strace): for a state change
 * the state's own script is started, then the generic `notify` script with
 * `INSTANCE|GROUP NAME STATE PRIORITY`, then the FIFO line is written, then the mail is
 * queued. MASTER_RX_LOWER_PRI starts notify_master_rx_lower_pri and writes its FIFO line; a
 * priority change only writes `MASTER_PRIORITY` / `BACKUP_PRIORITY` lines (with
 * notify_priority_changes). Scripts run only if the script pass cleared them, as their user;
 * nothing waits for them.
 *
 * Sync groups use group(): the same order with `GROUP NAME STATE 0`.
 */
import type { NotifyScripts } from '../config/model.js';
import type { VrrpFifoState } from './fifo-lines.js';
import { notifyInvocations, type NotifyState } from './notify-args.js';
import type { ScriptRunner } from './runner.js';
import type { ScriptTable } from './script-plan.js';

/** FIFO lines and mail (vrrp-effects.ts VrrpNotifyEffects; a recorder in tests). */
export interface VrrpEffectsPort {
  /** An instance entered `state` (after its notify scripts): FIFO line, then mail. */
  instance(inst: { readonly name: string; readonly smtpAlert: boolean }, state: NotifyState, priority: number): void;
  /** FIFO-only instance events: MASTER_RX_LOWER_PRI and the *_PRIORITY changes. */
  instanceEvent(name: string, state: Exclude<VrrpFifoState, NotifyState>, priority: number): void;
  group(grp: { readonly name: string; readonly smtpAlert: boolean }, state: Exclude<NotifyState, 'DELETED'>): void;
  /** SIGTERM to the FIFO scripts: keepalived does it first when it stops, before the STOP lines. */
  stopScripts(): void;
  close(): void;
}

/** An instance or sync group as notifications see it (the config model's fields). */
export interface NotifySubject {
  readonly name: string;
  readonly notify: NotifyScripts;
  readonly smtpAlert: boolean;
}

export class VrrpNotifier {
  constructor(
    private readonly runner: ScriptRunner,
    /** The cleared scripts of the running config (replaced at reload). */
    private readonly scripts: () => ScriptTable,
    private readonly effects: () => VrrpEffectsPort | null,
    private readonly umask: () => number,
  ) {}

  private run(spec: NotifyScripts[keyof NotifyScripts], extra: readonly string[] = []): void {
    const r = spec ? this.scripts().get(spec) : undefined;
    if (r) void this.runner.run([...r.argv, ...extra], { uid: r.uid, gid: r.gid, umask: this.umask() });
  }

  instance(inst: NotifySubject, state: NotifyState, priority: number): void {
    for (const inv of notifyInvocations(inst.notify, 'INSTANCE', inst.name, state, priority)) this.run(inv.script, inv.extra);
    this.effects()?.instance(inst, state, priority);
  }

  /** A master heard a lower-priority advert (keepalived.conf(5) notify_master_rx_lower_pri). */
  rxLowerPri(inst: NotifySubject, priority: number): void {
    this.run(inst.notify.masterRxLowerPri);
    this.effects()?.instanceEvent(inst.name, 'MASTER_RX_LOWER_PRI', priority);
  }

  /** The effective priority changed in MASTER or BACKUP (notify_priority_changes). */
  priorityChanged(name: string, state: 'MASTER' | 'BACKUP', priority: number): void {
    this.effects()?.instanceEvent(name, state === 'MASTER' ? 'MASTER_PRIORITY' : 'BACKUP_PRIORITY', priority);
  }

  group(grp: NotifySubject, state: Exclude<NotifyState, 'DELETED'>): void {
    for (const inv of notifyInvocations(grp.notify, 'GROUP', grp.name, state, 0)) this.run(inv.script, inv.extra);
    this.effects()?.group(grp, state);
  }
}
