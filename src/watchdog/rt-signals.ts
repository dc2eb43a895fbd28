/**
 * Catches every real-time signal (SIGRTMIN..SIGRTMAX) in the calling process — the parent
 * and each child — through the native addon's uv_signal watcher: Node cannot install a
 * handler for a signal it has no name for, and the default action would end the process
 * (the parent: the whole daemon; a child: its VIPs). Each arrival is logged
 * (signal-functions.ts says what) and otherwise ignored.
 */
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { nio, type SignalWatcher } from '../sys/nio.js';
import { realtimeSignalLine } from './signal-functions.js';

/**
 * `log` is read at each arrival (a child has no logger before its Hello). Returns the
 * function that gives the signals their default action back.
 */
export function catchRealtimeSignals(log: () => Logger): () => void {
  const watchers: SignalWatcher[] = [];
  try {
    const addon = nio();
    const { SIGRTMIN, SIGRTMAX } = addon.constants;
    for (let s = SIGRTMIN; s <= SIGRTMAX; s++) {
      watchers.push(new addon.SignalWatcher(s, (signum) => log().info(realtimeSignalLine(signum, SIGRTMIN, SIGRTMAX))));
    }
  } catch (e) {
    log().error(`Cannot catch real-time signals (they would stop this process): ${errorMessage(e)}`, { code: 'KA_ERR_SYS_NATIVE' });
  }
  return () => {
    for (const w of watchers) w.close();
  };
}
