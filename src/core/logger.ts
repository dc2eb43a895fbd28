/**
 * Structured logger with keepalived-compatible text. Each record has a level, the
 * process ident (Keepalived, Keepalived_vrrp …), a message in keepalived's wording and
 * optional structured fields. Sinks decide the rendering: console/syslog print the
 * keepalived text, the JSON sink prints everything. Disabled levels cost a comparison.
 */
import { realClock } from './real-clock.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface LogRecord {
  readonly level: LogLevel;
  readonly ident: string;
  readonly msg: string;
  readonly fields: LogFields;
  readonly wallMs: number;
}

export type LogSink = (rec: LogRecord) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose records carry `bindings` in addition to their own fields. */
  child(bindings: LogFields): Logger;
  isEnabled(level: LogLevel): boolean;
}

export function createLogger(opts: { ident: string; level: LogLevel; sinks: LogSink[]; wallMs?: () => number; bindings?: LogFields }): Logger {
  const min = LEVEL_RANK[opts.level];
  const wall = opts.wallMs ?? realClock.wallMs;
  const bindings = opts.bindings ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVEL_RANK[level] < min) return;
    const rec: LogRecord = { level, ident: opts.ident, msg, fields: fields ? { ...bindings, ...fields } : bindings, wallMs: wall() };
    for (const s of opts.sinks) s(rec);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (b) => createLogger({ ...opts, bindings: { ...bindings, ...b } }),
    isEnabled: (level) => LEVEL_RANK[level] >= min,
  };
}

/** A logger that drops everything (tests, simulation). */
export const nullLogger: Logger = createLogger({ ident: 'null', level: 'error', sinks: [] });

/** Collects records in memory (tests). */
export function memoryLogger(ident = 'test', level: LogLevel = 'debug'): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { logger: createLogger({ ident, level, sinks: [(r) => records.push(r)] }), records };
}
