/**
 * The VRRP child's trackers as its daemon runs them (daemon.ts): one TrackerSet per loaded
 * configuration (vrrp_script states carried over a reload, as keepalived keeps them), the
 * instances indexed by the trackers they follow, the readings tracking.ts evaluates, and the
 * trackers' slots in the dumps (dump-snapshot.ts TrackerStates).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { KeepalivedConfig } from '../config/model.js';
import type { RunnableScript } from '../notify/script-pass.js';
import type { TrackerStates } from './dump-snapshot.js';
import type { TrackerReadings, TrackingSpec } from './tracking.js';
import { TrackerSet, type TrackerIo, type TrackerKind } from './trackers/tracker-set.js';

export class DaemonTrackers<R extends { readonly spec: TrackingSpec }> {
  private set: TrackerSet | null = null;
  /** Followers by tracker (`script:NAME`, `file:NAME`, `process:NAME`). */
  private byTracker = new Map<string, R[]>();
  readonly readings: TrackerReadings;
  /** The trackers' part of the dumps' TrackerStates. */
  readonly states: Pick<TrackerStates, 'script' | 'file' | 'process'> = {
    script: (name) => this.set?.scriptRuntime(name),
    file: (name) => this.set?.fileRuntime(name),
    process: (name) => this.set?.processRuntime(name),
  };

  constructor(
    private readonly io: TrackerIo,
    private readonly ports: { readonly clock: Clock; readonly log: Logger },
    isUp: (ifname: string) => boolean,
    /** A tracker's reading changed: the instances that follow it. */
    private readonly changed: (kind: TrackerKind, followers: readonly R[]) => void,
  ) {
    this.readings = {
      isUp,
      script: (name) => this.set?.script(name),
      fileValue: (name) => this.set?.fileValue(name),
      processQuorum: (name) => this.set?.processQuorum(name),
    };
  }

  /**
   * The trackers of a loaded `config` for `running`, replacing the previous ones (stopped).
   * `cleared`: the vrrp_scripts the script pass lets run; `umask`: theirs.
   */
  load(config: KeepalivedConfig, running: readonly R[], cleared: ReadonlyMap<string, RunnableScript>, umask: number, reload: boolean): void {
    const carried = this.set?.scriptStates();
    this.set?.stop();
    this.byTracker = new Map();
    for (const r of running) {
      const keys = [...r.spec.scripts.map((t) => `script:${t.name}`), ...r.spec.files.map((t) => `file:${t.name}`), ...r.spec.processes.map((t) => `process:${t.name}`)];
      for (const k of keys) {
        const list = this.byTracker.get(k) ?? [];
        list.push(r);
        this.byTracker.set(k, list);
      }
    }
    this.set = new TrackerSet(config, this.io, cleared, { ...this.ports, umask }, (kind, name) => this.changed(kind, this.byTracker.get(`${kind}:${name}`) ?? []), {
      reload,
      ...(carried ? { carried } : {}),
    });
  }

  /** The scripts' cadence starts (first runs now). */
  start(): void {
    this.set?.start();
  }

  stop(): void {
    this.set?.stop();
  }
}
