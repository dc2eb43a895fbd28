/**
 * Entry of every child process the watchdog forks (`keepalived-ts --child=vrrp …`): waits
 * for the parent's Hello (options) and start configuration (the child's slice: children never
 * read keepalived.conf), builds the process logger, runs the subsystem's ChildRunner and then
 * turns IPC messages and signals into handle calls; each new configuration is answered with
 * reload-done and its real outcome.
 * Owns the child's exit status (src/process/child-api.ts). Losing the IPC channel means the parent
 * died: shut down, as keepalived's children do with PR_SET_PDEATHSIG.
 */
import { KaError, errorMessage } from '../core/errors.js';
import { assertNever } from '../core/result.js';
import { nullLogger, type Logger } from '../core/logger.js';
import { createProcessLogger } from './process-logger.js';
import type { ChildKind } from '../process/options.js';
import { defaultProcessTitle } from '../process/process-title.js';
import type { ChildConfig, ChildHandle, ChildIpc, ChildRunner } from '../process/child-api.js';
import { EXIT_CONFIG, EXIT_FATAL, EXIT_MISSING_PERMISSION, EXIT_PROGRAM_ERROR } from './exit-status.js';
import { IPC_PROTOCOL_VERSION, parseParentToChild, type ChildToParent, type ParentToChild, type RealtimeSignalFunction } from '../process/ipc.js';
import { catchRealtimeSignals, timerDumpLines, type RealtimeHandlers } from './rt-signals.js';

const HELLO_TIMEOUT_MS = 10_000;

export function exitStatusForError(e: unknown): number {
  if (e instanceof KaError) {
    if (e.code === 'KA_ERR_CFG_INVALID' || e.code === 'KA_ERR_CFG_MISSING_FILE' || e.code === 'KA_ERR_VRRP_CONFIG') return EXIT_CONFIG;
    if (e.errnoCode === 'EPERM' || e.errnoCode === 'EACCES') return EXIT_MISSING_PERMISSION;
  }
  return EXIT_FATAL;
}

/**
 * The parent's messages in arrival order. One listener from the start: the hello and the
 * start configuration can arrive in one read, and a message emitted while nobody listens is
 * lost. Until the runner is up, messages wait here.
 */
class Inbox {
  private readonly queue: ParentToChild[] = [];
  private waiter: ((m: ParentToChild) => void) | null = null;
  private handler: ((m: ParentToChild) => void) | null = null;

  constructor(private readonly onError: (reason: string) => void) {
    process.on('message', (raw: unknown) => {
      const m = parseParentToChild(raw);
      if (!m.ok) return this.onError(m.reason);
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(m.value);
      } else if (this.handler) this.handler(m.value);
      else this.queue.push(m.value);
    });
  }

  /** The next message, or a rejection after `ms`. */
  next(ms: number, what: string): Promise<ParentToChild> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`no ${what} from the parent`));
      }, ms);
      this.waiter = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
  }

  /** From now on every message (the queued ones first) goes to `h`. */
  dispatch(h: (m: ParentToChild) => void): void {
    this.handler = h;
    for (let m = this.queue.shift(); m; m = this.queue.shift()) h(m);
  }
}

const ipc: ChildIpc = {
  send: (msg: ChildToParent) => {
    if (process.connected && process.send) process.send(msg, undefined, {}, () => undefined);
  },
  get connected() {
    return process.connected;
  },
};

/** Runs the child; resolves never (the process exits from inside). */
export async function runChildProcess(kind: ChildKind, runners: Readonly<Record<ChildKind, ChildRunner>>): Promise<void> {
  if (!process.send) {
    process.stderr.write(`--child=${kind} is internal: it must be started by the keepalived-ts parent\n`);
    process.exit(EXIT_FATAL);
  }
  // Signals before the runner is up must not kill us with Node's default action.
  let pendingStop = false;
  let stopping: Promise<void> | undefined;
  let handle: ChildHandle | undefined;
  let log: Logger = nullLogger;
  let closeLog: () => Promise<void> = async () => undefined;

  const exit = async (status: number): Promise<never> => {
    await closeLog();
    process.exit(status);
  };
  const stop = (why: string): Promise<void> => {
    if (stopping) return stopping;
    if (!handle) {
      pendingStop = true;
      return Promise.resolve();
    }
    const h = handle;
    log.debug(`stopping: ${why}`);
    stopping = (async () => {
      try {
        await h.shutdown();
      } catch (e) {
        log.error(`shutdown failed: ${String(e)}`);
      }
      log.info('Stopped');
      await exit(0);
    })();
    return stopping;
  };
  // Configurations are applied one after the other, each answered with its generation.
  // A configuration that arrives during start-up waits for it: every one is answered, or the
  // parent would wait for this child's reload-done until it exits.
  let runnerUp: () => void = () => undefined;
  let reloads = new Promise<void>((resolve) => (runnerUp = resolve));
  const reload = (config: ChildConfig): void => {
    reloads = reloads.then(async () => {
      if (!handle || stopping) {
        ipc.send({ type: 'reload-done', generation: config.generation, ok: false, reason: 'the child is stopping' });
        return;
      }
      try {
        await handle.reload(config);
        ipc.send({ type: 'reload-done', generation: config.generation, ok: true });
      } catch (e) {
        log.error(`Reload failed, keeping the running configuration: ${errorMessage(e)}`);
        ipc.send({ type: 'reload-done', generation: config.generation, ok: false, reason: errorMessage(e) });
      }
    });
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Only the parent reads the file: a SIGHUP sent to a child reloads the whole daemon.
  process.on('SIGHUP', () => {
    log.info('SIGHUP: asking the parent to reload the configuration');
    ipc.send({ type: 'reload-request' });
  });
  process.on('SIGUSR1', () => handle?.dumpData?.());
  process.on('SIGUSR2', () => handle?.dumpStats?.());
  const timerDump = (): void => {
    for (const line of timerDumpLines(kind === 'vrrp' ? 'VRRP' : 'checker', handle?.timerDump?.() ?? [])) log.info(line);
  };
  // What this child does for each real-time function: only those its subsystem has.
  const realtime = (): RealtimeHandlers => {
    const h = handle;
    const out: RealtimeHandlers = { TDUMP: () => timerDump() };
    if (h?.dumpJson) out.JSON = () => h.dumpJson?.();
    if (h?.clearStats) out.STATS_CLEAR = () => h.clearStats?.();
    return out;
  };
  const signalFunction = (fn: RealtimeSignalFunction): void => {
    const h = realtime()[fn];
    if (h) h();
    else log.debug(`${fn} from the parent: nothing to do in this process`);
  };
  catchRealtimeSignals(() => log, realtime);
  process.on('disconnect', () => void stop('parent gone'));

  const inbox = new Inbox((reason) => log.error(`IPC protocol error from parent: ${reason}`, { code: 'KA_ERR_IPC_PROTOCOL' }));
  let hello: Extract<ParentToChild, { type: 'hello' }>;
  let config: ChildConfig;
  try {
    const h = await inbox.next(HELLO_TIMEOUT_MS, 'hello');
    if (h.type !== 'hello') throw new KaError('KA_ERR_IPC_PROTOCOL', `expected hello, got: ${h.type}`);
    hello = h;
    const c = await inbox.next(HELLO_TIMEOUT_MS, 'configuration');
    if (c.type !== 'config' || c.purpose !== 'start') throw new KaError('KA_ERR_IPC_PROTOCOL', `expected the start configuration, got: ${c.type}`);
    config = { generation: c.generation, payload: c.payload };
  } catch (e) {
    process.stderr.write(`Keepalived child: ${String(e)}\n`);
    process.exit(EXIT_FATAL);
  }
  process.title = hello.title ?? defaultProcessTitle(kind);
  const pl = createProcessLogger(hello.options, kind);
  log = pl.logger;
  closeLog = pl.close;
  ipc.send({ type: 'hello', protocol: IPC_PROTOCOL_VERSION, child: kind, pid: process.pid });

  process.on('uncaughtException', (e) => {
    log.error(`uncaught exception: ${e.stack ?? String(e)}`);
    void exit(EXIT_PROGRAM_ERROR);
  });
  inbox.dispatch((msg) => {
    switch (msg.type) {
      case 'hello':
        log.error('IPC protocol error from parent: duplicate hello', { code: 'KA_ERR_IPC_PROTOCOL' });
        return;
      case 'config':
        if (msg.purpose === 'start') log.error('IPC protocol error from parent: a second start configuration', { code: 'KA_ERR_IPC_PROTOCOL' });
        else reload({ generation: msg.generation, payload: msg.payload });
        return;
      case 'ctl-shutdown':
        void stop('shutdown request');
        return;
      case 'dump-data':
        handle?.dumpData?.();
        return;
      case 'dump-stats':
        handle?.dumpStats?.();
        return;
      case 'ping':
        // Answered from this loop: a pong proves the child's event loop is turning.
        ipc.send({ type: 'pong', seq: msg.seq });
        return;
      case 'status-request':
        handle?.requestStatus?.();
        return;
      case 'signal-function':
        signalFunction(msg.fn);
        return;
      default:
        assertNever(msg, 'parent message');
    }
  });

  try {
    handle = await runners[kind]({ configPath: hello.configPath, config, options: hello.options, log, ipc, ...(hello.resume !== undefined ? { resume: hello.resume } : {}) });
  } catch (e) {
    const status = exitStatusForError(e);
    log.error(errorMessage(e), { code: e instanceof KaError ? e.code : undefined });
    await exit(status);
  }
  ipc.send({ type: 'ready' });
  runnerUp();
  if (pendingStop) await stop('signal during startup');
}
