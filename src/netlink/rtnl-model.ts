/**
 * The VRRP process's view of rtnetlink: links and addresses as plain values, the events
 * the monitor delivers, and the mapping from an address spec to the RTM_NEWADDR/DELADDR
 * body. Pure; rtnl-client.ts does the I/O.
 */
import { type Family, formatIp, parseIp } from '../core/ip.js';
import { type Result, fail, ok } from '../core/result.js';
import { type AddrMessage, type AddrRequest, addrOf, decodeAddrMessage } from './addr.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  IFA_F_NODAD,
  IFA_F_NOPREFIXROUTE,
  IFF_UP,
  INFINITY_LIFE_TIME,
  RTM_DELADDR,
  RTM_DELLINK,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RT_SCOPE_UNIVERSE,
} from './constants.js';
import { type LinkMessage, decodeLinkMessage, isLinkRunning } from './link.js';
import { type MacvlanMode, decodeLinkKindData } from './link-kinds.js';
import type { NlMessage } from './message.js';

export interface LinkInfo {
  readonly ifindex: number;
  readonly name: string;
  /** IFLA_ADDRESS; empty for links without a hardware address. */
  readonly mac: Uint8Array;
  /** Administratively up (IFF_UP). */
  readonly up: boolean;
  /** Up and the carrier is there (IFF_RUNNING / IFF_LOWER_UP / operstate UP). */
  readonly running: boolean;
  readonly mtu: number;
  /** IFF_* flags as the kernel reports them. */
  readonly flags: number;
  /** IF_OPER_* (RFC 2863). */
  readonly operState: number;
  /** IFLA_INFO_KIND: 'macvlan', 'veth', 'bridge' … (absent for physical devices and lo). */
  readonly kind?: string;
  /** IFLA_LINK: lower device, e.g. a macvlan's parent. */
  readonly parentIndex?: number;
  /** IFLA_MACVLAN_MODE of a macvlan (a VMAC keepalived may take over is in private mode). */
  readonly macvlanMode?: MacvlanMode;
}

export interface AddrInfo {
  readonly ifindex: number;
  readonly family: Family;
  /** Text form (RFC 5952 for IPv6). */
  readonly address: string;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
  readonly prefixLen: number;
  readonly label?: string;
  readonly broadcast?: string;
  /** All IFA_F_* flags (IFA_F_SECONDARY, IFA_F_TENTATIVE, IFA_F_NODAD …). */
  readonly flags: number;
  /** RT_SCOPE_*: 0 universe, 253 link, 254 host. */
  readonly scope: number;
  /** Preferred lifetime in seconds (0xffffffff = forever) when the kernel reports it. */
  readonly preferredLft?: number;
}

export type RtnlEvent =
  | ({ readonly type: 'link'; readonly deleted: boolean } & LinkInfo)
  | ({ readonly type: 'addr'; readonly deleted: boolean } & AddrInfo)
  /** Notifications were lost (ENOBUFS) or unreadable: re-dump links and addresses. */
  | { readonly type: 'resync'; readonly reason: string };

export function toLinkInfo(m: LinkMessage): LinkInfo {
  const h = m.header;
  return {
    ifindex: h.index,
    name: m.name ?? '',
    mac: m.address ?? new Uint8Array(0),
    up: (h.flags & IFF_UP) !== 0,
    running: isLinkRunning(h.flags, m.operState),
    mtu: m.mtu ?? 0,
    flags: h.flags,
    operState: m.operState ?? 0,
    ...(m.kind !== undefined ? { kind: m.kind } : {}),
    ...(m.link !== undefined && m.link !== h.index ? { parentIndex: m.link } : {}),
    ...(m.kind === 'macvlan' ? macvlanModeOf(m) : {}),
  };
}

function macvlanModeOf(m: LinkMessage): { macvlanMode?: MacvlanMode } {
  const mode = decodeLinkKindData(m.kind, m.infoData).macvlanMode;
  return mode !== undefined ? { macvlanMode: mode } : {};
}

/** Null for families other than IPv4/IPv6 or a message without an address. */
export function toAddrInfo(m: AddrMessage): AddrInfo | null {
  const family = familyOf(m.header.family);
  const bytes = addrOf(m);
  if (family === null || bytes === undefined || bytes.length !== (family === 4 ? 4 : 16)) return null;
  return {
    ifindex: m.header.index,
    family,
    address: formatIp(bytes),
    bytes,
    prefixLen: m.header.prefixLen,
    flags: m.flags,
    scope: m.header.scope,
    ...(m.label !== undefined ? { label: m.label } : {}),
    ...(m.broadcast !== undefined && m.broadcast.length === 4 ? { broadcast: formatIp(m.broadcast) } : {}),
    ...(m.cacheInfo !== undefined ? { preferredLft: m.cacheInfo.preferred } : {}),
  };
}

export function familyOf(af: number): Family | null {
  return af === AF_INET ? 4 : af === AF_INET6 ? 6 : null;
}

export function afOf(family: Family | undefined): number {
  return family === 4 ? AF_INET : family === 6 ? AF_INET6 : AF_UNSPEC;
}

/** A monitor notification as an event; null for messages the VRRP process does not track. */
export function decodeRtnlEvent(msg: NlMessage): RtnlEvent | null {
  switch (msg.type) {
    case RTM_NEWLINK:
    case RTM_DELLINK: {
      const l = decodeLinkMessage(msg.payload);
      // AF_BRIDGE port notifications share RTNLGRP_LINK; they are not link state changes.
      if (l.header.family !== AF_UNSPEC) return null;
      return { type: 'link', deleted: msg.type === RTM_DELLINK, ...toLinkInfo(l) };
    }
    case RTM_NEWADDR:
    case RTM_DELADDR: {
      const a = toAddrInfo(decodeAddrMessage(msg.payload));
      return a && { type: 'addr', deleted: msg.type === RTM_DELADDR, ...a };
    }
    default:
      return null;
  }
}

/** What keepalived knows about a virtual IP when it adds or removes it. */
export interface AddrSpec {
  readonly ifindex: number;
  /** Checked against the address when given. */
  readonly family?: Family;
  /** Bytes (4 or 16) or text ('192.0.2.100', '2001:db8::100'). */
  readonly address: Uint8Array | string;
  readonly prefixLen: number;
  readonly broadcast?: Uint8Array | string;
  readonly label?: string;
  /** RT_SCOPE_* (default universe). */
  readonly scope?: number;
  /** IFA_F_NODAD: skip IPv6 duplicate address detection (the VIP is usable at once). */
  readonly noDad?: boolean;
  /** IFA_F_NOPREFIXROUTE: no connected route for the prefix. */
  readonly noPrefixRoute?: boolean;
  /** preferred_lft 0: the address is never picked as a source (keepalived's IPv6 VIP default). */
  readonly preferredLftZero?: boolean;
  /** preferred_lft in seconds (IFA_CACHEINFO, valid forever); wins over preferredLftZero. */
  readonly preferredLft?: number;
  /** More IFA_F_* flags (IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR, IFA_F_MCAUTOJOIN). */
  readonly extraFlags?: number;
}

function toBytes(a: Uint8Array | string, what: string): Result<Uint8Array> {
  if (typeof a !== 'string') return a.length === 4 || a.length === 16 ? ok(a) : fail(`${what} must be 4 or 16 bytes, got ${a.length}`);
  const p = parseIp(a);
  return p ? ok(p.bytes) : fail(`invalid ${what} '${a}'`);
}

/** Validates a spec (caller input) and maps it to the request body. */
export function addrRequestOf(spec: AddrSpec): Result<AddrRequest> {
  const addr = toBytes(spec.address, 'address');
  if (!addr.ok) return addr;
  const family: Family = addr.value.length === 4 ? 4 : 6;
  if (spec.family !== undefined && spec.family !== family) return fail(`address ${String(spec.address)} is not IPv${spec.family}`);
  const max = family === 4 ? 32 : 128;
  if (!Number.isInteger(spec.prefixLen) || spec.prefixLen < 0 || spec.prefixLen > max) return fail(`prefix length ${spec.prefixLen} out of 0..${max}`);
  if (!Number.isInteger(spec.ifindex) || spec.ifindex <= 0) return fail(`invalid ifindex ${spec.ifindex}`);
  let broadcast: Uint8Array | undefined;
  if (spec.broadcast !== undefined) {
    const b = toBytes(spec.broadcast, 'broadcast');
    if (!b.ok) return b;
    if (b.value.length !== 4 || family !== 4) return fail('a broadcast address is IPv4 only');
    broadcast = b.value;
  }
  if (spec.label !== undefined && new TextEncoder().encode(spec.label).length > 15) return fail(`label '${spec.label}' longer than 15 bytes`);
  const flags = (spec.noDad ? IFA_F_NODAD : 0) | (spec.noPrefixRoute ? IFA_F_NOPREFIXROUTE : 0) | (spec.extraFlags ?? 0);
  const preferred = spec.preferredLft ?? (spec.preferredLftZero ? 0 : undefined);
  return ok({
    family: afOf(family),
    index: spec.ifindex,
    prefixLen: spec.prefixLen,
    scope: spec.scope ?? RT_SCOPE_UNIVERSE,
    address: addr.value,
    flags,
    ...(broadcast !== undefined ? { broadcast } : {}),
    ...(spec.label !== undefined ? { label: spec.label } : {}),
    ...(preferred !== undefined ? { cacheInfo: { preferred, valid: INFINITY_LIFE_TIME, cstampCs: 0, tstampCs: 0 } } : {}),
  });
}
