/**
 * The real host behind host-checks.ts (`-t` without --no-host-checks): interfaces by
 * if_nametoindex(3) in the current network namespace, programs on disk or in PATH, users and
 * groups through NSS (getent(1), as keepalived's getpwnam/getgrnam see them), network
 * namespaces as `ip netns` names them (/run/netns). Answers are cached per run.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { isSyscallError } from '../core/errors.js';
import { nio } from '../sys/nio.js';
import type { HostProbe } from './host-checks.js';

function interfaceExists(name: string): boolean {
  try {
    nio().ifNameToIndex(name);
    return true;
  } catch (e) {
    if (isSyscallError(e, 'ENODEV')) return false;
    // No addon (or a name the syscall refuses): what sysfs shows for this namespace.
    return !name.includes('/') && existsSync(`/sys/class/net/${name}`);
  }
}

/**
 * keepalived looks a script's program up by path (or in PATH for a bare name); a word that
 * starts with a shell redirection (`</dev/tcp/…`) is not a program and is not looked up.
 */
function programExists(word: string): boolean {
  if (word === '' || /^[<>]/.test(word)) return true;
  if (word.includes('/')) {
    try {
      return statSync(word).isFile();
    } catch {
      return false;
    }
  }
  return (process.env['PATH'] ?? '/usr/bin:/bin').split(':').some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(`${dir}/${word}`, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function nssHas(db: 'passwd' | 'group', name: string): boolean {
  if (/^[0-9]+$/.test(name)) return true; // a numeric id needs no entry
  const r = spawnSync('getent', [db, name], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0;
}

function cached(fn: (name: string) => boolean): (name: string) => boolean {
  const seen = new Map<string, boolean>();
  return (name) => {
    let v = seen.get(name);
    if (v === undefined) seen.set(name, (v = fn(name)));
    return v;
  };
}

export function realHostProbe(): HostProbe {
  return {
    interfaceExists: cached(interfaceExists),
    programExists: cached(programExists),
    userExists: cached((n) => nssHas('passwd', n)),
    groupExists: cached((n) => nssHas('group', n)),
    netNamespaceExists: (n) => !n.includes('/') && existsSync(`/run/netns/${n}`),
  };
}
