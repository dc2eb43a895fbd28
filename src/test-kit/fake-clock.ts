/**
 * A manual Clock for tests and simulations: time moves only when the test advances it, and due
 * timers run in deadline order (ties in the order they were set), each seeing nowMs() equal to
 * its own deadline. Deterministic, so a seeded simulation replays exactly.
 */
import type { Clock, TimerHandle } from '../core/clock.js';

interface Pending {
  readonly atMs: number;
  readonly seq: number;
  readonly cb: () => void;
  cancelled: boolean;
}

export class FakeClock implements Clock {
  private now: number;
  private readonly wallOffsetMs: number;
  private seq = 0;
  /** Kept sorted by (atMs, seq); simulations hold at most a few hundred timers. */
  private queue: Pending[] = [];

  constructor(opts: { startMs?: number; wallOffsetMs?: number } = {}) {
    this.now = opts.startMs ?? 0;
    this.wallOffsetMs = opts.wallOffsetMs ?? 1_700_000_000_000;
  }

  nowMs(): number {
    return this.now;
  }

  wallMs(): number {
    return this.wallOffsetMs + this.now;
  }

  setTimer(atMs: number, cb: () => void): TimerHandle {
    const t: Pending = { atMs: Math.max(atMs, this.now), seq: this.seq++, cb, cancelled: false };
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.atMs > t.atMs) i--;
    this.queue.splice(i, 0, t);
    return {
      cancel: () => {
        t.cancelled = true;
      },
    };
  }

  /** Number of live (not cancelled) timers. */
  pending(): number {
    return this.queue.filter((t) => !t.cancelled).length;
  }

  /** Deadline of the next live timer, or null. */
  nextAtMs(): number | null {
    this.dropCancelled();
    return this.queue[0]?.atMs ?? null;
  }

  /** Run every timer due at or before `targetMs` (including ones they set), then set now = targetMs. */
  advanceTo(targetMs: number): void {
    if (targetMs < this.now) throw new Error(`FakeClock cannot go back (${targetMs} < ${this.now})`);
    for (;;) {
      this.dropCancelled();
      const t = this.queue[0];
      if (t === undefined || t.atMs > targetMs) break;
      this.queue.shift();
      this.now = t.atMs;
      t.cb();
    }
    this.now = targetMs;
  }

  advance(ms: number): void {
    this.advanceTo(this.now + ms);
  }

  /** Run the next live timer only; returns false when none is pending. */
  runNext(): boolean {
    this.dropCancelled();
    const t = this.queue.shift();
    if (t === undefined) return false;
    this.now = Math.max(this.now, t.atMs);
    t.cb();
    return true;
  }

  private dropCancelled(): void {
    while (this.queue.length > 0 && this.queue[0]!.cancelled) this.queue.shift();
  }
}
