/**
 * NetlinkSocket: one AF_NETLINK socket over the native addon (sys/raw-socket.ts) with
 * sequence numbers, one promise per request (ack or NLMSG_ERROR), multipart dumps, and
 * multicast notifications. Used by netlink/rtnl-client.ts in the VRRP process; keepalived
 * likewise keeps a command socket and a separate monitor socket (docs/native-addon.md P11).
 *
 * - NETLINK_EXT_ACK is on, so errors carry the kernel's reason; NETLINK_CAP_ACK keeps acks small.
 * - SO_RCVBUFFORCE (root) or SO_RCVBUF makes room for bursts; a monitor that still overruns
 *   sees ENOBUFS through `onError` and must re-dump (the caller decides).
 * - Replies are matched by (our port id, seq); everything else is a notification.
 * - A request whose answer never comes (lost to ENOBUFS) fails after `timeoutMs`.
 */
import { constants as osConstants } from 'node:os';
import { KaError, type SyscallError } from '../core/errors.js';
import { NLM_F_ACK, NLM_F_DUMP_INTR, NLM_F_MULTI, NLMSG_DONE, NLMSG_ERROR, NLMSG_MIN_TYPE, NLMSG_NOOP, NLMSG_OVERRUN, rtmName } from './constants.js';
import { HOST_LE, concatBytes } from './attr.js';
import { type NlErrorInfo, type NlMessage, parseDone, parseError, parseMessages, setSequence } from './message.js';
import { nio } from '../sys/nio.js';
import { RawSocket } from '../sys/raw-socket.js';
import { sockaddrNl } from '../sys/sockaddr.js';

export interface NetlinkSocketOptions {
  /** NETLINK_* protocol (default NETLINK_ROUTE = 0). */
  readonly protocol?: number;
  /** Receive buffer in bytes (default 4 MiB). */
  readonly rcvbufBytes?: number;
  /** Multicast groups to join (RTNLGRP_* numbers, not a bitmask). */
  readonly groups?: readonly number[];
  /** Called for every message that does not answer one of our requests. */
  readonly onNotification?: (msg: NlMessage) => void;
  /** Receive-side failures: ENOBUFS (notifications lost), or a malformed datagram. */
  readonly onError?: (err: Error) => void;
  /** Per-request deadline (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Name of a message type in errors (default: rtnetlink's RTM_* names). */
  readonly nameOf?: (type: number) => string;
}

const errnoNames = new Map<number, string>(Object.entries(osConstants.errno).map(([name, n]) => [n, name]));

/** errno number (positive) → its name ('EEXIST'), or `E<n>` when unknown. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

/** A request the kernel refused: KA_ERR_NL_REQUEST with the errno name and ext-ack text. */
export class NetlinkRequestError extends KaError {
  /** Positive errno (17 for EEXIST). */
  readonly errno: number;
  readonly extAckMessage: string | undefined;

  constructor(requestType: number, info: NlErrorInfo, nameOf: (type: number) => string = rtmName) {
    const errno = -info.error;
    const name = errnoName(errno);
    const why = info.extAckMessage !== undefined ? `: ${info.extAckMessage}` : '';
    super('KA_ERR_NL_REQUEST', `netlink ${nameOf(requestType)} failed with ${name}${why}`, { errnoCode: name, syscall: 'netlink' });
    this.name = 'NetlinkRequestError';
    this.errno = errno;
    this.extAckMessage = info.extAckMessage;
  }
}

interface Pending {
  readonly type: number;
  readonly dump: boolean;
  readonly parts: NlMessage[];
  interrupted: boolean;
  readonly resolve: (msgs: NlMessage[], interrupted: boolean) => void;
  readonly reject: (e: Error) => void;
  /** Absent for the messages of a transaction, which share one deadline. */
  readonly timer?: NodeJS.Timeout;
}

/** How long a refused transaction waits for the rest of its answers. */
const TRANSACTION_ERROR_GRACE_MS = 100;

/** Placeholder that reserves a sequence number while a transaction is being numbered. */
const NO_ANSWER: Pending = { type: 0, dump: false, parts: [], interrupted: false, resolve: () => undefined, reject: () => undefined };

function failure(requestType: number, errnoCode: string, message: string, nameOf: (type: number) => string = rtmName): KaError {
  return new KaError('KA_ERR_NL_REQUEST', `netlink ${nameOf(requestType)}: ${message}`, { errnoCode });
}

export class NetlinkSocket {
  readonly portId: number;
  private readonly sock: RawSocket;
  private readonly pending = new Map<number, Pending>();
  private readonly timeoutMs: number;
  private seq: number;

  private constructor(sock: RawSocket, portId: number, private readonly opts: NetlinkSocketOptions) {
    this.sock = sock;
    this.portId = portId;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    // Distinct starting points keep replies of a closed socket from matching a new one.
    this.seq = (Date.now() & 0x7fffffff) >>> 0;
  }

  static open(opts: NetlinkSocketOptions = {}): NetlinkSocket {
    const K = nio().constants;
    const sock = RawSocket.open(K.AF_NETLINK, K.SOCK_RAW, opts.protocol ?? K.NETLINK_ROUTE, { bufSize: 65536, maxBatch: 64 });
    try {
      const rcvbuf = opts.rcvbufBytes ?? 4 * 1024 * 1024;
      try {
        sock.setsockopt(K.SOL_SOCKET, K.SO_RCVBUFFORCE, rcvbuf);
      } catch {
        sock.setsockopt(K.SOL_SOCKET, K.SO_RCVBUF, rcvbuf); // without CAP_NET_ADMIN: capped by rmem_max
      }
      sock.setsockopt(K.SOL_NETLINK, K.NETLINK_EXT_ACK, 1);
      sock.setsockopt(K.SOL_NETLINK, K.NETLINK_CAP_ACK, 1);
      sock.bind(sockaddrNl(0, 0));
      for (const g of opts.groups ?? []) sock.setsockopt(K.SOL_NETLINK, K.NETLINK_ADD_MEMBERSHIP, g);
      const name = sock.getsockname();
      const portId = new DataView(name.buffer, name.byteOffset, name.byteLength).getUint32(4, HOST_LE);
      const nl = new NetlinkSocket(sock, portId, opts);
      nl.startReceive();
      return nl;
    } catch (e) {
      sock.close();
      throw e;
    }
  }

  get closed(): boolean {
    return this.sock.closed;
  }

  /** Send a request built with NLM_F_ACK; resolves on the ack, rejects with NetlinkRequestError. */
  async request(msg: Uint8Array): Promise<void> {
    await this.send(msg, false);
  }

  /**
   * Send a non-dump GET (generic netlink GETFAMILY, IPVS GET_INFO); resolves with its
   * single-part answer. With NLM_F_ACK the ack that follows is ignored; errors reject.
   */
  async query(msg: Uint8Array): Promise<NlMessage[]> {
    return (await this.send(msg, false)).msgs;
  }

  /** Send an NLM_F_DUMP request; resolves with every message before NLMSG_DONE. Retries an interrupted dump. */
  /**
   * The kernel runs one dump per socket at a time (a second one gets EBUSY), so dumps are
   * queued; ordinary requests still go out at once.
   */
  dump(msg: Uint8Array, retries = 3): Promise<NlMessage[]> {
    const run = async (): Promise<NlMessage[]> => {
      for (let attempt = 0; ; attempt++) {
        const r = await this.send(msg, true);
        // NLM_F_DUMP_INTR: the table changed during the dump; the snapshot may be inconsistent.
        if (!r.interrupted || attempt >= retries) return r.msgs;
      }
    };
    const result = this.dumpQueue.then(run, run);
    this.dumpQueue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private dumpQueue: Promise<void> = Promise.resolve();

  private send(msg: Uint8Array, dump: boolean): Promise<{ msgs: NlMessage[]; interrupted: boolean }> {
    const type = new DataView(msg.buffer, msg.byteOffset, msg.byteLength).getUint16(4, HOST_LE);
    if (this.sock.closed) return Promise.reject(failure(type, 'EBADF', 'socket is closed', this.opts.nameOf));
    const seq = this.nextSeq();
    setSequence(msg, seq);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(failure(type, 'ETIMEDOUT', `no answer within ${this.timeoutMs} ms`, this.opts.nameOf));
      }, this.timeoutMs);
      this.pending.set(seq, {
        type,
        dump,
        parts: [],
        interrupted: false,
        resolve: (msgs, interrupted) => resolve({ msgs, interrupted }),
        reject,
        timer,
      });
      let sent: number;
      try {
        sent = this.sock.send(msg);
      } catch (e) {
        this.settle(seq);
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      if (sent < 0) {
        this.settle(seq);
        reject(failure(type, 'EAGAIN', 'send buffer full', this.opts.nameOf));
      }
    });
  }

  /**
   * Send messages as one datagram, one transaction (nfnetlink batches: BEGIN, changes, END).
   * Resolves when every message sent with NLM_F_ACK is acked; rejects with the first error
   * (the kernel then applied none of it). An error on the first message (the batch as a
   * whole refused, e.g. ENOMEM) ends the wait at once, as does a short grace period after the
   * first error, since a refused transaction need not ack the messages it never applied.
   */
  transaction(msgs: readonly Uint8Array[]): Promise<void> {
    const first = msgs[0];
    if (first === undefined) return Promise.resolve();
    const typeOf = (m: Uint8Array): number => new DataView(m.buffer, m.byteOffset, m.byteLength).getUint16(4, HOST_LE);
    const flagsOf = (m: Uint8Array): number => new DataView(m.buffer, m.byteOffset, m.byteLength).getUint16(6, HOST_LE);
    if (this.sock.closed) return Promise.reject(failure(typeOf(first), 'EBADF', 'socket is closed', this.opts.nameOf));
    const seqs = msgs.map((m) => {
      const seq = this.nextSeq();
      setSequence(m, seq);
      // Reserve the number at once so nextSeq never hands it out twice.
      this.pending.set(seq, NO_ANSWER);
      return seq;
    });
    const firstSeq = seqs[0] ?? 0;
    return new Promise((resolve, reject) => {
      const waiting = new Set(seqs.filter((_, i) => i === 0 || (flagsOf(msgs[i] ?? first) & NLM_F_ACK) !== 0));
      let error: Error | undefined;
      let grace: NodeJS.Timeout | undefined;
      const finish = (): void => {
        clearTimeout(timer);
        if (grace !== undefined) clearTimeout(grace);
        for (const s of seqs) this.pending.delete(s);
        if (error) reject(error);
        else resolve();
      };
      const answered = (seq: number, e?: Error): void => {
        waiting.delete(seq);
        if (e !== undefined && error === undefined) {
          error = e;
          grace = setTimeout(finish, TRANSACTION_ERROR_GRACE_MS);
        }
        // The first message is waited for only as the carrier of a batch-wide refusal.
        if ((seq === firstSeq && e !== undefined) || [...waiting].every((s) => s === firstSeq)) finish();
      };
      const timer = setTimeout(() => {
        error ??= failure(typeOf(first), 'ETIMEDOUT', `transaction not acknowledged within ${this.timeoutMs} ms`, this.opts.nameOf);
        finish();
      }, this.timeoutMs);
      seqs.forEach((seq, i) => {
        if (!waiting.has(seq)) {
          this.pending.delete(seq);
          return;
        }
        this.pending.set(seq, {
          type: typeOf(msgs[i] ?? first),
          dump: false,
          parts: [],
          interrupted: false,
          resolve: () => answered(seq),
          reject: (e) => answered(seq, e),
        });
      });
      let sent: number;
      try {
        sent = this.sock.send(concatBytes(msgs));
      } catch (e) {
        error = e instanceof Error ? e : new Error(String(e));
        finish();
        return;
      }
      if (sent < 0) {
        error = failure(typeOf(first), 'EAGAIN', 'send buffer full', this.opts.nameOf);
        finish();
      }
    });
  }

  private nextSeq(): number {
    do {
      this.seq = (this.seq + 1) >>> 0;
    } while (this.seq === 0 || this.pending.has(this.seq));
    return this.seq;
  }

  private settle(seq: number): Pending | undefined {
    const p = this.pending.get(seq);
    if (p) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      this.pending.delete(seq);
    }
    return p;
  }

  private onDatagram(data: Uint8Array, truncated: boolean): void {
    if (truncated) {
      this.opts.onError?.(new KaError('KA_ERR_NL_PROTOCOL', 'netlink: datagram truncated (receive buffer too small)'));
      return;
    }
    let msgs: NlMessage[];
    try {
      msgs = parseMessages(data);
    } catch (e) {
      this.opts.onError?.(e as Error);
      return;
    }
    for (const m of msgs) {
      if (this.sock.closed) return;
      const p = m.pid === this.portId ? this.pending.get(m.seq) : undefined;
      if (!p) {
        if (m.type >= NLMSG_MIN_TYPE) this.opts.onNotification?.(m);
        continue;
      }
      this.answer(m.seq, p, m);
    }
  }

  private answer(seq: number, p: Pending, m: NlMessage): void {
    if ((m.flags & NLM_F_DUMP_INTR) !== 0) p.interrupted = true;
    try {
      switch (m.type) {
        case NLMSG_ERROR: {
          const info = parseError(m);
          this.settle(seq);
          if (info.error === 0) p.resolve(p.parts, p.interrupted);
          else p.reject(new NetlinkRequestError(p.type, info, this.opts.nameOf));
          return;
        }
        case NLMSG_DONE: {
          const info = parseDone(m);
          this.settle(seq);
          if (info.error === 0) p.resolve(p.parts, p.interrupted);
          else p.reject(new NetlinkRequestError(p.type, info, this.opts.nameOf));
          return;
        }
        case NLMSG_NOOP:
        case NLMSG_OVERRUN:
          return;
        default:
          p.parts.push(m);
          // A single-part answer (no NLM_F_MULTI) to a non-dump GET ends here.
          if (!p.dump && (m.flags & NLM_F_MULTI) === 0) {
            this.settle(seq);
            p.resolve(p.parts, p.interrupted);
          }
      }
    } catch (e) {
      this.settle(seq);
      p.reject(e as Error);
    }
  }

  private startReceive(): void {
    const truncFlag = nio().constants.MSG_TRUNC;
    this.sock.receive(
      (data, info) => this.onDatagram(data, (info.flags & truncFlag) !== 0),
      (err) => this.onReceiveError(err),
    );
  }

  /**
   * An overrun sets the socket error, so poll(2) reports POLLERR; libuv then stops the
   * watcher and reports it as EBADF. Fetch (and so clear) the real error with SO_ERROR
   * and restart the watcher; a recvmsg that fails with ENOBUFS arrives here directly.
   */
  private onReceiveError(err: Error): void {
    if (this.sock.closed) return;
    if ((err as SyscallError).syscall === 'uv_poll') {
      const K = nio().constants;
      const buf = new Uint8Array(4);
      let soError = 0;
      try {
        nio().getsockopt(this.sock.fd, K.SOL_SOCKET, K.SO_ERROR, buf);
        soError = new DataView(buf.buffer).getInt32(0, HOST_LE);
      } catch {
        /* reported below as the poll error */
      }
      if (soError !== 0) {
        const name = errnoName(soError);
        this.startReceive();
        this.opts.onError?.(Object.assign(new Error(`netlink receive: ${name}`), { code: name, errno: -soError, syscall: 'recvmsg' }));
        return;
      }
    }
    this.opts.onError?.(err);
  }

  /** Keep (default) or stop the socket keeping the process alive. */
  ref(on = true): void {
    this.sock.ref(on);
  }

  /** Closes the socket; pending requests reject with EBADF. Idempotent. */
  close(): void {
    if (this.sock.closed) return;
    this.sock.close();
    for (const [seq, p] of [...this.pending]) {
      this.settle(seq);
      p.reject(failure(p.type, 'EBADF', 'socket closed before the answer came'));
    }
  }
}
