/**
 * One script process started the way keepalived(8) starts scripts (native/src/spawn.c):
 * as uid/gid with supplementary groups [gid] (gid 0 too), default signal dispositions, /dev/null for
 * stdin/stdout/stderr, its own process group in the daemon's session, SIGTERM when the daemon
 * process dies (PR_SET_PDEATHSIG), the daemon's umask unless one is given. Its end is seen
 * through a pidfd on the event loop: no thread waits and libuv's own child handling is not
 * involved. Like a Node child process, a running script holds the event loop; the children
 * end with process.exit, so a script that runs on never keeps a stopping daemon alive
 * (keepalived does not wait for notify scripts either).
 */
import { constants as osConstants } from 'node:os';
import { nio } from './nio.js';

/** How a script process ended. */
export type ProcessEnd = { readonly type: 'exited'; readonly status: number } | { readonly type: 'signaled'; readonly signal: NodeJS.Signals };

export interface ScriptProcessOptions {
  readonly uid?: number;
  readonly gid?: number;
  readonly umask?: number;
  /** `NAME=value` strings; default: this process's environment less what Node's IPC added. */
  readonly env?: readonly string[];
}

export interface ScriptProcess {
  /** Also the process group id. */
  readonly pid: number;
  readonly ended: Promise<ProcessEnd>;
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

/** Whether this build of the addon can start script processes. */
export function canSpawnScripts(): boolean {
  try {
    return typeof nio().spawn === 'function';
  } catch {
    return false;
  }
}

/**
 * Starts `argv` (argv[0] is the absolute path to execute). Throws a system error (`syscall`
 * 'fork', 'execve' …, `code` the errno name) when the process cannot be started.
 */
export function spawnScriptProcess(argv: readonly string[], opts: ScriptProcessOptions = {}): ScriptProcess {
  const n = nio();
  const file = argv[0];
  if (n.spawn === undefined || n.reap === undefined) throw new Error('native addon without spawn(): rebuild it (node scripts/build-native.mjs)');
  if (file === undefined) throw new Error('empty command');
  // Read at each start, like keepalived's environ at exec time.
  const env = opts.env ?? scriptEnvironment();
  const { pid, pidfd } = n.spawn(file, argv, env, {
    ...(opts.uid === undefined ? {} : { uid: opts.uid }),
    ...(opts.gid === undefined ? {} : { gid: opts.gid }),
    pdeathsig: SIGTERM,
    ...(opts.umask === undefined ? {} : { umask: opts.umask }),
  });
  const reap = n.reap;
  const ended = new Promise<ProcessEnd>((resolve) => {
    let done = false;
    const poller = new n.Poller(pidfd, () => {
      if (done) return;
      const r = reap(pidfd);
      if (r === null) return;
      done = true;
      poller.close();
      n.close(pidfd);
      resolve(r.code !== null ? { type: 'exited', status: r.code } : { type: 'signaled', signal: SIGNAL_NAMES.get(r.signal ?? 0) ?? 'SIGKILL' });
    });
    poller.start(n.constants.POLLIN);
  });
  return { pid, ended };
}
