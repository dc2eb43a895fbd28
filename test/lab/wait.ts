/**
 * The one poll-until helper of the multi-process tests and benchmarks: what they wait for
 * (a log line, a pid file, a VIP, a frame on the wire) lives in another process or the
 * kernel, so it is polled. A bound is a failure with a message that says what was awaited,
 * never a silent pass.
 */
import { sleep } from './proc.js';

export interface WaitOptions {
  /** Poll period (default 20 ms). */
  readonly pollMs?: number;
}

/**
 * Polls `probe` until it returns a truthy value and resolves with that value. Rejects with
 * "timed out after `ms` ms waiting for `what`" once `ms` have passed, and with the probe's
 * own error if it throws (a probe throws to give up early, e.g. when the daemon died).
 */
export async function waitFor<T>(probe: () => T, ms: number, what: string | (() => string), opts: WaitOptions = {}): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v as Exclude<T, undefined | null | false | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(opts.pollMs ?? 20);
  }
}
