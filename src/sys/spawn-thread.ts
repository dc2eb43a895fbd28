/**
 * A thread that starts script processes for script-process.ts: the native spawn
 * (native/src/spawn.c) sleeps until the new process has called execve (CLONE_VFORK), and on a
 * busy machine that sleep is the new process's scheduling delay; made here, it never holds up
 * a child's event loop. One message in (SpawnRequest), one out (SpawnReply). The thread lives
 * as long as the process: a script's PR_SET_PDEATHSIG fires when the thread that created it
 * ends.
 */
import { parentPort } from 'node:worker_threads';
import { isSyscallError } from '../core/errors.js';
import { nio, type NativeSpawnOptions } from './nio.js';

export interface SpawnRequest {
  readonly id: number;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  readonly opts: NativeSpawnOptions;
}

export type SpawnReply =
  | { readonly id: number; readonly pid: number; readonly pidfd: number }
  | { readonly id: number; readonly code: string; readonly syscall: string; readonly message: string };

/** The native spawn of one request, its error as data (shared with the on-loop path). */
export function spawnNow(m: SpawnRequest): SpawnReply {
  try {
    const n = nio();
    if (n.spawn === undefined) throw new Error('native addon without spawn(): rebuild it (node scripts/build-native.mjs)');
    const { pid, pidfd } = n.spawn(m.argv[0] ?? '', m.argv, m.env, m.opts);
    return { id: m.id, pid, pidfd };
  } catch (e) {
    const sys = isSyscallError(e);
    return { id: m.id, code: sys ? (e.code ?? 'EIO') : 'EIO', syscall: sys ? (e.syscall ?? 'spawn') : 'spawn', message: e instanceof Error ? e.message : String(e) };
  }
}

parentPort?.on('message', (m: SpawnRequest) => parentPort?.postMessage(spawnNow(m)));
