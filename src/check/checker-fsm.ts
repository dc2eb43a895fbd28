/**
 * One health checker's state machine (keepalived.conf(5): `retry`, `delay_before_retry`,
 * `delay_loop` of a checker), pure: no timers, no I/O; the caller passes the probe result
 * and gets back the delay before the next run and the transition, if any. Runs in the
 * checker child, one per checker block of a real server.
 *
 * The counting follows keepalived's checkers: a success, or a failure with the retry
 * budget spent, resets the budget and waits delay_loop; any other failure spends one retry
 * and waits delay_before_retry. So an UP checker goes DOWN after retry+1 consecutive
 * failures, a DOWN one comes UP on its first success, and the very first result (no run
 * yet) is applied at once because the budget starts spent.
 *
 * HTTP_GET/SSL_GET test one url per run: a full pass with every url OK makes the checker
 * UP; a failing url is retried, then the checker is DOWN and only that url is polled until
 * it passes; then every url is checked again, one per delay_loop (at once with fast_recovery).
 */
import type { CheckerTiming } from '../config/lvs/model.js';

export interface CheckerFsmParams {
  readonly retry: number;
  readonly delayBeforeRetryMs: number;
  readonly delayLoopMs: number;
  readonly warmupMs: number;
  readonly alpha: boolean;
  /** 1 for every checker but HTTP_GET/SSL_GET. */
  readonly urlCount: number;
  readonly fastRecovery: boolean;
}

export interface CheckerFsmState {
  /** Checker considered up (non-alpha checkers start up, alpha ones start failed). */
  readonly up: boolean;
  /** A result has been applied (the first one always is). */
  readonly hasRun: boolean;
  /** Retries spent on the current run of failures. */
  readonly retryIt: number;
  /** Next url of the pass (HTTP); 0 for other checkers. */
  readonly urlIndex: number;
  /** The url that made the checker fail; only it is polled until it passes (HTTP). */
  readonly failedUrl: number | null;
}

export type CheckerTransition =
  | { readonly type: 'up' }
  /** `retries` = failures after the first (0 = "failed." without "after N retries"). */
  | { readonly type: 'down'; readonly retries: number };

export interface CheckerStep {
  readonly state: CheckerFsmState;
  /** Delay before the next probe run. */
  readonly delayMs: number;
  /** 'up' also on the first success of a checker that started up (keepalived logs it). */
  readonly transition?: CheckerTransition;
  /** A url (HTTP) passed while the checker was not yet up: keepalived logs each one. */
  readonly urlPassed?: number;
}

export function fsmParams(timing: CheckerTiming, extra: { urlCount?: number; fastRecovery?: boolean } = {}): CheckerFsmParams {
  return {
    retry: timing.retry,
    delayBeforeRetryMs: timing.delayBeforeRetryMs,
    delayLoopMs: timing.delayLoopMs,
    warmupMs: timing.warmupMs,
    alpha: timing.alpha,
    urlCount: Math.max(1, extra.urlCount ?? 1),
    fastRecovery: extra.fastRecovery ?? false,
  };
}

export function initialCheckerState(p: CheckerFsmParams): CheckerFsmState {
  return { up: !p.alpha, hasRun: false, retryIt: p.retry, urlIndex: 0, failedUrl: null };
}

/** Delay of the first run: uniform in [0, warmupMs] (`random` in [0, 1)). */
export function firstRunDelayMs(p: CheckerFsmParams, random: () => number): number {
  return p.warmupMs > 0 ? Math.floor(random() * (p.warmupMs + 1)) : 0;
}

/** Which url the next run tests. */
export function nextUrl(s: CheckerFsmState): number {
  return s.failedUrl ?? s.urlIndex;
}

/** Apply one probe result. */
export function applyResult(p: CheckerFsmParams, s: CheckerFsmState, success: boolean): CheckerStep {
  const url = nextUrl(s);
  const recovering = !s.up || !s.hasRun;
  if (success) {
    const urlPassed = recovering ? { urlPassed: url } : {};
    // The url that failed passes again: re-check the whole list from the start.
    const next = s.failedUrl !== null ? 0 : url + 1;
    if (next >= p.urlCount) {
      const state: CheckerFsmState = { up: true, hasRun: true, retryIt: 0, urlIndex: 0, failedUrl: null };
      return recovering ? { state, delayMs: p.delayLoopMs, transition: { type: 'up' }, ...urlPassed } : { state, delayMs: p.delayLoopMs };
    }
    const state: CheckerFsmState = { ...s, retryIt: 0, urlIndex: next, failedUrl: null };
    return { state, delayMs: recovering && s.hasRun && p.fastRecovery ? 0 : p.delayLoopMs, ...urlPassed };
  }
  // A retry tests the same url again (urlIndex is not advanced).
  if (s.retryIt < p.retry) return { state: { ...s, retryIt: s.retryIt + 1 }, delayMs: p.delayBeforeRetryMs };
  const state: CheckerFsmState = { up: false, hasRun: true, retryIt: 0, urlIndex: 0, failedUrl: p.urlCount > 1 ? url : null };
  if (s.up || !s.hasRun) {
    return { state, delayMs: p.delayLoopMs, transition: { type: 'down', retries: s.hasRun ? p.retry : 0 } };
  }
  return { state, delayMs: p.delayLoopMs };
}
