/**
 * The parent's view of start-up and reload as systemd sees it (sd_notify(3), systemd.service(5)
 * Type=notify): READY=1 once every child it started has loaded its configuration (keepalived
 * 2.2.7 waits for the same, then logs "Startup complete"), RELOADING=1 on SIGHUP and READY=1
 * again when every running child has applied the new configuration ("Reload complete"),
 * STOPPING=1 on the way out, and a STATUS= line with the instances per state and the last
 * reload's outcome. Pure: the sender and the clocks are passed in. Only the main process
 * notifies (Debian's unit has no NotifyAccess=all), and the children never see $NOTIFY_SOCKET.
 */
import type { Logger } from '../core/logger.js';
import type { ChildKind } from '../process/options.js';
import type { ReloadInfo } from '../process/control-protocol.js';

export interface NotifyPort {
  send(lines: readonly string[]): boolean;
}

export interface ReadinessDeps {
  readonly log: Logger;
  /** undefined: not started by systemd (no $NOTIFY_SOCKET); everything else still runs. */
  readonly notify: NotifyPort | undefined;
  readonly pid: number;
  readonly wallMs: () => number;
  /** CLOCK_MONOTONIC µs, for RELOADING=1's MONOTONIC_USEC (systemd ≥ 253 Type=notify-reload). */
  readonly monotonicUsec: () => bigint;
}

export class Readiness {
  private readonly started = new Set<ChildKind>();
  private readonly everReady = new Set<ChildKind>();
  private announced = false;
  private reloading = false;
  private lastReloadInfo: ReloadInfo | null = null;
  private statusLine = '';
  private stateSummary = '';
  private notifyFailed = false;

  constructor(private readonly deps: ReadinessDeps) {}

  get ready(): boolean {
    return this.announced;
  }

  get lastReload(): ReloadInfo | null {
    return this.lastReloadInfo;
  }

  /** A child was forked (first start or respawn). */
  childStarted(kind: ChildKind): void {
    this.started.add(kind);
  }

  /** A child loaded its configuration and opened its sockets. */
  childReady(kind: ChildKind): void {
    this.everReady.add(kind);
    this.maybeAnnounce();
  }

  /** All children are started (none when the config has nothing to run). */
  startupDone(): void {
    this.maybeAnnounce();
  }

  /** SIGHUP: the parent reads the file (config-keeper.ts). */
  reloadStarted(): void {
    this.reloading = true;
    this.lastReloadInfo = { atWallMs: this.deps.wallMs(), ok: null, reason: null };
    // Before READY=1 systemd is still waiting for the start-up: READY=1 will come once anyway.
    if (this.announced) this.send([`RELOADING=1`, `MONOTONIC_USEC=${this.deps.monotonicUsec()}`, this.statusText()]);
  }

  /**
   * The reload is over: refused (the running configuration stays), failed in a child, or
   * applied (`reason` then qualifies the success).
   */
  reloadFinished(ok: boolean, reason: string | null): void {
    if (!this.reloading) return;
    this.reloading = false;
    this.lastReloadInfo = { atWallMs: this.lastReloadInfo?.atWallMs ?? this.deps.wallMs(), ok, reason: reason ?? (ok ? null : 'reload failed') };
    if (ok) this.deps.log.info('Reload complete');
    if (this.announced) this.send(['READY=1', this.statusText()]);
  }

  stopping(): void {
    this.send(['STOPPING=1', 'STATUS=Stopping']);
  }

  /** `summary` is the instances per state; sent only when the STATUS= text changes. */
  stateChanged(summary: string): void {
    this.stateSummary = summary;
    if (!this.announced) return;
    const line = this.statusText();
    if (line !== this.statusLine) this.send([line]);
  }

  /** The systemd watchdog keep-alive (the heartbeat decides when). */
  watchdog(): void {
    this.send(['WATCHDOG=1']);
  }

  private statusText(): string {
    const r = this.lastReloadInfo;
    const reload = r === null ? '' : r.ok === null ? '; reloading' : r.ok ? `; last reload OK${r.reason !== null ? ` (${r.reason})` : ''}` : `; last reload FAILED: ${r.reason ?? ''}`;
    return `STATUS=${this.stateSummary || 'running'}${reload}`;
  }

  private maybeAnnounce(): void {
    if (this.announced) return;
    for (const k of this.started) if (!this.everReady.has(k)) return;
    this.announced = true;
    this.deps.log.info('Startup complete');
    this.send(['READY=1', `MAINPID=${this.deps.pid}`, this.statusText()]);
  }

  private send(lines: readonly string[]): void {
    const status = lines.find((l) => l.startsWith('STATUS='));
    if (status !== undefined) this.statusLine = status;
    const n = this.deps.notify;
    if (!n) return;
    const sent = n.send(lines);
    // One log line per outage, not one per notification.
    if (!sent && !this.notifyFailed) this.deps.log.warn('systemd notification could not be sent (is systemd still listening on NOTIFY_SOCKET?)');
    this.notifyFailed = !sent;
  }
}
