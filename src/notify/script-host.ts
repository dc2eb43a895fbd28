/**
 * The real host behind the script checks (script-pass.ts, script-security.ts): lstat(2) and
 * readlink(2) of the paths the check walks, accounts through NSS (getent(1), what
 * getpwnam(3)/getgrnam(3) see, so LDAP or sssd users resolve as they do for keepalived).
 * Synchronous and cached: one host per pass, a pass walks a handful of paths (keepalived does
 * the same stats on its own loop).
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import type { ScriptHost } from './script-pass.js';
import type { FileStat, FileType, FsAnswer, ScriptIds } from './script-security.js';

/** confstr(_CS_PATH): where keepalived searches when PATH is unset. */
const CS_PATH = '/bin:/usr/bin';

function typeOf(st: Stats): FileType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

function errnoOf(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
}

function memo<T>(fn: (key: string) => T): (key: string) => T {
  const seen = new Map<string, T>();
  return (key) => {
    if (!seen.has(key)) seen.set(key, fn(key));
    return seen.get(key) as T;
  };
}

/** One NSS entry by name; numeric names are names too (getent would look a number up as an id). */
function getent(db: 'passwd' | 'group', name: string): string[] | null {
  if (name === '' || name.includes(':') || name.includes('\n')) return null;
  const r = spawnSync('getent', [db, name], { encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0) return null;
  const fields = r.stdout.split('\n')[0]?.split(':') ?? [];
  return fields[0] === name ? fields : null;
}

const number = (s: string | undefined): number | null => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null);

export function realScriptHost(env: NodeJS.ProcessEnv = process.env): ScriptHost {
  return {
    cwd: process.cwd(),
    searchPath: env['PATH'] ?? CS_PATH,
    lstat: memo((path): FsAnswer<FileStat> => {
      try {
        const st = lstatSync(path);
        return { ok: true, value: { type: typeOf(st), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, dev: st.dev, ino: st.ino } };
      } catch (e) {
        return { ok: false, errno: errnoOf(e) };
      }
    }),
    readlink: memo((path): FsAnswer<string> => {
      try {
        return { ok: true, value: readlinkSync(path) };
      } catch (e) {
        return { ok: false, errno: errnoOf(e) };
      }
    }),
    user: memo((name): ScriptIds | null => {
      const f = getent('passwd', name);
      const uid = number(f?.[2]);
      const gid = number(f?.[3]);
      return uid !== null && gid !== null ? { uid, gid } : null;
    }),
    group: memo((name): number | null => number(getent('group', name)?.[2])),
  };
}
