/**
 * The one spawner of every script the daemon runs (notify scripts, vrrp_script, MISC_CHECK,
 * notify_up/down, quorum scripts, the FIFO scripts), the way keepalived(8) starts scripts
 * (native/src/spawn.c): as uid/gid with supplementary groups [gid] (gid 0 too), default signal
 * dispositions, /dev/null for stdin/stdout/stderr, its own process group in the daemon's
 * session, SIGTERM when the daemon process dies (PR_SET_PDEATHSIG), the umask given.
 *
 * The native call sleeps until the new process has exec'd (no page-table copy, unlike the fork
 * behind child_process: its cost grows with the daemon's memory), and that sleep is a
 * scheduling delay on a loaded machine, so it is made on up to SPAWN_THREADS threads
 * (spawn-thread.ts) whose waits overlap: bench/RESULTS.md, trackers (200 vrrp_scripts a second
 * beside 1000 instances). Only when no thread can be had does the call run on the event loop.
 * There is no child_process path: it could not set the groups, the session semantics, the
 * parent-death signal or the umask keepalived gives scripts.
 *
 * The end is seen through a pidfd on the event loop (a 20 ms reap poll on kernels without
 * pidfd_open): no thread waits, and libuv's own child handling, which reaps only its own
 * children, is not involved. Like a Node child process, a running script holds the event
 * loop; the children end with process.exit, so a script that runs on never keeps a stopping
 * daemon alive (keepalived does not wait for notify scripts either).
 */
import { constants as osConstants } from 'node:os';
import { Worker } from 'node:worker_threads';
import { nio } from './nio.js';
import { spawnNow, type SpawnReply, type SpawnRequest } from './spawn-thread.js';

/** How a script process ended, or why it never started (errno name and the failing call). */
export type ProcessEnd =
  | { readonly type: 'exited'; readonly status: number }
  | { readonly type: 'signaled'; readonly signal: NodeJS.Signals }
  | { readonly type: 'spawn-error'; readonly code: string; readonly syscall: string; readonly message: string };

export interface ScriptProcessOptions {
  readonly uid?: number;
  readonly gid?: number;
  readonly umask?: number;
  /** `NAME=value` strings; default: this process's environment less what Node's IPC added. */
  readonly env?: readonly string[];
}

export interface ScriptProcess {
  /** Its pid, also its process group id, once started; null when it could not start. */
  readonly started: Promise<number | null>;
  readonly ended: Promise<ProcessEnd>;
  /**
   * Signals the whole group (the script and anything it started); asked before the process
   * exists, the signal goes out once it does. A group already gone is fine.
   */
  signalGroup(sig: 'SIGTERM' | 'SIGKILL'): void;
}

/**
 * child_process.fork gives our children the IPC channel's fd and serialization mode in the
 * environment; they describe our plumbing, not the operator's environment, and a Node script
 * would try to open that fd. Everything else passes through unchanged, as keepalived 2.2.7
 * passes its environment (checked: IFS, LD_LIBRARY_PATH and LD_PRELOAD included).
 */
const OWN_VARIABLES = ['NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE', 'NODE_UNIQUE_ID'];

/** The environment scripts get by default. */
export function scriptEnvironment(base: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(base)
    .filter((e): e is [string, string] => e[1] !== undefined && !OWN_VARIABLES.includes(e[0]))
    .map(([k, v]) => `${k}=${v}`);
}

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(Object.entries(osConstants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));
const SIGTERM = osConstants.signals.SIGTERM;

interface SpawnThread {
  readonly worker: Worker;
  readonly pending: Map<number, (r: SpawnReply) => void>;
}

/** Threads started on first use; several, because each wait for an exec is a scheduling delay and the waits overlap. */
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
    worker.on('error', (e) => {
      threadsFailed = true;
      for (const [id, cb] of t.pending) cb({ id, code: 'EIO', syscall: 'spawn', message: `the spawning thread failed: ${e.message}` });
      t.pending.clear();
    });
    worker.unref();
    return t;
  } catch {
    threadsFailed = true;
    return null;
  }
}

/** An idle thread, a new one while fewer than SPAWN_THREADS exist, else the least busy; null once one failed. */
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

function killGroup(pgid: number, sig: 'SIGTERM' | 'SIGKILL'): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* group gone */
  }
}

/** Resolves when the process has ended and been reaped: on its pidfd, or by polling without one. */
function reapWhenDone(pid: number, pidfd: number): Promise<ProcessEnd> {
  const n = nio();
  return new Promise((resolve) => {
    const finish = (): boolean => {
      let r: { code: number | null; signal: number | null } | null;
      try {
        r = n.reap?.(pid) ?? null;
      } catch {
        r = { code: null, signal: osConstants.signals.SIGKILL };
      }
      if (r === null) return false;
      resolve(r.code !== null ? { type: 'exited', status: r.code } : { type: 'signaled', signal: SIGNAL_NAMES.get(r.signal ?? 0) ?? 'SIGKILL' });
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
  });
}

/** Starts `argv` (argv[0] is the absolute path to execute; the script pass resolves it). Never throws. */
export function spawnScriptProcess(argv: readonly string[], opts: ScriptProcessOptions = {}): ScriptProcess {
  const req: SpawnRequest = {
    id: ++spawnSeq,
    argv,
    // Read at each start, like keepalived's environ at exec time.
    env: opts.env ?? scriptEnvironment(),
    opts: {
      ...(opts.uid === undefined ? {} : { uid: opts.uid }),
      ...(opts.gid === undefined ? {} : { gid: opts.gid }),
      pdeathsig: SIGTERM,
      ...(opts.umask === undefined ? {} : { umask: opts.umask }),
    },
  };
  let pid: number | null | undefined;
  const early: ('SIGTERM' | 'SIGKILL')[] = [];
  let resolveStarted: (pid: number | null) => void = () => undefined;
  const started = new Promise<number | null>((resolve) => (resolveStarted = resolve));
  const ended = new Promise<ProcessEnd>((resolve) => {
    const onReply = (r: SpawnReply): void => {
      if ('code' in r) {
        pid = null;
        resolveStarted(null);
        resolve({ type: 'spawn-error', code: r.code, syscall: r.syscall, message: r.message });
        return;
      }
      pid = r.pid;
      resolveStarted(r.pid);
      for (const sig of early) killGroup(r.pid, sig);
      void reapWhenDone(r.pid, r.pidfd).then(resolve);
    };
    if (argv.length === 0) return onReply({ id: req.id, code: 'ENOENT', syscall: 'execve', message: 'empty command' });
    const t = spawnThread();
    if (t === null) return onReply(spawnNow(req));
    t.pending.set(req.id, onReply);
    t.worker.ref();
    t.worker.postMessage(req);
  });
  return {
    started,
    ended,
    // After the leader is gone its pgid may still name survivors (a grandchild): the group is
    // signalled as long as it exists; a pgid cannot be reused while any member of ours lives.
    signalGroup: (sig) => {
      if (pid === undefined) early.push(sig);
      else if (pid !== null) killGroup(pid, sig);
    },
  };
}
