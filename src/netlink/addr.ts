/**
 * rtnetlink addresses: struct ifaddrmsg (8 B: u8 family, u8 prefixlen, u8 flags, u8 scope,
 * u32 index) and the IFA_* attributes keepalived uses for virtual IPs: IFA_LOCAL/IFA_ADDRESS,
 * IFA_BROADCAST, IFA_LABEL, IFA_FLAGS (u32, for flags above 0xff such as
 * IFA_F_NOPREFIXROUTE) and IFA_CACHEINFO (preferred_lft 0 for IPv6 VIPs).
 */
import {
  attr,
  attrMap,
  attrString,
  attrU32,
  compact,
  optional,
  readBytes,
  readString,
  readU32,
} from './attr.js';
import {
  IFADDRMSG_LEN,
  IFA_ADDRESS,
  IFA_BROADCAST,
  IFA_CACHEINFO,
  IFA_FLAGS,
  IFA_LABEL,
  IFA_LOCAL,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  RTM_GETADDR,
} from './constants.js';
import { encodeMessage } from './message.js';
import { defineStruct } from './struct.js';

export interface IfAddrMsg {
  readonly family: number;
  readonly prefixLen: number;
  /** Low 8 bits of the IFA_F_* flags (IFA_FLAGS carries all 32). */
  readonly flags: number;
  readonly scope: number;
  readonly index: number;
}

const ifaddrmsg = defineStruct<keyof IfAddrMsg>('ifaddrmsg', [
  ['family', 'u8'],
  ['prefixLen', 'u8'],
  ['flags', 'u8'],
  ['scope', 'u8'],
  ['index', 'u32'],
]);

export const encodeIfAddrMsg = (m: IfAddrMsg): Uint8Array => ifaddrmsg.encode(m);
export const decodeIfAddrMsg = (b: Uint8Array): IfAddrMsg => ifaddrmsg.decode(b);

/** struct ifa_cacheinfo; lifetimes in seconds, INFINITY_LIFE_TIME = forever. */
export interface IfaCacheInfo {
  readonly preferred: number;
  readonly valid: number;
  /** Created / updated timestamps in hundredths of a second since boot. */
  readonly cstampCs: number;
  readonly tstampCs: number;
}

const ifaCacheinfo = defineStruct<keyof IfaCacheInfo>('ifa_cacheinfo', [
  ['preferred', 'u32'],
  ['valid', 'u32'],
  ['cstampCs', 'u32'],
  ['tstampCs', 'u32'],
]);

export const encodeCacheInfo = (c: IfaCacheInfo): Uint8Array => ifaCacheinfo.encode(c);
export const decodeCacheInfo = (b: Uint8Array): IfaCacheInfo => ifaCacheinfo.decode(b);

/** A decoded RTM_NEWADDR/RTM_DELADDR. */
export interface AddrMessage {
  readonly header: IfAddrMsg;
  /** IFA_ADDRESS: the prefix address (the peer on point-to-point links). */
  readonly address?: Uint8Array;
  /** IFA_LOCAL: the interface's own address (IPv4; IPv6 sends it only with a peer). */
  readonly local?: Uint8Array;
  readonly broadcast?: Uint8Array;
  readonly label?: string;
  /** All IFA_F_* flags: IFA_FLAGS when present, else the header byte. */
  readonly flags: number;
  readonly cacheInfo?: IfaCacheInfo;
}

export function decodeAddrMessage(payload: Uint8Array): AddrMessage {
  const header = decodeIfAddrMsg(payload);
  const a = attrMap(payload.subarray(IFADDRMSG_LEN));
  return {
    header,
    flags: optional(a, IFA_FLAGS, readU32) ?? header.flags,
    ...compact({
      address: optional(a, IFA_ADDRESS, readBytes),
      local: optional(a, IFA_LOCAL, readBytes),
      broadcast: optional(a, IFA_BROADCAST, readBytes),
      label: optional(a, IFA_LABEL, readString),
      cacheInfo: optional(a, IFA_CACHEINFO, decodeCacheInfo),
    }),
  };
}

/** The interface's own address of a decoded message: IFA_LOCAL when present, else IFA_ADDRESS. */
export function addrOf(m: AddrMessage): Uint8Array | undefined {
  return m.local ?? m.address;
}

export function encodeGetAddrDump(seq: number, family: number): Uint8Array {
  return encodeMessage({ type: RTM_GETADDR, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, pid: 0 }, [
    encodeIfAddrMsg({ family, prefixLen: 0, flags: 0, scope: 0, index: 0 }),
  ]);
}

export interface AddrRequest {
  readonly family: number;
  readonly index: number;
  readonly prefixLen: number;
  readonly scope: number;
  /** 4 or 16 bytes; sent as both IFA_LOCAL and IFA_ADDRESS, as `ip addr` does without a peer. */
  readonly address: Uint8Array;
  readonly broadcast?: Uint8Array;
  readonly label?: string;
  /** IFA_F_* flags; the low byte also goes in the header, all bits in IFA_FLAGS. */
  readonly flags: number;
  readonly cacheInfo?: IfaCacheInfo;
}

/** RTM_NEWADDR / RTM_DELADDR with NLM_F_ACK (plus `extraFlags`, e.g. NLM_F_CREATE | NLM_F_EXCL). */
export function encodeAddrRequest(type: number, extraFlags: number, seq: number, r: AddrRequest): Uint8Array {
  const parts: Uint8Array[] = [
    encodeIfAddrMsg({ family: r.family, prefixLen: r.prefixLen, flags: r.flags, scope: r.scope, index: r.index }),
    attr(IFA_LOCAL, r.address),
    attr(IFA_ADDRESS, r.address),
  ];
  if (r.broadcast !== undefined) parts.push(attr(IFA_BROADCAST, r.broadcast));
  if (r.label !== undefined) parts.push(attrString(IFA_LABEL, r.label));
  if (r.flags > 0xff) parts.push(attrU32(IFA_FLAGS, r.flags));
  if (r.cacheInfo !== undefined) parts.push(attr(IFA_CACHEINFO, encodeCacheInfo(r.cacheInfo)));
  return encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_ACK | extraFlags, seq, pid: 0 }, parts);
}
