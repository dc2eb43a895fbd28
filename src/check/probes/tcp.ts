/**
 * TCP_CHECK (reference §1a.12, §1i): a non-blocking connect to connect_ip:connect_port
 * (optionally from bindto:bind_port) that must complete within connect_timeout; the
 * socket is closed at once. Runs in the checker child. `connectTcp` is also the connect
 * step of HTTP_GET/SSL_GET and genhash.
 *
 * Not done (Node cannot set them on its sockets): `fwmark` (SO_MARK) and `bind_if`
 * (SO_BINDTODEVICE) — bind_if is only used as the scope of a link-local connect_ip.
 */
import { connect, type Socket } from 'node:net';
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
  return new Promise((resolve) => {
    let sock: Socket;
    try {
      sock = connect({
        host: remoteHost(conn),
        port: conn.connectPort,
        family: conn.family,
        ...(conn.bindTo !== undefined || conn.bindPort !== undefined
          ? { localAddress: conn.bindTo ?? (conn.family === 6 ? '::' : '0.0.0.0') }
          : {}),
        ...(conn.bindPort !== undefined ? { localPort: conn.bindPort } : {}),
      });
    } catch (e) {
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
