/**
 * TCP_CHECK (keepalived.conf(5)): a non-blocking connect to connect_ip:connect_port
 * (optionally from bindto:bind_port) that must complete within connect_timeout; the
 * socket is closed at once. Runs in the checker child. `connectTcp` is also the connect
 * step of HTTP_GET/SSL_GET and genhash.
 *
 * TCP_CHECK itself connects through the native addon where it can (tcp-native.ts: no
 * net.Socket per check). On the net.Socket path, `fwmark` (SO_MARK) and `bind_if`
 * (SO_BINDTODEVICE) cannot be set on a socket Node creates, so with either one the socket
 * is opened by the native addon, configured, and handed to net.Socket, which connects it.
 */
import { Socket, connect, type TcpSocketConnectOpts } from 'node:net';
import { K, nio } from '../../sys/nio.js';
import type { CheckerConnection, TcpCheckConfig } from '../../config/lvs/model.js';
import { fail, ok, type Result } from '../../core/result.js';
import type { Probe, ProbeAttempt, ProbeEnv, ProbeOutcome } from '../probe.js';
import { ioDeadline } from './attempt-guard.js';
import { nativeTcpConnector } from './tcp-native.js';
import { socketErrorReason } from './socket-error.js';

export { socketErrorReason } from './socket-error.js';

/** A not yet connected TCP socket carrying SO_MARK / SO_BINDTODEVICE. */
function markedSocket(conn: CheckerConnection): Result<Socket, string> {
  const n = nio();
  const k = K();
  let fd: number;
  try {
    fd = n.socket(conn.family === 6 ? k.AF_INET6 : k.AF_INET, k.SOCK_STREAM, 0);
  } catch (e) {
    return fail(`cannot open a socket: ${socketErrorReason(e)}`);
  }
  try {
    if (conn.fwmark !== undefined) n.setsockopt(fd, k.SOL_SOCKET, k.SO_MARK, conn.fwmark);
    if (conn.bindIf !== undefined) n.setsockopt(fd, k.SOL_SOCKET, k.SO_BINDTODEVICE, Buffer.from(`${conn.bindIf}\0`));
  } catch (e) {
    n.close(fd);
    const what = conn.fwmark !== undefined ? `fwmark ${conn.fwmark}` : '';
    return fail(`cannot set ${[what, conn.bindIf !== undefined ? `bind_if ${conn.bindIf}` : ''].filter(Boolean).join('/')}: ${socketErrorReason(e)}`);
  }
  return ok(new Socket({ fd, readable: true, writable: true }));
}

function remoteHost(conn: CheckerConnection): string {
  const linkLocal = conn.family === 6 && /^fe[89ab]/i.test(conn.connectIp);
  return linkLocal && conn.bindIf !== undefined && !conn.connectIp.includes('%') ? `${conn.connectIp}%${conn.bindIf}` : conn.connectIp;
}

/** Called once with the connected socket (the caller owns it) or the failure reason. */
type ConnectDone = (r: Result<Socket, string>) => void;

/**
 * The connect without promises or AbortSignals (a TCP_CHECK is thousands of these a
 * second): `done` is called exactly once; the returned function cancels ('aborted').
 */
function startConnect(conn: CheckerConnection, timeoutMs: number, done: ConnectDone): () => void {
  let settled = false;
  const settleOnce = (r: Result<Socket, string>): void => {
    if (settled) return;
    settled = true;
    done(r);
  };
  if (conn.connectPort <= 0 || conn.connectPort > 65535) {
    settleOnce(fail(`cannot connect to port ${conn.connectPort}`));
    return () => undefined;
  }
  let marked: Socket | undefined;
  if (conn.fwmark !== undefined || conn.bindIf !== undefined) {
    const m = markedSocket(conn);
    if (!m.ok) {
      settleOnce(m);
      return () => undefined;
    }
    marked = m.value;
  }
  const target = connectTarget(conn);
  let sock: Socket;
  try {
    sock = marked !== undefined ? marked.connect(target) : connect(target);
  } catch (e) {
    marked?.destroy();
    settleOnce(fail(socketErrorReason(e)));
    return () => undefined;
  }
  const settle = (r: Result<Socket, string>): void => {
    if (settled) return;
    clearTimeout(timer);
    sock.removeListener('error', onError);
    sock.removeListener('connect', onConnect);
    if (!r.ok) sock.destroy();
    settleOnce(r);
  };
  const onError = (e: Error): void => settle(fail(socketErrorReason(e)));
  const onConnect = (): void => settle(ok(sock));
  const timer = ioDeadline(timeoutMs, () => settle(fail(`timeout after ${timeoutMs} ms (connect)`)));
  sock.once('error', onError);
  sock.once('connect', onConnect);
  return () => settle(fail('aborted'));
}

/** net.connect options; built per attempt only for the (rare) bound or marked checkers. */
const targets = new WeakMap<CheckerConnection, TcpSocketConnectOpts>();

function connectTarget(conn: CheckerConnection): TcpSocketConnectOpts {
  let t = targets.get(conn);
  if (t === undefined) {
    t = {
      host: remoteHost(conn),
      port: conn.connectPort,
      family: conn.family,
      ...(conn.bindTo !== undefined || conn.bindPort !== undefined ? { localAddress: conn.bindTo ?? (conn.family === 6 ? '::' : '0.0.0.0') } : {}),
      ...(conn.bindPort !== undefined ? { localPort: conn.bindPort } : {}),
    };
    targets.set(conn, t);
  }
  return t;
}

/**
 * Connect within `timeoutMs` (default connect_timeout). Always settles; on failure the
 * socket is already destroyed.
 */
export function connectTcp(conn: CheckerConnection, signal?: AbortSignal, timeoutMs = conn.connectTimeoutMs): Promise<Result<Socket, string>> {
  if (signal?.aborted === true) return Promise.resolve(fail('aborted'));
  return new Promise((resolve) => {
    if (signal === undefined) {
      startConnect(conn, timeoutMs, resolve);
      return;
    }
    let finished = false;
    const cancel = startConnect(conn, timeoutMs, (r) => {
      finished = true;
      // Deferred: a connect that fails at once calls back before `cancel` is assigned.
      queueMicrotask(() => signal.removeEventListener('abort', cancel));
      resolve(r);
    });
    if (!finished) signal.addEventListener('abort', cancel, { once: true });
  });
}

/**
 * Runs attempts so that both the engine's signal and Probe.close() end them promptly.
 * Attempts without a signal of their own share the tracker's (one AbortController per
 * probe, not per attempt); close() aborts it, and with it every later attempt.
 */
export class AttemptTracker {
  private readonly open = new Set<AbortController>();
  private closing: AbortController | null = null;

  async run<T>(attempt: ProbeAttempt, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (attempt.signal === undefined) {
      this.closing ??= new AbortController();
      return fn(this.closing.signal);
    }
    const ac = new AbortController();
    const relay = (): void => ac.abort();
    attempt.signal.addEventListener('abort', relay, { once: true });
    if (attempt.signal.aborted) ac.abort();
    this.open.add(ac);
    try {
      return await fn(ac.signal);
    } finally {
      this.open.delete(ac);
      attempt.signal.removeEventListener('abort', relay);
    }
  }

  abortAll(): void {
    this.closing ??= new AbortController();
    this.closing.abort();
    for (const ac of this.open) ac.abort();
    this.open.clear();
  }
}

const CONNECTED: Result<null, string> = ok(null);
const SUCCESS: ProbeOutcome = Object.freeze({ type: 'success' });
const ABORTED: ProbeOutcome = Object.freeze({ type: 'failure', reason: 'aborted' });

export function createTcpProbe(config: TcpCheckConfig, _env: ProbeEnv): Probe {
  const inFlight = new Set<() => void>();
  let closed = false;
  const conn = config.connection;
  // No net.Socket per check where the native addon can do the connect (tcp-native.ts).
  const native = nativeTcpConnector(conn);
  const start = (done: (r: Result<Socket | null, string>) => void): (() => void) =>
    native !== null ? native(conn.connectTimeoutMs, (reason) => done(reason === null ? CONNECTED : fail(reason))) : startConnect(conn, conn.connectTimeoutMs, done);
  return {
    run: (attempt: ProbeAttempt): Promise<ProbeOutcome> => {
      const signal = attempt.signal;
      if (closed || signal?.aborted === true) return Promise.resolve(ABORTED);
      return new Promise((resolve) => {
        let finished = false;
        let registered = false;
        const cancel = start((r) => {
          finished = true;
          // A connect that fails at once calls back before `cancel` exists (nothing registered yet).
          if (registered) {
            inFlight.delete(cancel);
            signal?.removeEventListener('abort', cancel);
          }
          if (!r.ok) {
            resolve({ type: 'failure', reason: r.reason });
            return;
          }
          r.value?.destroy();
          resolve(SUCCESS);
        });
        if (finished) return;
        registered = true;
        inFlight.add(cancel);
        signal?.addEventListener('abort', cancel, { once: true });
      });
    },
    close: () => {
      closed = true;
      for (const cancel of inFlight) cancel();
      inFlight.clear();
    },
  };
}
