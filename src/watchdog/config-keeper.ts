/**
 * The parent's configuration: it alone reads keepalived.conf (off its event loop: the loader
 * runs the pipeline on a worker thread), decides whether a new file may replace the running
 * one, and hands each child its slice (src/config/slices.ts) — in full at a child's start,
 * and at a reload in full for the VRRP child and as the changed virtual servers for the
 * checker. keepalived(8) SIGNALS, HUP; keepalived.conf(5) reload_check_config.
 *
 * Safe reload: a file that cannot run (a fatal diagnostic, a failed include check) is refused
 * always, and with reload_check_config any problem `-t` would report (host checks included)
 * — the children never see it and keep running what they run, and the log, STATUS= and the
 * reload's outcome say why. One reload at a time: a SIGHUP during one is queued (several
 * collapse into one), as keepalived queues them. Pure: the loader and the children are passed
 * in.
 */
import type { Logger } from '../core/logger.js';
import type { Result } from '../core/result.js';
import { heldAfter, slicePayload, type ConfigSlices, type HeldSlice } from '../config/slices.js';
import type { ParentToChild } from '../process/ipc.js';
import type { ChildKind } from '../process/options.js';
import type { ConfigSummary } from './children.js';

/** What the loader is asked to do. */
export interface ConfigLoadRequest {
  readonly path: string;
  readonly configId?: string;
  readonly allConfig: boolean;
  /** -d: the summary carries the effective config as text. */
  readonly dumpConf: boolean;
  /** reload_check_config of the running configuration: run `-t`'s checks (the host too), write them to logFile. */
  readonly check?: { readonly logFile?: string };
}

/** A file read and compiled by the loader, as plain data (it crosses from the worker thread). */
export interface LoadedConfig {
  readonly summary: ConfigSummary;
  /** Every diagnostic as a log line, in file order. */
  readonly messages: readonly { readonly level: 'error' | 'warn'; readonly text: string }[];
  /** A failed include check: keepalived stops "not configured"; never runnable. */
  readonly noConfig?: string;
  /** With `check`: `-t`'s exit status (0: nothing to report). */
  readonly checkStatus?: number;
  /** global_defs reload_check_config of this file (it applies to the next reload). */
  readonly reloadCheckConfig?: { readonly logFile?: string };
  readonly slices: ConfigSlices;
}

export type ConfigLoader = (req: ConfigLoadRequest) => Promise<Result<LoadedConfig>>;

/** Whether a loaded file may replace the running configuration; the reason when not. */
export function reloadVerdict(loaded: LoadedConfig, checked: boolean): { readonly ok: true; readonly note?: string } | { readonly ok: false; readonly reason: string } {
  if (loaded.noConfig !== undefined) return { ok: false, reason: `configuration not usable: ${loaded.noConfig}` };
  if (loaded.summary.unusable !== undefined) return { ok: false, reason: `configuration cannot run: ${loaded.summary.unusable}` };
  if (checked && (loaded.checkStatus ?? 0) !== 0) {
    return { ok: false, reason: `reload_check_config: the configuration test exits ${loaded.checkStatus ?? '?'} (${loaded.summary.errorCount ?? 0} error(s); keepalived-ts -t -f FILE shows them)` };
  }
  const errors = loaded.summary.errorCount ?? 0;
  return errors > 0 ? { ok: true, note: `${errors} configuration error(s) ignored` } : { ok: true };
}

/** A child as the keeper sees it. */
export interface KeeperChild {
  readonly kind: ChildKind;
  readonly running: boolean;
  /** false when the message could not be sent (no IPC channel). */
  send(msg: ParentToChild): boolean;
}

/** What a reload looks like from outside (readiness.ts: RELOADING=1, READY=1, STATUS=). */
export interface ReloadObserver {
  started(): void;
  /** The children were sent generation `generation` (none may be running). */
  sent(generation: number, kinds: readonly ChildKind[]): void;
  /** The reload is over: applied everywhere (ok), refused, or failed in a child. */
  finished(ok: boolean, reason: string | null): void;
}

export interface ConfigKeeperDeps {
  readonly load: ConfigLoader;
  readonly request: (check?: { readonly logFile?: string }) => ConfigLoadRequest;
  readonly log: Logger;
  readonly children: () => readonly KeeperChild[];
  readonly observer: ReloadObserver;
  /** A new configuration is in force (the parent takes child_wait_time etc. from it). */
  readonly accepted: (loaded: LoadedConfig) => void;
}

interface Generation {
  readonly generation: number;
  readonly loaded: LoadedConfig;
}

interface InFlight {
  readonly generation: number;
  readonly waiting: Set<ChildKind>;
  readonly failures: string[];
  readonly note: string | null;
  readonly done: () => void;
}

export class ConfigKeeper {
  private current: Generation | null = null;
  private readonly held = new Map<ChildKind, HeldSlice>();
  private busy = false;
  private queued = false;
  private inFlight: InFlight | null = null;

  constructor(private readonly deps: ConfigKeeperDeps) {}

  get generation(): number {
    return this.current?.generation ?? 0;
  }

  get loaded(): LoadedConfig | null {
    return this.current?.loaded ?? null;
  }

  /** The first read, before any child exists. */
  async initial(): Promise<Result<LoadedConfig>> {
    const r = await this.deps.load(this.deps.request());
    if (r.ok) {
      this.logMessages(r.value);
      this.current = { generation: 1, loaded: r.value };
    }
    return r;
  }

  /** The configuration a child (first start or respawn) starts with: the one in force, whole. */
  startMessage(kind: ChildKind): ParentToChild {
    const cur = this.current;
    if (cur === null) throw new Error('no configuration loaded');
    this.held.set(kind, heldAfter(kind, cur.generation, cur.loaded.slices));
    const unusable = cur.loaded.summary.unusable;
    return { type: 'config', generation: cur.generation, purpose: 'start', payload: slicePayload(kind, cur.generation, cur.loaded.slices, undefined, unusable) };
  }

  /** SIGHUP (or a child asking): reload now, or after the one running. */
  requestReload(): void {
    if (this.busy) {
      if (!this.queued) this.deps.log.info('Reload already in progress: it will run again when this one is done');
      this.queued = true;
      return;
    }
    void this.runReloads();
  }

  /** A child's reload-done. */
  childReloaded(kind: ChildKind, generation: number, ok: boolean, reason?: string): void {
    const f = this.inFlight;
    const cur = this.current;
    if (ok && cur !== null && generation === cur.generation) this.held.set(kind, heldAfter(kind, generation, cur.loaded.slices));
    // After a failure the child's copy is uncertain: its next configuration goes whole.
    if (!ok) this.held.delete(kind);
    if (f === null || f.generation !== generation || !f.waiting.delete(kind)) return;
    if (!ok) f.failures.push(`${kind}: ${reason ?? 'reload failed'}`);
    this.maybeFinish();
  }

  /** A child exited: it holds nothing, and a reload does not wait for it. */
  childGone(kind: ChildKind): void {
    this.held.delete(kind);
    if (this.inFlight?.waiting.delete(kind)) this.maybeFinish();
  }

  private async runReloads(): Promise<void> {
    this.busy = true;
    try {
      do {
        this.queued = false;
        await this.reloadOnce();
      } while (this.queued);
    } finally {
      this.busy = false;
    }
  }

  private async reloadOnce(): Promise<void> {
    const { observer, log } = this.deps;
    observer.started();
    const check = this.current?.loaded.reloadCheckConfig;
    const r = await this.deps.load(this.deps.request(check));
    if (!r.ok) return this.refuse(r.reason);
    this.logMessages(r.value);
    const verdict = reloadVerdict(r.value, check !== undefined);
    if (!verdict.ok) return this.refuse(verdict.reason);
    const generation = this.generation + 1;
    this.current = { generation, loaded: r.value };
    this.deps.accepted(r.value);
    const waiting = new Set<ChildKind>();
    for (const c of this.deps.children()) {
      if (!c.running) continue;
      const payload = slicePayload(c.kind, generation, r.value.slices, this.held.get(c.kind));
      if (c.send({ type: 'config', generation, purpose: 'reload', payload })) waiting.add(c.kind);
    }
    log.debug(`configuration generation ${generation} sent to ${[...waiting].join(', ') || 'no child'}`);
    observer.sent(generation, [...waiting]);
    await new Promise<void>((done) => {
      this.inFlight = { generation, waiting, failures: [], note: verdict.note ?? null, done };
      this.maybeFinish();
    });
  }

  private refuse(reason: string): void {
    this.deps.log.error(`Reload refused, the running configuration stays in force: ${reason}`);
    this.deps.observer.finished(false, reason);
  }

  private maybeFinish(): void {
    const f = this.inFlight;
    if (f === null || f.waiting.size > 0) return;
    this.inFlight = null;
    const ok = f.failures.length === 0;
    this.deps.observer.finished(ok, ok ? f.note : f.failures.join('; '));
    f.done();
  }

  private logMessages(loaded: LoadedConfig): void {
    for (const m of loaded.messages) this.deps.log[m.level](m.text);
  }
}
