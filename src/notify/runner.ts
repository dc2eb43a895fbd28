/**
 * Runs notify scripts for the VRRP child: fire-and-forget, each in its own process
 * group, never blocking the event loop; a failing or missing script is logged, never
 * thrown (reference §1e). STOP scripts at shutdown get a bounded wait.
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../core/logger.js';

export interface ScriptRunner {
  /** Start the script; resolves with its exit status (or null on spawn error / timeout). */
  run(argv: readonly string[], opts?: { timeoutMs?: number; onSpawn?: (pid: number) => void }): Promise<number | null>;
}

const CLEAN_ENV_DROP = ['IFS', 'LD_PRELOAD', 'LD_LIBRARY_PATH'];

export function createScriptRunner(log: Logger): ScriptRunner {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of CLEAN_ENV_DROP) delete env[k];
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
            try {
              process.kill(-pgid, 'SIGTERM');
            } catch {
              /* gone */
            }
            done(null);
          }, opts.timeoutMs);
        }
        child.unref();
      });
    },
  };
}
