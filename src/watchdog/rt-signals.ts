/**
 * Catches every real-time signal (SIGRTMIN..SIGRTMAX) in the calling process — the parent
 * and each child — through the native addon's uv_signal watcher: Node cannot install a
 * handler for a signal it has no name for, and the default action would end the process
 * (the parent: the whole daemon; a child: its VIPs). A signal carrying one of keepalived's
 * functions (JSON, STATS_CLEAR, TDUMP; signal-functions.ts) goes to the process's handler for
 * it; any other, or one this process has no handler for, is logged and ignored.
 */
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { RealtimeSignalFunction } from '../process/ipc.js';
import { nio, type SignalWatcher } from '../sys/nio.js';
import { ignoredRealtimeSignalLine, realtimeFunction, timerDumpHeading } from './signal-functions.js';

export type RealtimeHandlers = Partial<Record<RealtimeSignalFunction, () => void>>;

/**
 * `log` and `handlers` are read at each arrival (a child has neither before its Hello).
 * Returns the function that gives the signals their default action back.
 */
export function catchRealtimeSignals(log: () => Logger, handlers: () => RealtimeHandlers = () => ({})): () => void {
  const watchers: SignalWatcher[] = [];
  try {
    const addon = nio();
    const { SIGRTMIN, SIGRTMAX } = addon.constants;
    const onSignal = (signum: number): void => {
      const fn = realtimeFunction(signum, SIGRTMIN, SIGRTMAX);
      const handler = fn !== undefined ? handlers()[fn] : undefined;
      if (handler) handler();
      else log().info(ignoredRealtimeSignalLine(signum, SIGRTMIN, SIGRTMAX));
    };
    for (let s = SIGRTMIN; s <= SIGRTMAX; s++) watchers.push(new addon.SignalWatcher(s, onSignal));
  } catch (e) {
    log().error(`Cannot catch real-time signals (they would stop this process): ${errorMessage(e)}`, { code: 'KA_ERR_SYS_NATIVE' });
  }
  return () => {
    for (const w of watchers) w.close();
  };
}

/**
 * TDUMP's answer (keepalived-ts's stand-in for keepalived's thread dump): a heading, what keeps
 * this process's event loop busy (Node's active resources by type: timers, sockets, pending
 * file requests, child processes) and the subsystem's own timers, one log line each.
 */
export function timerDumpLines(who: string, subsystem: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  const loop = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([r, n]) => `${r} ${n}`).join(', ');
  return [timerDumpHeading(who, process.pid), `  event loop: ${loop === '' ? 'idle' : loop}`, ...subsystem.map((l) => `  ${l}`)];
}
