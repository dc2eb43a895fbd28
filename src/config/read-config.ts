/**
 * Reads keepalived.conf from disk the way the daemon does: the real file-system reader,
 * the config-id (`-i`, default the host name up to the first dot), the environment for
 * `${_ENV}` and the host name as the default router_id. Used by the parent (on its config
 * worker thread) and `--config-test`; the children get the parent's slices instead.
 */
import { randomInt } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { hostname } from 'node:os';
import { KaError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { formatDiagnostic, type Diagnostic } from './diagnostics.js';
import { INCLUDE_ALL } from './source/include-check.js';
import type { KeepalivedConfig } from './model.js';
import { loadConfig, type LoadResult } from './parse-config.js';
import { fsSourceReader } from './source/fs-reader.js';

/** keepalived's default config-id: the host name up to the first dot. */
export function defaultConfigId(): string {
  return hostname().split('.')[0] ?? '';
}

export interface ReadConfigOptions {
  /** `-e/--all-config`: every include check on. */
  readonly allConfig?: boolean;
  /** `${_RANDOM}` seed (default: random, as keepalived seeds from the time). */
  readonly randomSeed?: number;
}

export function readConfigFile(path: string, configId?: string, more: ReadConfigOptions = {}): LoadResult {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return loadConfig(path, {
    reader: fsSourceReader,
    configId: configId ?? defaultConfigId(),
    env,
    hostname: hostname(),
    scriptExists: executableExists,
    includeCheck: more.allConfig === true ? INCLUDE_ALL : 0,
    randomSeed: more.randomSeed ?? randomInt(0x7fffffff),
  });
}

/**
 * The children's config read (VRRP and checker, start-up and reload): every diagnostic
 * goes to the log, and a fatal one throws KA_ERR_CFG_INVALID (the child then exits 2 at
 * start-up; a reload keeps the running configuration).
 */
export function readRunnableConfig(path: string, opts: { readonly configId?: string | undefined; readonly allConfig?: boolean }, log: Logger): KeepalivedConfig {
  const { config, diagnostics } = readConfigFile(path, opts.configId, { allConfig: opts.allConfig === true });
  for (const l of diagnosticLogLines(diagnostics)) log[l.level](l.text);
  const fatal = diagnostics.filter((d) => d.class === 'fatal');
  if (fatal.length > 0) throw new KaError('KA_ERR_CFG_INVALID', `configuration cannot run: ${fatal.map((d) => d.message).join('; ')}`);
  return config;
}

/** How the daemon logs a file's diagnostics (the parent, at start-up and at each reload). */
export function diagnosticLogLines(diagnostics: readonly Diagnostic[]): { readonly level: 'error' | 'warn'; readonly text: string }[] {
  // The -t verdict on script security is said at run time by the children's script pass, in
  // keepalived's words and after the checks it depends on (notify/script-pass.ts).
  return diagnostics.filter((d) => d.code !== 'KA_CFG_SCRIPT_SECURITY').map((d) => ({ level: d.severity === 'error' ? 'error' : 'warn', text: formatDiagnostic(d) }));
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
