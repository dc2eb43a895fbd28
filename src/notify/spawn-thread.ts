/**
 * The thread that starts vrrp_scripts for runner.ts (spawnGroupScript): posix_spawn waits until
 * the new process has exec'd (CLONE_VFORK), and on a busy machine that wait is the child's
 * scheduling delay; done here, it never holds up the VRRP child's event loop. One message in
 * (`{ id, argv, envp }`), one out (`{ id, pid, pidfd }` or `{ id, code, message }`).
 */
import { parentPort } from 'node:worker_threads';
import { isSyscallError } from '../core/errors.js';
import { nio } from '../sys/nio.js';

export interface SpawnRequest {
  readonly id: number;
  readonly argv: readonly string[];
  readonly envp: readonly string[];
}

export type SpawnReply = { readonly id: number; readonly pid: number; readonly pidfd: number } | { readonly id: number; readonly code: string; readonly message: string };

parentPort?.on('message', (m: SpawnRequest) => {
  let reply: SpawnReply;
  try {
    const [pid, pidfd] = nio().spawnGroup(m.argv, m.envp);
    reply = { id: m.id, pid, pidfd };
  } catch (e) {
    reply = { id: m.id, code: isSyscallError(e) ? (e.code ?? 'EUNKNOWN') : 'EUNKNOWN', message: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply);
});
