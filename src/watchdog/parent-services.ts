/**
 * What the parent runs besides supervising: systemd notifications (readiness.ts), the IPC
 * heartbeat that feeds systemd's watchdog (heartbeat.ts), and the status service behind the
 * control socket (status-service.ts, docs/status-api.md). This file builds the real
 * adapters for them — the $NOTIFY_SOCKET datagram socket and the control socket beside the
 * pid file — and joins them to the child supervisors; the decisions live in the pure files.
 */
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { assertNever } from '../core/result.js';
import { controlSocketPath, errorResponse, MAX_REQUEST_BYTES } from '../process/control-protocol.js';
import type { ChildToParent, ResumeInfo, ResumedInstance } from '../process/ipc.js';
import type { ChildKind, CliOptions } from '../process/options.js';
import { COMPAT_VERSION, KTS_VERSION } from '../process/version.js';
import { openControlServer, type ControlServer } from '../sys/control-socket.js';
import { monotonicUsec, openSdNotify, type SdNotifier } from '../sys/sd-notify-socket.js';
import { Heartbeat, HEARTBEAT_DEFAULT_MS, watchdogPeriodMs } from './heartbeat.js';
import type { ReloadObserver } from './config-keeper.js';
import { Readiness } from './readiness.js';
import { StatusService } from './status-service.js';
import type { ChildSupervisor } from './supervisor.js';

export interface SupervisorHooks {
  readonly onStarted: () => void;
  readonly onMessage: (msg: ChildToParent) => void;
  readonly onExit: (crashed: boolean) => void;
}

export interface ParentServices {
  hooks(kind: ChildKind): SupervisorHooks;
  /** After the supervisors exist and were started. */
  start(supervisors: readonly ChildSupervisor[]): void;
  /** RELOADING=1 / READY=1 and STATUS= around a reload (config-keeper.ts drives it). */
  readonly reload: ReloadObserver;
  /** STOPPING=1; the control socket closes and the heartbeat stops. */
  stop(): void;
  /** What the child of `kind` held when it last died (once: taken by the hello of its successor). */
  takeResume(kind: ChildKind): ResumeInfo | undefined;
}

/** The variables sd_notify(3) reads; removed from our environment so children never notify. */
const SYSTEMD_ENV = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID'] as const;

export function openParentServices(deps: { readonly options: CliOptions; readonly log: Logger; readonly clock: Clock }): ParentServices {
  const { options, log, clock } = deps;
  const env = { ...process.env };
  for (const k of SYSTEMD_ENV) delete process.env[k];
  const notifier: SdNotifier | undefined = openSdNotify(env['NOTIFY_SOCKET'], (m) => log.warn(m));
  const watchdogMs = notifier ? watchdogPeriodMs(env, process.pid) : null;
  let supervisors: readonly ChildSupervisor[] = [];

  const readiness = new Readiness({ log, notify: notifier, pid: process.pid, wallMs: () => clock.wallMs(), monotonicUsec });
  const heartbeat = new Heartbeat({
    clock,
    log,
    periodMs: watchdogMs ?? HEARTBEAT_DEFAULT_MS,
    children: () => supervisors.map((s) => ({ kind: s.kind, running: s.running, ping: (seq: number) => void s.send({ type: 'ping', seq }) })),
    ...(watchdogMs !== null ? { onHealthy: () => readiness.watchdog() } : {}),
  });
  const status = new StatusService({
    clock,
    pid: process.pid,
    version: KTS_VERSION,
    compatibleWith: COMPAT_VERSION,
    configFile: options.configFile,
    startedAtWallMs: clock.wallMs(),
    children: () =>
      supervisors.map((s) => ({
        kind: s.kind,
        pid: s.pid,
        ready: s.ready,
        restarts: Math.max(0, s.restarts),
        lastHeartbeatWallMs: heartbeat.lastAnswerWallMs(s.kind),
        requestFull: () => void s.send({ type: 'status-request' }),
      })),
    daemon: () => ({ ready: readiness.ready, lastReload: readiness.lastReload }),
    onSummary: (summary) => readiness.stateChanged(summary),
  });
  let control: ControlServer | undefined;
  const resume = new Map<ChildKind, ResumeInfo>();

  return {
    hooks: (kind) => ({
      onStarted: () => {
        readiness.childStarted(kind);
        heartbeat.childStarted(kind);
      },
      onMessage: (msg) => {
        switch (msg.type) {
          case 'ready':
            readiness.childReady(kind);
            return;
          case 'status':
            status.update(kind, msg.update);
            return;
          case 'pong':
            heartbeat.pong(kind, msg.seq);
            return;
          case 'reload-done':
          case 'reload-request':
          case 'hello':
            // The reload's outcome is the config keeper's (config-keeper.ts).
            return;
          default:
            assertNever(msg, 'child message');
        }
      },
      onExit: (crashed) => {
        // The last reported state of each instance, before it is forgotten: a VRRP child
        // restarted after a crash resumes what it held instead of starting over (no failover).
        // A clean exit (a stop) resigned: its successor starts over.
        const held = status.store.instancesOf(kind).flatMap((i): ResumedInstance[] =>
          i.state === 'MASTER' || i.state === 'BACKUP' ? [{ name: i.name, state: i.state, vrid: i.vrid, family: i.family, interface: i.interface }] : [],
        );
        if (crashed && held.length > 0) resume.set(kind, { exitedAtWallMs: Math.round(clock.wallMs()), instances: held });
        else resume.delete(kind);
        status.childGone(kind);
      },
    }),
    start(list) {
      supervisors = list;
      const path = controlSocketPath(options.pidFile);
      try {
        control = openControlServer({
          path,
          maxRequestBytes: MAX_REQUEST_BYTES,
          handle: (line) => status.handleLine(line),
          refusal: (peer) => JSON.stringify(errorResponse('KA_ERR_CTL_PERMISSION', `uid ${peer.uid} may not use the control socket (root only)`)),
          malformed: (reason) => JSON.stringify(errorResponse('KA_ERR_CTL_REQUEST', reason)),
          onError: (m) => log.warn(m),
        });
      } catch (e) {
        log.warn(`No control socket (keepalived-ts status will not answer): ${path}: ${errorMessage(e)}`);
      }
      heartbeat.start();
      readiness.startupDone();
    },
    reload: {
      started: () => readiness.reloadStarted(),
      sent: () => undefined,
      finished: (ok, reason) => readiness.reloadFinished(ok, reason),
    },
    takeResume(kind) {
      const r = resume.get(kind);
      resume.delete(kind);
      return r;
    },
    stop() {
      readiness.stopping();
      heartbeat.stop();
      control?.close();
      notifier?.close();
    },
  };
}
