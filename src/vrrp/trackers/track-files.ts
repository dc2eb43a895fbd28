/**
 * The VRRP child's `track_file`s (keepalived.conf(5) "Track files"): the value each file
 * holds, read at start and again whenever the file is written and closed, replaced by a
 * rename, or removed (removed or renamed away = 0), as keepalived's inotify on the file's
 * directory sees it. The value is read as core/track-file-value.ts says; an out-of-range number
 * is logged and ignored (the previous value stays). A file whose directory does not exist is
 * dropped with keepalived's warning. What a value does to an instance is tracking.ts's
 * (fileStatus). Pure apart from the file port the daemon passes in (track-file-io.ts).
 */
import type { Logger } from '../../core/logger.js';
import { parseTrackFileValue } from '../../core/track-file-value.js';
import type { TrackFileConfig } from '../../config/model.js';

export interface TrackFilePorts {
  readonly log: Logger;
  /** The file's real path (symbolic links resolved; a missing file in an existing directory too), or null when its directory does not exist. */
  resolve(path: string): string | null;
  /** The file's first bytes, or null when it cannot be read (missing: 0). */
  read(path: string): string | null;
  /** Watches the file's directory (`path` resolved); `onEvent` after the file was written, renamed in or out, or removed. */
  watch(path: string, onEvent: () => void): { close(): void };
}

export interface TrackFileSnapshot {
  readonly cfg: TrackFileConfig;
  /** The real path in use. */
  readonly path: string;
  /** The value in use (keepalived's `Status`). */
  readonly value: number;
}

interface Entry {
  readonly cfg: TrackFileConfig;
  readonly path: string;
  value: number;
  watch: { close(): void } | null;
}

export class TrackFiles {
  private readonly entries = new Map<string, Entry>();

  /** @param files the files some instance or sync group tracks */
  constructor(
    files: readonly TrackFileConfig[],
    private readonly ports: TrackFilePorts,
    private readonly onChange: (name: string) => void,
  ) {
    for (const cfg of files) {
      const path = ports.resolve(cfg.path);
      if (path === null) {
        ports.log.warn(`Track file directory for ${cfg.name} does not exist - removing`);
        continue;
      }
      const e: Entry = { cfg, path, value: 0, watch: null };
      e.watch = ports.watch(path, () => this.reread(e));
      this.read(e);
      this.entries.set(cfg.name, e);
    }
  }

  /** The value in use, undefined for a file not tracked (removed at start). */
  value(name: string): number | undefined {
    return this.entries.get(name)?.value;
  }

  snapshot(): TrackFileSnapshot[] {
    return [...this.entries.values()].map((e) => ({ cfg: e.cfg, path: e.path, value: e.value }));
  }

  close(): void {
    for (const e of this.entries.values()) e.watch?.close();
  }

  /** Reads the file into `e.value`; false when the read was ignored. */
  private read(e: Entry): boolean {
    const text = this.ports.read(e.path);
    if (text === null) {
      e.value = 0;
      return true;
    }
    const v = parseTrackFileValue(text);
    if (v.type === 'invalid') {
      this.ports.log.info(`Invalid number ${v.number} read from ${e.path} - ignoring`);
      return false;
    }
    e.value = v.value;
    return true;
  }

  private reread(e: Entry): void {
    const before = e.value;
    if (this.read(e) && e.value !== before) this.onChange(e.cfg.name);
  }
}
