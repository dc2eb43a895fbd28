/**
 * The config worker thread's body: one request in (workerData), one LoadedConfig (or the
 * reason it could not be read) out, then the thread ends — and with it the heap the parse
 * needed, which goes back to the system instead of staying in the parent (issue figures:
 * hundreds of MB for a 30,000-real-server file). config-worker-client.ts starts it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../core/errors.js';
import type { ConfigLoadRequest } from '../watchdog/config-keeper.js';
import { loadDaemonConfig } from './daemon-config.js';

export type ConfigWorkerReply = { readonly ok: true; readonly value: ReturnType<typeof loadDaemonConfig> } | { readonly ok: false; readonly reason: string };

let reply: ConfigWorkerReply;
try {
  reply = { ok: true, value: loadDaemonConfig(workerData as ConfigLoadRequest) };
} catch (e) {
  reply = { ok: false, reason: `cannot read the configuration: ${errorMessage(e)}` };
}
parentPort?.postMessage(reply);
