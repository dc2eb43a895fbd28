/**
 * VRRP I/O adapter (vrrp child process): raw IP protocol 112 sockets bound to one
 * interface, for IPv4 (RFC 3768 / RFC 5798 §5.1.1) and IPv6 (RFC 5798 §5.1.2), and IPv4
 * protocol 51 for `auth_type AH` (RFC 2402; a raw socket sees AH datagrams whether or not
 * the kernel has an IPsec SA, raw(7)). No VRRP parsing here: receive hands the codec what
 * the kernel gives, send takes finished bytes.
 *
 * Why the socket options (raw(7), ip(7), ipv6(7), socket(7)):
 * - separate receive and send sockets: bind() on a raw socket filters receive by
 *   destination (raw(7)), and the IPv4 send socket writes its own header;
 * - SO_BINDTODEVICE is what limits receive to the interface (socket(7)); joining a group
 *   alone does not. The socket must be reopened if the interface is recreated;
 * - IP(V6)_MULTICAST_ALL 0 and _LOOP 0 so we see neither other groups nor our own adverts
 *   (ip(7), ipv6(7));
 * - IPv4 send uses IP_HDRINCL (IPPROTO_RAW, which also never receives, raw(7)): the caller
 *   picks TTL 255 (RFC 5798 §5.1.1.3), TOS and the source the VRRPv3 pseudo-header checksum
 *   was computed with; the kernel fills total length, header checksum and (when 0) the ID;
 * - IPv6: IPV6_CHECKSUM=6 makes the kernel checksum on send and silently drop bad checksums
 *   on receive (raw(7)); hop limit and destination only exist as ancillary data
 *   (IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO: RFC 3542 §6); hop limits are set to 255 explicitly
 *   (RFC 5798 §5.1.2.3), the kernel's default is not.
 */
import { nio, openFailure } from '../sys/nio.js';
import { RawSocket, countSend, type RecvMeta, type SendCounters, type SendOutcome } from '../sys/raw-socket.js';
import {
  decodeIn6Pktinfo,
  decodeInPktinfo,
  decodeInt32,
  decodeSockaddr,
  ipMreqn,
  ipv6Mreq,
  sockaddrIn,
  sockaddrIn6,
} from '../sys/sockaddr.js';
import { bytesEqual, isLinkLocal6, isMulticast, parseIpv4, parseIpv6 } from '../core/ip.js';
import { KaError, type SyscallError } from '../core/errors.js';
import type { Family } from '../core/ip.js';
import { VRRP_MCAST_GROUP4, VRRP_MCAST_GROUP6, VRRP_PROTO, VRRP_TTL, type RawVrrpDatagram } from './types.js';

export interface VrrpSocketOptions {
  readonly ifname: string;
  readonly family: Family;
  /** Multicast group (default 224.0.0.18 / ff02::12). */
  readonly group?: string;
  /** Join the group; false for unicast-only instances. */
  readonly join: boolean;
  /** IPv6 unicast hop limit (default 255). IPv4 TTL comes from the caller's header. */
  readonly unicastTtl?: number;
  /** IPv6 source address for sends (the send socket is bound to it). */
  readonly src6?: string;
  /** IPv4 receive protocol: 112 (default) or 51 (IPsec AH). Sends take any: the caller writes the header. */
  readonly protocol?: 112 | 51;
  /** Datagrams per readable event (default 32). */
  readonly maxBatch?: number;
}

/** A failed or dropped send/receive, reported instead of thrown. */
export interface VrrpSocketError {
  readonly direction: 'send' | 'receive';
  /** errno name ('ENETDOWN', 'ENOBUFS', …); 'EAGAIN' for a full queue, 'ECLOSED' after close(). */
  readonly code: string;
  readonly error: Error | null;
}

export interface VrrpSocketStats extends SendCounters {
  rxDatagrams: number;
  /** Socket-level receive errors (recvmsg/poll failures). */
  rxErrors: number;
}

const CONTROL_LEN = 256;

function ifnameBytes(ifname: string): Uint8Array {
  const b = Buffer.from(`${ifname}\0`, 'utf8');
  if (b.length > 16) throw new KaError('KA_ERR_VRRP_SOCKET', `interface name too long: ${ifname}`);
  return b;
}

function parseGroup(family: Family, s: string): Uint8Array {
  const b = family === 4 ? parseIpv4(s) : parseIpv6(s);
  if (!b) throw new KaError('KA_ERR_VRRP_SOCKET', `invalid IPv${family} address '${s}'`);
  return b;
}

export class VrrpSocket {
  readonly family: Family;
  readonly ifname: string;
  readonly ifindex: number;
  readonly stats: VrrpSocketStats = { rxDatagrams: 0, rxErrors: 0, txPackets: 0, txDropped: 0, txErrors: 0 };
  private readonly rx: RawSocket;
  private readonly tx: RawSocket;
  private errorHandler: ((e: VrrpSocketError) => void) | undefined;
  /** The last destination and its sockaddr: a master sends to the same one every interval. */
  private lastDst: Uint8Array | null = null;
  private lastSockaddr: Uint8Array | null = null;

  private constructor(family: Family, ifname: string, ifindex: number, rx: RawSocket, tx: RawSocket) {
    this.family = family;
    this.ifname = ifname;
    this.ifindex = ifindex;
    this.rx = rx;
    this.tx = tx;
  }

  /** Opens and configures both sockets; throws KaError KA_ERR_VRRP_SOCKET (cause: the syscall error). */
  static open(opts: VrrpSocketOptions): VrrpSocket {
    const n = nio();
    const K = n.constants;
    const opened: RawSocket[] = [];
    try {
      const ifindex = n.ifNameToIndex(opts.ifname);
      const dev = ifnameBytes(opts.ifname);
      const group = parseGroup(opts.family, opts.group ?? (opts.family === 4 ? VRRP_MCAST_GROUP4 : VRRP_MCAST_GROUP6));
      const batch = opts.maxBatch === undefined ? {} : { maxBatch: opts.maxBatch };
      if (opts.family === 4) {
        const rx = RawSocket.open(K.AF_INET, K.SOCK_RAW, opts.protocol ?? VRRP_PROTO, { controlLen: CONTROL_LEN, ...batch });
        opened.push(rx);
        rx.setsockopts([
          [K.SOL_SOCKET, K.SO_BINDTODEVICE, dev],
          [K.IPPROTO_IP, K.IP_MULTICAST_ALL, 0],
          [K.IPPROTO_IP, K.IP_MULTICAST_LOOP, 0],
          [K.IPPROTO_IP, K.IP_PKTINFO, 1],
          [K.IPPROTO_IP, K.IP_RECVTTL, 1],
          ...(opts.join ? [[K.IPPROTO_IP, K.IP_ADD_MEMBERSHIP, ipMreqn(group, ifindex)] as const] : []),
        ]);
        // IPPROTO_RAW: header included and send-only, so nothing queues up on it.
        const tx = RawSocket.open(K.AF_INET, K.SOCK_RAW, K.IPPROTO_RAW);
        opened.push(tx);
        tx.setsockopts([
          [K.IPPROTO_IP, K.IP_HDRINCL, 1],
          [K.SOL_SOCKET, K.SO_BINDTODEVICE, dev],
          [K.IPPROTO_IP, K.IP_MULTICAST_IF, ipMreqn(new Uint8Array(4), ifindex)],
          [K.IPPROTO_IP, K.IP_MULTICAST_LOOP, 0],
          [K.IPPROTO_IP, K.IP_MULTICAST_ALL, 0],
        ]);
        return new VrrpSocket(4, opts.ifname, ifindex, rx, tx);
      }
      const rx = RawSocket.open(K.AF_INET6, K.SOCK_RAW, VRRP_PROTO, { controlLen: CONTROL_LEN, ...batch });
      opened.push(rx);
      rx.setsockopts([
        [K.IPPROTO_IPV6, K.IPV6_CHECKSUM, 6],
        [K.SOL_SOCKET, K.SO_BINDTODEVICE, dev],
        [K.IPPROTO_IPV6, K.IPV6_MULTICAST_ALL, 0],
        [K.IPPROTO_IPV6, K.IPV6_MULTICAST_LOOP, 0],
        [K.IPPROTO_IPV6, K.IPV6_RECVHOPLIMIT, 1],
        [K.IPPROTO_IPV6, K.IPV6_RECVPKTINFO, 1],
        ...(opts.join ? [[K.IPPROTO_IPV6, K.IPV6_ADD_MEMBERSHIP, ipv6Mreq(group, ifindex)] as const] : []),
      ]);
      // A raw IPv6 socket cannot be send-only: the send socket drains and discards (below).
      const tx = RawSocket.open(K.AF_INET6, K.SOCK_RAW, VRRP_PROTO, { maxBatch: 64 });
      opened.push(tx);
      tx.setsockopts([
        [K.IPPROTO_IPV6, K.IPV6_CHECKSUM, 6],
        [K.SOL_SOCKET, K.SO_BINDTODEVICE, dev],
        [K.SOL_SOCKET, K.SO_RCVBUF, 0], // clamped to the kernel minimum
        [K.IPPROTO_IPV6, K.IPV6_MULTICAST_ALL, 0],
        [K.IPPROTO_IPV6, K.IPV6_MULTICAST_IF, ifindex],
        [K.IPPROTO_IPV6, K.IPV6_MULTICAST_HOPS, VRRP_TTL],
        [K.IPPROTO_IPV6, K.IPV6_UNICAST_HOPS, opts.unicastTtl ?? VRRP_TTL],
        [K.IPPROTO_IPV6, K.IPV6_MULTICAST_LOOP, 0],
      ]);
      if (opts.src6 !== undefined) {
        const src = parseGroup(6, opts.src6);
        tx.bind(sockaddrIn6(src, { scopeId: isLinkLocal6({ family: 6, bytes: src }) ? ifindex : 0 }));
      }
      const s = new VrrpSocket(6, opts.ifname, ifindex, rx, tx);
      tx.receive(() => undefined, () => undefined);
      tx.ref(false);
      return s;
    } catch (e) {
      for (const s of opened) s.close();
      throw openFailure('KA_ERR_VRRP_SOCKET', `cannot open IPv${opts.family} VRRP socket on ${opts.ifname}`, e);
    }
  }

  /** Where send failures and receive errors are reported (besides the counters). */
  onError(cb: (e: VrrpSocketError) => void): void {
    this.errorHandler = cb;
  }

  /** Starts receiving; replaces a previous handler. */
  onDatagram(cb: (d: RawVrrpDatagram) => void): void {
    this.rx.receiveMeta(
      (data, meta) => {
        this.stats.rxDatagrams++;
        cb(this.toDatagram(data, meta));
      },
      (err) => {
        this.stats.rxErrors++;
        this.errorHandler?.({ direction: 'receive', code: (err as SyscallError).code ?? 'EUNKNOWN', error: err });
      },
    );
  }

  /** Sends a complete IPv4 packet (header + VRRP) to `dst` (4 bytes). False if not sent (reported). */
  sendV4(packet: Uint8Array, dst: Uint8Array): boolean {
    if (this.family !== 4) throw new KaError('KA_ERR_VRRP_SOCKET', 'sendV4 on an IPv6 VRRP socket');
    return this.account(this.tx.trySend(packet, this.sockaddrFor(dst)));
  }

  /** Sends a VRRP payload to `dst` (16 bytes); link-local and link-scope multicast get the interface as scope. */
  sendV6(payload: Uint8Array, dst: Uint8Array): boolean {
    if (this.family !== 6) throw new KaError('KA_ERR_VRRP_SOCKET', 'sendV6 on an IPv4 VRRP socket');
    return this.account(this.tx.trySend(payload, this.sockaddrFor(dst)));
  }

  private sockaddrFor(dst: Uint8Array): Uint8Array {
    if (this.lastDst !== null && this.lastSockaddr !== null && bytesEqual(this.lastDst, dst)) return this.lastSockaddr;
    let sa: Uint8Array;
    if (this.family === 4) sa = sockaddrIn(dst);
    else {
      const a = { family: 6 as const, bytes: dst };
      const linkScope = isLinkLocal6(a) || (isMulticast(a) && (dst[1]! & 0x0f) <= 2);
      sa = sockaddrIn6(dst, { scopeId: linkScope ? this.ifindex : 0 });
    }
    this.lastDst = dst.slice();
    this.lastSockaddr = sa;
    return sa;
  }

  close(): void {
    this.rx.close();
    this.tx.close();
  }

  get closed(): boolean {
    return this.rx.closed;
  }

  private account(o: SendOutcome): boolean {
    return countSend(o, this.stats, (code, error) => this.errorHandler?.({ direction: 'send', code, error }));
  }

  private toDatagram(data: Uint8Array, meta: RecvMeta): RawVrrpDatagram {
    const K = nio().constants;
    const from = decodeSockaddr(meta.addr());
    let src: Uint8Array = new Uint8Array(this.family === 4 ? 4 : 16);
    let scopeId = 0;
    if (from.ok && (from.value.type === 'in' || from.value.type === 'in6')) {
      src = from.value.addr;
      if (from.value.type === 'in6') scopeId = from.value.scopeId;
    }
    let dst: Uint8Array | null = null;
    let ttl: number | null = null;
    let ifindex = this.ifindex;
    meta.forEachCmsg((level, type, cdata) => {
      if (level === K.IPPROTO_IP && type === K.IP_PKTINFO) {
        const p = decodeInPktinfo(cdata);
        if (p) ({ addr: dst, ifindex } = p);
      } else if (level === K.IPPROTO_IP && type === K.IP_TTL) {
        ttl = decodeInt32(cdata);
      } else if (level === K.IPPROTO_IPV6 && type === K.IPV6_PKTINFO) {
        const p = decodeIn6Pktinfo(cdata);
        if (p) ({ addr: dst, ifindex } = p);
      } else if (level === K.IPPROTO_IPV6 && type === K.IPV6_HOPLIMIT) {
        ttl = decodeInt32(cdata);
      }
    });
    return { family: this.family, data, src, scopeId, dst, ttl, ifindex, truncated: (meta.flags & K.MSG_TRUNC) !== 0 };
  }
}
