/**
 * Time as the cores see it: a monotonic millisecond clock (fractional) and one-shot
 * timers. Cores never read the system clock; the real clock lives in real-clock.ts and
 * tests use test-kit/fake-clock.ts.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds (fractional), arbitrary origin. */
  nowMs(): number;
  /** Wall-clock milliseconds since the Unix epoch (for dumps and logs only). */
  wallMs(): number;
  /** Run `cb` once at monotonic time `atMs` (or as soon as possible if in the past). */
  setTimer(atMs: number, cb: () => void): TimerHandle;
}
