/**
 * RtnlClient: the rtnetlink client of the VRRP process (keepalived's netlink command
 * channel plus its "netlink reflector" monitor). Lists links and addresses, adds and
 * removes virtual IPs, and streams link/address changes; as RtnlRouteClient it adds,
 * removes and lists routes and policy rules and streams their changes (keepalived's
 * tracking of deleted routes/rules); as RtnlLinkClient it creates and deletes VMACs
 * (macvlan) and ipvlans and sets links up, their MAC and per-interface settings. One
 * command socket carries every request and dump (many may be in flight); each monitor()
 * and monitorRoutes() opens its own socket subscribed to its groups.
 *
 * EEXIST on add and EADDRNOTAVAIL/ENOENT/ESRCH/ENODEV on delete are outcomes ('exists',
 * 'absent'), not errors: keepalived treats both as success. A kernel without the link kind
 * (EOPNOTSUPP, "Unknown device type") is the outcome 'unsupported'. Other kernel refusals
 * reject with NetlinkRequestError (KA_ERR_NL_REQUEST, errnoCode 'ENODEV', 'EINVAL', …).
 */
import { KaError } from '../core/errors.js';
import type { Family } from '../core/ip.js';
import { encodeAddrRequest, decodeAddrMessage, encodeGetAddrDump } from './addr.js';
import {
  AF_UNSPEC,
  NLM_F_APPEND,
  NLM_F_CREATE,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  RTM_DELADDR,
  RTM_DELROUTE,
  RTM_DELRULE,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWROUTE,
  RTM_NEWRULE,
  RTNLGRP_IPV4_IFADDR,
  RTNLGRP_IPV4_ROUTE,
  RTNLGRP_IPV4_RULE,
  RTNLGRP_IPV6_IFADDR,
  RTNLGRP_IPV6_ROUTE,
  RTNLGRP_IPV6_RULE,
  RTNLGRP_LINK,
} from './constants.js';
import { decodeRuleMessage, encodeGetRuleDump, encodeRuleRequest, type RuleMessage } from './fib-rule.js';
import { decodeLinkMessage, encodeGetLinkDump } from './link.js';
import {
  type IpvlanSpec,
  type MacvlanSpec,
  encodeDelLink,
  encodeGetLinkByName,
  encodeIpvlanCreate,
  encodeMacvlanCreate,
  encodeSetAddrGenMode,
  encodeSetInetConf,
  encodeSetLinkAddress,
  encodeSetLinkUp,
} from './link-kinds.js';
import type { NlMessage } from './message.js';
import { decodeRouteMessage, encodeGetRouteDump, encodeRouteRequest, type RouteMessage } from './route.js';
import { type RouteAddMode, type RouteRuleEvent, decodeRouteRuleEvent } from './route-model.js';
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
export type { RouteAddMode, RouteRuleEvent } from './route-model.js';

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

export type AddOutcome = 'added' | 'exists';
export type DeleteOutcome = 'deleted' | 'absent';

/** Routes and policy rules (keepalived's virtual/static routes and rules). */
export interface RtnlRouteClient {
  listRoutes(family?: Family): Promise<RouteMessage[]>;
  /** `mode`: keepalived's prepend (default), or `add` / `append` / `replace` (ip-route(8)). */
  addRoute(route: RouteMessage, mode?: RouteAddMode): Promise<AddOutcome>;
  deleteRoute(route: RouteMessage): Promise<DeleteOutcome>;
  listRules(family?: Family): Promise<RuleMessage[]>;
  /** Exclusive, as keepalived adds rules (NLM_F_EXCL): an identical rule is 'exists'. */
  addRule(rule: RuleMessage): Promise<AddOutcome>;
  deleteRule(rule: RuleMessage): Promise<DeleteOutcome>;
  /** Route and rule notifications of both families. */
  monitorRoutes(cb: (ev: RouteRuleEvent) => void): RtnlSubscription;
}

export type LinkCreateOutcome =
  | { readonly outcome: 'created'; readonly link: LinkInfo }
  /** An interface of that name exists (keepalived then looks for a free name or reuses a matching VMAC). */
  | { readonly outcome: 'exists' }
  /** The kernel has no such link kind (ipvlan or macvlan not built): the kernel's reason. */
  | { readonly outcome: 'unsupported'; readonly reason: string };

/** VMACs and the link settings around them. */
export interface RtnlLinkClient {
  getLink(name: string): Promise<LinkInfo | null>;
  createMacvlan(spec: MacvlanSpec): Promise<LinkCreateOutcome>;
  createIpvlan(spec: IpvlanSpec): Promise<LinkCreateOutcome>;
  setLinkUp(ifindex: number, up: boolean): Promise<void>;
  setLinkAddress(ifindex: number, mac: Uint8Array): Promise<void>;
  /** IPV4_DEVCONF_* values (arp_ignore, accept_local, rp_filter …) in the given order. */
  setIpv4Conf(ifindex: number, entries: readonly (readonly [number, number])[]): Promise<void>;
  /** IN6_ADDR_GEN_MODE_* */
  setAddrGenMode(ifindex: number, mode: number): Promise<void>;
  deleteLink(ifindex: number): Promise<DeleteOutcome>;
}

export interface RtnlClientOptions {
  /** Command socket receive buffer (default 4 MiB). */
  readonly commandRcvbufBytes?: number;
  /** Monitor socket receive buffer (default 8 MiB; keepalived's vrrp_netlink_monitor_rcv_bufs). */
  readonly monitorRcvbufBytes?: number;
  readonly timeoutMs?: number;
}

const isErrno = (e: unknown, ...names: string[]): boolean => e instanceof NetlinkRequestError && names.includes(e.errnoCode ?? '');

/** `done` when the request succeeds, `otherwise` when the kernel answers one of `errnos`. */
async function outcome<T, U>(request: Promise<unknown>, done: T, errnos: readonly string[], otherwise: U): Promise<T | U> {
  try {
    await request;
    return done;
  } catch (e) {
    if (isErrno(e, ...errnos)) return otherwise;
    throw e;
  }
}

const ADD_FLAGS: Readonly<Record<RouteAddMode, number>> = {
  prepend: NLM_F_CREATE,
  add: NLM_F_CREATE | NLM_F_EXCL,
  append: NLM_F_CREATE | NLM_F_APPEND,
  replace: NLM_F_CREATE | NLM_F_REPLACE,
};

const ROUTE_GROUPS = [RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE];

export class NetlinkRtnlClient implements RtnlClient, RtnlRouteClient, RtnlLinkClient {
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
    return outcome(this.cmd.request(encodeAddrRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 0, req.value)), 'added', ['EEXIST'], 'exists');
  }

  async deleteAddress(spec: AddrSpec): Promise<DeleteAddressOutcome> {
    const req = addrRequestOf(spec);
    if (!req.ok) throw new KaError('KA_ERR_NL_REQUEST', `RTM_DELADDR: ${req.reason}`, { errnoCode: 'EINVAL' });
    return outcome(this.cmd.request(encodeAddrRequest(RTM_DELADDR, 0, 0, req.value)), 'deleted', ['EADDRNOTAVAIL', 'ENOENT'], 'absent');
  }

  /**
   * Streams link and address changes until the subscription is closed. Lost notifications
   * (ENOBUFS) and undecodable ones become a 'resync' event: re-dump with listLinks/listAddresses.
   */
  monitor(cb: (ev: RtnlEvent) => void): RtnlSubscription {
    return this.subscribe([RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR], decodeRtnlEvent, cb);
  }

  /**
   * Streams route and rule changes of both families until closed (keepalived re-adds a
   * route or rule it installed when another program deletes it). Lost or undecodable
   * notifications become a 'resync' event: re-dump with listRoutes/listRules.
   */
  monitorRoutes(cb: (ev: RouteRuleEvent) => void): RtnlSubscription {
    return this.subscribe(ROUTE_GROUPS, decodeRouteRuleEvent, cb);
  }

  private subscribe<E>(groups: readonly number[], decode: (m: NlMessage) => E | null, cb: (ev: E | { type: 'resync'; reason: string }) => void): RtnlSubscription {
    const resync = (reason: string): void => cb({ type: 'resync', reason });
    const sockOpts: NetlinkSocketOptions = {
      groups,
      rcvbufBytes: this.opts.monitorRcvbufBytes ?? 8 * 1024 * 1024,
      onNotification: (msg) => {
        let ev: E | null;
        try {
          ev = decode(msg);
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

  // ---------- routes and rules ----------

  async listRoutes(family?: Family): Promise<RouteMessage[]> {
    return this.dumpOf(encodeGetRouteDump(0, afOf(family)), RTM_NEWROUTE, decodeRouteMessage, family);
  }

  addRoute(route: RouteMessage, mode: RouteAddMode = 'prepend'): Promise<AddOutcome> {
    const { header, ...fields } = route;
    return outcome(this.cmd.request(encodeRouteRequest(RTM_NEWROUTE, ADD_FLAGS[mode], 0, header, fields)), 'added', ['EEXIST'], 'exists');
  }

  deleteRoute(route: RouteMessage): Promise<DeleteOutcome> {
    const { header, ...fields } = route;
    // IPv4 answers ESRCH for a route that is not there, IPv6 ENOENT.
    return outcome(this.cmd.request(encodeRouteRequest(RTM_DELROUTE, 0, 0, header, fields)), 'deleted', ['ESRCH', 'ENOENT'], 'absent');
  }

  async listRules(family?: Family): Promise<RuleMessage[]> {
    return this.dumpOf(encodeGetRuleDump(0, afOf(family)), RTM_NEWRULE, decodeRuleMessage, family);
  }

  addRule(rule: RuleMessage): Promise<AddOutcome> {
    const { header, ...fields } = rule;
    return outcome(this.cmd.request(encodeRuleRequest(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, 0, header, fields)), 'added', ['EEXIST'], 'exists');
  }

  deleteRule(rule: RuleMessage): Promise<DeleteOutcome> {
    const { header, ...fields } = rule;
    return outcome(this.cmd.request(encodeRuleRequest(RTM_DELRULE, 0, 0, header, fields)), 'deleted', ['ENOENT'], 'absent');
  }

  private async dumpOf<T extends { readonly header: { readonly family: number } }>(req: Uint8Array, type: number, decode: (p: Uint8Array) => T, family?: Family): Promise<T[]> {
    const msgs = await this.cmd.dump(req);
    const af = afOf(family);
    // Without NETLINK_GET_STRICT_CHK older kernels ignore the family filter.
    return msgs.filter((m) => m.type === type).map((m) => decode(m.payload)).filter((x) => af === AF_UNSPEC || x.header.family === af);
  }

  // ---------- links ----------

  async getLink(name: string): Promise<LinkInfo | null> {
    try {
      const [m] = await this.cmd.query(encodeGetLinkByName(0, name));
      return m && m.type === RTM_NEWLINK ? toLinkInfo(decodeLinkMessage(m.payload)) : null;
    } catch (e) {
      if (isErrno(e, 'ENODEV')) return null;
      throw e;
    }
  }

  createMacvlan(spec: MacvlanSpec): Promise<LinkCreateOutcome> {
    return this.createLink(encodeMacvlanCreate(0, spec), spec.name);
  }

  createIpvlan(spec: IpvlanSpec): Promise<LinkCreateOutcome> {
    return this.createLink(encodeIpvlanCreate(0, spec), spec.name);
  }

  private async createLink(req: Uint8Array, name: string): Promise<LinkCreateOutcome> {
    try {
      await this.cmd.request(req);
    } catch (e) {
      if (isErrno(e, 'EEXIST')) return { outcome: 'exists' };
      if (isErrno(e, 'EOPNOTSUPP')) return { outcome: 'unsupported', reason: (e as NetlinkRequestError).extAckMessage ?? 'Operation not supported' };
      throw e;
    }
    const link = await this.getLink(name);
    if (!link) throw new KaError('KA_ERR_NL_REQUEST', `RTM_NEWLINK: ${name} created but not found`, { errnoCode: 'ENODEV' });
    return { outcome: 'created', link };
  }

  async setLinkUp(ifindex: number, up: boolean): Promise<void> {
    await this.cmd.request(encodeSetLinkUp(0, ifindex, up));
  }

  async setLinkAddress(ifindex: number, mac: Uint8Array): Promise<void> {
    await this.cmd.request(encodeSetLinkAddress(0, ifindex, mac));
  }

  async setIpv4Conf(ifindex: number, entries: readonly (readonly [number, number])[]): Promise<void> {
    await this.cmd.request(encodeSetInetConf(0, ifindex, entries));
  }

  async setAddrGenMode(ifindex: number, mode: number): Promise<void> {
    await this.cmd.request(encodeSetAddrGenMode(0, ifindex, mode));
  }

  deleteLink(ifindex: number): Promise<DeleteOutcome> {
    return outcome(this.cmd.request(encodeDelLink(0, ifindex)), 'deleted', ['ENODEV'], 'absent');
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
