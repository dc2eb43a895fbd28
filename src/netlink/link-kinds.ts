/**
 * The virtual interfaces keepalived creates for `use_vmac` (macvlan, keepalived.conf(5)) and
 * `use_ipvlan` (ipvlan), and the link requests around them, laid out as keepalived 2.2.7
 * sends them (docs/data-plane.md "VMAC"): RTM_NEWLINK create with IFLA_LINKINFO
 * { IFLA_INFO_KIND, IFLA_INFO_DATA }, IFLA_LINK, IFLA_IFNAME, IFLA_ADDRESS; set up/down,
 * set the MAC, get one link by name, delete; the per-interface IPv4 settings it makes
 * through IFLA_AF_SPEC (arp_ignore, accept_local, rp_filter …) and IPv6 addr_gen_mode.
 * Pure; rtnl-client.ts sends them.
 */
import { attr, attrMap, attrString, attrU16, attrU32, concatBytes, optional, readU16, readU32 } from './attr.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  IFF_UP,
  IFLA_ADDRESS,
  IFLA_AF_SPEC,
  IFLA_EXT_MASK,
  IFLA_IFNAME,
  IFLA_INET6_ADDR_GEN_MODE,
  IFLA_INET_CONF,
  IFLA_INFO_DATA,
  IFLA_INFO_KIND,
  IFLA_IPVLAN_FLAGS,
  IFLA_IPVLAN_MODE,
  IFLA_LINK,
  IFLA_LINKINFO,
  IFLA_MACVLAN_MODE,
  IPVLAN_F_PRIVATE,
  IPVLAN_F_VEPA,
  IPVLAN_MODE_L2,
  IPVLAN_MODE_L3,
  IPVLAN_MODE_L3S,
  MACVLAN_MODE_BRIDGE,
  MACVLAN_MODE_PASSTHRU,
  MACVLAN_MODE_PRIVATE,
  MACVLAN_MODE_SOURCE,
  MACVLAN_MODE_VEPA,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  RTEXT_FILTER_SKIP_STATS,
  RTM_DELLINK,
  RTM_GETLINK,
  RTM_NEWLINK,
} from './constants.js';
import { encodeIfInfoMsg } from './link.js';
import { encodeMessage } from './message.js';

export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';
export type IpvlanMode = 'l2' | 'l3' | 'l3s';
/** keepalived's `use_ipvlan … bridge|private|vepa` (bridge: no flag). */
export type IpvlanFlag = 'bridge' | 'private' | 'vepa';

export const MACVLAN_MODES: Readonly<Record<MacvlanMode, number>> = {
  private: MACVLAN_MODE_PRIVATE,
  vepa: MACVLAN_MODE_VEPA,
  bridge: MACVLAN_MODE_BRIDGE,
  passthru: MACVLAN_MODE_PASSTHRU,
  source: MACVLAN_MODE_SOURCE,
};
const IPVLAN_MODES: Readonly<Record<IpvlanMode, number>> = { l2: IPVLAN_MODE_L2, l3: IPVLAN_MODE_L3, l3s: IPVLAN_MODE_L3S };
const IPVLAN_FLAGS: Readonly<Record<IpvlanFlag, number>> = { bridge: 0, private: IPVLAN_F_PRIVATE, vepa: IPVLAN_F_VEPA };

export interface MacvlanSpec {
  readonly name: string;
  readonly parentIndex: number;
  /** 6 bytes; keepalived's VMAC is 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6). */
  readonly mac: Uint8Array;
  /** keepalived always uses private (RFC 5798 §7.3: the router must see its peers' adverts). */
  readonly mode: MacvlanMode;
}

export interface IpvlanSpec {
  readonly name: string;
  readonly parentIndex: number;
  readonly mode: IpvlanMode;
  readonly flag: IpvlanFlag;
}

/** Names and strings without a trailing NUL, as keepalived sends them (the kernel takes either). */
const bare = (type: number, s: string): Uint8Array => attr(type, new TextEncoder().encode(s));

function create(seq: number, kind: string, infoData: Uint8Array, parentIndex: number, name: string, mac?: Uint8Array): Uint8Array {
  const parts = [
    encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 }),
    attr(IFLA_LINKINFO, concatBytes([bare(IFLA_INFO_KIND, kind), attr(IFLA_INFO_DATA, infoData)])),
    attrU32(IFLA_LINK, parentIndex),
    bare(IFLA_IFNAME, name),
  ];
  if (mac !== undefined) parts.push(attr(IFLA_ADDRESS, mac));
  return encodeMessage({ type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq, pid: 0 }, parts);
}

/** RTM_NEWLINK creating a macvlan (keepalived's VMAC), down; EEXIST when the name is taken. */
export function encodeMacvlanCreate(seq: number, s: MacvlanSpec): Uint8Array {
  return create(seq, 'macvlan', attrU32(IFLA_MACVLAN_MODE, MACVLAN_MODES[s.mode]), s.parentIndex, s.name, s.mac);
}

/** RTM_NEWLINK creating an ipvlan (it shares the parent's MAC); EOPNOTSUPP where the kernel lacks ipvlan. */
export function encodeIpvlanCreate(seq: number, s: IpvlanSpec): Uint8Array {
  return create(seq, 'ipvlan', concatBytes([attrU16(IFLA_IPVLAN_MODE, IPVLAN_MODES[s.mode]), attrU16(IFLA_IPVLAN_FLAGS, IPVLAN_FLAGS[s.flag])]), s.parentIndex, s.name);
}

/** IFLA_INFO_DATA of a dumped macvlan / ipvlan. */
export interface LinkKindData {
  readonly macvlanMode?: MacvlanMode;
  readonly ipvlanMode?: IpvlanMode;
  readonly ipvlanFlag?: IpvlanFlag;
}

export function decodeLinkKindData(kind: string | undefined, data: Uint8Array | undefined): LinkKindData {
  if (data === undefined) return {};
  const a = attrMap(data);
  const nameOf = <K extends string>(table: Readonly<Record<K, number>>, v: number | undefined): K | undefined => (Object.keys(table) as K[]).find((k) => table[k] === v);
  if (kind === 'macvlan') {
    const m = nameOf(MACVLAN_MODES, optional(a, IFLA_MACVLAN_MODE, readU32));
    return m !== undefined ? { macvlanMode: m } : {};
  }
  if (kind === 'ipvlan') {
    const m = nameOf(IPVLAN_MODES, optional(a, IFLA_IPVLAN_MODE, readU16));
    const f = nameOf(IPVLAN_FLAGS, optional(a, IFLA_IPVLAN_FLAGS, readU16) ?? 0);
    return { ...(m !== undefined ? { ipvlanMode: m } : {}), ...(f !== undefined ? { ipvlanFlag: f } : {}) };
  }
  return {};
}

/** RTM_GETLINK of one interface by name (one reply, or ENODEV). */
export function encodeGetLinkByName(seq: number, name: string): Uint8Array {
  return encodeMessage({ type: RTM_GETLINK, flags: NLM_F_REQUEST, seq, pid: 0 }, [
    encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 }),
    attrString(IFLA_IFNAME, name),
    attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS),
  ]);
}

/** Admin up or down: RTM_NEWLINK on the index with IFF_UP in flags and change, as keepalived does. */
export function encodeSetLinkUp(seq: number, index: number, up: boolean): Uint8Array {
  return encodeMessage({ type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK, seq, pid: 0 }, [encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, index, flags: up ? IFF_UP : 0, change: IFF_UP })]);
}

export function encodeSetLinkAddress(seq: number, index: number, mac: Uint8Array): Uint8Array {
  return encodeMessage({ type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK, seq, pid: 0 }, [encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, index, flags: 0, change: 0 }), attr(IFLA_ADDRESS, mac)]);
}

/** RTM_DELLINK by index (keepalived puts AF_INET in ifi_family; the kernel ignores it). */
export function encodeDelLink(seq: number, index: number): Uint8Array {
  return encodeMessage({ type: RTM_DELLINK, flags: NLM_F_REQUEST | NLM_F_ACK, seq, pid: 0 }, [encodeIfInfoMsg({ family: AF_INET, type: 0, index, flags: 0, change: 0 })]);
}

/**
 * Per-interface IPv4 settings (the /proc/sys/net/ipv4/conf/IF/* values) through
 * IFLA_AF_SPEC { AF_INET { IFLA_INET_CONF { IPV4_DEVCONF_x: u32 } } }, in the given order.
 */
export function encodeSetInetConf(seq: number, index: number, entries: readonly (readonly [number, number])[]): Uint8Array {
  const conf = attr(IFLA_INET_CONF, concatBytes(entries.map(([k, v]) => attrU32(k, v))));
  return encodeMessage({ type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK, seq, pid: 0 }, [
    encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, index, flags: 0, change: 0 }),
    attr(IFLA_AF_SPEC, attr(AF_INET, conf)),
  ]);
}

/** IPv6 address generation (IN6_ADDR_GEN_MODE_NONE: no automatic link-local on a VMAC). */
export function encodeSetAddrGenMode(seq: number, index: number, mode: number): Uint8Array {
  return encodeMessage({ type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK, seq, pid: 0 }, [
    encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, index, flags: 0, change: 0 }),
    attr(IFLA_AF_SPEC, attr(AF_INET6, attr(IFLA_INET6_ADDR_GEN_MODE, Uint8Array.of(mode)))),
  ]);
}

/** keepalived's VMAC MAC: 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6 (RFC 5798 §7.3). */
export function vmacAddress(family: 4 | 6, vrid: number): Uint8Array {
  if (!Number.isInteger(vrid) || vrid < 1 || vrid > 255) throw new RangeError(`VRID ${vrid} out of 1..255`);
  return Uint8Array.of(0, 0, 0x5e, 0, family === 4 ? 1 : 2, vrid);
}
