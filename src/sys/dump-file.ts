/**
 * Where and how the processes write their signal dumps (keepalived(8) SIGNALS): `$TMPDIR` if it
 * is absolute and a directory, else /tmp; or where global_defs puts them (`state_dump_file`,
 * `stats_dump_file`, `json_dump_file`, keepalived.conf(5)): a path ending in `/` is a
 * directory that keeps the default names, any other path is the file itself, and a relative
 * path is taken from the dump directory. The parent's and the checker's .data files go beside
 * the VRRP child's (its directory, their own names). Mode 0600; written to a temporary name and
 * renamed, so a reader never sees half a file.
 */
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { describeFileError, replaceFile } from './safe-file.js';

export const STATS_FILE = 'keepalived.stats';
export const DATA_FILE = 'keepalived.data';
export const JSON_FILE = 'keepalived.json';
export const PARENT_DATA_FILE = 'keepalived_parent.data';
/** keepalived's dumps are readable by root only. */
const DUMP_FILE_MODE = 0o600;

/** A dump file: its default name and the path global_defs gives for it, if any. */
export interface DumpFile {
  readonly name: string;
  readonly configured?: string | undefined;
  /** The file is another process's: it goes into the configured file's directory under its own name. */
  readonly beside?: boolean;
}

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

/** The path a dump is written to (pure given `dir`). */
export function dumpPath(file: DumpFile, dir: string = dumpDirectory()): string {
  const c = file.configured;
  if (c === undefined || c === '') return join(dir, file.name);
  const at = resolve(dir, c);
  if (c.endsWith('/')) return join(at, file.name);
  return file.beside === true ? join(dirname(at), file.name) : at;
}

/**
 * Writes a dump to its place (dumpPath) atomically (safe-file.ts replaceFile: a symbolic link
 * planted at the path is replaced, never followed); returns the path. Throws on failure.
 */
export function writeDumpFile(file: DumpFile | string, text: string, dir: string = dumpDirectory()): string {
  const path = dumpPath(typeof file === 'string' ? { name: file } : file, dir);
  const w = replaceFile(path, text, DUMP_FILE_MODE);
  if (!w.ok) throw new Error(`Unable to write ${path} - ${describeFileError(w.reason)}`);
  return path;
}
