/**
 * rtnetlink links: struct ifinfomsg (16 B: u8 family, u8 pad, u16 type, s32 index,
 * u32 flags, u32 change) and the IFLA_* attributes the VRRP process needs (name, MAC,
 * MTU, operstate, parent link, IFLA_LINKINFO kind/data for macvlan VMACs).
 */
import {
  attr,
  attrMap,
  attrNested,
  attrString,
  attrU32,
  compact,
  optional,
  readBytes,
  readString,
  readU32,
  readU8,
} from './attr.js';
import {
  AF_UNSPEC,
  IFF_LOWER_UP,
  IFF_RUNNING,
  IFF_UP,
  IFINFOMSG_LEN,
  IFLA_ADDRESS,
  IFLA_IFNAME,
  IFLA_INFO_DATA,
  IFLA_INFO_KIND,
  IFLA_LINK,
  IFLA_LINKINFO,
  IFLA_MASTER,
  IFLA_MTU,
  IFLA_OPERSTATE,
  IF_OPER_UP,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  RTM_GETLINK,
} from './constants.js';
import { encodeMessage } from './message.js';
import { defineStruct } from './struct.js';

export interface IfInfoMsg {
  readonly family: number;
  /** ARPHRD_* (1 = ether, 772 = loopback). */
  readonly type: number;
  readonly index: number;
  readonly flags: number;
  /** Mask of `flags` bits a request changes (0xffffffff in kernel notifications). */
  readonly change: number;
}

const ifinfomsg = defineStruct<keyof IfInfoMsg>('ifinfomsg', [
  ['family', 'u8'],
  [null, 'u8'], // __ifi_pad
  ['type', 'u16'],
  ['index', 's32'],
  ['flags', 'u32'],
  ['change', 'u32'],
]);

export const encodeIfInfoMsg = (m: IfInfoMsg): Uint8Array => ifinfomsg.encode(m);
export const decodeIfInfoMsg = (b: Uint8Array): IfInfoMsg => ifinfomsg.decode(b);

/** A decoded RTM_NEWLINK/RTM_DELLINK. */
export interface LinkMessage {
  readonly header: IfInfoMsg;
  readonly name?: string;
  readonly address?: Uint8Array;
  readonly mtu?: number;
  readonly operState?: number;
  /** IFLA_LINK: the lower device (macvlan parent, veth peer). */
  readonly link?: number;
  readonly master?: number;
  readonly kind?: string;
  /** IFLA_INFO_DATA payload (kind-specific attributes), undecoded. */
  readonly infoData?: Uint8Array;
}

export function decodeLinkMessage(payload: Uint8Array): LinkMessage {
  const header = decodeIfInfoMsg(payload);
  const a = attrMap(payload.subarray(IFINFOMSG_LEN));
  const info = optional(a, IFLA_LINKINFO, attrMap);
  return {
    header,
    ...compact({
      name: optional(a, IFLA_IFNAME, readString),
      address: optional(a, IFLA_ADDRESS, readBytes),
      mtu: optional(a, IFLA_MTU, readU32),
      operState: optional(a, IFLA_OPERSTATE, readU8),
      link: optional(a, IFLA_LINK, readU32),
      master: optional(a, IFLA_MASTER, readU32),
      kind: info && optional(info, IFLA_INFO_KIND, readString),
      infoData: info && optional(info, IFLA_INFO_DATA, readBytes),
    }),
  };
}

/**
 * keepalived's notion of "running": the carrier is there (IFF_RUNNING / IFF_LOWER_UP) or
 * the kernel reports operstate UP. Loopback reports IF_OPER_UNKNOWN but has IFF_RUNNING.
 */
export function isLinkRunning(flags: number, operState?: number): boolean {
  if ((flags & IFF_UP) === 0) return false;
  return (flags & (IFF_RUNNING | IFF_LOWER_UP)) !== 0 || operState === IF_OPER_UP;
}

export function encodeGetLinkDump(seq: number): Uint8Array {
  return encodeMessage({ type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, pid: 0 }, [
    encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 }),
  ]);
}

/** RTM_NEWLINK / RTM_SETLINK / RTM_DELLINK body (macvlan VMAC create, link up/down, delete). */
export interface LinkRequest {
  readonly index?: number;
  readonly name?: string;
  /** Flag values to set; only bits in `change` are applied. */
  readonly flags?: number;
  readonly change?: number;
  readonly address?: Uint8Array;
  readonly mtu?: number;
  /** IFLA_LINK parent ifindex. */
  readonly link?: number;
  readonly kind?: string;
  /** Already-encoded IFLA_INFO_DATA children (e.g. attrU32(IFLA_MACVLAN_MODE, …)). */
  readonly infoData?: readonly Uint8Array[];
}

export function encodeLinkRequest(type: number, extraFlags: number, seq: number, r: LinkRequest): Uint8Array {
  const parts: Uint8Array[] = [
    encodeIfInfoMsg({ family: AF_UNSPEC, type: 0, index: r.index ?? 0, flags: r.flags ?? 0, change: r.change ?? 0 }),
  ];
  if (r.name !== undefined) parts.push(attrString(IFLA_IFNAME, r.name));
  if (r.address !== undefined) parts.push(attr(IFLA_ADDRESS, r.address));
  if (r.mtu !== undefined) parts.push(attrU32(IFLA_MTU, r.mtu));
  if (r.link !== undefined) parts.push(attrU32(IFLA_LINK, r.link));
  if (r.kind !== undefined) {
    const info = [attrString(IFLA_INFO_KIND, r.kind)];
    if (r.infoData !== undefined) info.push(attrNested(IFLA_INFO_DATA, r.infoData));
    parts.push(attrNested(IFLA_LINKINFO, info));
  }
  return encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_ACK | extraFlags, seq, pid: 0 }, parts);
}
