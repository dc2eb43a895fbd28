/**
 * Opening the files the daemon writes — log files (-g, --log-json), the config test's
 * -tFILE, pid files, SIGUSR1/SIGUSR2 dumps — without ever following a symbolic link, so a
 * local user who can plant a link at one of those paths cannot make root overwrite or
 * append to another file (CVE-2018-19044/19046, which keepalived fixed the same way).
 *  - the last component is opened O_NOFOLLOW (a link there fails with ELOOP);
 *  - a file that must be new is created O_CREAT|O_EXCL (which never follows a link);
 *  - a file replaced as a whole is written to a fresh O_EXCL temporary name in the same
 *    directory and renamed over the path: a link there is replaced, its target untouched;
 *  - the mode is set with fchmod after the open, so the process umask and the mode of an
 *    existing file do not matter (keepalived: log files 0666 less its umask, 0600 by default;
 *    pid files 0644; dumps 0600).
 * Failures are returned, never thrown: a file the daemon cannot write must not stop it.
 */
import { strerror } from '../core/strerror.js';
import { closeSync, constants, fchmodSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fail, ok, type Result } from '../core/result.js';

/** keepalived's default umask (IXUSR|IRWXG|IRWXO; keepalived(8) -u). */
export const KEEPALIVED_UMASK = 0o177;

/** Mode keepalived gives its log files: 0666 less its umask (0600 by default). */
export function logFileMode(umask: number | undefined): number {
  return 0o666 & ~(umask ?? KEEPALIVED_UMASK);
}

export interface SafeFileError {
  readonly path: string;
  /** errno name ('ELOOP', 'EACCES', …). */
  readonly code: string;
  /** errno number (40 for ELOOP on Linux), as keepalived prints it. */
  readonly errno: number;
}

export type OpenHow = 'append' | 'truncate' | 'exclusive';

const FLAGS: Readonly<Record<OpenHow, number>> = {
  append: constants.O_APPEND,
  truncate: constants.O_TRUNC,
  exclusive: constants.O_EXCL,
};

/** Linux's errno number for an errno name (0 if unknown). */
export function errnoNumber(code: string): number {
  return (osConstants.errno as Readonly<Record<string, number>>)[code] ?? 0;
}

function toError(path: string, e: unknown): SafeFileError {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
  return { path, code, errno: errnoNumber(code) };
}

export { strerror };

/** `errno 40 (Too many levels of symbolic links)`; a planted link is named as such. */
export function describeFileError(e: SafeFileError): string {
  const text = `errno ${e.errno} (${strerror(e.code)})`;
  return e.code === 'ELOOP' ? `${text}: the path is a symbolic link, which is never followed` : text;
}

/**
 * Opens `path` write-only, creating it if absent, never through a symbolic link, and sets
 * its mode. Returns the fd (the caller closes it).
 */
export function openNoFollow(path: string, how: OpenHow, mode: number): Result<number, SafeFileError> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | FLAGS[how], mode);
  } catch (e) {
    return fail(toError(path, e));
  }
  try {
    fchmodSync(fd, mode);
  } catch (e) {
    closeSync(fd);
    return fail(toError(path, e));
  }
  return ok(fd);
}

/** Creates a new file holding `text` (EEXIST if anything, a link included, is there). */
export function writeNewFile(path: string, text: string, mode: number): Result<void, SafeFileError> {
  const fd = openNoFollow(path, 'exclusive', mode);
  if (!fd.ok) return fd;
  try {
    writeSync(fd.value, text);
  } catch (e) {
    return fail(toError(path, e));
  } finally {
    closeSync(fd.value);
  }
  return ok(undefined);
}

/**
 * Replaces `path` with a file holding `text`, atomically: written under a fresh temporary
 * name in the same directory, then renamed over `path` (a reader never sees half a file; a
 * symbolic link at `path` is replaced, not followed).
 */
export function replaceFile(path: string, text: string, mode: number): Result<void, SafeFileError> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  unlinkQuiet(tmp);
  const w = writeNewFile(tmp, text, mode);
  if (!w.ok) {
    unlinkQuiet(tmp);
    return w;
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkQuiet(tmp);
    return fail(toError(path, e));
  }
  return ok(undefined);
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* not there */
  }
}
