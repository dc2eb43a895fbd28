/**
 * SMTP alert client, used by the VRRP and checker children (keepalived.conf(5) smtp_server,
 * smtp_alert): a plain SMTP dialogue over node:net — greeting 220, `HELO` 250,
 * `MAIL FROM:<from>` 250, `RCPT TO:<rcpt>` 250 for each recipient, `DATA` 354, the message
 * (smtp-message.ts) 250, `QUIT` — with every reply code checked and smtp_connect_timeout
 * bounding the connect and each reply, as keepalived does. Alerts are queued and sent one
 * at a time; a failure is logged in keepalived's words and never thrown.
 */
import { connect, type Socket } from 'node:net';
import { hostname as osHostname, userInfo } from 'node:os';
import type { GlobalDefs } from '../config/model.js';
import type { Logger } from '../core/logger.js';
import { buildDataPayload, type SmtpAlert } from './smtp-message.js';
import { errorMessage } from '../core/errors.js';

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly heloName: string;
  readonly from: string;
  /** Never empty. */
  readonly to: readonly string[];
  /** Bounds the connect and every reply wait (smtp_connect_timeout, default 30 s). */
  readonly timeoutMs: number;
}

/**
 * SMTP settings from global_defs, or null when keepalived would send nothing (no
 * smtp_server or no notification_email). Defaults: From `user@hostname`, HELO the host
 * name (`localhost` if unknown).
 */
export function smtpSettingsFrom(g: GlobalDefs, host: { hostname: string; user: string } = localIdentity()): SmtpSettings | null {
  if (!g.smtpServer || g.notificationEmail.length === 0) return null;
  return {
    host: g.smtpServer.host,
    port: g.smtpServer.port,
    heloName: g.smtpHeloName ?? (host.hostname || 'localhost'),
    from: g.notificationEmailFrom ?? `${host.user}@${host.hostname}`,
    to: g.notificationEmail,
    timeoutMs: g.smtpConnectTimeoutMs,
  };
}

function localIdentity(): { hostname: string; user: string } {
  let user = 'root';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return { hostname: osHostname(), user };
}

export type SmtpSendResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** `[ip]:port` as keepalived prints the SMTP server (inet_sockaddrtopair). */
const fmtHost = (s: SmtpSettings): string => `[${s.host}]:${s.port}`;

/** Send one alert. Resolves (never rejects) once the dialogue ended; logs the outcome. */
export async function sendSmtpAlert(s: SmtpSettings, alert: SmtpAlert, deps: { log: Logger; now?: () => Date }): Promise<SmtpSendResult> {
  const { log } = deps;
  const host = fmtHost(s);
  const conn = await openConnection(s);
  if (!conn.ok) {
    log.info(conn.reason === 'timeout' ? `Timeout connecting SMTP server ${host}.` : `SMTP connection ERROR to ${host}.`, { error: conn.reason });
    return { ok: false, reason: conn.reason };
  }
  const sock = conn.value;
  log.info(`Remote SMTP server ${host} connected.`);
  const replies = new ReplyReader(sock);
  const step = async (cmd: string | null, expect: number, what: string): Promise<string | null> => {
    if (cmd !== null) sock.write(cmd);
    const r = await replies.next(s.timeoutMs);
    if (r.type === 'timeout') return `Timeout reading data to remote SMTP server ${host}.`;
    if (r.type === 'closed') return `Remote SMTP server ${host} has closed the connection.`;
    if (r.code !== expect) return `Error ${what} SMTP server ${host}. SMTP status code = ${r.code}`;
    return null;
  };
  const stages = smtpDialogue(s, alert, (deps.now ?? (() => new Date()))());
  let error: string | null = null;
  try {
    for (const st of stages) {
      error = await step(st.send, st.expect, st.what);
      if (error !== null) break;
    }
    if (error === null) log.info('SMTP alert successfully sent.');
    else log.info(error);
    // keepalived sends QUIT on success and failure alike and ignores the reply.
    if (!sock.destroyed && sock.writable) {
      sock.write(SMTP_QUIT);
      await replies.next(Math.min(s.timeoutMs, 1000));
    }
  } finally {
    replies.dispose();
    sock.destroy();
  }
  return error === null ? { ok: true } : { ok: false, reason: error };
}

export interface SmtpStage {
  /** What to send (null: only wait for the greeting). */
  readonly send: string | null;
  /** The reply code that lets the dialogue go on. */
  readonly expect: number;
  /** For the log line: `Error <what> SMTP server …`. */
  readonly what: string;
}

/** Pure: the client's side of the dialogue up to the message's 250; QUIT follows. */
export function smtpDialogue(s: SmtpSettings, alert: SmtpAlert, date: Date): SmtpStage[] {
  return [
    { send: null, expect: 220, what: 'connecting' },
    { send: `HELO ${s.heloName}\r\n`, expect: 250, what: 'processing HELO cmd on' },
    { send: `MAIL FROM:<${s.from}>\r\n`, expect: 250, what: 'processing MAIL cmd on' },
    ...s.to.map((rcpt) => ({ send: `RCPT TO:<${rcpt}>\r\n`, expect: 250, what: 'processing RCPT cmd on' })),
    { send: 'DATA\r\n', expect: 354, what: 'processing DATA cmd on' },
    { send: buildDataPayload({ from: s.from, to: s.to }, alert, date), expect: 250, what: 'processing DOT cmd on' },
  ];
}

export const SMTP_QUIT = 'QUIT\r\n';

function openConnection(s: SmtpSettings): Promise<{ ok: true; value: Socket } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const sock = connect({ host: s.host, port: s.port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ ok: false, reason: 'timeout' });
    }, s.timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      sock.on('error', () => {
        /* surfaced as a closed connection by ReplyReader */
      });
      resolve({ ok: true, value: sock });
    });
    sock.once('error', (e: Error) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ ok: false, reason: e.message });
    });
  });
}

type Reply = { readonly type: 'reply'; readonly code: number } | { readonly type: 'timeout' } | { readonly type: 'closed' };

/**
 * Final reply codes from the socket: `ddd-text` lines continue a reply, `ddd text` (or a
 * bare `ddd`) ends it (RFC 5321 §4.2.1). Keeps at most 64 KiB of an unterminated line.
 */
export class ReplyReader {
  private buf = '';
  private readonly codes: number[] = [];
  private closed = false;
  private waiter: (() => void) | null = null;
  private readonly onData = (d: Buffer): void => {
    this.buf += d.toString('latin1');
    const { codes, rest } = parseReplies(this.buf);
    this.codes.push(...codes);
    this.buf = rest.length > 65536 ? '' : rest;
    this.wake();
  };
  private readonly onEnd = (): void => {
    this.closed = true;
    this.wake();
  };

  constructor(private readonly sock: Socket) {
    sock.on('data', this.onData);
    sock.on('end', this.onEnd);
    sock.on('close', this.onEnd);
  }

  async next(timeoutMs: number): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const code = this.codes.shift();
      if (code !== undefined) return { type: 'reply', code };
      if (this.closed) return { type: 'closed' };
      const left = deadline - Date.now();
      if (left <= 0) return { type: 'timeout' };
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.waiter = null;
          resolve();
        }, left);
        this.waiter = () => {
          clearTimeout(t);
          this.waiter = null;
          resolve();
        };
      });
    }
  }

  dispose(): void {
    this.sock.off('data', this.onData);
    this.sock.off('end', this.onEnd);
    this.sock.off('close', this.onEnd);
    this.wake();
  }

  private wake(): void {
    this.waiter?.();
  }
}

/** Pure: final reply codes in `text` and the unconsumed tail. */
export function parseReplies(text: string): { codes: number[]; rest: string } {
  const codes: number[] = [];
  let pos = 0;
  for (;;) {
    const eol = text.indexOf('\n', pos);
    if (eol < 0) break;
    const line = text.slice(pos, eol).replace(/\r$/, '');
    pos = eol + 1;
    const m = /^(\d{3})([ -]|$)/.exec(line);
    if (!m) continue;
    if (m[2] !== '-') codes.push(Number(m[1]));
  }
  return { codes, rest: text.slice(pos) };
}

export interface SmtpAlerterStats {
  readonly sent: number;
  readonly failed: number;
  /** Alerts discarded because the queue was full. */
  readonly dropped: number;
}

/**
 * Queue of alerts for one child: `send` never blocks; alerts go out one at a time in
 * order. The queue is bounded so an unreachable server cannot grow memory without limit.
 */
export class SmtpAlerter {
  private readonly queue: SmtpAlert[] = [];
  private running: Promise<void> | null = null;
  private sent = 0;
  private failed = 0;
  private dropped = 0;
  private closed = false;

  constructor(
    private readonly settings: SmtpSettings,
    private readonly deps: { log: Logger; now?: () => Date; maxQueue?: number },
  ) {}

  send(alert: SmtpAlert): void {
    if (this.closed) return;
    if (this.queue.length >= (this.deps.maxQueue ?? 100)) {
      this.queue.shift();
      this.dropped++;
      this.deps.log.warn('SMTP alert queue full - dropping the oldest alert');
    }
    this.queue.push(alert);
    this.running ??= this.pump();
  }

  /** Resolves when the queue is empty and nothing is in flight. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stop accepting alerts; queued ones are discarded, one in flight completes. */
  close(): void {
    this.closed = true;
    this.dropped += this.queue.length;
    this.queue.length = 0;
  }

  stats(): SmtpAlerterStats {
    return { sent: this.sent, failed: this.failed, dropped: this.dropped };
  }

  private async pump(): Promise<void> {
    for (let a = this.queue.shift(); a !== undefined; a = this.queue.shift()) {
      let ok = false;
      try {
        ok = (await sendSmtpAlert(this.settings, a, this.deps)).ok;
      } catch (e) {
        this.deps.log.warn(`SMTP alert failed: ${errorMessage(e)}`);
      }
      if (ok) this.sent++;
      else this.failed++;
    }
    this.running = null;
  }
}
