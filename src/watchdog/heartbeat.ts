/**
 * The parent's heartbeat over IPC: every period it pings each running child, which answers
 * from its own event loop (src/watchdog/child-entry.ts), so an answer proves the loop turns.
 * With systemd's WatchdogSec (sd_watchdog_enabled(3): $WATCHDOG_USEC, $WATCHDOG_PID) the
 * period is half the watchdog interval and WATCHDOG=1 is sent only while every child the
 * daemon runs answered the previous ping: a child that is wedged, dead or waiting for its
 * respawn lets systemd's watchdog fire. Pure: the clock is passed in.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { ChildKind } from '../process/options.js';

/** Period without a systemd watchdog: enough to show a stuck child in `status`. */
export const HEARTBEAT_DEFAULT_MS = 5000;

/**
 * The keep-alive period asked for by systemd, or null. $WATCHDOG_PID, when set, must be our
 * pid (the variable may have been inherited from another service manager's child).
 */
export function watchdogPeriodMs(env: Readonly<Record<string, string | undefined>>, pid: number): number | null {
  const usec = env['WATCHDOG_USEC'];
  if (usec === undefined || !/^[0-9]+$/.test(usec)) return null;
  const wpid = env['WATCHDOG_PID'];
  if (wpid !== undefined && wpid !== '' && wpid !== String(pid)) return null;
  const us = Number(usec);
  if (us <= 0) return null;
  // Half the interval (sd_watchdog_enabled(3)), never below 1 ms.
  return Math.max(1, Math.floor(us / 2000));
}

export interface HeartbeatChild {
  readonly kind: ChildKind;
  /** False while the child is not running (before its first start, between respawns). */
  readonly running: boolean;
  ping(seq: number): void;
}

export interface HeartbeatDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly periodMs: number;
  readonly children: () => readonly HeartbeatChild[];
  /** Called when every child answered the previous ping (feed systemd's watchdog). */
  readonly onHealthy?: () => void;
}

interface Beat {
  sent: number;
  answered: number;
  lastAnswerWallMs: number | null;
}

export class Heartbeat {
  private seq = 0;
  private readonly beats = new Map<ChildKind, Beat>();
  private timer: TimerHandle | null = null;
  private complaining = new Set<ChildKind>();

  constructor(private readonly deps: HeartbeatDeps) {}

  start(): void {
    this.arm();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** A child was (re)started: nothing is outstanding for the new process. */
  childStarted(kind: ChildKind): void {
    this.beats.set(kind, { sent: 0, answered: 0, lastAnswerWallMs: null });
  }

  pong(kind: ChildKind, seq: number): void {
    const b = this.beats.get(kind);
    if (!b || seq > b.sent) return;
    b.answered = Math.max(b.answered, seq);
    b.lastAnswerWallMs = this.deps.clock.wallMs();
  }

  lastAnswerWallMs(kind: ChildKind): number | null {
    return this.beats.get(kind)?.lastAnswerWallMs ?? null;
  }

  /** One period: judge the previous ping, then send the next one. */
  tick(): void {
    const children = this.deps.children();
    let healthy = true;
    for (const c of children) {
      const b = this.beats.get(c.kind);
      const ok = c.running && b !== undefined && b.answered === b.sent;
      if (!ok) {
        healthy = false;
        if (!this.complaining.has(c.kind)) this.deps.log.warn(`${c.kind} child process ${c.running ? 'did not answer the heartbeat' : 'is not running'}${this.deps.onHealthy ? ': not feeding the systemd watchdog' : ''}`);
        this.complaining.add(c.kind);
      } else if (this.complaining.delete(c.kind)) this.deps.log.info(`${c.kind} child process answers the heartbeat again`);
    }
    if (healthy) this.deps.onHealthy?.();
    this.seq++;
    for (const c of children) {
      const b = this.beats.get(c.kind);
      if (!c.running || !b) continue;
      b.sent = this.seq;
      c.ping(this.seq);
    }
  }

  private arm(): void {
    this.timer = this.deps.clock.setTimer(this.deps.clock.nowMs() + this.deps.periodMs, () => {
      this.tick();
      this.arm();
    });
  }
}
