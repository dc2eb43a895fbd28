/**
 * Shared pieces of the checker-matrix tests (the real checker child `-C` in a lab host,
 * real backends on a second host): TCP listeners that close or hold connections, a notify
 * script that records its calls, and the DOWN/UP cycle that every checker type goes
 * through, asserted from the log records the daemon stamped itself (`--log-json`, see
 * LabDaemon's jsonLog), so that how late this process reads a pipe is not in any figure:
 *   - away: exactly retry+1 failed attempts (log_all_failures lines), spaced
 *     delay_before_retry + the attempt's own duration (never less; more only by the
 *     daemon's own scheduling, well short of delay_loop), then "… failed after N retries.",
 *     "Removing service …" and notify_down;
 *   - back: the first attempt after the backend is ready succeeds ("… success." /
 *     "… succeed …"), within delay_loop + tolerance, then "Adding service …" and notify_up.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonRecord, LabDaemon } from '../lab/lab-daemon.js';
import type { Lab, LabHost } from '../lab/netns.js';
import { isAlive, nowUs } from '../lab/proc.js';
import { recorderReady, SMTP_RECORDER } from '../notify/helpers.js';
import { waitFor } from '../lab/wait.js';
import { LINES } from '../../src/check/format.js';

const LISTENER = `
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(64)
hold = sys.argv[3] == "hold"
held = []
print("listening", flush=True)
while True:
    c, _ = s.accept()
    if hold: held.append(c)
    else: c.close()
`;

/**
 * A TCP listener in `host`: `close` accepts and closes at once (enough for TCP_CHECK),
 * `hold` accepts and never answers (an HTTP server that hangs). Resolves once listening.
 */
export function startListener(lab: Lab, host: LabHost, port: number, mode: 'close' | 'hold' = 'close'): Promise<ChildProcess> {
  return startReady(lab, host, ['python3', '-c', LISTENER, host.ip4, String(port), mode], /listening/);
}

/** Spawn in `host` and resolve once stdout matches `ready`. */
export function startReady(lab: Lab, host: LabHost, argv: readonly string[], ready: RegExp): Promise<ChildProcess> {
  const p = lab.spawn(host, argv);
  p.stderr?.on('data', () => undefined);
  return new Promise((resolve, reject) => {
    let out = '';
    p.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve(p);
    });
    p.once('exit', (code) => reject(new Error(`${argv.join(' ').slice(0, 80)} exited (${code})`)));
  });
}

/** SIGKILL a process we started and wait for its exit. */
export async function stopProc(p: ChildProcess): Promise<void> {
  if (p.pid !== undefined && isAlive(p.pid)) p.kill('SIGKILL');
  await new Promise((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve(null) : p.once('exit', resolve)));
}

/** Waits until `ss` in the host lists a listening socket on port (tcp or udp). */
export async function waitListening(lab: Lab, host: LabHost, proto: 't' | 'u', port: number): Promise<void> {
  await waitFor(() => lab.exec(host, ['ss', `-Hln${proto}`, `sport = :${port}`]).trim() !== '', 5000, `${proto === 't' ? 'tcp' : 'udp'} port ${port} listening in ${host.name}`);
}

export interface NotifyCall {
  readonly args: string;
  readonly tMs: number;
}

/** A notify script appending `ARGS EPOCH_MS` per call; `calls()` reads them back. */
export function notifyRecorder(dir: string): { script: string; calls: () => NotifyCall[] } {
  const log = join(dir, 'notify.log');
  const script = join(dir, 'notify.sh');
  writeFileSync(script, `#!/bin/sh\necho "$* $(date +%s%3N)" >> ${log}\n`);
  chmodSync(script, 0o755);
  return {
    script,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => {
              const i = l.lastIndexOf(' ');
              return { args: l.slice(0, i), tMs: Number(l.slice(i + 1)) };
            })
        : [],
  };
}

/** One virtual server with one real server and one checker of the type under test. */
export interface MatrixCase {
  readonly tag: string;
  /** FMT_VS / FMT_RS / FMT_CHK of the case. */
  readonly vs: string;
  readonly rs: string;
  readonly chk: string;
  /** checkerUpLine / checkerDownLine of the type (format.ts). */
  readonly upLine: string;
  readonly downLine: string;
  /** The checker's SMTP bodies, keepalived's per-type wording (`=> TCP CHECK failed on service <=`). */
  readonly mail: { readonly down: string; readonly up: string };
  /** How long one failed attempt takes while the backend is away (0 = refused at once). */
  readonly attemptMs: number;
  away(): Promise<void> | void;
  /** Resolves once the backend serves again. */
  back(): Promise<void>;
}

export interface CycleTiming {
  readonly retry: number;
  readonly delayBeforeRetryMs: number;
  readonly delayLoopMs: number;
}

/** Slack for a loaded machine between an action of this process and the daemon's reaction. */
const TOL_MS = 700;
/**
 * A retry is never early (the daemon's timer), and may be late only by the daemon's own
 * scheduling: the bound stays below delay_loop - delay_before_retry (500 ms in the
 * matrices), so a retry that waited delay_loop instead still fails.
 */
const GAP_LATE_MS = 400;
/** Record stamps are whole milliseconds; a script's own duration varies a little. */
const GAP_EARLY_MS = 50;

/** Wall-clock now, whole ms (the daemon's records are whole ms: a floor keeps same-ms records after it). */
export const nowMs = (): number => Math.floor(nowUs() / 1000);
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The log_all_failures line of a checker: `<FMT_CHK>: check failed: <reason>`. */
export const failedAttempt = (chk: string): RegExp => new RegExp(`(?:^|: )${esc(chk)}: check failed: `);

/** The daemon's record ending with `text`, stamped at or after `afterMs`. */
export async function lineAfter(d: LabDaemon, text: string, afterMs: number, timeoutMs: number): Promise<DaemonRecord> {
  return d.waitRecord(new RegExp(`${esc(text)}$`), afterMs, timeoutMs);
}

/**
 * Take every case's backend away at once, assert the DOWN timing and effects per case,
 * bring them back, assert the UP timing and effects (from the daemon's records).
 */
export async function downUpCycle(d: LabDaemon, cases: readonly MatrixCase[], t: CycleTiming, notify: () => NotifyCall[]): Promise<void> {
  const tAway = nowMs();
  await Promise.all(cases.map((c) => c.away()));
  const downs = await Promise.all(
    cases.map(async (c) => {
      const worst = t.delayLoopMs + (t.retry + 1) * (c.attemptMs + t.delayBeforeRetryMs);
      return [c, await lineAfter(d, c.downLine, tAway, worst + 5000)] as const;
    }),
  );
  for (const [c, down] of downs) {
    const fails = d.records().filter((r) => r.tMs >= tAway && r.tMs <= down.tMs && failedAttempt(c.chk).test(r.msg));
    assert.equal(fails.length, t.retry + 1, `${c.tag}: ${t.retry + 1} failed attempts before DOWN, got ${fails.map((f) => f.msg).join(' | ')}`);
    const first = fails[0]!;
    assert.ok(first.tMs - tAway <= t.delayLoopMs + c.attemptMs + TOL_MS, `${c.tag}: first failure ${first.tMs - tAway} ms after the backend went away`);
    const want = t.delayBeforeRetryMs + c.attemptMs;
    console.log(`${c.tag}: retry gaps ${fails.slice(1).map((f, i) => f.tMs - fails[i]!.tMs).join(', ')} ms (delay_before_retry + attempt = ${want})`);
    for (let i = 1; i < fails.length; i++) {
      const gap = fails[i]!.tMs - fails[i - 1]!.tMs;
      assert.ok(gap >= want - GAP_EARLY_MS && gap <= want + GAP_LATE_MS, `${c.tag}: retry ${i} came ${gap} ms after the previous failure (want ${want}, delay_loop would be ${t.delayLoopMs + c.attemptMs})`);
    }
    const span = down.tMs - first.tMs;
    assert.ok(span >= t.retry * (want - GAP_EARLY_MS) && span <= t.retry * (want + GAP_LATE_MS), `${c.tag}: DOWN ${span} ms after the first failure (want ${t.retry} × ${want})`);
    await lineAfter(d, LINES.rsRemove(c.rs, c.vs, false), down.tMs, 2000);
  }
  await waitFor(() => cases.every((c) => notify().some((n) => n.args === `down ${c.tag}`)), 5000, 'notify_down of every case');

  const ready = await Promise.all(
    cases.map(async (c) => {
      await c.back();
      return [c, nowMs()] as const;
    }),
  );
  for (const [c, tReady] of ready) {
    const down = downs.find(([x]) => x === c)![1];
    const up = await lineAfter(d, c.upLine, down.tMs + 1, t.delayLoopMs + c.attemptMs + 8000);
    assert.ok(up.tMs - tReady <= t.delayLoopMs + c.attemptMs + TOL_MS, `${c.tag}: UP ${up.tMs - tReady} ms after the backend came back`);
    // The first attempt that started after the backend was ready succeeded.
    const late = d.records().filter((r) => r.tMs > tReady + c.attemptMs + 100 && r.tMs < up.tMs && failedAttempt(c.chk).test(r.msg));
    assert.deepEqual(late.map((r) => r.msg), [], `${c.tag}: no failure after the backend was back`);
    await lineAfter(d, LINES.rsAdd(c.rs, c.vs, false), up.tMs, 2000);
  }
  await waitFor(() => cases.every((c) => notify().some((n) => n.args === `up ${c.tag}`)), 5000, 'notify_up of every case');
  for (const c of cases) {
    const mine = notify().filter((n) => n.args.endsWith(` ${c.tag}`)).map((n) => n.args);
    assert.deepEqual(mine, [`down ${c.tag}`, `up ${c.tag}`], `${c.tag}: notify_down then notify_up, once each`);
  }
}

/** `real_server` notify lines for a case tag. */
export const notifyLines = (script: string, tag: string): string => `    notify_up "${script} up ${tag}"\n    notify_down "${script} down ${tag}"\n`;

/** The checker child's FIFO and SMTP side effects, observed: an lvs_notify_fifo read by `cat`, mails to smtp-recorder.py. */
export interface EffectsWatch {
  /** global_defs lines that point the daemon at the FIFO and the SMTP recorder. */
  readonly globalDefs: string;
  /** Everything read from the FIFO so far. */
  fifo(): string;
  /** `Subject | body` of every mail received so far, in arrival order. */
  mails(): string[];
  stop(): void;
}

export async function watchEffects(lab: Lab, smtpHost: LabHost, dir: string): Promise<EffectsWatch> {
  const mailDir = join(dir, 'mail');
  mkdirSync(mailDir);
  const smtpd = lab.spawn(smtpHost, ['python3', SMTP_RECORDER, mailDir, smtpHost.ip4, '0']);
  const port = await recorderReady(smtpd);
  const fifo = join(dir, 'lvs.fifo');
  execFileSync('mkfifo', [fifo]);
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  reader.stdout.on('data', (b: Buffer) => (text += b.toString()));
  return {
    globalDefs:
      `  notification_email {\n    admin@example.com\n  }\n  notification_email_from ka@example.com\n` +
      `  smtp_server ${smtpHost.ip4} ${port}\n  smtp_connect_timeout 5\n  lvs_notify_fifo ${fifo}\n`,
    fifo: () => text,
    mails: () =>
      readdirSync(mailDir)
        .map((n) => /^conn-(\d+)\.json$/.exec(n))
        .filter((m): m is RegExpExecArray => m !== null)
        .sort((a, b) => Number(a[1]) - Number(b[1]))
        .map((m) => (JSON.parse(readFileSync(join(mailDir, m[0]), 'utf8')) as { data: string }).data)
        .map((data) => `${/^Subject: (.*)$/m.exec(data)?.[1]?.trim() ?? ''} | ${data.split(/\r?\n\r?\n/)[1]?.trim() ?? ''}`),
    stop: () => {
      for (const p of [smtpd, reader]) if (p.exitCode === null && p.pid !== undefined) p.kill('SIGKILL');
    },
  };
}

/**
 * After a downUpCycle with lvs_notify_fifo and smtp_alert: per case, the FIFO has exactly
 * `RS <rs> <vs> DOWN`, `VS <vs> DOWN`, `RS <rs> <vs> UP`, `VS <vs> UP` after its start-up
 * `VS <vs> UP` line (one RS per VS, quorum 1), and the mails say the same (quorum mails,
 * then the checker's mail, keepalived's order).
 */
export async function assertCycleEffects(fx: EffectsWatch, cases: readonly MatrixCase[], routerId: string): Promise<void> {
  const fifoLines = (vs: string): string[] => fx.fifo().split('\n').filter((l) => l.includes(` ${vs}`) || l === `VS ${vs} UP` || l === `VS ${vs} DOWN`);
  await waitFor(() => cases.every((c) => fifoLines(c.vs).length >= 5), 5000, 'FIFO lines of every case');
  for (const c of cases) {
    assert.deepEqual(fifoLines(c.vs), [`VS ${c.vs} UP`, `RS ${c.rs} ${c.vs} DOWN`, `VS ${c.vs} DOWN`, `RS ${c.rs} ${c.vs} UP`, `VS ${c.vs} UP`], `${c.tag}: FIFO`);
  }
  const mine = (c: MatrixCase): string[] => fx.mails().filter((m) => m.includes(` ${c.vs} - `) || m.includes(`virtual server ${c.vs} - `));
  await waitFor(() => cases.every((c) => mine(c).length >= 5), 10_000, 'mails of every case');
  for (const c of cases) {
    const subjects = mine(c).map((m) => m.slice(0, m.indexOf(' | ')));
    assert.deepEqual(
      subjects,
      [
        `[${routerId}] Virtualserver ${c.vs} - UP`,
        `[${routerId}] Virtualserver ${c.vs} - DOWN`,
        `[${routerId}] Realserver ${c.rs} of virtual server ${c.vs} - DOWN`,
        `[${routerId}] Virtualserver ${c.vs} - UP`,
        `[${routerId}] Realserver ${c.rs} of virtual server ${c.vs} - UP`,
      ],
      `${c.tag}: mail subjects`,
    );
    const bodies = mine(c).map((m) => m.slice(m.indexOf(' | ') + 3));
    assert.deepEqual([bodies[2], bodies[4]], [c.mail.down, c.mail.up], `${c.tag}: checker mail bodies`);
    assert.match(bodies[1]!, /^=> Lost quorum /, `${c.tag}: quorum mail body`);
    assert.match(bodies[3]!, /^=> Gained quorum /, `${c.tag}: quorum mail body`);
  }
}
