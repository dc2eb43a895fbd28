/**
 * Many deadlines on one Clock timer: a binary min-heap ordered by (deadline, insertion),
 * so 12,000 checkers cost one armed timer instead of a Node Timeout (and a closure) per
 * run, and runs that fall due together start in one batch. Used by the checker child's
 * scheduler; pure over the injected Clock (a FakeClock drives it in tests).
 */
import type { Clock, TimerHandle } from '../core/clock.js';

export class TimerQueue<T> {
  // Parallel arrays: no allocation per add.
  private readonly dues: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];
  private seq = 0;
  private timer: TimerHandle | null = null;
  private armedAtMs = Infinity;
  private firing = false;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (item: T) => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** Call onDue(item) at monotonic time `atMs` (at once, in the next batch, if past). */
  add(item: T, atMs: number): void {
    let i = this.items.length;
    this.dues.push(atMs);
    this.seqs.push(this.seq++);
    this.items.push(item);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.before(i, up)) break;
      this.swap(i, up);
      i = up;
    }
    if (!this.firing && atMs < this.armedAtMs) this.arm();
  }

  /** Drop every pending deadline. */
  clear(): void {
    this.timer?.cancel();
    this.timer = null;
    this.armedAtMs = Infinity;
    this.dues.length = 0;
    this.seqs.length = 0;
    this.items.length = 0;
  }

  private fire(): void {
    this.timer = null;
    this.armedAtMs = Infinity;
    const now = this.clock.nowMs();
    this.firing = true;
    try {
      // A real timer may fire a fraction of a millisecond early: then nothing is due and
      // the timer is armed again for the same deadline.
      while (this.items.length > 0 && this.dues[0]! <= now) this.onDue(this.pop());
    } finally {
      this.firing = false;
      if (this.items.length > 0) this.arm();
    }
  }

  private arm(): void {
    this.timer?.cancel();
    const at = this.dues[0]!;
    this.armedAtMs = at;
    this.timer = this.clock.setTimer(at, () => this.fire());
  }

  private pop(): T {
    const top = this.items[0]!;
    const last = this.items.length - 1;
    this.swap(0, last);
    this.dues.pop();
    this.seqs.pop();
    this.items.pop();
    let i = 0;
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.before(r, l) ? r : l;
      if (!this.before(m, i)) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const da = this.dues[a]!;
    const db = this.dues[b]!;
    return da < db || (da === db && this.seqs[a]! < this.seqs[b]!);
  }

  private swap(a: number, b: number): void {
    if (a === b) return;
    const d = this.dues[a]!;
    this.dues[a] = this.dues[b]!;
    this.dues[b] = d;
    const s = this.seqs[a]!;
    this.seqs[a] = this.seqs[b]!;
    this.seqs[b] = s;
    const it = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = it;
  }
}
