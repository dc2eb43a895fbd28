/**
 * keepalived's run-time check of a script before it may run (keepalived.conf(5)
 * enable_script_security, script_user), done at load and at every reload by the VRRP and
 * checker children: resolve the program (PATH search for a bare name, symbolic links and
 * `..` resolved as the script's user would see them), refuse what is missing, not executable
 * or not a regular file, and — for a script that runs with root privileges (uid or gid 0, or
 * a set-uid/set-gid root file) — refuse every path whose file or any directory above it is
 * owned by a user other than root or writable by one (group-writable with a non-root group,
 * world-writable, a directory without the sticky bit). With enable_script_security an unsafe
 * script is disabled; without, it is reported and still runs. Log lines are keepalived
 * 2.2.7's, checked against Debian's binary.
 *
 * Pure: it asks the file system through ScriptFs (script-host.ts answers for the real one).
 */
import { strerror } from '../core/strerror.js';

export type FileType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileStat {
  readonly type: FileType;
  /** Permission bits with set-uid, set-gid and sticky (st_mode & 07777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly dev: number;
  readonly ino: number;
}

/** A failed call carries the errno name (ENOENT, EACCES …). */
export type FsAnswer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errno: string };

/** The file-system calls the check makes; the real adapter is synchronous and cached per pass. */
export interface ScriptFs {
  lstat(path: string): FsAnswer<FileStat>;
  readlink(path: string): FsAnswer<string>;
  /** The daemon's current directory (a relative script path is resolved against it). */
  readonly cwd: string;
  /** The PATH a bare program name is searched in (keepalived: $PATH, else confstr's default). */
  readonly searchPath: string;
}

/** Who the script runs as. */
export interface ScriptIds {
  readonly uid: number;
  readonly gid: number;
}

export type ScriptCheck =
  /** May run: `argv` with argv[0] replaced by the path to execute. */
  | { readonly type: 'runnable'; readonly argv: readonly string[]; readonly insecure: boolean; readonly log: readonly string[] }
  /**
   * Never runs. `isScript`: the program exists (keepalived's SC_ISSCRIPT, what the SECURITY
   * VIOLATION line counts); `insecure`: it was refused for its permissions (SC_INSECURE).
   */
  | { readonly type: 'disabled'; readonly why: 'insecure' | 'not-found' | 'not-executable' | 'wrong-type'; readonly isScript: boolean; readonly insecure: boolean; readonly log: readonly string[] }
  /** `</path…`: a redirection that only tests a file can be opened; not a program, not checked. */
  | { readonly type: 'file-test' };

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
const S_IWGRP = 0o020;
const S_IWOTH = 0o002;
const S_IXUSR = 0o100;
const S_IXGRP = 0o010;
const S_IXOTH = 0o001;
/** Linux's bound on symbolic links followed in one lookup (ELOOP after it). */
const MAX_SYMLINKS = 40;

export { strerror };

/** keepalived's is_executable: root needs any x bit; otherwise owner, group or other x as they apply. */
export function isExecutableBy(st: FileStat, ids: ScriptIds): boolean {
  if (ids.uid === 0) return (st.mode & (S_IXUSR | S_IXGRP | S_IXOTH)) !== 0;
  if (ids.uid === st.uid) return (st.mode & S_IXUSR) !== 0;
  return (st.mode & (ids.gid === st.gid ? S_IXGRP : S_IXOTH)) !== 0;
}

/** Search permission on a directory for the script's user (root always has it). */
function searchable(st: FileStat, ids: ScriptIds): boolean {
  if (ids.uid === 0) return true;
  if (ids.uid === st.uid) return (st.mode & S_IXUSR) !== 0;
  return (st.mode & (ids.gid === st.gid ? S_IXGRP : S_IXOTH)) !== 0;
}

/** The path elements of an absolute or relative path, without empty and `.` ones. */
const parts = (p: string): string[] => p.split('/').filter((x) => x !== '' && x !== '.');

/**
 * realpath(3) as the script's user: every directory walked must be searchable by it, every
 * symbolic link is followed, `..` goes up after the links before it are resolved.
 */
export function resolvePath(fs: ScriptFs, path: string, ids: ScriptIds): FsAnswer<string> {
  let done: string[] = path.startsWith('/') ? [] : parts(fs.cwd);
  let todo = parts(path);
  let links = 0;
  while (todo.length > 0) {
    const name = todo.shift()!;
    if (name === '..') {
      done.pop();
      continue;
    }
    const dir = `/${done.join('/')}`;
    const dirStat = fs.lstat(dir);
    if (!dirStat.ok) return dirStat;
    if (dirStat.value.type !== 'directory') return { ok: false, errno: 'ENOTDIR' };
    if (!searchable(dirStat.value, ids)) return { ok: false, errno: 'EACCES' };
    const here = `/${[...done, name].join('/')}`;
    const st = fs.lstat(here);
    if (!st.ok) return st;
    if (st.value.type === 'symlink') {
      if (++links > MAX_SYMLINKS) return { ok: false, errno: 'ELOOP' };
      const target = fs.readlink(here);
      if (!target.ok) return target;
      if (target.value.startsWith('/')) done = [];
      todo = [...parts(target.value), ...todo];
      continue;
    }
    if (todo.length > 0 && st.value.type !== 'directory') return { ok: false, errno: 'ENOTDIR' };
    done.push(name);
  }
  return { ok: true, value: `/${done.join('/')}` };
}

/** stat(2): lstat after resolving (as root: the check is done on files already found). */
function statFollow(fs: ScriptFs, path: string): FsAnswer<FileStat> {
  const real = resolvePath(fs, path, { uid: 0, gid: 0 });
  return real.ok ? fs.lstat(real.value) : real;
}

const dirOf = (p: string): string => p.slice(0, p.lastIndexOf('/')) || '';
const baseOf = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** keepalived's find_path: the first regular file in PATH this user may execute. */
function searchPath(fs: ScriptFs, name: string, ids: ScriptIds): FsAnswer<string> {
  let denied = false;
  for (const dir of fs.searchPath.split(':')) {
    const candidate = `${dir === '' ? '.' : dir}/${name}`;
    const st = statFollow(fs, candidate.startsWith('/') ? candidate : `${fs.cwd}/${candidate}`);
    if (!st.ok) continue;
    if (st.value.type !== 'file' || !isExecutableBy(st.value, ids)) {
      denied = true;
      continue;
    }
    return { ok: true, value: candidate };
  }
  return { ok: false, errno: denied ? 'EACCES' : 'ENOENT' };
}

/** A path element keepalived refuses under a root-run script, by its lstat. */
function unsafe(st: FileStat): boolean {
  if (st.uid !== 0) return true;
  const writableElement = (st.type === 'directory' && (st.mode & S_ISVTX) === 0) || st.type === 'file';
  return writableElement && ((st.gid !== 0 && (st.mode & S_IWGRP) !== 0) || (st.mode & S_IWOTH) !== 0);
}

type SecurityVerdict = { readonly type: 'ok' } | { readonly type: 'insecure' | 'inhibit' | 'not-found'; readonly line: string };

/** keepalived's check_security: "/" and every prefix of `path` down to the file itself. */
function checkPathSecurity(fs: ScriptFs, path: string, scriptSecurity: boolean): SecurityVerdict {
  const elements = parts(path);
  for (let i = 0; i <= elements.length; i++) {
    const prefix = `/${elements.slice(0, i).join('/')}`;
    const last = i === elements.length;
    const st = fs.lstat(prefix);
    if (!st.ok) {
      const line = ['EACCES', 'ELOOP', 'ENOENT', 'ENOTDIR'].includes(st.errno)
        ? `check_script_secure could not find script '${path}' - disabling`
        : `check_script_secure('${path}') returned errno ${st.errno} - ${strerror(st.errno)} - disabling`;
      return { type: 'not-found', line };
    }
    const t = st.value.type;
    if ((!last && t !== 'directory') || (last && t !== 'file' && t !== 'symlink')) {
      return { type: 'inhibit', line: `Wrong file type found in script path '${path}'.` };
    }
    if (unsafe(st.value)) {
      return { type: scriptSecurity ? 'inhibit' : 'insecure', line: `Unsafe permissions found for script '${path}'${scriptSecurity ? ' - disabling' : ''}.` };
    }
  }
  return { type: 'ok' };
}

/**
 * Checks one script the way keepalived's check_script_secure does.
 * @param argv the configured words (argv[0] the program as written).
 */
export function checkScript(fs: ScriptFs, argv: readonly string[], ids: ScriptIds, scriptSecurity: boolean): ScriptCheck {
  const program = argv[0] ?? '';
  if (/^<[ \t]*\//.test(program)) return { type: 'file-test' };
  const log: string[] = [];
  const disabled = (why: Extract<ScriptCheck, { type: 'disabled' }>['why'], isScript: boolean, insecure = false): ScriptCheck => ({ type: 'disabled', why, isScript, insecure, log });

  let path = program;
  if (!program.includes('/')) {
    const found = searchPath(fs, program, ids);
    if (!found.ok) {
      log.push(found.errno === 'EACCES' ? `Permissions failure for script ${program} in path - disabling` : `Cannot find script ${program} in path - disabling`);
      return disabled('not-found', false);
    }
    log.push(`WARNING - script \`${program}\` resolved by path search to \`${found.value}\`. Please specify full path.`);
    path = found.value;
  }

  const real = resolvePath(fs, path, ids);
  if (!real.ok) {
    log.push(`Script ${path} cannot be accessed - ${strerror(real.errno)}`);
    return disabled('not-found', false);
  }
  // What runs keeps the name it was called by when that name reaches the same file from the
  // resolved directory (programs may act on their name); else the resolved file itself.
  let execPath = real.value;
  let realFile: string | null = null;
  if (path !== real.value && baseOf(path) !== baseOf(real.value)) {
    const named = `${dirOf(real.value)}/${baseOf(path)}`;
    const a = statFollow(fs, real.value);
    const b = statFollow(fs, named);
    if (!a.ok || (b.ok && a.value.dev === b.value.dev && a.value.ino === b.value.ino)) {
      execPath = named;
      realFile = real.value;
    }
  }
  const fileStat = statFollow(fs, realFile ?? execPath);
  if (!fileStat.ok) {
    log.push(`Unable to access script \`${execPath}\` - disabling`);
    return disabled('not-found', false);
  }
  const st = fileStat.value;
  if (!isExecutableBy(st, ids)) {
    log.push(`WARNING - script '${execPath}' is not executable for uid:gid ${ids.uid}:${ids.gid} - disabling.`);
    return disabled('not-executable', true);
  }
  const runsAsRoot =
    ids.uid === 0 ||
    ids.gid === 0 ||
    (st.uid === 0 && (st.mode & S_IXUSR) !== 0 && (st.mode & S_ISUID) !== 0) ||
    (st.gid === 0 && (st.mode & S_IXGRP) !== 0 && (st.mode & S_ISGID) !== 0);
  const runnable = (insecure: boolean): ScriptCheck => ({ type: 'runnable', argv: [execPath, ...argv.slice(1)], insecure, log });
  if (!runsAsRoot) return runnable(false);

  let insecure = false;
  for (const p of realFile === null ? [execPath] : [execPath, realFile]) {
    const v = checkPathSecurity(fs, p, scriptSecurity);
    if (v.type === 'ok') continue;
    log.push(v.line);
    if (v.type === 'not-found') return disabled('not-found', true, insecure);
    if (v.type === 'inhibit') return disabled(v.line.startsWith('Wrong') ? 'wrong-type' : 'insecure', true, !v.line.startsWith('Wrong'));
    insecure = true;
  }
  return runnable(insecure);
}
