/**
 * Builds a process's logger from the command line, for the parent and each child:
 * -l → console lines on stderr; syslog unless -G (stderr when /dev/log cannot be used);
 * -g[FILE] → a log file (children insert _vrrp / _healthcheckers); --log-json[=FILE] →
 * structured lines; -D → debug records too.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createLogger, type Logger, type LogSink } from '../core/logger.js';
import { childLogFileName, consoleSink, jsonSink, syslogSink } from '../core/log-sinks.js';
import { openSyslogTransport } from '../sys/syslog-socket.js';
import type { ChildKind, CliOptions } from '../process/options.js';

export const IDENTS: Readonly<Record<'parent' | ChildKind, string>> = {
  parent: 'Keepalived',
  vrrp: 'Keepalived_vrrp',
  checker: 'Keepalived_healthcheckers',
};

const FILE_SUFFIX: Readonly<Record<ChildKind, string>> = { vrrp: 'vrrp', checker: 'healthcheckers' };

export interface ProcessLogger {
  readonly logger: Logger;
  /** Where syslog records really go ('syslog', 'stderr' fallback, or 'off'). */
  readonly syslog: 'syslog' | 'stderr' | 'off';
  /** Flush and close files (call before exiting). */
  close(): Promise<void>;
}

const stderrWrite = (line: string): void => void process.stderr.write(line);

export function createProcessLogger(opts: CliOptions, role: 'parent' | ChildKind, pid = process.pid): ProcessLogger {
  const sinks: LogSink[] = [];
  const streams: WriteStream[] = [];
  const console = consoleSink(stderrWrite);
  if (opts.logConsole) sinks.push(console);

  let syslog: ProcessLogger['syslog'] = 'off';
  const transport = opts.noSyslog ? undefined : openSyslogTransport();
  if (transport) {
    syslog = 'syslog';
    sinks.push(syslogSink(transport, opts.logFacility, pid, opts.logConsole ? undefined : console));
  } else if (!opts.noSyslog) {
    syslog = 'stderr';
    if (!opts.logConsole) sinks.push(console);
  }

  if (opts.logFile !== undefined) {
    const path = role === 'parent' ? opts.logFile : childLogFileName(opts.logFile, FILE_SUFFIX[role]);
    const s = createWriteStream(path, { flags: 'a' });
    s.on('error', () => undefined); // an unwritable log file must not kill the daemon
    streams.push(s);
    sinks.push(consoleSink((l) => void s.write(l)));
  }
  if (opts.logJson !== undefined) {
    if (opts.logJson === '-') {
      sinks.push(jsonSink((l) => void process.stdout.write(l), pid));
    } else {
      const s = createWriteStream(opts.logJson, { flags: 'a' });
      s.on('error', () => undefined);
      streams.push(s);
      sinks.push(jsonSink((l) => void s.write(l), pid));
    }
  }
  const logger = createLogger({ ident: IDENTS[role], level: opts.logDetail ? 'debug' : 'info', sinks });
  return {
    logger,
    syslog,
    close: async () => {
      transport?.close();
      await Promise.all(streams.map((s) => new Promise<void>((r) => s.end(r))));
    },
  };
}
