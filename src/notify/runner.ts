/**
 * Runs scripts for the VRRP and checker children as keepalived(8) does (keepalived.conf(5)
 * SCRIPTS, notify, MISC_CHECK, vrrp_script): forked directly (no shell), as the script's
 * uid/gid with groups [gid], its own process group, stdio on /dev/null, the daemon's
 * environment and umask (global_defs `umask`, `-u`, else 0177), SIGTERM when the child
 * process dies (sys/script-process.ts, the one spawner, does the process part). Notify scripts are
 * fire-and-forget: no timeout, exit status ignored, never killed while the daemon runs — a
 * hanging one only costs its own process. Timed scripts (MISC_CHECK, vrrp_script, scripts at
 * stop) are bounded: at the timeout the process group gets SIGTERM, then SIGKILL. Nothing
 * here blocks the event loop, and a script that cannot start is logged, never thrown.
 *
 * The stable surface for callers: ScriptRunner.run (notify and FIFO scripts) and
 * runTimedScript (anything with a deadline). Scripts should have been cleared by a
 * ScriptPass (script-pass.ts) first: argv[0] is then the resolved path and uid/gid are set.
 */
import { constants as osConstants } from 'node:os';
import type { Logger } from '../core/logger.js';
import { assertNever } from '../core/result.js';
import { spawnScriptProcess, type ProcessEnd, type ScriptProcess } from '../sys/script-process.js';
import { strerror } from './script-security.js';

export interface RunOptions {
  /** Kill the process group after this long (SIGTERM) and resolve null. */
  readonly timeoutMs?: number;
  readonly onSpawn?: (pid: number) => void;
  readonly uid?: number;
  readonly gid?: number;
  /** Default keepalived's 0177 (callers pass `-u`, else global_defs umask). */
  readonly umask?: number;
}

export interface ScriptRunner {
  /**
   * Start the script; resolves with its exit status (128 + N when killed by signal N), or
   * null when it could not start or timed out. Never rejects.
   */
  run(argv: readonly string[], opts?: RunOptions): Promise<number | null>;
}

/** keepalived's umask when neither `-u` nor global_defs `umask` sets one. */
export const DEFAULT_SCRIPT_UMASK = 0o177;

/** How a timed script ended. */
export type ScriptExit =
  | { readonly type: 'exited'; readonly status: number }
  | { readonly type: 'signaled'; readonly signal: NodeJS.Signals }
  | { readonly type: 'timeout' }
  | { readonly type: 'aborted' }
  | { readonly type: 'spawn-error'; readonly message: string };

export interface TimedScriptOptions {
  readonly timeoutMs: number;
  /** SIGTERM → SIGKILL delay for the process group (keepalived: 2 s). */
  readonly killGraceMs?: number;
  readonly signal?: AbortSignal;
  readonly uid?: number;
  readonly gid?: number;
  readonly umask?: number;
}

export interface TimedScript {
  /** Resolves once: at exit, at the timeout/abort (the kill goes on in the background) or on a spawn error. */
  readonly done: Promise<ScriptExit>;
  /** SIGTERM the group now, SIGKILL after the grace period if the leader is still there. */
  kill(): void;
}

export const DEFAULT_KILL_GRACE_MS = 2000;

/** keepalived's line when the child cannot exec (it logs it from the forked child). */
export function execFailureLine(argv0: string, code: string): string {
  const n = (osConstants.errno as Readonly<Record<string, number>>)[code] ?? 0;
  return `Error exec-ing command '${argv0}', error ${n}: ${strerror(code)}`;
}

function start(argv: readonly string[], opts: { uid?: number | undefined; gid?: number | undefined; umask?: number | undefined }): ScriptProcess {
  return spawnScriptProcess(argv, {
    ...(opts.uid === undefined ? {} : { uid: opts.uid }),
    ...(opts.gid === undefined ? {} : { gid: opts.gid }),
    umask: opts.umask ?? DEFAULT_SCRIPT_UMASK,
  });
}

/** A timed script's end: a start failure in keepalived's words. */
const asExit = (argv0: string, e: ProcessEnd): ScriptExit => (e.type === 'spawn-error' ? { type: 'spawn-error', message: execFailureLine(argv0, e.code) } : e);

/** Runs argv as the leader of a new process group, bounded by `timeoutMs`. */
export function runTimedScript(argv: readonly string[], opts: TimedScriptOptions): TimedScript {
  const proc = start(argv, opts);
  const grace = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  let exited = false;
  let killTimer: NodeJS.Timeout | undefined;
  let settle: (e: ScriptExit) => void = () => undefined;
  const done = new Promise<ScriptExit>((resolve) => {
    let settled = false;
    settle = (e) => {
      if (!settled) {
        settled = true;
        resolve(e);
      }
    };
  });
  const cleanup = (): void => {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  };
  const kill = (): void => {
    if (exited || killTimer) return;
    proc.signalGroup('SIGTERM');
    killTimer = setTimeout(() => {
      if (!exited) proc.signalGroup('SIGKILL');
    }, grace);
  };
  const onAbort = (): void => {
    kill();
    cleanup();
    settle({ type: 'aborted' });
  };
  const timer = setTimeout(() => {
    kill();
    cleanup();
    settle({ type: 'timeout' });
  }, opts.timeoutMs);
  void proc.ended.then((end) => {
    exited = true;
    cleanup();
    if (killTimer) clearTimeout(killTimer);
    settle(asExit(argv[0] ?? '', end));
  });
  if (opts.signal?.aborted === true) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  return { done, kill };
}

/** The runner of one child. */
export function createScriptRunner(log: Logger): ScriptRunner {
  return {
    run(argv, opts = {}) {
      const proc = start(argv, opts);
      if (opts.onSpawn) void proc.started.then((pid) => pid !== null && opts.onSpawn?.(pid));
      const status = proc.ended.then((end) => {
        switch (end.type) {
          case 'exited':
            return end.status;
          case 'signaled':
            return 128 + (osConstants.signals[end.signal] ?? 0);
          case 'spawn-error':
            log.warn(execFailureLine(argv[0] ?? '', end.code));
            return null;
          default:
            return assertNever(end);
        }
      });
      if (opts.timeoutMs === undefined) return status;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => {
          proc.signalGroup('SIGTERM');
          resolve(null);
        }, opts.timeoutMs);
      });
      return Promise.race([status.finally(() => clearTimeout(timer)), timeout]);
    },
  };
}
