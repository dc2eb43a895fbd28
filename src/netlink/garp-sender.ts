/**
 * Puts gratuitous ARPs and unsolicited NAs on one interface (vrrp child). Frames come from
 * netlink/garp.ts.
 *
 * - ARP: AF_PACKET SOCK_RAW with protocol 0, bound to the interface. Protocol 0 means the
 *   socket receives nothing (an ETH_P_ARP socket would queue every ARP on the segment);
 *   the ethertype goes in each send's sockaddr_ll, in network order (docs/native-addon.md P9).
 *   getsockname() on the bound socket yields the interface MAC. AF_PACKET bypasses the IP
 *   stack, so arp_* sysctls do not affect these sends, and any source MAC (VMAC) works.
 * - NA: raw ICMPv6 socket with every type filtered out on receive (ICMP6_FILTER), bound
 *   to the device, hop limits 255 (receivers drop anything else, RFC 4861 §7.1.2); the
 *   kernel computes the ICMPv6 checksum and picks the link-local source.
 * Sends never throw on syscall errors (interface down, …): they return false, count, and
 * report through onError.
 */
import { nio, openFailure } from '../sys/nio.js';
import { RawSocket, countSend, type SendCounters } from '../sys/raw-socket.js';
import { decodeSockaddr, sockaddrIn6, sockaddrLl } from '../sys/sockaddr.js';
import { BROADCAST_MAC, ETHERTYPE_ARP, buildGarpFrame, buildUnsolicitedNa } from './garp.js';
import { parseIpv6 } from '../core/ip.js';
import { KaError, type SyscallError } from '../core/errors.js';

const ALL_NODES = parseIpv6('ff02::1')!;

export interface GarpSendError {
  readonly kind: 'garp' | 'na';
  /** errno name, 'EAGAIN' for a full queue, 'ECLOSED' after close(). */
  readonly code: string;
  readonly error: SyscallError | null;
}

export interface GarpSender {
  readonly ifname: string;
  readonly ifindex: number;
  /** The interface MAC when the sender was opened. */
  readonly mac: Uint8Array;
  readonly stats: { readonly garp: SendCounters; readonly na: SendCounters };
  /** Gratuitous ARP for `vip4` (4 bytes) from `mac` (default: the interface MAC, e.g. a VMAC otherwise). */
  sendGarp(vip4: Uint8Array, mac?: Uint8Array): boolean;
  /** Unsolicited NA for `vip6` (16 bytes) to ff02::1; the option carries `opts.mac` or the interface MAC. */
  sendNa(vip6: Uint8Array, opts?: { router?: boolean; mac?: Uint8Array }): boolean;
  onError(cb: (e: GarpSendError) => void): void;
  close(): void;
}

/** Opens both sockets on `ifname`; throws KaError KA_ERR_SYS_NATIVE if that fails. */
export function openGarpSender(ifname: string): GarpSender {
  const n = nio();
  const K = n.constants;
  const opened: RawSocket[] = [];
  try {
    const ifindex = n.ifNameToIndex(ifname);
    const dev = Buffer.from(`${ifname}\0`);
    const arp = RawSocket.open(K.AF_PACKET, K.SOCK_RAW, 0);
    opened.push(arp);
    arp.bind(sockaddrLl({ protocol: 0, ifindex }));
    const self = decodeSockaddr(arp.getsockname());
    if (!self.ok || self.value.type !== 'll' || self.value.addr.length !== 6) {
      throw new KaError('KA_ERR_SYS_NATIVE', `${ifname} has no Ethernet address`);
    }
    const mac = self.value.addr;
    const icmp = RawSocket.open(K.AF_INET6, K.SOCK_RAW, K.IPPROTO_ICMPV6);
    opened.push(icmp);
    icmp.setsockopts([
      [K.IPPROTO_ICMPV6, K.ICMP6_FILTER, new Uint8Array(32).fill(0xff)], // block every type
      [K.SOL_SOCKET, K.SO_BINDTODEVICE, dev],
      [K.IPPROTO_IPV6, K.IPV6_MULTICAST_IF, ifindex],
      [K.IPPROTO_IPV6, K.IPV6_MULTICAST_HOPS, 255],
      [K.IPPROTO_IPV6, K.IPV6_UNICAST_HOPS, 255],
      [K.IPPROTO_IPV6, K.IPV6_MULTICAST_LOOP, 0],
    ]);

    const arpTo = sockaddrLl({ protocol: ETHERTYPE_ARP, ifindex, addr: BROADCAST_MAC });
    const naTo = sockaddrIn6(ALL_NODES, { scopeId: ifindex });
    const stats = {
      garp: { txPackets: 0, txDropped: 0, txErrors: 0 },
      na: { txPackets: 0, txDropped: 0, txErrors: 0 },
    };
    let report: ((e: GarpSendError) => void) | undefined;
    return {
      ifname,
      ifindex,
      mac,
      stats,
      sendGarp: (vip4, from = mac) =>
        countSend(arp.trySend(buildGarpFrame(from, vip4), arpTo), stats.garp, (code, error) => report?.({ kind: 'garp', code, error })),
      sendNa: (vip6, opts = {}) =>
        countSend(
          icmp.trySend(buildUnsolicitedNa(opts.mac ?? mac, vip6, opts.router === undefined ? {} : { router: opts.router }), naTo),
          stats.na,
          (code, error) => report?.({ kind: 'na', code, error }),
        ),
      onError: (cb) => {
        report = cb;
      },
      close: () => {
        arp.close();
        icmp.close();
      },
    };
  } catch (e) {
    for (const s of opened) s.close();
    throw openFailure('KA_ERR_SYS_NATIVE', `cannot open GARP/NA sockets on ${ifname}`, e);
  }
}
