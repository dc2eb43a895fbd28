/**
 * Runs scripts for the VRRP and checker children: notify scripts fire-and-forget, timed
 * scripts (MISC_CHECK, STOP scripts) with a bounded wait. Each script runs in its own
 * process group with a cleaned environment, never blocking the event loop; a failing or
 * missing script is reported, never thrown (keepalived.conf(5) SCRIPTS, MISC_CHECK).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Logger } from '../core/logger.js';
import { Worker } from 'node:worker_threads';
import { nio } from '../sys/nio.js';
import type { SpawnReply } from './spawn-thread.js';

export interface ScriptRunner {
  /** Start the script; resolves with its exit status (or null on spawn error / timeout). */
  run(argv: readonly string[], opts?: { timeoutMs?: number; onSpawn?: (pid: number) => void }): Promise<number | null>;
}

const CLEAN_ENV_DROP = ['IFS', 'LD_PRELOAD', 'LD_LIBRARY_PATH'];

/** The environment scripts get: ours minus the variables keepalived removes (§1e). */
export function scriptEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of CLEAN_ENV_DROP) delete env[k];
  return env;
}

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
  readonly env?: NodeJS.ProcessEnv;
  readonly uid?: number;
  readonly gid?: number;
}

export interface TimedScript {
  /** Resolves once: at exit, at the timeout/abort (the kill goes on in the background) or on a spawn error. */
  readonly done: Promise<ScriptExit>;
  /** Process group id (= the child's pid) once spawned. */
  readonly pgid: number | undefined;
  /** SIGTERM the group now, SIGKILL after the grace period if the leader is still there. */
  kill(): void;
}

export const DEFAULT_KILL_GRACE_MS = 2000;

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* group gone */
  }
}

/** `file args` (no shell) as the leader of a new process group, stdio to /dev/null. */
function spawnInGroup(file: string, args: readonly string[], opts: { readonly env?: NodeJS.ProcessEnv; readonly uid?: number; readonly gid?: number }): ChildProcess {
  return spawn(file, args, {
    detached: true,
    stdio: 'ignore',
    env: opts.env ?? scriptEnv(),
    ...(opts.uid === undefined ? {} : { uid: opts.uid }),
    ...(opts.gid === undefined ? {} : { gid: opts.gid }),
  });
}

/**
 * Spawns argv (no shell) as the leader of a new process group, stdio to /dev/null (no
 * buffering of its output), and bounds it by `timeoutMs`.
 */
export function runTimedScript(argv: readonly string[], opts: TimedScriptOptions): TimedScript {
  const [file, ...args] = argv;
  if (file === undefined) {
    return { done: Promise.resolve({ type: 'spawn-error', message: 'empty command' }), pgid: undefined, kill: () => undefined };
  }
  const grace = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
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
  let exited = false;
  let timer: NodeJS.Timeout | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const child = spawnInGroup(file, args, opts);
  const pgid = child.pid;
  const cleanup = (): void => {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  };
  const kill = (): void => {
    if (pgid === undefined || exited || killTimer) return;
    killGroup(pgid, 'SIGTERM');
    killTimer = setTimeout(() => {
      if (!exited) killGroup(pgid, 'SIGKILL');
    }, grace);
  };
  const onAbort = (): void => {
    kill();
    cleanup();
    settle({ type: 'aborted' });
  };
  child.on('error', (e) => {
    exited = true;
    cleanup();
    settle({ type: 'spawn-error', message: e.message });
  });
  child.on('exit', (code, signal) => {
    exited = true;
    cleanup();
    if (killTimer) clearTimeout(killTimer);
    settle(code !== null ? { type: 'exited', status: code } : { type: 'signaled', signal: signal ?? 'SIGKILL' });
  });
  if (pgid !== undefined) {
    timer = setTimeout(() => {
      kill();
      cleanup();
      settle({ type: 'timeout' });
    }, opts.timeoutMs);
    if (opts.signal?.aborted === true) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  }
  return { done, pgid, kill };
}

/**
 * How a process group's leader ended: its exit status or terminating signal (number, as
 * wait(2) reports it), or why it could not be started (missing file, not executable).
 */
export type GroupExit =
  | { readonly type: 'exited'; readonly status: number }
  | { readonly type: 'signaled'; readonly signal: number }
  | { readonly type: 'spawn-error'; readonly message: string };

/**
 * A script started as the leader of its own process group, stdio to /dev/null (its output
 * is discarded unread, so a script printing megabytes costs no memory). The caller decides
 * when to signal the group (vrrp_script's timeout runs on the VRRP child's Clock).
 */
export interface GroupScript {
  /** Resolves once, when the leader has exited and been reaped (or could not start). */
  readonly done: Promise<GroupExit>;
  /** Signals the whole group (the script and anything it started); a gone group is fine. */
  signalGroup(sig: 'SIGTERM' | 'SIGKILL'): void;
}

interface SpawnThread {
  readonly worker: Worker;
  readonly pending: Map<number, (r: SpawnReply) => void>;
}

/**
 * Spawning threads (spawn-thread.ts), started on first use. Several: each posix_spawn waits for
 * its child's exec, which on a loaded machine is a scheduling delay, and the waits overlap.
 */
export const SPAWN_THREADS = 4;
const threads: SpawnThread[] = [];
let threadsFailed = false;
let spawnSeq = 0;

function newThread(): SpawnThread | null {
  try {
    const worker = new Worker(new URL('./spawn-thread.js', import.meta.url));
    const t: SpawnThread = { worker, pending: new Map() };
    worker.on('message', (r: SpawnReply) => {
      t.pending.get(r.id)?.(r);
      t.pending.delete(r.id);
      // Held only while a request is out: an idle thread never keeps the process alive.
      if (t.pending.size === 0) worker.unref();
    });
    worker.on('error', () => {
      threadsFailed = true;
      for (const [id, cb] of t.pending) cb({ id, code: 'ETHREAD', message: 'the spawning thread failed' });
      t.pending.clear();
    });
    worker.unref();
    return t;
  } catch {
    threadsFailed = true;
    return null;
  }
}

/** The least busy thread, a new one while fewer than SPAWN_THREADS are busy; null once one failed. */
function spawnThread(): SpawnThread | null {
  if (threadsFailed) return null;
  const idle = threads.find((t) => t.pending.size === 0);
  if (idle) return idle;
  if (threads.length < SPAWN_THREADS) {
    const t = newThread();
    if (t) threads.push(t);
    return t;
  }
  return threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
}

/** Waits for the process's end on its pidfd (or polls without one), then reaps it. */
function reapWhenDone(pid: number, pidfd: number, resolve: (e: GroupExit) => void): void {
  const n = nio();
  const finish = (): boolean => {
    let r: null | [0 | 1, number];
    try {
      r = n.reap(pid);
    } catch {
      r = [1, 9];
    }
    if (r === null) return false;
    resolve(r[0] === 0 ? { type: 'exited', status: r[1] } : { type: 'signaled', signal: r[1] });
    return true;
  };
  if (pidfd < 0) {
    const t = setInterval(() => {
      if (finish()) clearInterval(t);
    }, 20);
    return;
  }
  const poller = new n.Poller(pidfd, () => {
    if (!finish()) return;
    poller.close();
    n.close(pidfd);
  });
  poller.start(n.constants.POLLIN);
}

/**
 * The native path (sys/nio.ts spawnGroup, on spawn-thread.ts): posix_spawn does not copy the
 * daemon's page tables as the fork behind child_process.spawn does, whose cost grows with the
 * daemon's memory (a VRRP child with 1000 instances running 200 scripts a second:
 * bench/RESULTS.md, trackers), and the thread keeps its wait off the event loop. The process
 * ends when its pidfd turns readable; it is reaped then. Null when this path cannot serve (no
 * absolute path, a user to switch to, no thread): child_process then does.
 */
function spawnGroupNative(argv: readonly string[], env: NodeJS.ProcessEnv): GroupScript | null {
  const file = argv[0];
  if (file === undefined || !file.startsWith('/')) return null;
  const t = spawnThread();
  if (t === null) return null;
  const id = ++spawnSeq;
  t.worker.ref();
  let pid: number | undefined;
  const early: ('SIGTERM' | 'SIGKILL')[] = [];
  const done = new Promise<GroupExit>((resolve) => {
    t.pending.set(id, (r) => {
      if ('code' in r) {
        resolve({ type: 'spawn-error', message: r.message });
        return;
      }
      pid = r.pid;
      for (const sig of early) killGroup(r.pid, sig);
      reapWhenDone(r.pid, r.pidfd, resolve);
    });
  });
  t.worker.postMessage({ id, argv, envp: Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`])) });
  return { done, signalGroup: (sig) => (pid === undefined ? void early.push(sig) : killGroup(pid, sig)) };
}

export function spawnGroupScript(argv: readonly string[], opts: { readonly env?: NodeJS.ProcessEnv; readonly uid?: number; readonly gid?: number } = {}): GroupScript {
  if ((opts.uid === undefined || opts.uid === process.getuid?.()) && (opts.gid === undefined || opts.gid === process.getgid?.())) {
    const fast = spawnGroupNative(argv, opts.env ?? scriptEnv());
    if (fast !== null) return fast;
  }
  const [file, ...args] = argv;
  if (file === undefined) return { done: Promise.resolve({ type: 'spawn-error', message: 'empty command' }), signalGroup: () => undefined };
  const child = spawnInGroup(file, args, opts);
  const pgid = child.pid;
  const done = new Promise<GroupExit>((resolve) => {
    child.on('error', (e) => {
      resolve({ type: 'spawn-error', message: e.message });
    });
    child.on('exit', (code, signal) => {
      resolve(code !== null ? { type: 'exited', status: code } : { type: 'signaled', signal: signal === null ? 9 : (osConstants.signals[signal] ?? 9) });
    });
  });
  return {
    done,
    // After the leader is gone its pgid may still name survivors (a grandchild): the group
    // is signalled as long as it exists; a reused pgid cannot name another group while any
    // member of ours lives.
    signalGroup: (sig) => {
      if (pgid !== undefined) killGroup(pgid, sig);
    },
  };
}

export function createScriptRunner(log: Logger): ScriptRunner {
  const env = scriptEnv();
  return {
    run(argv, opts = {}) {
      return new Promise((resolve) => {
        const [file, ...args] = argv;
        if (!file) {
          resolve(null);
          return;
        }
        let settled = false;
        const done = (v: number | null): void => {
          if (!settled) {
            settled = true;
            resolve(v);
          }
        };
        const child = spawn(file, args, { detached: true, stdio: 'ignore', env });
        child.on('error', (e) => {
          log.warn(`Failed to exec notify script ${file}: ${e.message}`);
          done(null);
        });
        if (child.pid !== undefined) opts.onSpawn?.(child.pid);
        let timer: NodeJS.Timeout | undefined;
        child.on('exit', (code, signal) => {
          if (timer) clearTimeout(timer);
          done(code ?? (signal ? 128 : null));
        });
        if (opts.timeoutMs !== undefined && child.pid !== undefined) {
          const pgid = child.pid;
          timer = setTimeout(() => {
            killGroup(pgid, 'SIGTERM');
            done(null);
          }, opts.timeoutMs);
        }
        child.unref();
      });
    },
  };
}
