/**
 * Pid files of the watchdog (parent) and its children (-p, -r, -c). A second daemon with
 * the same pid file must refuse to start ("daemon is already running"), but a stale file
 * must not block a restart after a crash: the pid in it may be dead, a zombie not yet
 * reaped (kill(pid, 0) succeeds on zombies — the lab README's relaunch failure), or
 * recycled by an unrelated process. Only a live process whose command line mentions
 * keepalived counts. Files are created O_EXCL (safe-file.ts) so two starting daemons cannot
 * both win and a symbolic link planted at the path is never followed.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { fail, ok, type Result } from '../core/result.js';
import { describeFileError, writeNewFile } from '../sys/safe-file.js';

/** keepalived's pid files are world-readable whatever the umask (checked on 2.2.7). */
const PID_FILE_MODE = 0o644;

export type ProcessKind = 'absent' | 'zombie' | 'foreign' | 'keepalived';

/** What /proc says about `pid`. */
export function probeProcess(pid: number): ProcessKind {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 'absent';
  }
  // Field 3 follows the parenthesised command name, which may itself contain ') '.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X' || state === 'x') return 'zombie';
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /keepalived/.test(cmdline) ? 'keepalived' : 'foreign';
  } catch {
    return 'absent';
  }
}

export type Probe = (pid: number) => ProcessKind;

export function readPidFile(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const m = /^\s*([0-9]+)\s*$/.exec(text);
  if (!m) return undefined;
  const pid = Number(m[1]);
  return pid > 0 ? pid : undefined;
}

export type PidFileState =
  | { readonly type: 'absent' }
  | { readonly type: 'running'; readonly pid: number }
  | { readonly type: 'stale'; readonly pid?: number; readonly why: ProcessKind | 'unreadable' | 'self' };

export function checkPidFile(path: string, probe: Probe = probeProcess, selfPid = process.pid): PidFileState {
  const pid = readPidFile(path);
  if (pid === undefined) {
    try {
      readFileSync(path);
    } catch {
      return { type: 'absent' };
    }
    return { type: 'stale', why: 'unreadable' };
  }
  if (pid === selfPid) return { type: 'stale', pid, why: 'self' };
  const kind = probe(pid);
  return kind === 'keepalived' ? { type: 'running', pid } : { type: 'stale', pid, why: kind };
}

export type PidFileError =
  | { readonly code: 'KA_ERR_SYS_ALREADY_RUNNING'; readonly path: string; readonly pid: number }
  | { readonly code: 'KA_ERR_SYS_PIDFILE'; readonly path: string; readonly message: string };

/** Create `path` containing `pid`, replacing a stale file; refuse if a live daemon owns it. */
export function claimPidFile(path: string, pid: number, probe: Probe = probeProcess): Result<void, PidFileError> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const w = writeNewFile(path, `${pid}\n`, PID_FILE_MODE);
    if (w.ok) return ok(undefined);
    if (w.reason.code !== 'EEXIST') return fail({ code: 'KA_ERR_SYS_PIDFILE', path, message: `Unable to create pidfile ${path} - ${describeFileError(w.reason)}` });
    const st = checkPidFile(path, probe, pid);
    if (st.type === 'running') return fail({ code: 'KA_ERR_SYS_ALREADY_RUNNING', path, pid: st.pid });
    try {
      unlinkSync(path);
    } catch {
      /* raced with another remover: retry the create */
    }
  }
  return fail({ code: 'KA_ERR_SYS_PIDFILE', path, message: `Unable to create pidfile ${path}: it keeps reappearing` });
}

/** Write `pid` to `path` unconditionally (a respawned child's pid file). */
export function writePidFile(path: string, pid: number): Result<void, PidFileError> {
  try {
    unlinkSync(path);
  } catch {
    /* absent */
  }
  const w = writeNewFile(path, `${pid}\n`, PID_FILE_MODE);
  return w.ok ? ok(undefined) : fail({ code: 'KA_ERR_SYS_PIDFILE', path, message: `Unable to write pidfile ${path} - ${describeFileError(w.reason)}` });
}

/** Remove `path` if it still names `pid` (never delete a file another daemon now owns). */
export function removePidFile(path: string, pid: number): boolean {
  if (readPidFile(path) !== pid) return false;
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}
