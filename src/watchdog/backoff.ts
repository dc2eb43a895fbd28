/**
 * Respawn rate limiting for the watchdog (parent process), as keepalived does it: a child
 * that dies after running less than 60 s is restarted after 0, 1, 2, 4 … 60 s on successive
 * quick deaths (Debian's 2.2.7 logs "Restart of VRRP process delayed 0 seconds" for the
 * first one); a child that ran at least 60 s is restarted at once and the series starts
 * over. Pure: times are passed in.
 */
export const HEALTHY_RUN_MS = 60_000;
export const MAX_RESTART_DELAY_S = 60;

export interface BackoffState {
  /** Delay to apply to the next quick death, seconds. */
  readonly nextDelayS: number;
}

export const INITIAL_BACKOFF: BackoffState = { nextDelayS: 0 };

export interface RestartDecision {
  readonly delayS: number;
  /** The child died quickly: keepalived then logs "Restart of … delayed N seconds to limit respawn rate". */
  readonly limited: boolean;
  readonly state: BackoffState;
}

/** When to restart a child that started at `startedAtMs` and died at `diedAtMs` (monotonic). */
export function restartDelay(state: BackoffState, startedAtMs: number, diedAtMs: number): RestartDecision {
  if (diedAtMs - startedAtMs >= HEALTHY_RUN_MS) return { delayS: 0, limited: false, state: INITIAL_BACKOFF };
  const delayS = state.nextDelayS;
  const nextDelayS = delayS === 0 ? 1 : Math.min(delayS * 2, MAX_RESTART_DELAY_S);
  return { delayS, limited: true, state: { nextDelayS } };
}
