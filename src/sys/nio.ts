/**
 * Typed loader for the native addon (native/src/nio.c): socket syscalls, a uv_poll
 * watcher and a uv_signal watcher, nothing protocol-specific. Loaded lazily by every OS adapter in src/sys/
 * (VRRP, GARP, netlink, ICMP) in whichever process opens sockets.
 *
 * Conventions (enforced in C):
 * - every fd is created SOCK_NONBLOCK | SOCK_CLOEXEC;
 * - a failing syscall throws an Error with `code` (errno name, e.g. 'EBADF'), `errno`
 *   (negative) and `syscall` (see core/errors.ts isSyscallError);
 * - `sendmsg` returns -1 on EAGAIN/ENOBUFS, `recvmsg` returns null on EAGAIN;
 * - sockaddrs and cmsg payloads are raw bytes (encode/decode with sys/sockaddr.ts).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { KaError, isSyscallError, type ErrorCode, errorMessage } from '../core/errors.js';

export interface Cmsg {
  level: number;
  type: number;
  data: Uint8Array;
}

export interface RecvCmsg extends Cmsg {
  data: Buffer;
}

export interface RecvResult {
  /** Datagram length; may exceed buf.length when MSG_TRUNC was passed in flags. */
  bytes: number;
  /** Raw sockaddr_{in,in6,ll,nl} of the peer (msg_namelen bytes). */
  addr: Buffer;
  /** Control messages, split with CMSG_FIRSTHDR/NXTHDR in C. */
  cmsgs: RecvCmsg[];
  /** msg_flags (MSG_TRUNC, MSG_CTRUNC). */
  flags: number;
}

/**
 * Layout of recvmsgInto's `meta` (host-order int32s): length, msg_flags, namelen, cmsg
 * count; the sockaddr at RECV_META_NAME; cmsg records (level, type, data length, data
 * padded to 4) from RECV_META_CMSGS.
 */
export const RECV_META_NAME = 16;
export const RECV_META_CMSGS = RECV_META_NAME + 128;

/** uv_poll watcher on Node's loop. Call close() BEFORE closing its fd. */
export interface Poller {
  /** `events` is constants.POLLIN | constants.POLLOUT (uv_poll bits, not poll(2) values). */
  start(events: number): void;
  stop(): void;
  ref(): void;
  unref(): void;
  /** Idempotent; no callback is delivered after it returns. */
  close(): void;
}

export type PollerCallback = (err: Error | null, events: number) => void;

/**
 * Catches one signal with libuv's process-wide handler (Node's own mechanism, for the
 * signals Node has no name for: the real-time ones). Unref'd: it never keeps the process
 * alive. close() gives the signal its default action back.
 */
export interface SignalWatcher {
  close(): void;
}

/** Names exported by the addon's constants table (values are the host's, ETH_P_* in host order). */
export type ConstantName =
  | 'AF_UNSPEC' | 'AF_INET' | 'AF_INET6' | 'AF_PACKET' | 'AF_NETLINK' | 'AF_UNIX'
  | 'SOCK_STREAM' | 'SOCK_DGRAM' | 'SOCK_RAW' | 'SOCK_NONBLOCK' | 'SOCK_CLOEXEC'
  | 'SOL_SOCKET' | 'SOL_IP' | 'SOL_IPV6' | 'SOL_PACKET' | 'SOL_NETLINK' | 'SOL_ICMPV6'
  | 'IPPROTO_IP' | 'IPPROTO_IPV6' | 'IPPROTO_ICMP' | 'IPPROTO_ICMPV6' | 'IPPROTO_TCP' | 'IPPROTO_UDP'
  | 'IPPROTO_RAW' | 'IPPROTO_VRRP'
  | 'IP_TOS' | 'IP_TTL' | 'IP_HDRINCL' | 'IP_PKTINFO' | 'IP_RECVTTL' | 'IP_MULTICAST_IF' | 'IP_MULTICAST_TTL'
  | 'IP_MULTICAST_LOOP' | 'IP_MULTICAST_ALL' | 'IP_ADD_MEMBERSHIP' | 'IP_DROP_MEMBERSHIP' | 'IP_FREEBIND'
  | 'IP_TRANSPARENT' | 'IP_RECVERR' | 'IP_MTU_DISCOVER' | 'IP_PMTUDISC_DONT'
  | 'IPV6_CHECKSUM' | 'IPV6_UNICAST_HOPS' | 'IPV6_MULTICAST_IF' | 'IPV6_MULTICAST_HOPS' | 'IPV6_MULTICAST_LOOP'
  | 'IPV6_MULTICAST_ALL' | 'IPV6_ADD_MEMBERSHIP' | 'IPV6_DROP_MEMBERSHIP' | 'IPV6_RECVHOPLIMIT' | 'IPV6_HOPLIMIT'
  | 'IPV6_RECVPKTINFO' | 'IPV6_PKTINFO' | 'IPV6_V6ONLY' | 'IPV6_FREEBIND' | 'IPV6_TRANSPARENT' | 'IPV6_RECVERR'
  | 'ICMP6_FILTER'
  | 'SO_DEBUG' | 'SO_REUSEADDR' | 'SO_REUSEPORT' | 'SO_TYPE' | 'SO_ERROR' | 'SO_BROADCAST' | 'SO_SNDBUF'
  | 'SO_RCVBUF' | 'SO_SNDBUFFORCE' | 'SO_RCVBUFFORCE' | 'SO_KEEPALIVE' | 'SO_PRIORITY' | 'SO_BINDTODEVICE'
  | 'SO_TIMESTAMPNS' | 'SCM_TIMESTAMPNS' | 'SO_MARK' | 'SO_PROTOCOL' | 'SO_DOMAIN' | 'SO_ATTACH_FILTER'
  | 'SO_PEERCRED' | 'SO_PASSCRED'
  | 'NETLINK_ROUTE' | 'NETLINK_GENERIC' | 'NETLINK_ADD_MEMBERSHIP' | 'NETLINK_DROP_MEMBERSHIP'
  | 'NETLINK_PKTINFO' | 'NETLINK_BROADCAST_ERROR' | 'NETLINK_NO_ENOBUFS' | 'NETLINK_LISTEN_ALL_NSID'
  | 'NETLINK_CAP_ACK' | 'NETLINK_EXT_ACK' | 'NETLINK_GET_STRICT_CHK'
  | 'ETH_P_ALL' | 'ETH_P_IP' | 'ETH_P_ARP' | 'ETH_P_IPV6' | 'ETH_P_8021Q'
  | 'PACKET_HOST' | 'PACKET_BROADCAST' | 'PACKET_MULTICAST' | 'PACKET_OTHERHOST' | 'PACKET_OUTGOING'
  | 'PACKET_ADD_MEMBERSHIP' | 'PACKET_DROP_MEMBERSHIP' | 'PACKET_MR_PROMISC' | 'PACKET_AUXDATA'
  | 'MSG_PEEK' | 'MSG_TRUNC' | 'MSG_CTRUNC' | 'MSG_DONTWAIT' | 'MSG_DONTROUTE' | 'MSG_ERRQUEUE' | 'MSG_CONFIRM'
  | 'MSG_NOSIGNAL'
  | 'IFNAMSIZ' | 'CLONE_NEWNET'
  | 'POLLIN' | 'POLLOUT' | 'POLLPRI' | 'POLLDISCONNECT'
  | 'SIGRTMIN' | 'SIGRTMAX';

export interface NioAddon {
  socket(domain: number, type: number, protocol: number): number;
  close(fd: number): void;
  setsockopt(fd: number, level: number, name: number, value: number | boolean | Uint8Array): void;
  /** `inout` carries the request in and the answer out; returns the kernel's optlen. */
  getsockopt(fd: number, level: number, name: number, inout: Uint8Array): number;
  bind(fd: number, sockaddr: Uint8Array): void;
  /**
   * Non-blocking connect: 0 = connected, 1 = in progress (poll POLLOUT, then SO_ERROR).
   * Optional: an addon built before it was added lacks it (callers fall back).
   */
  connect?(fd: number, sockaddr: Uint8Array): number;
  /** listen(2). */
  listen(fd: number, backlog: number): void;
  /** accept4(2) (non-blocking, close-on-exec): the new fd, or -1 when none is pending. */
  accept(fd: number): number;
  /** AF_PACKET: sockaddr_ll with the interface MAC; AF_NETLINK: sockaddr_nl with the port id. */
  getsockname(fd: number): Buffer;
  /** Returns bytes sent, or -1 on EAGAIN/ENOBUFS (retry later). Other errors throw. */
  sendmsg(
    fd: number,
    data: Uint8Array | readonly Uint8Array[],
    sockaddr?: Uint8Array | null,
    cmsgs?: readonly Cmsg[] | null,
    flags?: number,
  ): number;
  /** Returns null on EAGAIN. `controlLen` (≤ 65536) sizes the cmsg buffer. */
  recvmsg(fd: number, buf: Uint8Array, controlLen?: number, flags?: number): RecvResult | null;
  /**
   * recvmsg without a JS object per datagram: returns the length, or -1 on EAGAIN; the
   * sockaddr, flags and cmsgs go into `meta` (layout: RECV_META_* below, read by
   * sys/raw-socket.ts RecvMeta). `meta` must hold at least RECV_META_CMSGS bytes.
   */
  recvmsgInto(fd: number, buf: Uint8Array, meta: Uint8Array, controlLen?: number, flags?: number): number;
  ifNameToIndex(name: string): number;
  ifIndexToName(ifindex: number): string;
  /** Affects the calling thread only. */
  setns(fd: number, nstype: number): void;
  Poller: new (fd: number, cb: PollerCallback) => Poller;
  SignalWatcher: new (signum: number, cb: (signum: number) => void) => SignalWatcher;
  constants: Readonly<Record<ConstantName, number>>;
}

const here = dirname(fileURLToPath(import.meta.url));
// src/sys/ → ../../native; dist/src/sys/ → ../../../native (dist mirrors the repo root).
const nativeDirs = [resolve(here, '../../native'), resolve(here, '../../../native')];

let cached: NioAddon | undefined;

/**
 * The addon, loaded on first use: native/build/Release (compiled here) first, else the
 * prebuilt one for this platform and arch (native/prebuilds/, as node-gyp-build chooses);
 * throws a clear error when neither exists.
 */
export function nio(): NioAddon {
  if (cached) return cached;
  const dir = nativeDirs.find((d) => existsSync(resolve(d, 'build/Release/nio.node')) || existsSync(resolve(d, 'prebuilds')));
  if (!dir) {
    throw new Error(`native addon not built (looked in ${nativeDirs.join(', ')}); run \`node scripts/build-native.mjs\``);
  }
  const require = createRequire(import.meta.url);
  const build = resolve(dir, 'build/Release/nio.node');
  if (existsSync(build)) cached = require(build) as NioAddon;
  else {
    const nodeGypBuild = require('node-gyp-build') as { resolve(dir: string): string };
    cached = require(nodeGypBuild.resolve(dir)) as NioAddon;
  }
  return cached;
}

/** Shorthand for nio().constants. */
export function K(): Readonly<Record<ConstantName, number>> {
  return nio().constants;
}

/**
 * Wraps a failure while opening/configuring sockets as a KaError with the failing
 * syscall and errno name (a KaError passes through unchanged).
 */
export function openFailure(code: ErrorCode, what: string, e: unknown): KaError {
  if (e instanceof KaError) return e;
  const se = isSyscallError(e) ? e : undefined;
  return new KaError(code, `${what}: ${errorMessage(e)}`, {
    cause: e,
    ...(se?.syscall === undefined ? {} : { syscall: se.syscall }),
    ...(se?.code === undefined ? {} : { errnoCode: se.code }),
  });
}
