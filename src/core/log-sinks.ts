/**
 * Log sinks: how a LogRecord becomes bytes. Formatting is pure; where the bytes go is
 * injected (a write function, a syslog transport), so this file does no I/O itself.
 *  - console (-l): Debian keepalived 2.2.7's `-l` format, `Thu Nov 26 10:50:16 2026: msg`
 *    (no ident; verified by running it), written to stderr by the caller;
 *  - syslog: RFC 3164 datagrams as glibc's syslog(3) sends them to /dev/log,
 *    `<PRI>Nov 26 10:50:16 Keepalived_vrrp[123]: msg`;
 *  - JSON (keepalived-ts extension --log-json): one object per line with the
 *    structured fields.
 */
import type { LogLevel, LogRecord, LogSink } from './logger.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** ctime(3) without the newline, local time: `Thu Nov 26 10:50:16 2026`. */
export function ctime(wallMs: number): string {
  const d = new Date(wallMs);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

export function formatConsoleLine(rec: LogRecord): string {
  return `${ctime(rec.wallMs)}: ${rec.msg}\n`;
}

/** syslog(3) severities. */
export const SEVERITY: Readonly<Record<LogLevel, number>> = { error: 3, warn: 4, info: 6, debug: 7 };

/** The datagram glibc's syslog(3) writes to /dev/log (RFC 3164 without the host name). */
export function formatSyslog(rec: LogRecord, facility: number, pid: number): string {
  const d = new Date(rec.wallMs);
  const stamp = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  return `<${facility * 8 + SEVERITY[rec.level]}>${stamp} ${rec.ident}[${pid}]: ${rec.msg}`;
}

export function formatJson(rec: LogRecord, pid: number): string {
  const obj: Record<string, unknown> = { time: new Date(rec.wallMs).toISOString(), level: rec.level, ident: rec.ident, pid, msg: rec.msg };
  for (const [k, v] of Object.entries(rec.fields)) if (v !== undefined && !(k in obj)) obj[k] = v;
  return `${JSON.stringify(obj)}\n`;
}

export function consoleSink(write: (line: string) => void): LogSink {
  return (rec) => write(formatConsoleLine(rec));
}

export function jsonSink(write: (line: string) => void, pid: number): LogSink {
  return (rec) => write(formatJson(rec, pid));
}

/** Delivers one syslog datagram; false if it could not (the sink then uses its fallback). */
export interface SyslogTransport {
  send(datagram: string): boolean;
  close(): void;
}

export function syslogSink(transport: SyslogTransport, facility: number, pid: number, fallback?: LogSink): LogSink {
  return (rec) => {
    if (!transport.send(formatSyslog(rec, facility, pid)) && fallback) fallback(rec);
  };
}

/** keepalived's per-child log file name: `/tmp/keepalived.log` → `/tmp/keepalived_vrrp.log`. */
export function childLogFileName(path: string, suffix: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? `${path.slice(0, dot)}_${suffix}${path.slice(dot)}` : `${path}_${suffix}`;
}
