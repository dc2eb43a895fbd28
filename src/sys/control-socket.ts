/**
 * The parent's control socket (docs/status-api.md): a Unix stream listener created with mode
 * 0600, whose every connection is checked with SO_PEERCRED before a byte is read, so only
 * the allowed users (root) get an answer even if the file's mode is later loosened. Node's
 * net.Server does not expose a connection's peer credentials, so the listener and accept4
 * come from the native addon; each accepted fd is then handed to a net.Socket for buffered
 * reads and writes. One request line in, one response line out, then the connection closes.
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { errorMessage } from '../core/errors.js';
import { K, nio, type Poller } from './nio.js';
import { decodeUcred, sockaddrUn, UCRED_LEN, type Ucred } from './sockaddr.js';

export interface ControlServerOptions {
  readonly path: string;
  /**
   * Answer one request line (without '\n'): a string is sent followed by '\n'; bytes are sent
   * as they are (a complete line; the same buffer may be given to many connections).
   */
  readonly handle: (line: string, peer: Ucred) => Promise<string | Uint8Array> | string | Uint8Array;
  /** The line sent to a peer that is refused (then the connection closes). */
  readonly refusal: (peer: Ucred) => string;
  /** The line sent for a request that is too long or never ends. */
  readonly malformed: (reason: string) => string;
  readonly maxRequestBytes: number;
  /** Peers allowed to ask; default: uid 0 only. */
  readonly allowPeer?: (peer: Ucred) => boolean;
  /** A connection that has not sent a full line by then is answered `malformed` and closed. */
  readonly requestTimeoutMs?: number;
  readonly onError?: (msg: string) => void;
}

export interface ControlServer {
  readonly path: string;
  /** Open connections (for tests and the shutdown log). */
  readonly connections: number;
  /** Stops listening, closes open connections, removes the socket file. */
  close(): void;
}

/** Connections waiting in the kernel before accept (capped by net.core.somaxconn). */
const BACKLOG = 4096;
const ACCEPT_PAUSE_MS = 100;

/** Removes a socket left by a previous run; refuses to touch anything that is not a socket. */
function removeStale(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket`);
  unlinkSync(path);
}

export function openControlServer(opts: ControlServerOptions): ControlServer {
  const sa = sockaddrUn(opts.path);
  if (!sa || opts.path.startsWith('@')) throw new Error(`control socket path '${opts.path}' is not a usable file name`);
  removeStale(opts.path);
  const n = nio();
  const fd = n.socket(K().AF_UNIX, K().SOCK_STREAM, 0);
  try {
    // Created 0600 at bind time (no window where another user could connect), then chmod in
    // case the umask was stricter than needed for the owner.
    const old = process.umask(0o177);
    try {
      n.bind(fd, sa);
    } finally {
      process.umask(old);
    }
    chmodSync(opts.path, 0o600);
    n.listen(fd, BACKLOG);
  } catch (e) {
    n.close(fd);
    throw e;
  }
  const allow = opts.allowPeer ?? ((p: Ucred) => p.uid === 0);
  const timeoutMs = opts.requestTimeoutMs ?? 5000;
  const open = new Set<Socket>();
  let closed = false;

  const serve = (conn: Socket, peer: Ucred): void => {
    let buf = '';
    let answered = false;
    const answer = (line: string | Uint8Array): void => {
      if (answered) return;
      answered = true;
      conn.setTimeout(0);
      conn.end(typeof line === 'string' ? `${line}\n` : line);
    };
    conn.setEncoding('utf8');
    conn.setTimeout(timeoutMs, () => {
      answer(opts.malformed('no complete request line before the timeout'));
      conn.destroySoon();
    });
    conn.on('data', (chunk: string) => {
      if (answered) return;
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (Buffer.byteLength(buf) > opts.maxRequestBytes) answer(opts.malformed(`request longer than ${opts.maxRequestBytes} bytes`));
        return;
      }
      const line = buf.slice(0, nl);
      buf = '';
      Promise.resolve()
        .then(() => opts.handle(line, peer))
        .then(answer, (e: unknown) => answer(opts.malformed(errorMessage(e))));
    });
    conn.on('end', () => {
      if (!answered) answer(opts.malformed('connection closed before a complete request line'));
    });
  };

  const onConnection = (cfd: number): void => {
    const cred = Buffer.alloc(UCRED_LEN);
    let peer: Ucred | null = null;
    try {
      n.getsockopt(cfd, K().SOL_SOCKET, K().SO_PEERCRED, cred);
      peer = decodeUcred(cred);
    } catch (e) {
      opts.onError?.(`control socket: SO_PEERCRED: ${errorMessage(e)}`);
    }
    const conn = new Socket({ fd: cfd, readable: true, writable: true });
    open.add(conn);
    conn.on('close', () => open.delete(conn));
    conn.on('error', () => conn.destroy());
    if (peer === null || !allow(peer)) {
      conn.end(`${opts.refusal(peer ?? { pid: 0, uid: -1, gid: -1 })}\n`);
      return;
    }
    serve(conn, peer);
  };

  const poller: Poller = new n.Poller(fd, (err) => {
    if (err) {
      opts.onError?.(`control socket: ${err.message}`);
      return;
    }
    for (;;) {
      let cfd: number;
      try {
        cfd = n.accept(fd);
      } catch (e) {
        // EMFILE/ENFILE: the connection stays queued and poll would report it again at once;
        // pause accepting for a moment instead of spinning.
        opts.onError?.(`control socket: ${errorMessage(e)}`);
        poller.stop();
        setTimeout(() => closed || poller.start(K().POLLIN), ACCEPT_PAUSE_MS).unref();
        return;
      }
      if (cfd < 0) return;
      onConnection(cfd);
    }
  });
  poller.start(K().POLLIN);
  // The daemon's lifetime is held by its children and timers, not by this listener.
  poller.unref();

  return {
    path: opts.path,
    get connections() {
      return open.size;
    },
    close() {
      if (closed) return;
      closed = true;
      poller.close();
      n.close(fd);
      for (const c of open) c.destroy();
      open.clear();
      try {
        unlinkSync(opts.path);
      } catch {
        // already gone
      }
    },
  };
}
