/** The process clock: performance.now() for monotonic time, setTimeout for timers. */
import type { Clock, TimerHandle } from './clock.js';

export const realClock: Clock = {
  nowMs: () => performance.now(),
  wallMs: () => Date.now(),
  setTimer(atMs: number, cb: () => void): TimerHandle {
    const t = setTimeout(cb, Math.max(0, atMs - performance.now()));
    return { cancel: () => clearTimeout(t) };
  },
};
