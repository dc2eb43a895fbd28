/**
 * Reads keepalived.conf from disk the way the daemon does: the real file-system reader,
 * the config-id (`-i`, default the host name up to the first dot), the environment for
 * `${_ENV}` and the host name as the default router_id. Used by the parent, the VRRP child
 * and `--config-test`.
 */
import { accessSync, constants } from 'node:fs';
import { hostname } from 'node:os';
import { loadConfig, type LoadResult } from './load.js';
import { fsSourceReader } from './read-source.js';

/** keepalived's default config-id: the host name up to the first dot. */
export function defaultConfigId(): string {
  return hostname().split('.')[0] ?? '';
}

export function readConfigFile(path: string, configId?: string): LoadResult {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return loadConfig(path, { reader: fsSourceReader, configId: configId ?? defaultConfigId(), env, hostname: hostname(), scriptExists: executableExists });
}

/** keepalived resolves a script and skips missing ones before its security check. */
export function executableExists(path: string): boolean {
  const canRun = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (path.includes('/')) return canRun(path);
  return (process.env['PATH'] ?? '/usr/bin:/bin').split(':').some((dir) => dir !== '' && canRun(`${dir}/${path}`));
}
