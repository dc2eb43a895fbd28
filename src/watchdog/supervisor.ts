/**
 * Supervision of one child process in the watchdog parent: start it (fork + Hello), write
 * its pid file, watch its IPC messages, and when it dies decide — with the pure pieces in
 * exit-status.ts and backoff.ts — whether to terminate the daemon or to respawn it after
 * the rate-limiting delay. Log lines are keepalived 2.2.7's.
 */
import type { ChildProcess } from 'node:child_process';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { assertNever } from '../core/result.js';
import type { CliOptions } from '../process/options.js';
import { INITIAL_BACKOFF, restartDelay, type BackoffState } from './backoff.js';
import type { ChildSpec } from './children.js';
import { classifyExit, describeExit } from './exit-status.js';
import { parseChildToParent, type ChildToParent, type ParentToChild } from '../process/ipc.js';
import { removePidFile, writePidFile } from './pidfile.js';

/** Why a supervisor gives up: the parent then terminates the whole daemon. */
export type SupervisorEnd = { readonly type: 'permanent'; readonly status: number } | { readonly type: 'no-respawn' };

export interface SupervisorDeps {
  readonly spec: ChildSpec;
  readonly options: CliOptions;
  readonly log: Logger;
  readonly clock: Clock;
  /** Start the child process (child_process.fork with an IPC channel). */
  readonly fork: () => ChildProcess;
  /** The Hello to send once the child is forked. */
  readonly hello: () => ParentToChild;
  readonly onEnd: (end: SupervisorEnd) => void;
  /** Observers for the parent's services (readiness, heartbeat, status). */
  readonly onStarted?: () => void;
  readonly onMessage?: (msg: ChildToParent) => void;
  readonly onExit?: () => void;
}

export class ChildSupervisor {
  private child: ChildProcess | undefined;
  private startedAtMs = 0;
  private backoff: BackoffState = INITIAL_BACKOFF;
  private restartTimer: TimerHandle | undefined;
  private stopping: { resolve: () => void; killTimer?: TimerHandle } | undefined;
  private stopPromise: Promise<void> | undefined;
  /** Times this child was forked again after dying. */
  restarts = -1;
  /** The current process reported 'ready'. */
  ready = false;

  constructor(private readonly deps: SupervisorDeps) {}

  /** keepalived's word for the child in log lines (`VRRP`, `Healthcheck`). */
  get title(): string {
    return this.deps.spec.title;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get kind(): ChildSpec['kind'] {
    return this.deps.spec.kind;
  }

  get running(): boolean {
    const c = this.child;
    return c !== undefined && c.pid !== undefined && c.exitCode === null && c.signalCode === null;
  }

  start(): void {
    const { spec, options, log } = this.deps;
    this.restartTimer = undefined;
    const child = this.deps.fork();
    this.child = child;
    this.restarts++;
    this.ready = false;
    this.startedAtMs = this.deps.clock.nowMs();
    const pid = child.pid;
    if (pid === undefined) {
      log.error(`Unable to start ${spec.title} child process`);
      child.once('error', () => undefined);
      this.handleExit(undefined, 1, null);
      return;
    }
    log.info(`Starting ${spec.title} child process, pid=${pid}`);
    const w = writePidFile(spec.pidFile(options), pid);
    if (!w.ok) log.error(w.reason.code === 'KA_ERR_SYS_PIDFILE' ? w.reason.message : 'pid file error', { code: w.reason.code });
    child.on('message', (raw: unknown) => this.onMessage(pid, raw));
    child.on('error', (e) => log.error(`${spec.title} child process(${pid}) error: ${e.message}`));
    child.once('exit', (code, signal) => this.handleExit(pid, code, signal));
    this.deps.onStarted?.();
    this.send(this.deps.hello());
  }

  send(msg: ParentToChild): boolean {
    const c = this.child;
    if (!c || !c.connected) return false;
    c.send(msg, undefined, {}, () => undefined);
    return true;
  }

  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** SIGTERM, then SIGKILL after `waitMs`; resolves when the child is gone. */
  stop(waitMs: number): Promise<void> {
    if (this.stopPromise) return this.stopPromise;
    this.restartTimer?.cancel();
    this.restartTimer = undefined;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.stopPromise = Promise.resolve();
      return this.stopPromise;
    }
    this.stopPromise = new Promise<void>((resolve) => {
      const killTimer = this.deps.clock.setTimer(this.deps.clock.nowMs() + waitMs, () => {
        this.deps.log.info(`${this.deps.spec.title} child process(${child.pid ?? '?'}) did not exit in ${waitMs / 1000} s: killing it`);
        child.kill('SIGKILL');
      });
      this.stopping = { resolve, killTimer };
      child.kill('SIGTERM');
    });
    return this.stopPromise;
  }

  private onMessage(pid: number, raw: unknown): void {
    const m = parseChildToParent(raw);
    const { log, spec } = this.deps;
    if (!m.ok) {
      log.error(`IPC protocol error from ${spec.title} child (${pid}): ${m.reason}`, { code: 'KA_ERR_IPC_PROTOCOL' });
      return;
    }
    const msg = m.value;
    switch (msg.type) {
      case 'hello':
        if (msg.pid !== pid || msg.child !== spec.kind) log.error(`IPC protocol error: hello from ${msg.child} pid ${msg.pid}, expected ${spec.kind} pid ${pid}`, { code: 'KA_ERR_IPC_PROTOCOL' });
        return;
      case 'ready':
        log.debug(`${spec.title} child process(${pid}) ready`);
        this.ready = true;
        break;
      case 'status':
      case 'pong':
        break;
      case 'reload-done':
        if (msg.ok) log.debug(`${spec.title} child process(${pid}) reload done`);
        else log.error(`${spec.title} child reload failed: ${msg.reason ?? 'unknown reason'}`);
        break;
      default:
        assertNever(msg, 'child message');
    }
    this.deps.onMessage?.(msg);
  }

  private handleExit(pid: number | undefined, code: number | null, signal: NodeJS.Signals | null): void {
    const { spec, options, log, clock } = this.deps;
    if (pid !== undefined) removePidFile(spec.pidFile(options), pid);
    this.child = undefined;
    this.ready = false;
    this.deps.onExit?.();
    if (this.stopping) {
      this.stopping.killTimer?.cancel();
      this.stopping.resolve();
      return;
    }
    const exit = classifyExit(code, signal);
    log.info(describeExit(pid ?? 0, exit));
    if (exit.type === 'permanent') {
      this.deps.onEnd({ type: 'permanent', status: exit.status });
      return;
    }
    if (options.dontRespawn) {
      log.info(`${spec.title} child process(${pid ?? 0}) died: Exiting`);
      this.deps.onEnd({ type: 'no-respawn' });
      return;
    }
    log.info(`${spec.title} child process(${pid ?? 0}) died: Respawning`);
    const d = restartDelay(this.backoff, this.startedAtMs, clock.nowMs());
    this.backoff = d.state;
    if (d.limited) log.info(`Restart of ${spec.title} process delayed ${d.delayS} seconds to limit respawn rate`);
    this.restartTimer = clock.setTimer(clock.nowMs() + d.delayS * 1000, () => this.start());
  }
}
