/**
 * The contract between the watchdog's child entry and a subsystem runtime (runVrrpChild in
 * src/vrrp/daemon.ts, runCheckerChild in src/check/daemon.ts). Types only, and below both
 * sides so that the subsystems never import the watchdog. A runner starts its subsystem
 * and returns a handle; the child entry owns the process: IPC, signals, exit.
 *
 * Exit statuses: a runner that rejects with a KaError whose code is a configuration code
 * makes the child exit 2 (CONFIG: the parent terminates the daemon, no respawn), a
 * permission problem (errnoCode EPERM/EACCES) exits 4, anything else at startup exits 1
 * (FATAL). An uncaught error after startup exits 70 and is respawned.
 */
import type { Logger } from '../core/logger.js';
import type { CliOptions } from './options.js';
import type { ChildToParent } from './ipc.js';

/** The child's side of the IPC channel. */
export interface ChildIpc {
  /** Send to the parent; silently dropped when the channel is gone. */
  send(msg: ChildToParent): void;
  readonly connected: boolean;
}

export interface ChildContext {
  readonly configPath: string;
  readonly options: CliOptions;
  readonly log: Logger;
  readonly ipc: ChildIpc;
}

export interface ChildHandle {
  /** SIGHUP: re-read the configuration and apply the difference. */
  reload(): Promise<void>;
  /** SIGTERM: leave MASTER cleanly (priority-0 advert, remove VIPs…), release resources. */
  shutdown(): Promise<void>;
  /** SIGUSR1: write the .data dump. */
  dumpData?(): void;
  /** SIGUSR2: write the .stats dump. */
  dumpStats?(): void;
  /** The parent wants a full status update (src/process/status.ts). */
  requestStatus?(): void;
  /** JSON (SIGRTMIN+2): write keepalived.json. */
  dumpJson?(): void;
  /** STATS_CLEAR (SIGRTMAX-1): write the .stats dump, then set every counter back to zero. */
  clearStats?(): void;
  /** TDUMP (SIGRTMAX): the subsystem's timers, one log line each (the child entry adds the process's). */
  timerDump?(): readonly string[];
}

export type ChildRunner = (ctx: ChildContext) => Promise<ChildHandle>;
