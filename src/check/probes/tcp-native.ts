/**
 * TCP_CHECK's connect through the native addon (checker child): socket(), non-blocking
 * connect(), a uv_poll for POLLOUT, SO_ERROR, close() — the same syscalls as keepalived,
 * without a net.Socket and its streams per check (40 % less CPU per check at 12,000/s,
 * bench/RESULTS.md). The close is an ordinary one (FIN), as keepalived's. HTTP_GET and
 * genhash need a stream and keep using net.Socket (tcp.ts).
 */
import { constants as osConstants } from 'node:os';
import type { CheckerConnection } from '../../config/lvs/model.js';
import { parseIpv4, parseIpv6 } from '../../core/ip.js';
import { K, nio } from '../../sys/nio.js';
import { sockaddrIn, sockaddrIn6 } from '../../sys/sockaddr.js';
import { ioDeadline } from './attempt-guard.js';
import { socketErrorReason } from './socket-error.js';

/** null = connected; otherwise the failure reason. */
export type ConnectDone = (reason: string | null) => void;
/** Starts one connect; `done` is called exactly once; the result cancels it ('aborted'). */
export type NativeConnect = (timeoutMs: number, done: ConnectDone) => () => void;

const ERRNO_NAMES = new Map<number, string>(Object.entries(osConstants.errno).map(([name, n]) => [n, name]));
const errnoReason = (e: number): string => socketErrorReason({ code: ERRNO_NAMES.get(e) ?? `E${e}` });
const noop = (): void => undefined;
/** SO_ERROR is read synchronously: one buffer serves every check. */
const soError = new Uint8Array(4);
const soErrorView = new DataView(soError.buffer);

function sockaddrOf(ip: string, port: number, family: 4 | 6): Uint8Array | null {
  if (family === 4) {
    const a = parseIpv4(ip);
    return a && sockaddrIn(a, port);
  }
  const a = parseIpv6(ip);
  return a && sockaddrIn6(a, { port });
}

/**
 * A connector for `conn`, or null when the native path does not apply: no addon (or one
 * built before `connect`), `bind_if` (link-local scope ids stay with net.Socket), or an
 * address that does not parse as a literal.
 */
export function nativeTcpConnector(conn: CheckerConnection): NativeConnect | null {
  if (conn.bindIf !== undefined || conn.connectPort <= 0 || conn.connectPort > 65535) return null;
  let n: ReturnType<typeof nio>;
  try {
    n = nio();
  } catch {
    return null;
  }
  const connect = n.connect?.bind(n);
  if (connect === undefined) return null;
  const remote = sockaddrOf(conn.connectIp, conn.connectPort, conn.family);
  if (remote === null) return null;
  let local: Uint8Array | undefined;
  if (conn.bindTo !== undefined || conn.bindPort !== undefined) {
    const l = sockaddrOf(conn.bindTo ?? (conn.family === 6 ? '::' : '0.0.0.0'), conn.bindPort ?? 0, conn.family);
    if (l === null) return null;
    local = l;
  }
  const k = K();
  const domain = conn.family === 6 ? k.AF_INET6 : k.AF_INET;
  return (timeoutMs, done) => {
    let fd: number;
    try {
      fd = n.socket(domain, k.SOCK_STREAM, 0);
    } catch (e) {
      done(`cannot open a socket: ${socketErrorReason(e)}`);
      return noop;
    }
    let pending: number;
    try {
      if (conn.fwmark !== undefined) n.setsockopt(fd, k.SOL_SOCKET, k.SO_MARK, conn.fwmark);
    } catch (e) {
      n.close(fd);
      done(`cannot set fwmark ${conn.fwmark}: ${socketErrorReason(e)}`);
      return noop;
    }
    try {
      if (local !== undefined) n.bind(fd, local);
      pending = connect(fd, remote);
    } catch (e) {
      n.close(fd);
      done(socketErrorReason(e));
      return noop;
    }
    if (pending === 0) {
      n.close(fd);
      done(null);
      return noop;
    }
    let settled = false;
    const finish = (reason: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // The poll handle goes before the fd: a reused fd must not get this watcher's events.
      poller.close();
      n.close(fd);
      done(reason);
    };
    // libuv reports POLLERR as a poll error (EBADF): SO_ERROR holds the real one.
    const poller = new n.Poller(fd, (err) => {
      let e = 0;
      try {
        n.getsockopt(fd, k.SOL_SOCKET, k.SO_ERROR, soError);
        e = soErrorView.getInt32(0, true);
      } catch (ge) {
        finish(socketErrorReason(ge));
        return;
      }
      finish(e !== 0 ? errnoReason(e) : err ? socketErrorReason(err) : null);
    });
    const timer = ioDeadline(timeoutMs, () => finish(`timeout after ${timeoutMs} ms (connect)`));
    poller.start(k.POLLOUT);
    return () => finish('aborted');
  };
}
