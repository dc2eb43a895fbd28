/**
 * Linux socket structs as bytes: sockaddr_in, sockaddr_in6 (with scope id), sockaddr_ll,
 * sockaddr_nl, ip_mreqn, ipv6_mreq, and the pktinfo / int cmsg payloads. Pure; used by
 * the adapters over sys/nio.ts. Layouts are the Linux x86_64/arm64 ABI: ports, addresses
 * and sll_protocol in network order, everything else in host order.
 */
import { type Result, ok, fail } from '../core/result.js';

// Linux ABI values (fixed), kept here so this module works without the addon.
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const AF_PACKET = 17;

export const SOCKADDR_IN_LEN = 16;
export const SOCKADDR_IN6_LEN = 28;
export const SOCKADDR_LL_LEN = 20;
export const SOCKADDR_NL_LEN = 12;
/** sizeof(sockaddr_un.sun_path) (<sys/un.h>): the path, with its NUL, must fit. */
export const UNIX_PATH_MAX = 108;

/** The host's byte order: the addon's int32s and native struct fields use it. */
export const HOST_LE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export type SockAddr =
  | { readonly type: 'in'; readonly addr: Uint8Array; readonly port: number }
  | { readonly type: 'in6'; readonly addr: Uint8Array; readonly port: number; readonly flowinfo: number; readonly scopeId: number }
  | {
      readonly type: 'll';
      /** Ethertype in host order (e.g. 0x0806). */
      readonly protocol: number;
      readonly ifindex: number;
      readonly hatype: number;
      readonly pkttype: number;
      /** Hardware address, sll_halen bytes (6 for Ethernet). */
      readonly addr: Uint8Array;
    }
  | { readonly type: 'nl'; readonly pid: number; readonly groups: number };

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** A plain Uint8Array copy (inputs are often Buffers; callers compare with deepEqual). */
function copy(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.subarray(start, end));
}

function need(addr: Uint8Array, len: number, what: string): void {
  if (addr.length !== len) throw new RangeError(`${what}: expected ${len} address bytes, got ${addr.length}`);
}

/** 16-bit value from host to network order (the AF_PACKET socket() protocol argument). */
export function htons(v: number): number {
  return HOST_LE ? ((v & 0xff) << 8) | ((v >> 8) & 0xff) : v & 0xffff;
}

export function sockaddrIn(addr: Uint8Array, port = 0): Uint8Array {
  need(addr, 4, 'sockaddr_in');
  const b = new Uint8Array(SOCKADDR_IN_LEN);
  const v = view(b);
  v.setUint16(0, AF_INET, HOST_LE);
  v.setUint16(2, port, false);
  b.set(addr, 4);
  return b;
}

export function sockaddrIn6(addr: Uint8Array, opts: { port?: number; scopeId?: number; flowinfo?: number } = {}): Uint8Array {
  need(addr, 16, 'sockaddr_in6');
  const b = new Uint8Array(SOCKADDR_IN6_LEN);
  const v = view(b);
  v.setUint16(0, AF_INET6, HOST_LE);
  v.setUint16(2, opts.port ?? 0, false);
  v.setUint32(4, opts.flowinfo ?? 0, false);
  b.set(addr, 8);
  v.setUint32(24, opts.scopeId ?? 0, HOST_LE);
  return b;
}

export function sockaddrLl(opts: { protocol: number; ifindex: number; hatype?: number; pkttype?: number; addr?: Uint8Array }): Uint8Array {
  const b = new Uint8Array(SOCKADDR_LL_LEN);
  const v = view(b);
  const hw = opts.addr ?? new Uint8Array(0);
  if (hw.length > 8) throw new RangeError(`sockaddr_ll: hardware address longer than 8 bytes`);
  v.setUint16(0, AF_PACKET, HOST_LE);
  v.setUint16(2, opts.protocol, false);
  v.setInt32(4, opts.ifindex, HOST_LE);
  v.setUint16(8, opts.hatype ?? 0, HOST_LE);
  b[10] = opts.pkttype ?? 0;
  b[11] = hw.length;
  b.set(hw, 12);
  return b;
}

export function sockaddrNl(pid = 0, groups = 0): Uint8Array {
  const b = new Uint8Array(SOCKADDR_NL_LEN);
  const v = view(b);
  v.setUint16(0, AF_NETLINK, HOST_LE);
  v.setUint32(4, pid, HOST_LE);
  v.setUint32(8, groups >>> 0, HOST_LE);
  return b;
}

/** struct ip_mreqn {multiaddr, address, ifindex}: IP_ADD_MEMBERSHIP and IP_MULTICAST_IF. */
export function ipMreqn(group: Uint8Array, ifindex: number, local: Uint8Array = new Uint8Array(4)): Uint8Array {
  need(group, 4, 'ip_mreqn');
  need(local, 4, 'ip_mreqn');
  const b = new Uint8Array(12);
  b.set(group, 0);
  b.set(local, 4);
  view(b).setInt32(8, ifindex, HOST_LE);
  return b;
}

/** struct ipv6_mreq {addr, ifindex}: IPV6_ADD_MEMBERSHIP. */
export function ipv6Mreq(group: Uint8Array, ifindex: number): Uint8Array {
  need(group, 16, 'ipv6_mreq');
  const b = new Uint8Array(20);
  b.set(group, 0);
  view(b).setUint32(16, ifindex, HOST_LE);
  return b;
}

/** A C int in host order (setsockopt values, IPV6_HOPLIMIT cmsg). */
export function encodeInt32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  view(b).setInt32(0, n, HOST_LE);
  return b;
}

export function decodeInt32(b: Uint8Array): number | null {
  return b.length >= 4 ? view(b).getInt32(0, HOST_LE) : null;
}

/** Decodes a sockaddr as returned by recvmsg/getsockname. */
export function decodeSockaddr(b: Uint8Array): Result<SockAddr> {
  if (b.length < 2) return fail(`sockaddr too short (${b.length} bytes)`);
  const v = view(b);
  const family = v.getUint16(0, HOST_LE);
  switch (family) {
    case AF_INET:
      if (b.length < 8) return fail('sockaddr_in too short');
      return ok({ type: 'in', port: v.getUint16(2, false), addr: copy(b, 4, 8) });
    case AF_INET6:
      if (b.length < 24) return fail('sockaddr_in6 too short');
      return ok({
        type: 'in6',
        port: v.getUint16(2, false),
        flowinfo: v.getUint32(4, false),
        addr: copy(b, 8, 24),
        scopeId: b.length >= 28 ? v.getUint32(24, HOST_LE) : 0,
      });
    case AF_PACKET: {
      if (b.length < 12) return fail('sockaddr_ll too short');
      const halen = Math.min(b[11]!, 8, b.length - 12);
      return ok({
        type: 'll',
        protocol: v.getUint16(2, false),
        ifindex: v.getInt32(4, HOST_LE),
        hatype: v.getUint16(8, HOST_LE),
        pkttype: b[10]!,
        addr: copy(b, 12, 12 + halen),
      });
    }
    case AF_NETLINK:
      if (b.length < 12) return fail('sockaddr_nl too short');
      return ok({ type: 'nl', pid: v.getUint32(4, HOST_LE), groups: v.getUint32(8, HOST_LE) });
    default:
      return fail(`unsupported address family ${family}`);
  }
}

/** struct in6_pktinfo {addr, ifindex} (IPV6_PKTINFO cmsg). */
export function decodeIn6Pktinfo(b: Uint8Array): { addr: Uint8Array; ifindex: number } | null {
  if (b.length < 20) return null;
  return { addr: copy(b, 0, 16), ifindex: view(b).getUint32(16, HOST_LE) };
}

/** struct in_pktinfo {ifindex, spec_dst, addr} (IP_PKTINFO cmsg). */
export function decodeInPktinfo(b: Uint8Array): { ifindex: number; specDst: Uint8Array; addr: Uint8Array } | null {
  if (b.length < 12) return null;
  return { ifindex: view(b).getInt32(0, HOST_LE), specDst: copy(b, 4, 8), addr: copy(b, 8, 12) };
}

/**
 * sockaddr_un for `path`: a filesystem path, or an abstract name when it starts with '@'
 * (sd_notify(3): the '@' stands for the leading NUL byte, and the name is not terminated).
 * Returns the exact length to pass to bind/connect/sendmsg; undefined when it does not fit.
 */
export function sockaddrUn(path: string): Uint8Array | undefined {
  const abstract = path.startsWith('@');
  const name = Buffer.from(abstract ? path.slice(1) : path, 'utf8');
  if (name.length === 0 && !abstract) return undefined;
  if (name.length + 1 > UNIX_PATH_MAX) return undefined;
  if (!abstract && name.includes(0)) return undefined;
  // Abstract: family, NUL, name (no terminator). Path: family, path, NUL.
  const b = new Uint8Array(2 + 1 + name.length);
  new DataView(b.buffer).setUint16(0, AF_UNIX, HOST_LE);
  b.set(name, abstract ? 3 : 2);
  return b;
}

/** struct ucred (SO_PEERCRED): pid, uid, gid as host-order 32-bit integers. */
export interface Ucred {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

export const UCRED_LEN = 12;

export function decodeUcred(b: Uint8Array): Ucred | null {
  if (b.length < UCRED_LEN) return null;
  const v = new DataView(b.buffer, b.byteOffset, UCRED_LEN);
  return { pid: v.getInt32(0, HOST_LE), uid: v.getUint32(4, HOST_LE), gid: v.getUint32(8, HOST_LE) };
}
