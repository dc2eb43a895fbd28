/**
 * FILE_CHECK (checker child): watches a track_file and turns the integer it holds into a
 * checker state (keepalived.conf(5) "Track files", FILE_CHECK). Event driven: fs.watch on
 * the file's directory (so creation, rename-over and deletion are seen, like keepalived's
 * inotify on the directory) plus a slow fallback poll for filesystems without
 * notifications.
 *
 * keepalived semantics reproduced here:
 * - the value is strtol(first 127 bytes, base 0): leading blanks, sign, 0x hex, 0 octal,
 *   trailing garbage ignored; an empty, unreadable, missing or deleted file counts as 0;
 *   a number outside [-2^31, 2^31] (or overflowing) is ignored (previous value kept);
 * - weight 0: any non-zero value is a failure (reverse: zero is a failure);
 * - otherwise status = clamp32(value × weight × (reverse ? −1 : 1)); status ≤ −2^31 is a
 *   failure, any other status is up and adds `status` to the RS weight.
 */
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../core/logger.js';
import { errorMessage } from '../core/errors.js';
import { parseTrackFileValue, type TrackFileValue } from '../core/track-file-value.js';

export { parseTrackFileValue, type TrackFileValue };

export interface TrackFileState {
  readonly up: boolean;
  /** Added to the RS's effective weight while up (0 when down or with weight 0). */
  readonly weightDelta: number;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The checker state for a file value (pure). */
export function evaluateTrackFile(value: number, weight: number, reverse: boolean): TrackFileState {
  if (weight === 0) {
    const failed = reverse ? value === 0 : value !== 0;
    return { up: !failed, weightDelta: 0 };
  }
  const status = Math.max(INT32_MIN, Math.min(INT32_MAX, value * weight * (reverse ? -1 : 1)));
  return status <= INT32_MIN ? { up: false, weightDelta: 0 } : { up: true, weightDelta: status };
}

/** Reads the file's value; a missing/unreadable/empty file is 0 (keepalived). */
export function readTrackFile(path: string): TrackFileValue {
  let text: string;
  try {
    text = readFileSync(path).subarray(0, 127).toString('latin1');
  } catch {
    return { type: 'value', value: 0 };
  }
  return parseTrackFileValue(text);
}

export interface FileWatchOptions {
  readonly path: string;
  /** FILE_CHECK weight, or the track_file's when the checker sets none (keepalived). */
  readonly weight: number;
  readonly reverse: boolean;
  readonly log?: Logger;
  /** Fallback poll period (default 5000 ms; 0 = no poll). */
  readonly pollMs?: number;
}

export interface FileWatch {
  /** Current state (computed synchronously at creation). */
  readonly state: TrackFileState;
  /** The value in use (last valid read). */
  readonly value: number;
  close(): void;
}

/**
 * Starts watching; `onChange` fires on each state change after creation (not for the
 * initial state, read `state`). Never throws on I/O problems: a missing directory only
 * disables fs.watch, the poll goes on.
 */
export function watchTrackFile(opts: FileWatchOptions, onChange: (state: TrackFileState) => void): FileWatch {
  let value = 0;
  let state: TrackFileState;
  const apply = (): void => {
    const r = readTrackFile(opts.path);
    if (r.type === 'invalid') {
      opts.log?.info(`Invalid number ${r.text} read from ${opts.path} - ignoring`);
      return;
    }
    value = r.value;
  };
  apply();
  state = evaluateTrackFile(value, opts.weight, opts.reverse);
  let closed = false;
  const refresh = (): void => {
    if (closed) return;
    apply();
    const next = evaluateTrackFile(value, opts.weight, opts.reverse);
    if (next.up !== state.up || next.weightDelta !== state.weightDelta) {
      state = next;
      onChange(next);
    }
  };
  const name = basename(opts.path);
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(opts.path), { persistent: false }, (_event, file) => {
      if (file === null || file === name) refresh();
    });
    watcher.on('error', (e) => {
      opts.log?.warn(`track file watch on ${opts.path} failed: ${e.message}; polling only`);
      watcher?.close();
      watcher = undefined;
    });
  } catch (e) {
    opts.log?.warn(`cannot watch ${opts.path}: ${errorMessage(e)}; polling only`);
  }
  const pollMs = opts.pollMs ?? 5000;
  const poll = pollMs > 0 ? setInterval(refresh, pollMs) : undefined;
  poll?.unref();
  return {
    get state() {
      return state;
    },
    get value() {
      return value;
    },
    close() {
      closed = true;
      watcher?.close();
      watcher = undefined;
      if (poll) clearInterval(poll);
    },
  };
}
