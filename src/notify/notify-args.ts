/**
 * Notification argv and FIFO lines, as keepalived builds them (keepalived.conf(5) notify,
 * notify_master…): state scripts get exactly their configured argv; the generic `notify`
 * script gets `INSTANCE|GROUP name STATE priority` appended; FIFO lines are
 * `INSTANCE "name" STATE prio\n`. Pure; the VRRP child's driver decides when, the runner
 * executes.
 */
import type { NotifyScripts, ScriptSpec } from '../config/model.js';

export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';
export type NotifySubject = 'INSTANCE' | 'GROUP';

export interface NotifyInvocation {
  readonly script: ScriptSpec;
  /** What keepalived appends to the script's own words (the generic `notify` only). */
  readonly extra: readonly string[];
  /** The configured words plus `extra` (what runs once argv[0] is resolved). */
  readonly argv: readonly string[];
}

/** Scripts to run for one transition, in keepalived's order: specific state script, then generic. */
export function notifyInvocations(
  scripts: NotifyScripts,
  subject: NotifySubject,
  name: string,
  state: NotifyState,
  priority: number,
): NotifyInvocation[] {
  const out: NotifyInvocation[] = [];
  const specific = stateScript(scripts, state);
  if (specific) out.push({ script: specific, extra: [], argv: [...specific.argv] });
  if (scripts.generic) {
    const extra = [subject, name, state, String(subject === 'GROUP' ? 0 : priority)];
    out.push({ script: scripts.generic, extra, argv: [...scripts.generic.argv, ...extra] });
  }
  return out;
}

function stateScript(s: NotifyScripts, state: NotifyState): ScriptSpec | undefined {
  switch (state) {
    case 'MASTER':
      return s.master;
    case 'BACKUP':
      return s.backup;
    case 'FAULT':
      return s.fault;
    case 'STOP':
      return s.stop;
    case 'DELETED':
      return s.deleted;
  }
}

export function fifoLine(subject: NotifySubject, name: string, state: string, priority: number): string {
  return `${subject} "${name}" ${state} ${subject === 'GROUP' ? 0 : priority}\n`;
}
