/**
 * SMTP alert messages as keepalived writes them (keepalived.conf(5) smtp_alert; subjects
 * and bodies checked against Debian keepalived 2.2.7's mails in test/fixtures/smtp/): VRRP
 * instance and sync-group transitions, real-server checker transitions, VS quorum, RS
 * shutdown/removal; the DATA payload with keepalived's headers, and the "only when the
 * state differs from the last emailed state" rule. Pure: the date is passed in.
 */
import type { CheckerType } from '../config/lvs/model.js';
import { assertNever } from '../core/result.js';

export interface SmtpAlert {
  readonly subject: string;
  readonly body: string;
}

/** VRRP states that produce mail (keepalived sends none for INIT or the event-only states). */
export type AlertVrrpState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';

function vrrpSubjectTail(state: AlertVrrpState): string {
  switch (state) {
    case 'MASTER':
    case 'BACKUP':
    case 'FAULT':
      return `Entering ${state} state`;
    case 'STOP':
      return 'Stopping';
    case 'DELETED':
      return 'Deleted';
    default:
      return assertNever(state, 'vrrp state');
  }
}

export function vrrpInstanceAlert(routerId: string, instance: string, state: AlertVrrpState): SmtpAlert {
  const body =
    state === 'MASTER'
      ? '=> VRRP Instance is now owning VRRP VIPs <='
      : state === 'STOP'
        ? '=> VRRP Instance stopping <='
        : state === 'DELETED'
          ? '=> VRRP Deleted at reload <='
          : '=> VRRP Instance is no longer owning VRRP VIPs <=';
  return { subject: `[${routerId}] VRRP Instance ${instance} - ${vrrpSubjectTail(state)}`, body };
}

export function vrrpGroupAlert(routerId: string, group: string, state: Exclude<AlertVrrpState, 'DELETED'>): SmtpAlert {
  const body = state === 'STOP' ? '=> All VRRP group instances are now stopping <=' : `=> All VRRP group instances are now in ${state} state <=`;
  return { subject: `[${routerId}] VRRP Group ${group} - ${vrrpSubjectTail(state)}`, body };
}

/** How a checker run ended, as far as the alert text cares. */
export type CheckerAlertOutcome =
  | { readonly type: 'up' }
  /** `reason`: SMTP_CHECK puts its failure text in the body; MISC_CHECK uses `timedOut`. */
  | { readonly type: 'down'; readonly reason?: string; readonly timedOut?: boolean };

/** The body keepalived 2.2.7 writes for each checker kind. */
export function checkerAlertBody(kind: CheckerType, outcome: CheckerAlertOutcome): string {
  const up = outcome.type === 'up';
  const verb = up ? 'succeed' : 'failed';
  switch (kind) {
    case 'TCP_CHECK':
      return `=> TCP CHECK ${verb} on service <=`;
    case 'UDP_CHECK':
      return `=> UDP CHECK ${verb} on service <=`;
    case 'PING_CHECK':
      return `=> ICMP CHECK ${verb} on service <=`;
    case 'DNS_CHECK':
      return `=> DNS_CHECK: ${verb} on service <=`;
    case 'HTTP_GET':
    case 'SSL_GET':
      return up ? '=> CHECK succeed on service <=' : '=> CHECK failed on service : HTTP request failed <=';
    case 'SMTP_CHECK':
      if (up) return '=> CHECK succeed on service <=';
      return outcome.type === 'down' && outcome.reason ? `=> CHECK failed on service : ${outcome.reason} <=` : '=> CHECK failed on service <=';
    case 'MISC_CHECK':
      return `=> MISC CHECK ${up ? 'succeeded' : outcome.type === 'down' && outcome.timedOut ? 'timed out' : 'failed'} on service <=`;
    case 'FILE_CHECK':
      return `=> FILE CHECK ${up ? 'succeeded' : 'failed'} on service <=`;
    case 'BFD_CHECK':
      return `=> BFD CHECK ${up ? 'succeeded' : 'failed'} on service <=`;
    default:
      return assertNever(kind, 'checker type');
  }
}

/**
 * A real server's checker changed state. `up` is the RS's resulting state (keepalived
 * prints rs->alive), not the checker's: with two checkers one failing, the RS stays down.
 */
export function realServerAlert(routerId: string, rs: string, vs: string, rsUp: boolean, body: string): SmtpAlert {
  return { subject: `[${routerId}] Realserver ${rs} of virtual server ${vs} - ${rsUp ? 'UP' : 'DOWN'}`, body };
}

/** An alive RS taken out at shutdown (omega) or because a reload removed it. */
export function realServerShutdownAlert(routerId: string, rs: string, vs: string, stopping: boolean): SmtpAlert {
  return realServerAlert(routerId, rs, vs, false, stopping ? '=> Shutting down <=' : '=> Removing <=');
}

/** Why a VS quorum mail is sent: start-up state, a change, or shutdown (omega). */
export type QuorumEvent = 'starting-up' | 'starting-down' | 'gained' | 'lost';

export interface QuorumFigures {
  readonly quorum: number;
  readonly hysteresis: number;
  /** quorum + hysteresis when the quorum was down, quorum − hysteresis when it was up. */
  readonly threshold: number;
  /** Sum of the effective weights of the alive real servers. */
  readonly liveWeight: number;
}

const QUORUM_LABEL: Readonly<Record<QuorumEvent, string>> = {
  'starting-up': 'Starting with quorum up',
  'starting-down': 'Starting with quorum down',
  gained: 'Gained quorum',
  lost: 'Lost quorum',
};

/**
 * VS quorum mail. keepalived 2.2.7 writes `=> LABEL q+h=threshold <= live <=` for every
 * case, losing included (`=> Lost quorum 1+0=1 <= 0 <=`, captured); only its log line
 * says `q-h=t > live`.
 */
export function quorumAlert(routerId: string, vs: string, event: QuorumEvent, f: QuorumFigures): SmtpAlert {
  const up = event === 'starting-up' || event === 'gained';
  const body = `=> ${QUORUM_LABEL[event]} ${f.quorum}+${f.hysteresis}=${f.threshold} <= ${f.liveWeight} <=`;
  return { subject: `[${routerId}] Virtualserver ${vs} - ${up ? 'UP' : 'DOWN'}`, body };
}

/** The VS quorum mail at shutdown with omega. */
export function quorumShutdownAlert(routerId: string, vs: string): SmtpAlert {
  return { subject: `[${routerId}] Virtualserver ${vs} - DOWN`, body: '=> Shutting down <=' };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** strftime("%a, %d %b %Y %H:%M:%S %z") in the process's local time zone. */
export function rfc822Date(d: Date): string {
  const offMin = -d.getTimezoneOffset();
  const sign = offMin < 0 ? '-' : '+';
  const abs = Math.abs(offMin);
  const zone = `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
  return `${DAYS[d.getDay()]}, ${pad2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${zone}`;
}

export interface MailEnvelope {
  readonly from: string;
  readonly to: readonly string[];
}

/**
 * The bytes sent after DATA's 354, terminator included: keepalived's headers, a blank
 * line, the body, CRLF, then `CRLF.CRLF` (so the message ends with an empty line, as in
 * 2.2.7's mails). Lines starting with `.` are dot-stuffed (RFC 5321 §4.5.2); bare LFs in
 * a body become CRLF.
 */
export function buildDataPayload(env: MailEnvelope, alert: SmtpAlert, date: Date): string {
  const headers = `Date: ${rfc822Date(date)}\r\nFrom: ${env.from}\r\nSubject: ${oneLine(alert.subject)}\r\nX-Mailer: Keepalived\r\nTo: ${env.to.join(', ')}\r\n\r\n`;
  const body = alert.body.replace(/\r?\n/g, '\r\n');
  return dotStuff(`${headers}${body}\r\n`) + '\r\n.\r\n';
}

/** RFC 5321 §4.5.2 transparency: a line beginning with `.` gets another `.`. */
export function dotStuff(text: string): string {
  return text.replace(/(^|\r\n)\./g, '$1..');
}

/** A header value must not break the header block. */
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/**
 * keepalived's `last_email_state` rule: mail only when the state differs from the last
 * one mailed for that instance/group, and FAULT is skipped entirely with no_email_faults
 * (without recording it, so FAULT→BACKUP→FAULT mails BACKUP once).
 */
export class EmailStateDedupe<S extends string = AlertVrrpState> {
  private readonly last = new Map<string, S>();

  constructor(private readonly noEmailFaults: boolean) {}

  /** True when an alert for `key` entering `state` should be mailed; records it if so. */
  shouldSend(key: string, state: S): boolean {
    if (this.noEmailFaults && state === 'FAULT') return false;
    if (this.last.get(key) === state) return false;
    this.last.set(key, state);
    return true;
  }

  forget(key: string): void {
    this.last.delete(key);
  }
}
