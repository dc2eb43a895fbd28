/**
 * TCP_CHECK (reference §1a.12, §1i): a non-blocking connect to connect_ip:connect_port
 * (optionally from bindto:bind_port) that must complete within connect_timeout; the
 * socket is closed at once. Runs in the checker child. `connectTcp` is also the connect
 * step of HTTP_GET/SSL_GET and genhash.
 *
 * `fwmark` (SO_MARK) and `bind_if` (SO_BINDTODEVICE) cannot be set on a socket Node
 * creates, so with either one the socket is opened by the native addon, configured, and
 * handed to net.Socket, which connects it as usual.
 */
import { Socket, connect } from 'node:net';
import { K, nio } from '../../sys/nio.js';
import type { CheckerConnection, TcpCheckConfig } from '../../config/model-lvs.js';
import { fail, ok, type Result } from '../../core/result.js';
import type { Probe, ProbeAttempt, ProbeEnv, ProbeOutcome } from '../probe.js';

const ERRNO_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'cannot bind the local address',
  EADDRINUSE: 'local address in use',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'broken pipe',
};

/** One short line for an I/O error ("connection refused", "EACCES …"). */
export function socketErrorReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return ERRNO_REASONS[code] ?? code.toLowerCase().replace(/^e/, '') + ` (${code})`;
  return e instanceof Error ? e.message : String(e);
}

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

/**
 * Connect within `timeoutMs` (default connect_timeout). Always settles; on failure the
 * socket is already destroyed.
 */
export function connectTcp(conn: CheckerConnection, signal?: AbortSignal, timeoutMs = conn.connectTimeoutMs): Promise<Result<Socket, string>> {
  if (signal?.aborted === true) return Promise.resolve(fail('aborted'));
  if (conn.connectPort <= 0 || conn.connectPort > 65535) return Promise.resolve(fail(`cannot connect to port ${conn.connectPort}`));
  let marked: Socket | undefined;
  if (conn.fwmark !== undefined || conn.bindIf !== undefined) {
    const m = markedSocket(conn);
    if (!m.ok) return Promise.resolve(m);
    marked = m.value;
  }
  const target = {
    host: remoteHost(conn),
    port: conn.connectPort,
    family: conn.family,
    ...(conn.bindTo !== undefined || conn.bindPort !== undefined ? { localAddress: conn.bindTo ?? (conn.family === 6 ? '::' : '0.0.0.0') } : {}),
    ...(conn.bindPort !== undefined ? { localPort: conn.bindPort } : {}),
  };
  return new Promise((resolve) => {
    let sock: Socket;
    try {
      sock = marked !== undefined ? marked.connect(target) : connect(target);
    } catch (e) {
      marked?.destroy();
      resolve(fail(socketErrorReason(e)));
      return;
    }
    const settle = (r: Result<Socket, string>): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.removeListener('error', onError);
      sock.removeListener('connect', onConnect);
      if (!r.ok) sock.destroy();
      resolve(r);
    };
    const onAbort = (): void => settle(fail('aborted'));
    const onError = (e: Error): void => settle(fail(socketErrorReason(e)));
    const onConnect = (): void => settle(ok(sock));
    const timer = setTimeout(() => settle(fail(`timeout after ${timeoutMs} ms (connect)`)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('error', onError);
    sock.once('connect', onConnect);
  });
}

/**
 * Runs attempts with an AbortController per attempt, so that both the engine's signal and
 * Probe.close() end them promptly.
 */
export class AttemptTracker {
  private readonly open = new Set<AbortController>();

  async run<T>(attempt: ProbeAttempt, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ac = new AbortController();
    const relay = (): void => ac.abort();
    attempt.signal?.addEventListener('abort', relay, { once: true });
    if (attempt.signal?.aborted === true) ac.abort();
    this.open.add(ac);
    try {
      return await fn(ac.signal);
    } finally {
      this.open.delete(ac);
      attempt.signal?.removeEventListener('abort', relay);
    }
  }

  abortAll(): void {
    for (const ac of this.open) ac.abort();
    this.open.clear();
  }
}

export function createTcpProbe(config: TcpCheckConfig, _env: ProbeEnv): Probe {
  const attempts = new AttemptTracker();
  return {
    run: (attempt: ProbeAttempt): Promise<ProbeOutcome> =>
      attempts.run(attempt, async (signal) => {
        const r = await connectTcp(config.connection, signal);
        if (!r.ok) return { type: 'failure', reason: r.reason };
        r.value.destroy();
        return { type: 'success' };
      }),
    close: () => attempts.abortAll(),
  };
}
