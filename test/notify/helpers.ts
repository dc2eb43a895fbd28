/** Test helpers for the notify tests: a capturing logger and a temp directory. */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type LogRecord, type Logger } from '../../src/core/logger.js';

export function captureLogger(): { log: Logger; records: LogRecord[]; text: () => string } {
  const records: LogRecord[] = [];
  const log = createLogger({ ident: 'test', level: 'debug', sinks: [(r) => records.push(r)] });
  return { log, records, text: () => records.map((r) => r.msg).join('\n') };
}

export function tempDir(prefix: string): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `kts${process.pid}-${prefix}-`));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** test/notify/smtp-recorder.py (Python smtpd recording what clients send). */
export const SMTP_RECORDER = fileURLToPath(new URL('../../../test/notify/smtp-recorder.py', import.meta.url));

/** Resolves with the port once smtp-recorder.py prints `READY <port>`; rejects if it exits first. */
export function recorderReady(proc: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (c) => reject(new Error(`smtp recorder exited ${c}`)));
  });
}
