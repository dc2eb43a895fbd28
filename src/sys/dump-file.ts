/**
 * Where and how the VRRP child writes its SIGUSR1/SIGUSR2 dumps (keepalived(8) SIGNALS):
 * `$TMPDIR` if it is absolute and a directory, else /tmp; mode 0600; written to a temporary
 * name and renamed, so a reader never sees half a file.
 */
import { renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export const STATS_FILE = 'keepalived.stats';
export const DATA_FILE = 'keepalived.data';

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

/** Writes `text` to dir/name atomically; returns the path. Throws the fs error on failure. */
export function writeDumpFile(name: string, text: string, dir: string = dumpDirectory()): string {
  const path = join(dir, name);
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  try {
    // 'wx' with a fresh name: the mode applies (an existing file would keep its own).
    unlinkQuiet(tmp);
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    unlinkQuiet(tmp);
    throw e;
  }
  return path;
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* not there */
  }
}
