/**
 * Where and how the children write their SIGUSR1/SIGUSR2 dumps (keepalived(8) SIGNALS):
 * `$TMPDIR` if it is absolute and a directory, else /tmp; mode 0600; written to a temporary
 * name and renamed, so a reader never sees half a file.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describeFileError, replaceFile } from './safe-file.js';

export const STATS_FILE = 'keepalived.stats';
export const DATA_FILE = 'keepalived.data';
/** keepalived's dumps are readable by root only. */
const DUMP_FILE_MODE = 0o600;

export function dumpDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const t = env['TMPDIR'];
  if (t !== undefined && isAbsolute(t)) {
    try {
      if (statSync(t).isDirectory()) return t;
    } catch {
      /* missing: fall back */
    }
  }
  return '/tmp';
}

/**
 * Writes `text` to dir/name atomically (safe-file.ts replaceFile: a symbolic link planted at
 * the path is replaced, never followed); returns the path. Throws on failure.
 */
export function writeDumpFile(name: string, text: string, dir: string = dumpDirectory()): string {
  const path = join(dir, name);
  const w = replaceFile(path, text, DUMP_FILE_MODE);
  if (!w.ok) throw new Error(`Unable to write ${path} - ${describeFileError(w.reason)}`);
  return path;
}
