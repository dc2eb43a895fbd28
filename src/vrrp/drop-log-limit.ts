/**
 * Rate limit of the VRRP child's per-packet drop log lines (issue: a flood of bad adverts wrote
 * 166k lines in 4 s). keepalived logs every drop; we log the first `burst` lines of each drop
 * reason per window, count the rest, and say how many were suppressed once the window is over.
 * The drop counters (drop-counters.ts, the .stats dump, the status) stay exact: only the log is
 * limited. Pure: the caller passes the monotonic time and logs what it is told to.
 */

export interface DropLogLimits {
  /** Lines logged per reason and window before suppression starts. */
  readonly burst: number;
  readonly windowMs: number;
}

export const DEFAULT_DROP_LOG_LIMITS: DropLogLimits = { burst: 10, windowMs: 10_000 };

interface Window {
  startMs: number;
  logged: number;
  suppressed: number;
}

export class DropLogLimiter {
  private readonly windows = new Map<string, Window>();

  /**
   * `suppressionStarted(windowEndMs)`: a reason's first line was suppressed in its window; the
   * caller logs summaries() then (a timer), in case no later drop does it.
   */
  constructor(
    private readonly limits: DropLogLimits = DEFAULT_DROP_LOG_LIMITS,
    private readonly suppressionStarted?: (windowEndMs: number) => void,
  ) {}

  /**
   * One drop of `reason` wants a line: true to log it. A window that has ended starts over,
   * its suppressed count then comes out of summaries().
   */
  admit(reason: string, nowMs: number): boolean {
    let w = this.windows.get(reason);
    if (w !== undefined && nowMs - w.startMs >= this.limits.windowMs && w.suppressed === 0) {
      w.startMs = nowMs;
      w.logged = 0;
    }
    if (w === undefined) {
      w = { startMs: nowMs, logged: 0, suppressed: 0 };
      this.windows.set(reason, w);
    }
    if (w.logged < this.limits.burst && nowMs - w.startMs < this.limits.windowMs) {
      w.logged++;
      return true;
    }
    if (w.suppressed++ === 0) this.suppressionStarted?.(w.startMs + this.limits.windowMs);
    return false;
  }

  /**
   * One line per reason whose window is over with lines suppressed (the window then starts
   * over); the caller logs them before its next line and from a periodic timer, so a flood
   * that stops is still accounted for.
   */
  summaries(nowMs: number): string[] {
    const out: string[] = [];
    for (const [reason, w] of this.windows) {
      if (nowMs - w.startMs < this.limits.windowMs) continue;
      if (w.suppressed > 0) {
        const s = this.limits.windowMs / 1000;
        out.push(`VRRP receive log (${reason}): ${w.suppressed} more line(s) suppressed in ${s} s; the counters have every packet`);
      }
      this.windows.delete(reason);
    }
    return out;
  }
}
