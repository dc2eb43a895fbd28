/**
 * A small state file a process keeps for the next run of itself (the VRRP child's kernel
 * settings to restore after a crash, src/vrrp/kernel-settings.ts). Written atomically and never
 * through a symbolic link (safe-file.ts); read with O_NOFOLLOW. Synchronous: a few hundred
 * bytes, written when a setting changes, never on the VRRP path.
 */
import { closeSync, constants, openSync, readFileSync, unlinkSync } from 'node:fs';
import { isSyscallError } from '../core/errors.js';
import { describeFileError, replaceFile } from './safe-file.js';

export interface StateFile {
  read(): string | null;
  write(text: string): void;
  remove(): void;
}

/** The state file beside a pid file: /run/keepalived_vrrp.pid → /run/keepalived_vrrp.state. */
export function stateFileBeside(pidFile: string): string {
  return pidFile.endsWith('.pid') ? `${pidFile.slice(0, -4)}.state` : `${pidFile}.state`;
}

export function openStateFile(path: string): StateFile {
  return {
    read: () => {
      let fd: number;
      try {
        fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch (e) {
        if (isSyscallError(e, 'ENOENT')) return null;
        throw e;
      }
      try {
        return readFileSync(fd, 'utf8');
      } finally {
        closeSync(fd);
      }
    },
    write: (text) => {
      const r = replaceFile(path, text, 0o600);
      if (!r.ok) throw new Error(describeFileError(r.reason));
    },
    remove: () => {
      try {
        unlinkSync(path);
      } catch (e) {
        if (!isSyscallError(e, 'ENOENT')) throw e;
      }
    },
  };
}
