/**
 * Builds a process's logger from the command line, for the parent and each child:
 * -l → console lines on stderr; syslog unless -G (stderr when /dev/log cannot be used);
 * -g[FILE] → a log file (children insert _vrrp / _healthcheckers); --log-json[=FILE] →
 * structured lines; -D → debug records too. Log files are opened without following a
 * symbolic link, mode 0666 less keepalived's umask (safe-file.ts); one that cannot be opened
 * is reported on the other sinks and the process goes on without it.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createLogger, type Logger, type LogSink } from '../core/logger.js';
import { childLogFileName, consoleSink, jsonSink, syslogSink } from '../core/log-sinks.js';
import { describeFileError, logFileMode, openNoFollow } from '../sys/safe-file.js';
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

  const unopened: string[] = [];
  const openLogFile = (path: string, kind: string): WriteStream | undefined => {
    const fd = openNoFollow(path, 'append', logFileMode(opts.umask));
    if (!fd.ok) {
      unopened.push(`Unable to open ${kind} ${path} - ${describeFileError(fd.reason)}`);
      return undefined;
    }
    const s = createWriteStream('', { fd: fd.value });
    s.on('error', () => undefined); // a log file that fails later (disk full) must not kill the daemon
    streams.push(s);
    return s;
  };
  if (opts.logFile !== undefined) {
    const s = openLogFile(role === 'parent' ? opts.logFile : childLogFileName(opts.logFile, FILE_SUFFIX[role]), 'log file');
    if (s) sinks.push(consoleSink((l) => void s.write(l)));
  }
  if (opts.logJson !== undefined) {
    if (opts.logJson === '-') {
      sinks.push(jsonSink((l) => void process.stdout.write(l), pid));
    } else {
      const s = openLogFile(opts.logJson, 'JSON log file');
      if (s) sinks.push(jsonSink((l) => void s.write(l), pid));
    }
  }
  const logger = createLogger({ ident: IDENTS[role], level: opts.logDetail ? 'debug' : 'info', sinks });
  // With no other sink (-G, no -l) the failure still has to be seen: stderr.
  const report = sinks.length > 0 ? logger : createLogger({ ident: IDENTS[role], level: 'error', sinks: [console] });
  for (const line of unopened) report.error(line, { code: 'KA_ERR_SYS_LOG_FILE' });
  return {
    logger,
    syslog,
    close: async () => {
      transport?.close();
      await Promise.all(streams.map((s) => new Promise<void>((r) => s.end(r))));
    },
  };
}
