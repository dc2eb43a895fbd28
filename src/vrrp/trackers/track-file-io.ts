/**
 * The file side of `track_file` for the VRRP child (keepalived.conf(5) "Track files"): reads
 * a file's first 127 bytes, watches its directory as keepalived's inotify does (the file
 * written, renamed in or out, removed), and writes `init_file`'s value at start.
 *
 * Node's fs.watch sees a write as it happens, not at close (keepalived waits for
 * IN_CLOSE_WRITE): `echo 5 > f` truncates, then writes. Events for the file are coalesced over
 * READ_SETTLE_MS so the read sees the finished content, not the empty file between the two.
 * The path is resolved through symbolic links first (the real directory is watched), as
 * keepalived does with realpath(3).
 */
import { closeSync, existsSync, openSync, readSync, realpathSync, statSync, watch, writeSync, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { KEEPALIVED_UMASK, openNoFollow } from '../../sys/safe-file.js';
import type { TrackFileConfig } from '../../config/model.js';
import type { TrackFilePorts } from './track-files.js';

export const READ_SETTLE_MS = 5;

/** The real path of a file that may not exist yet; null when its directory does not exist. */
export function resolveTrackFilePath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    try {
      const dir = realpathSync(dirname(path));
      return statSync(dir).isDirectory() ? join(dir, basename(path)) : null;
    } catch {
      return null;
    }
  }
}

export function readTrackFileHead(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(127);
    const n = readSync(fd, buf, 0, 127, null);
    return buf.subarray(0, n).toString('latin1');
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** `real`: the resolved path (resolveTrackFilePath). */
function watchTrackFile(real: string, onEvent: () => void, log: Logger): { close(): void } {
  const path = real;
  const name = basename(real);
  let settle: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(real), { persistent: false }, (_event, file) => {
      if (file !== null && file !== name) return;
      if (settle) clearTimeout(settle);
      settle = setTimeout(() => {
        settle = undefined;
        onEvent();
      }, READ_SETTLE_MS);
    });
    watcher.on('error', (e) => log.warn(`Unable to monitor track file ${path}: ${e.message}`));
  } catch (e) {
    log.warn(`Unable to monitor track file ${path}: ${errorMessage(e)}`);
  }
  return {
    close: () => {
      if (settle) clearTimeout(settle);
      watcher?.close();
    },
  };
}

/**
 * `init_file [VALUE] [overwrite]`: writes VALUE when the file does not exist, or always with
 * `overwrite` — except on a reload, which never overwrites an existing file (keepalived).
 */
export function initTrackFiles(files: readonly TrackFileConfig[], reload: boolean, log: Logger): void {
  for (const f of files) {
    if (!f.initFile) continue;
    const exists = existsSync(f.path);
    if (exists && (!f.initFile.overwrite || reload)) continue;
    if (exists && !statSync(f.path).isFile()) {
      log.warn(`Cannot initialise track file ${f.name} - it is not a regular file`);
      continue;
    }
    // keepalived's fopen_safe: never through a symbolic link, mode from its umask (0600).
    const fd = openNoFollow(f.path, 'truncate', 0o666 & ~KEEPALIVED_UMASK);
    if (!fd.ok) {
      log.warn(`Unable to initialise track file ${f.name}`);
      continue;
    }
    try {
      writeSync(fd.value, `${f.initFile.value}\n`);
    } catch {
      log.warn(`Unable to initialise track file ${f.name}`);
    } finally {
      closeSync(fd.value);
    }
  }
}

export function realTrackFilePorts(log: Logger): TrackFilePorts {
  return { log, resolve: resolveTrackFilePath, read: readTrackFileHead, watch: (p, cb) => watchTrackFile(p, cb, log) };
}
