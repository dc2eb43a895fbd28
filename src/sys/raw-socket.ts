/**
 * RawSocket: one fd from the native addon plus its uv_poll watcher. The building block of
 * every non-Node socket in the daemon (VRRP, GARP/NA, netlink, ICMP). Runs in whichever
 * process owns the socket.
 *
 * Contract:
 * - `receive(onDatagram, onError)` starts the watcher; each readable event drains up to
 *   `maxBatch` datagrams (bounded, so one busy socket cannot starve the loop; the poll is
 *   level-triggered, so the rest comes on the next turn). Draining stops as soon as a
 *   handler closes the socket.
 * - `data` handed to the handler is a fresh copy, safe to keep. `receive` also hands fresh
 *   copies of the sockaddr and cmsgs; `receiveMeta` hands a RecvMeta that reads them from a
 *   buffer reused for the next datagram (no allocation per datagram for hot receive paths).
 * - `send` returns bytes sent, or -1 on EAGAIN/ENOBUFS; other errors throw (see sys/nio.ts).
 * - `close()` stops the watcher before closing the fd (a reused fd under a live poll would
 *   get another socket's events); it is idempotent.
 */
import { RECV_META_CMSGS, RECV_META_NAME, nio, type Cmsg, type Poller, type RecvCmsg, type RecvResult } from './nio.js';
import { isSyscallError, type SyscallError } from '../core/errors.js';
import { HOST_LE } from './sockaddr.js';

/**
 * Outcome of trySend: `dropped` is EAGAIN/ENOBUFS (queue full), `error` any other syscall
 * error (ENETDOWN when the interface went down, EADDRNOTAVAIL during DAD, …) or a send on
 * a closed socket (`error.code` 'ECLOSED').
 */
export type SendOutcome =
  | { readonly type: 'sent'; readonly bytes: number }
  | { readonly type: 'dropped' }
  | { readonly type: 'error'; readonly error: SyscallError };

export interface SendCounters {
  txPackets: number;
  /** Sends dropped with EAGAIN/ENOBUFS. */
  txDropped: number;
  /** Sends failed with any other error (ENETDOWN, EADDRNOTAVAIL, ECLOSED, …). */
  txErrors: number;
}

/**
 * Counts a trySend outcome and reports failures ('EAGAIN' for drops, the errno name
 * otherwise, error null for drops). Returns true when the datagram left.
 */
export function countSend(o: SendOutcome, c: SendCounters, report?: (code: string, error: SyscallError | null) => void): boolean {
  switch (o.type) {
    case 'sent':
      c.txPackets++;
      return true;
    case 'dropped':
      c.txDropped++;
      report?.('EAGAIN', null);
      return false;
    case 'error':
      c.txErrors++;
      report?.(o.error.code ?? 'EUNKNOWN', o.error);
      return false;
  }
}

export interface RawSocketOptions {
  /** Datagrams read per readable event (default 32). */
  readonly maxBatch?: number;
  /** Receive buffer size in bytes (default 65536); longer datagrams are truncated (flags has MSG_TRUNC). */
  readonly bufSize?: number;
  /** Control buffer size for cmsgs (default 0 = none). */
  readonly controlLen?: number;
  /** recvmsg flags (e.g. MSG_TRUNC to learn the real length). */
  readonly recvFlags?: number;
}

/** One setsockopt call: [level, name, value]. */
export type SockOpt = readonly [level: number, name: number, value: number | boolean | Uint8Array];

/** `data` is the datagram (at most bufSize bytes); `info` has the sockaddr, cmsgs and flags. */
export type DatagramHandler = (data: Uint8Array, info: RecvResult) => void;
/** Like DatagramHandler, but `meta` (and the views it returns) is valid during the call only. */
export type DatagramMetaHandler = (data: Uint8Array, meta: RecvMeta) => void;

/** Reader over the `meta` buffer that nio().recvmsgInto fills (layout: sys/nio.ts RECV_META_*). */
export class RecvMeta {
  private readonly view: DataView;

  constructor(readonly raw: Uint8Array) {
    this.view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  }

  /** Datagram length; may exceed the buffer when MSG_TRUNC was passed in flags. */
  get bytes(): number {
    return this.view.getInt32(0, HOST_LE);
  }

  /** msg_flags (MSG_TRUNC, MSG_CTRUNC). */
  get flags(): number {
    return this.view.getInt32(4, HOST_LE);
  }

  /** The peer's raw sockaddr (a view). */
  addr(): Uint8Array {
    return this.raw.subarray(RECV_META_NAME, RECV_META_NAME + this.view.getInt32(8, HOST_LE));
  }

  /** Calls `fn` for each control message, in the kernel's order; `data` is a view. */
  forEachCmsg(fn: (level: number, type: number, data: Uint8Array) => void): void {
    const count = this.view.getInt32(12, HOST_LE);
    let off = RECV_META_CMSGS;
    for (let i = 0; i < count; i++) {
      const len = this.view.getInt32(off + 8, HOST_LE);
      fn(this.view.getInt32(off, HOST_LE), this.view.getInt32(off + 4, HOST_LE), this.raw.subarray(off + 12, off + 12 + len));
      off += 12 + ((len + 3) & ~3);
    }
  }

  /** A RecvResult holding copies, safe to keep. */
  toResult(): RecvResult {
    const cmsgs: RecvCmsg[] = [];
    this.forEachCmsg((level, type, data) => cmsgs.push({ level, type, data: Buffer.from(data) }));
    return { bytes: this.bytes, addr: Buffer.from(this.addr()), cmsgs, flags: this.flags };
  }
}
export type SocketErrorHandler = (err: Error) => void;

export class RawSocket {
  readonly fd: number;
  private readonly maxBatch: number;
  private readonly controlLen: number;
  private readonly recvFlags: number;
  private readonly buf: Uint8Array;
  private readonly meta: RecvMeta;
  private poller: Poller | undefined;
  private isClosed = false;
  private referenced = true;

  /** Takes ownership of `fd` (closed by close()). */
  constructor(fd: number, opts: RawSocketOptions = {}) {
    this.fd = fd;
    this.maxBatch = opts.maxBatch ?? 32;
    this.controlLen = opts.controlLen ?? 0;
    this.recvFlags = opts.recvFlags ?? 0;
    this.buf = new Uint8Array(opts.bufSize ?? 65536);
    // Records have 12-byte headers against cmsghdr's 16, so controlLen bytes always fit.
    this.meta = new RecvMeta(new Uint8Array(RECV_META_CMSGS + this.controlLen));
  }

  /** socket(domain, type | NONBLOCK | CLOEXEC, protocol) wrapped in a RawSocket. */
  static open(domain: number, type: number, protocol: number, opts: RawSocketOptions = {}): RawSocket {
    return new RawSocket(nio().socket(domain, type, protocol), opts);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  setsockopt(level: number, name: number, value: number | boolean | Uint8Array): void {
    nio().setsockopt(this.fd, level, name, value);
  }

  /** Applies options in order; the first failure throws, its message naming level and option. */
  setsockopts(opts: readonly SockOpt[]): void {
    for (const [level, name, value] of opts) {
      try {
        nio().setsockopt(this.fd, level, name, value);
      } catch (e) {
        if (e instanceof Error) e.message += ` [level ${level}, option ${name}]`;
        throw e;
      }
    }
  }

  bind(sockaddr: Uint8Array): void {
    nio().bind(this.fd, sockaddr);
  }

  getsockname(): Buffer {
    return nio().getsockname(this.fd);
  }

  /** Starts delivering datagrams. Calling it again replaces the handlers. */
  receive(onDatagram: DatagramHandler, onError: SocketErrorHandler): void {
    this.receiveMeta((data, meta) => onDatagram(data, meta.toResult()), onError);
  }

  /** receive() for hot paths: the metadata is read in place, nothing is copied but `data`. */
  receiveMeta(onDatagram: DatagramMetaHandler, onError: SocketErrorHandler): void {
    if (this.isClosed) throw new Error('RawSocket is closed');
    const n = nio();
    this.poller?.close();
    const poller = new n.Poller(this.fd, (err) => {
      if (err) {
        onError(err);
        return;
      }
      this.drain(onDatagram, onError);
    });
    this.poller = poller;
    if (!this.referenced) poller.unref();
    poller.start(n.constants.POLLIN);
  }

  private drain(onDatagram: DatagramMetaHandler, onError: SocketErrorHandler): void {
    const n = nio();
    for (let i = 0; i < this.maxBatch && !this.isClosed; i++) {
      let bytes: number;
      try {
        bytes = n.recvmsgInto(this.fd, this.buf, this.meta.raw, this.controlLen, this.recvFlags);
      } catch (e) {
        onError(e as Error);
        return;
      }
      if (bytes < 0) return;
      onDatagram(this.buf.slice(0, Math.min(bytes, this.buf.length)), this.meta);
    }
  }

  /** Returns bytes sent, or -1 on EAGAIN/ENOBUFS. Throws other syscall errors. */
  send(data: Uint8Array | readonly Uint8Array[], sockaddr?: Uint8Array | null, cmsgs?: readonly Cmsg[] | null, flags = 0): number {
    if (this.isClosed) throw new Error('RawSocket is closed');
    return nio().sendmsg(this.fd, data, sockaddr ?? null, cmsgs ?? null, flags);
  }

  /**
   * send() that never throws a syscall error: an interface going down must not crash the
   * daemon. Argument errors (TypeError/RangeError: programming mistakes) still throw.
   */
  trySend(data: Uint8Array | readonly Uint8Array[], sockaddr?: Uint8Array | null, cmsgs?: readonly Cmsg[] | null, flags = 0): SendOutcome {
    if (this.isClosed) {
      const error: SyscallError = Object.assign(new Error('send on a closed socket'), { code: 'ECLOSED', syscall: 'sendmsg' });
      return { type: 'error', error };
    }
    try {
      const bytes = nio().sendmsg(this.fd, data, sockaddr ?? null, cmsgs ?? null, flags);
      return bytes < 0 ? { type: 'dropped' } : { type: 'sent', bytes };
    } catch (e) {
      if (isSyscallError(e) && typeof e.syscall === 'string') return { type: 'error', error: e };
      throw e;
    }
  }

  /** Keeps (default) or stops the watcher keeping the process alive. */
  ref(on = true): void {
    this.referenced = on;
    if (on) this.poller?.ref();
    else this.poller?.unref();
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.poller?.close();
    this.poller = undefined;
    nio().close(this.fd);
  }
}
