/**
 * The settle-once guard every socket probe wraps its attempt in: one outcome, then the
 * deadline timer and the abort listener are dropped and the socket released.
 */
import type { ProbeOutcome } from '../probe.js';

/**
 * Starts a probe deadline that lets pending I/O go first: Node runs expired timers before
 * it polls sockets, so when the event loop lags (thousands of checks at once) a deadline
 * would otherwise fail an attempt whose answer already sits in the kernel. The expiry waits
 * for two poll phases (setImmediate twice): libuv stops reading a socket after a short read,
 * so a response and its EOF that arrived together are seen in two successive polls.
 * clearTimeout() cancels it only before it fires: `onExpire` must be settle-once.
 */
export function ioDeadline(timeoutMs: number, onExpire: () => void): NodeJS.Timeout {
  return setTimeout(deferExpiry, timeoutMs, onExpire);
}

function deferExpiry(onExpire: () => void): void {
  // An immediate queued from an immediate runs in the next loop iteration, after its poll.
  setImmediate(setImmediate, onExpire);
}

export interface AttemptGuard {
  /** Resolves the attempt (first call wins) and releases its resources. */
  finish(o: ProbeOutcome): void;
  readonly finished: boolean;
}

export interface AttemptGuardOptions {
  readonly timeoutMs: number;
  readonly onTimeout: () => ProbeOutcome;
  readonly signal?: AbortSignal | undefined;
  /** Closes the attempt's socket; called once, before resolving. */
  readonly release: () => void;
}

export function guardAttempt(resolve: (o: ProbeOutcome) => void, opts: AttemptGuardOptions): AttemptGuard {
  let done = false;
  const onAbort = (): void => finish({ type: 'failure', reason: 'aborted' });
  const timer = ioDeadline(opts.timeoutMs, () => finish(opts.onTimeout()));
  function finish(o: ProbeOutcome): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    try {
      opts.release();
    } finally {
      resolve(o);
    }
  }
  if (opts.signal?.aborted === true) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    finish,
    get finished() {
      return done;
    },
  };
}

/**
 * A probe's lifetime: close() aborts every attempt in flight (each then resolves 'aborted'
 * and releases its socket) and every later one.
 */
export interface ProbeLifetime {
  /** The signal an attempt should obey: its own (if any) or the probe being closed. */
  signal(attempt?: AbortSignal): AbortSignal;
  close(): void;
}

export function probeLifetime(): ProbeLifetime {
  const closing = new AbortController();
  return {
    signal: (attempt) => (attempt === undefined ? closing.signal : AbortSignal.any([attempt, closing.signal])),
    close: () => closing.abort(),
  };
}
