/**
 * FILE_CHECK wiring in the checker child (keepalived.conf(5) "Track files", FILE_CHECK):
 * one track_file watcher (file-watch.ts) per FILE_CHECK checker, whose state changes become
 * checker events (up/down, weight delta) for the daemon. At start-up the files' values are
 * applied silently before the first IPVS table, as keepalived does (set_track_file_weights
 * / set_track_file_checkers_down): no transition logs, scripts or notifications for them.
 *
 * Weight: the FILE_CHECK's own `weight N [reverse]`, or, when it sets none (or 0), the
 * track_file block's weight and reverse (keepalived's file_end_handler).
 */
import type { FileCheckConfig } from '../config/lvs/model.js';
import type { TrackFileConfig } from '../config/model.js';
import type { Logger } from '../core/logger.js';
import { watchTrackFile, type FileWatch, type FileWatchOptions, type TrackFileState } from './file-watch.js';
import type { CheckerRef, EngineState } from './lvs-state.js';

export interface FileCheckTracking {
  /** The track_file block's name (keepalived logs it). */
  readonly name: string;
  readonly path: string;
  readonly weight: number;
  readonly reverse: boolean;
}

/** The effective weight/reverse of a FILE_CHECK against its track_file block. */
export function resolveFileCheckWeight(c: Pick<FileCheckConfig, 'weight' | 'reverse'>, tf: Pick<TrackFileConfig, 'weight' | 'reverse'>): { weight: number; reverse: boolean } {
  return c.weight === undefined || c.weight === 0 ? { weight: tf.weight, reverse: tf.reverse } : { weight: c.weight, reverse: c.reverse };
}

export function fileCheckTracking(c: FileCheckConfig, trackFiles: readonly TrackFileConfig[]): FileCheckTracking | null {
  const tf = trackFiles.find((t) => t.name === c.trackFile);
  return tf ? { name: tf.name, path: tf.path, ...resolveFileCheckWeight(c, tf) } : null;
}

export type FileCheckEvent = { readonly up: boolean; readonly reason?: string } | { readonly weightDelta: number };

export type WatchTrackFile = (opts: FileWatchOptions, onChange: (s: TrackFileState) => void) => FileWatch;

export interface FileCheckWatchDeps {
  readonly log: Logger;
  /** -D: keepalived's "tracked file … now FAULT state" lines. */
  readonly logDetail: boolean;
  readonly watch?: WatchTrackFile;
  readonly pollMs?: number;
}

export interface FileCheckWatches {
  /** Watchers open (one per FILE_CHECK whose track_file exists). */
  readonly count: number;
  close(): void;
}

/** The events that move a checker from `from` to `to` (keepalived: down before the weight reset, weight before up). */
export function fileCheckEvents(from: TrackFileState, to: TrackFileState): FileCheckEvent[] {
  const out: FileCheckEvent[] = [];
  if (from.up && !to.up) out.push({ up: false, reason: 'track file' });
  if (from.weightDelta !== to.weightDelta) out.push({ weightDelta: to.weightDelta });
  if (!from.up && to.up) out.push({ up: true });
  return out;
}

/**
 * Watch every FILE_CHECK of `state`. `prime`: apply the initial file states directly to
 * the state (start-up, before the first table); otherwise (reload) they arrive as events
 * against the carried-over checker state.
 */
export function watchFileCheckers(
  state: EngineState,
  trackFiles: readonly TrackFileConfig[],
  onEvent: (ref: CheckerRef, ev: FileCheckEvent) => void,
  deps: FileCheckWatchDeps,
  prime: boolean,
): FileCheckWatches {
  const watches: FileWatch[] = [];
  const watch = deps.watch ?? watchTrackFile;
  state.vss.forEach((vs, vi) =>
    vs.rss.forEach((rs, ri) =>
      rs.checkers.forEach((slot, ci) => {
        const c = slot.cfg;
        if (c.type !== 'FILE_CHECK') return;
        const t = fileCheckTracking(c, trackFiles);
        if (!t) {
          deps.log.error(`(${rs.name}): track_file ${c.trackFile} not found - FILE_CHECK ignored`);
          return;
        }
        const ref = { vs: vi, rs: ri, checker: ci };
        let last: TrackFileState = { up: slot.fsm.up, weightDelta: slot.weightDelta };
        const apply = (next: TrackFileState): void => {
          if (deps.logDetail && last.up !== next.up) deps.log.info(`(${rs.name}): tracked file ${t.name} ${next.up ? 'leaving' : 'now'} FAULT state`);
          const evs = fileCheckEvents(last, next);
          last = next;
          for (const ev of evs) onEvent(ref, ev);
        };
        const w = watch({ path: t.path, weight: t.weight, reverse: t.reverse, log: deps.log, ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}) }, apply);
        watches.push(w);
        if (prime) {
          primeChecker(state, ref, w.state);
          last = w.state;
        } else apply(w.state);
      }),
    ),
  );
  return {
    count: watches.length,
    close: () => {
      for (const w of watches.splice(0)) w.close();
    },
  };
}

/** Start-up: set a FILE_CHECK checker's state and weight without a transition. */
function primeChecker(state: EngineState, ref: CheckerRef, s: TrackFileState): void {
  const rs = state.vss[ref.vs]?.rss[ref.rs];
  const slot = rs?.checkers[ref.checker];
  if (!rs || !slot) return;
  slot.weightDelta = s.weightDelta;
  if (slot.fsm.up === s.up) return;
  slot.fsm = { ...slot.fsm, up: s.up, hasRun: true };
  rs.failed += s.up ? -1 : 1;
  rs.alive = rs.failed === 0;
}
