/**
 * RtnlClient: the rtnetlink client of the VRRP process (keepalived's netlink command
 * channel plus its "netlink reflector" monitor). Lists links and addresses, adds and
 * removes virtual IPs, and streams link/address changes. One command socket carries
 * every request and dump (many may be in flight); each monitor() opens its own socket
 * subscribed to RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR.
 *
 * EEXIST on add and EADDRNOTAVAIL/ENOENT on delete are outcomes ('exists', 'absent'),
 * not errors: keepalived treats both as success. Other kernel refusals reject with
 * NetlinkRequestError (KA_ERR_NL_REQUEST, errnoCode 'ENODEV', 'EINVAL', …).
 */
import { KaError } from '../core/errors.js';
import type { Family } from '../core/ip.js';
import { encodeAddrRequest, decodeAddrMessage, encodeGetAddrDump } from './addr.js';
import { NLM_F_CREATE, NLM_F_EXCL, RTM_DELADDR, RTM_NEWADDR, RTM_NEWLINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_LINK } from './constants.js';
import { decodeLinkMessage, encodeGetLinkDump } from './link.js';
import {
  type AddrInfo,
  type AddrSpec,
  type LinkInfo,
  type RtnlEvent,
  addrRequestOf,
  afOf,
  decodeRtnlEvent,
  toAddrInfo,
  toLinkInfo,
} from './rtnl-model.js';
import { NetlinkRequestError, NetlinkSocket, type NetlinkSocketOptions } from './netlink-socket.js';

export type { AddrInfo, AddrSpec, LinkInfo, RtnlEvent } from './rtnl-model.js';

export type AddAddressOutcome = 'added' | 'exists';
export type DeleteAddressOutcome = 'deleted' | 'absent';

export interface RtnlSubscription {
  close(): void;
}

export interface RtnlClient {
  listLinks(): Promise<LinkInfo[]>;
  listAddresses(family?: Family): Promise<AddrInfo[]>;
  addAddress(spec: AddrSpec): Promise<AddAddressOutcome>;
  deleteAddress(spec: AddrSpec): Promise<DeleteAddressOutcome>;
  monitor(cb: (ev: RtnlEvent) => void): RtnlSubscription;
  close(): void;
}

export interface RtnlClientOptions {
  /** Command socket receive buffer (default 4 MiB). */
  readonly commandRcvbufBytes?: number;
  /** Monitor socket receive buffer (default 8 MiB; keepalived's vrrp_netlink_monitor_rcv_bufs). */
  readonly monitorRcvbufBytes?: number;
  readonly timeoutMs?: number;
}

const isErrno = (e: unknown, ...names: string[]): boolean => e instanceof NetlinkRequestError && names.includes(e.errnoCode ?? '');

export class NetlinkRtnlClient implements RtnlClient {
  private readonly cmd: NetlinkSocket;
  private readonly monitors = new Set<NetlinkSocket>();

  private constructor(private readonly opts: RtnlClientOptions) {
    this.cmd = NetlinkSocket.open({
      ...(opts.commandRcvbufBytes !== undefined ? { rcvbufBytes: opts.commandRcvbufBytes } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    });
  }

  /** Opens the command socket in the calling thread's network namespace. */
  static open(opts: RtnlClientOptions = {}): NetlinkRtnlClient {
    return new NetlinkRtnlClient(opts);
  }

  async listLinks(): Promise<LinkInfo[]> {
    const msgs = await this.cmd.dump(encodeGetLinkDump(0));
    return msgs.filter((m) => m.type === RTM_NEWLINK).map((m) => toLinkInfo(decodeLinkMessage(m.payload)));
  }

  async listAddresses(family?: Family): Promise<AddrInfo[]> {
    const msgs = await this.cmd.dump(encodeGetAddrDump(0, afOf(family)));
    const out: AddrInfo[] = [];
    for (const m of msgs) {
      if (m.type !== RTM_NEWADDR) continue;
      const a = toAddrInfo(decodeAddrMessage(m.payload));
      // Without NETLINK_GET_STRICT_CHK older kernels ignore the family filter.
      if (a && (family === undefined || a.family === family)) out.push(a);
    }
    return out;
  }

  async addAddress(spec: AddrSpec): Promise<AddAddressOutcome> {
    const req = addrRequestOf(spec);
    if (!req.ok) throw new KaError('KA_ERR_NL_REQUEST', `RTM_NEWADDR: ${req.reason}`, { errnoCode: 'EINVAL' });
    try {
      await this.cmd.request(encodeAddrRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 0, req.value));
      return 'added';
    } catch (e) {
      if (isErrno(e, 'EEXIST')) return 'exists';
      throw e;
    }
  }

  async deleteAddress(spec: AddrSpec): Promise<DeleteAddressOutcome> {
    const req = addrRequestOf(spec);
    if (!req.ok) throw new KaError('KA_ERR_NL_REQUEST', `RTM_DELADDR: ${req.reason}`, { errnoCode: 'EINVAL' });
    try {
      await this.cmd.request(encodeAddrRequest(RTM_DELADDR, 0, 0, req.value));
      return 'deleted';
    } catch (e) {
      if (isErrno(e, 'EADDRNOTAVAIL', 'ENOENT')) return 'absent';
      throw e;
    }
  }

  /**
   * Streams link and address changes until the subscription is closed. Lost notifications
   * (ENOBUFS) and undecodable ones become a 'resync' event: re-dump with listLinks/listAddresses.
   */
  monitor(cb: (ev: RtnlEvent) => void): RtnlSubscription {
    const resync = (reason: string): void => cb({ type: 'resync', reason });
    const sockOpts: NetlinkSocketOptions = {
      groups: [RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR],
      rcvbufBytes: this.opts.monitorRcvbufBytes ?? 8 * 1024 * 1024,
      onNotification: (msg) => {
        let ev: RtnlEvent | null;
        try {
          ev = decodeRtnlEvent(msg);
        } catch (e) {
          resync(`undecodable notification: ${(e as Error).message}`);
          return;
        }
        if (ev) cb(ev);
      },
      onError: (err) => resync((err as { code?: string }).code === 'ENOBUFS' ? 'ENOBUFS: notifications lost' : err.message),
    };
    const sock = NetlinkSocket.open(sockOpts);
    this.monitors.add(sock);
    return {
      close: () => {
        this.monitors.delete(sock);
        sock.close();
      },
    };
  }

  /** Keep (default) or stop the client's sockets keeping the process alive. */
  ref(on = true): void {
    this.cmd.ref(on);
    for (const m of this.monitors) m.ref(on);
  }

  close(): void {
    for (const m of this.monitors) m.close();
    this.monitors.clear();
    this.cmd.close();
  }
}
