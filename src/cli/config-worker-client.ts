/**
 * The parent's ConfigLoader (config-keeper.ts): each read of keepalived.conf runs on a fresh
 * worker thread (config-worker.ts), so the parent's event loop keeps answering signals, the
 * heartbeat and the control socket while a large file is parsed, and the parse's memory is
 * returned when the thread ends. A thread that dies or fails to start is a failed read (a
 * reload is then refused; at start-up the daemon does not start).
 */
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../core/errors.js';
import { fail, type Result } from '../core/result.js';
import type { ConfigLoader, ConfigLoadRequest, LoadedConfig } from '../watchdog/config-keeper.js';
import type { ConfigWorkerReply } from './config-worker.js';

const WORKER_URL = new URL('./config-worker.js', import.meta.url);

export const workerConfigLoader: ConfigLoader = (req: ConfigLoadRequest) =>
  new Promise<Result<LoadedConfig>>((resolve) => {
    let settled = false;
    const settle = (r: Result<LoadedConfig>): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    let worker: Worker;
    try {
      // The parent's own flags (e.g. a heap limit) are not the parse's: the thread gets none.
      worker = new Worker(WORKER_URL, { workerData: req, execArgv: [], stdout: false, stderr: false });
    } catch (e) {
      settle(fail(`cannot start the config reader thread: ${errorMessage(e)}`));
      return;
    }
    worker.once('message', (m: ConfigWorkerReply) => {
      settle(m);
      void worker.terminate();
    });
    worker.once('error', (e) => settle(fail(`the config reader thread failed: ${errorMessage(e)}`)));
    worker.once('exit', (code) => settle(fail(`the config reader thread exited (${code}) without an answer`)));
  });
