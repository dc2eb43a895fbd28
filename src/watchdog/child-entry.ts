/**
 * Entry of every child process the watchdog forks (`keepalived-ts --child=vrrp …`): waits
 * for the parent's Hello (config path + options), builds the process logger, runs the
 * subsystem's ChildRunner and then turns IPC messages and signals into handle calls.
 * Owns the child's exit status (src/process/child-api.ts). Losing the IPC channel means the parent
 * died: shut down, as keepalived's children do with PR_SET_PDEATHSIG.
 */
import { KaError, errorMessage } from '../core/errors.js';
import { assertNever } from '../core/result.js';
import { nullLogger, type Logger } from '../core/logger.js';
import { createProcessLogger } from './process-logger.js';
import type { ChildKind } from '../process/options.js';
import { defaultProcessTitle } from '../process/process-title.js';
import type { ChildHandle, ChildIpc, ChildRunner } from '../process/child-api.js';
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

function waitHello(): Promise<Extract<ParentToChild, { type: 'hello' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no hello from the parent')), HELLO_TIMEOUT_MS);
    const onMsg = (raw: unknown): void => {
      const m = parseParentToChild(raw);
      if (!m.ok || m.value.type !== 'hello') {
        clearTimeout(timer);
        process.off('message', onMsg);
        reject(new KaError('KA_ERR_IPC_PROTOCOL', `expected hello, got: ${m.ok ? m.value.type : m.reason}`));
        return;
      }
      clearTimeout(timer);
      process.off('message', onMsg);
      resolve(m.value);
    };
    process.on('message', onMsg);
  });
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
  const reload = async (): Promise<void> => {
    if (!handle || stopping) return;
    try {
      await handle.reload();
      ipc.send({ type: 'reload-done', ok: true });
    } catch (e) {
      log.error(`Reload failed: ${String(e)}`);
      ipc.send({ type: 'reload-done', ok: false, reason: String(e) });
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGHUP', () => void reload());
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

  let hello: Extract<ParentToChild, { type: 'hello' }>;
  try {
    hello = await waitHello();
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
  process.on('message', (raw: unknown) => {
    const m = parseParentToChild(raw);
    if (!m.ok) {
      log.error(`IPC protocol error from parent: ${m.reason}`, { code: 'KA_ERR_IPC_PROTOCOL' });
      return;
    }
    const msg = m.value;
    switch (msg.type) {
      case 'hello':
        log.error('IPC protocol error from parent: duplicate hello', { code: 'KA_ERR_IPC_PROTOCOL' });
        return;
      case 'cfg-reload':
        void reload();
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
    handle = await runners[kind]({ configPath: hello.configPath, options: hello.options, log, ipc });
  } catch (e) {
    const status = exitStatusForError(e);
    log.error(errorMessage(e), { code: e instanceof KaError ? e.code : undefined });
    await exit(status);
  }
  ipc.send({ type: 'ready' });
  if (pendingStop) await stop('signal during startup');
}
