/**
 * IPVS over generic netlink: request encoders for every command the
 * checker child issues, and decoders for the service / destination / info / config
 * replies. Pure; ipvs-client.ts carries the bytes. Facts: include/uapi/linux/ip_vs.h
 * (attribute numbers) and net/netfilter/ipvs/ip_vs_ctl.c (attribute types: ports are
 * be16, a service address is a 16-byte union nf_inet_addr, the IPv4 netmask is be32).
 * Encoders reject what the kernel would (bad address, family mismatch) with a Result;
 * decoders treat the kernel's bytes as untrusted and never throw.
 */
import { type Family, formatIp, parseIp } from '../core/ip.js';
import { type Result, fail, ok } from '../core/result.js';
import { HOST_LE, attr, attrMap, attrNested, attrString, attrU16, attrU32, attrU8, readString, readU16, readU32, readU8 } from '../netlink/attr.js';
import { AF_INET, AF_INET6, NLM_F_ACK, NLM_F_DUMP } from '../netlink/constants.js';
import { decodeGenl, encodeGenlRequest, guarded } from './genl-codec.js';
import * as C from './ipvs-constants.js';
import {
  IP_VS_CONN_F_TUNNEL,
  IP_VS_SVC_F_HASHED,
  type IpvsDest,
  type IpvsDestKey,
  type IpvsOp,
  type IpvsService,
  type IpvsServiceKey,
  type IpvsSyncDaemonSpec,
} from './ipvs-types.js';

export const afOfFamily = (f: Family): number => (f === 4 ? AF_INET : AF_INET6);

function familyOfAf(af: number): Family | null {
  return af === AF_INET ? 4 : af === AF_INET6 ? 6 : null;
}

/** A u16 in network byte order (the kernel's nla_get_be16 / nla_put_be16). */
export function attrBe16(type: number, v: number): Uint8Array {
  return attr(type, Uint8Array.of((v >>> 8) & 0xff, v & 0xff));
}

function readBe16(d: Uint8Array): number {
  if (d.length < 2) throw new RangeError(`be16 attribute has ${d.length} byte(s)`);
  return (d[0]! << 8) | d[1]!;
}

/** union nf_inet_addr: 16 bytes, an IPv4 address in the first 4 (as ipvsadm and the kernel send it). */
function inetAddr(family: Family, address: string): Result<Uint8Array> {
  const a = parseIp(address);
  if (!a) return fail(`invalid IP address '${address}'`);
  if (a.family !== family) return fail(`address ${address} is not IPv${family}`);
  const out = new Uint8Array(16);
  out.set(a.bytes);
  return ok(out);
}

function readInetAddr(family: Family, d: Uint8Array, what: string): Result<string> {
  const n = family === 4 ? 4 : 16;
  if (d.length < n) return fail(`${what} address has ${d.length} byte(s), IPv${family} needs ${n}`);
  return ok(formatIp(Uint8Array.from(d.subarray(0, n))));
}

/**
 * IPVS_SVC_ATTR_NETMASK is a __be32: for IPv4 the mask in network order (our number
 * 0xffffff00 is /24), for IPv6 the prefix length as ipvsadm stores it (host order).
 */
function netmaskBytes(family: Family, netmask: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, netmask >>> 0, family === 4 ? false : HOST_LE);
  return b;
}

function readNetmask(family: Family, d: Uint8Array): number {
  if (d.length < 4) throw new RangeError(`netmask attribute has ${d.length} byte(s)`);
  return new DataView(d.buffer, d.byteOffset, 4).getUint32(0, family === 4 ? false : HOST_LE);
}

// ---------- encode: nested service / dest / daemon ----------

/** The attributes that identify a service (enough for DEL_SERVICE and GET_DEST). */
function serviceKeyAttrs(key: IpvsServiceKey): Result<Uint8Array[]> {
  const af = attrU16(C.IPVS_SVC_ATTR_AF, afOfFamily(key.family));
  if (key.type === 'fwmark') return ok([af, attrU32(C.IPVS_SVC_ATTR_FWMARK, key.fwmark)]);
  const addr = inetAddr(key.family, key.address);
  if (!addr.ok) return addr;
  return ok([af, attrU16(C.IPVS_SVC_ATTR_PROTOCOL, key.protocol), attr(C.IPVS_SVC_ATTR_ADDR, addr.value), attrBe16(C.IPVS_SVC_ATTR_PORT, key.port)]);
}

/** struct ip_vs_flags: the mask says which bits the kernel takes from `flags` (all of them). */
function flagsBytes(flags: number): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, flags >>> 0, HOST_LE);
  dv.setUint32(4, 0xffffffff, HOST_LE);
  return b;
}

export function encodeServiceAttr(s: IpvsService, full: boolean): Result<Uint8Array> {
  const key = serviceKeyAttrs(s.key);
  if (!key.ok) return key;
  if (!full) return ok(attrNested(C.IPVS_CMD_ATTR_SERVICE, key.value));
  if (s.scheduler.length === 0 || s.scheduler.length >= C.IP_VS_SCHEDNAME_MAXLEN) return fail(`invalid scheduler name '${s.scheduler}'`);
  if (s.peName !== undefined && s.peName.length >= C.IP_VS_PENAME_MAXLEN) return fail(`invalid persistence engine name '${s.peName}'`);
  return ok(
    attrNested(C.IPVS_CMD_ATTR_SERVICE, [
      ...key.value,
      attrString(C.IPVS_SVC_ATTR_SCHED_NAME, s.scheduler),
      ...(s.peName !== undefined && s.peName !== '' ? [attrString(C.IPVS_SVC_ATTR_PE_NAME, s.peName)] : []),
      attr(C.IPVS_SVC_ATTR_FLAGS, flagsBytes(s.flags & ~IP_VS_SVC_F_HASHED)),
      attrU32(C.IPVS_SVC_ATTR_TIMEOUT, s.timeoutS),
      attr(C.IPVS_SVC_ATTR_NETMASK, netmaskBytes(s.key.family, s.netmask)),
    ]),
  );
}

function encodeServiceKeyAttr(key: IpvsServiceKey): Result<Uint8Array> {
  const k = serviceKeyAttrs(key);
  return k.ok ? ok(attrNested(C.IPVS_CMD_ATTR_SERVICE, k.value)) : k;
}

/** Identity (DEL_DEST) or the full entry (NEW/SET_DEST); ADDR_FAMILY is always sent (mixed-family tunnels). */
export function encodeDestAttr(d: IpvsDestKey | IpvsDest, full: boolean): Result<Uint8Array> {
  const addr = inetAddr(d.family, d.address);
  if (!addr.ok) return addr;
  const parts = [attr(C.IPVS_DEST_ATTR_ADDR, addr.value), attrBe16(C.IPVS_DEST_ATTR_PORT, d.port), attrU16(C.IPVS_DEST_ATTR_ADDR_FAMILY, afOfFamily(d.family))];
  if (full) {
    if (!('fwdMethod' in d)) return fail('a full destination entry needs fwdMethod, weight and thresholds');
    parts.push(
      attrU32(C.IPVS_DEST_ATTR_FWD_METHOD, d.fwdMethod),
      attrU32(C.IPVS_DEST_ATTR_WEIGHT, d.weight),
      attrU32(C.IPVS_DEST_ATTR_U_THRESH, d.upperThreshold),
      attrU32(C.IPVS_DEST_ATTR_L_THRESH, d.lowerThreshold),
    );
    // Kernels before 5.2 (TUN_TYPE) / 5.3 (TUN_FLAGS) do not know these: send them only when used.
    if (d.fwdMethod === IP_VS_CONN_F_TUNNEL) {
      if (d.tunType !== undefined) parts.push(attrU8(C.IPVS_DEST_ATTR_TUN_TYPE, d.tunType));
      if (d.tunPort !== undefined) parts.push(attrBe16(C.IPVS_DEST_ATTR_TUN_PORT, d.tunPort));
      if (d.tunFlags !== undefined) parts.push(attrU16(C.IPVS_DEST_ATTR_TUN_FLAGS, d.tunFlags));
    }
  }
  return ok(attrNested(C.IPVS_CMD_ATTR_DEST, parts));
}

export function encodeDaemonAttr(spec: IpvsSyncDaemonSpec): Result<Uint8Array> {
  if (spec.interface.length === 0 || spec.interface.length >= C.IP_VS_IFNAME_MAXLEN) return fail(`invalid sync daemon interface '${spec.interface}'`);
  const parts = [
    attrU32(C.IPVS_DAEMON_ATTR_STATE, spec.state === 'master' ? C.IP_VS_STATE_MASTER : C.IP_VS_STATE_BACKUP),
    attrString(C.IPVS_DAEMON_ATTR_MCAST_IFN, spec.interface),
    attrU32(C.IPVS_DAEMON_ATTR_SYNC_ID, spec.syncId),
  ];
  if (spec.maxLen !== undefined) parts.push(attrU16(C.IPVS_DAEMON_ATTR_SYNC_MAXLEN, spec.maxLen));
  if (spec.mcastGroup !== undefined) {
    const g = parseIp(spec.mcastGroup);
    if (!g) return fail(`invalid sync daemon multicast group '${spec.mcastGroup}'`);
    parts.push(attr(g.family === 4 ? C.IPVS_DAEMON_ATTR_MCAST_GROUP : C.IPVS_DAEMON_ATTR_MCAST_GROUP6, g.bytes));
  }
  if (spec.mcastPort !== undefined) parts.push(attrU16(C.IPVS_DAEMON_ATTR_MCAST_PORT, spec.mcastPort));
  if (spec.mcastTtl !== undefined) parts.push(attrU8(C.IPVS_DAEMON_ATTR_MCAST_TTL, spec.mcastTtl));
  return ok(attrNested(C.IPVS_CMD_ATTR_DAEMON, parts));
}

// ---------- encode: whole requests ----------

function request(familyId: number, cmd: number, attrs: readonly Uint8Array[], flags = NLM_F_ACK): Uint8Array {
  return encodeGenlRequest({ familyId, cmd, version: C.IPVS_GENL_VERSION, flags, attrs });
}

function withAttrs(familyId: number, cmd: number, attrs: readonly Result<Uint8Array>[]): Result<Uint8Array> {
  const out: Uint8Array[] = [];
  for (const a of attrs) {
    if (!a.ok) return a;
    out.push(a.value);
  }
  return ok(request(familyId, cmd, out));
}

/** The acked request that carries out one IpvsOp. */
export function encodeIpvsOp(familyId: number, op: IpvsOp): Result<Uint8Array> {
  switch (op.type) {
    case 'add-service':
      return withAttrs(familyId, C.IPVS_CMD_NEW_SERVICE, [encodeServiceAttr(op.service, true)]);
    case 'edit-service':
      return withAttrs(familyId, C.IPVS_CMD_SET_SERVICE, [encodeServiceAttr(op.service, true)]);
    case 'del-service':
      return withAttrs(familyId, C.IPVS_CMD_DEL_SERVICE, [encodeServiceKeyAttr(op.key)]);
    case 'add-dest':
      return withAttrs(familyId, C.IPVS_CMD_NEW_DEST, [encodeServiceKeyAttr(op.key), encodeDestAttr(op.dest, true)]);
    case 'edit-dest':
      return withAttrs(familyId, C.IPVS_CMD_SET_DEST, [encodeServiceKeyAttr(op.key), encodeDestAttr(op.dest, true)]);
    case 'del-dest':
      return withAttrs(familyId, C.IPVS_CMD_DEL_DEST, [encodeServiceKeyAttr(op.key), encodeDestAttr(op.dest, false)]);
    case 'flush':
      return ok(encodeFlush(familyId));
  }
}

export const encodeFlush = (familyId: number): Uint8Array => request(familyId, C.IPVS_CMD_FLUSH, []);

/** GET_SERVICE dump: every service of this network namespace. */
export const encodeGetServices = (familyId: number): Uint8Array => request(familyId, C.IPVS_CMD_GET_SERVICE, [], NLM_F_DUMP);

/** GET_DEST dump: the destinations of one service (named by its key attributes). */
export function encodeGetDests(familyId: number, key: IpvsServiceKey): Result<Uint8Array> {
  const k = encodeServiceKeyAttr(key);
  return k.ok ? ok(request(familyId, C.IPVS_CMD_GET_DEST, [k.value], NLM_F_DUMP)) : k;
}

export const encodeNewDaemon = (familyId: number, spec: IpvsSyncDaemonSpec): Result<Uint8Array> =>
  withAttrs(familyId, C.IPVS_CMD_NEW_DAEMON, [encodeDaemonAttr(spec)]);

export function encodeDelDaemon(familyId: number, state: 'master' | 'backup'): Uint8Array {
  const s = attrU32(C.IPVS_DAEMON_ATTR_STATE, state === 'master' ? C.IP_VS_STATE_MASTER : C.IP_VS_STATE_BACKUP);
  return request(familyId, C.IPVS_CMD_DEL_DAEMON, [attrNested(C.IPVS_CMD_ATTR_DAEMON, [s])]);
}

export interface IpvsTimeouts {
  readonly tcpS: number;
  readonly tcpfinS: number;
  readonly udpS: number;
}

/** SET_CONFIG: a 0 leaves that timeout unchanged (kernel semantics, as `ipvsadm --set`). */
export function encodeSetTimeouts(familyId: number, t: IpvsTimeouts): Uint8Array {
  return request(familyId, C.IPVS_CMD_SET_CONFIG, [
    attrU32(C.IPVS_CMD_ATTR_TIMEOUT_TCP, t.tcpS),
    attrU32(C.IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t.tcpfinS),
    attrU32(C.IPVS_CMD_ATTR_TIMEOUT_UDP, t.udpS),
  ]);
}

/** GET_CONFIG / GET_INFO are plain (non-dump) requests answered by one message, then the ack. */
export const encodeGetConfig = (familyId: number): Uint8Array => request(familyId, C.IPVS_CMD_GET_CONFIG, []);
export const encodeGetInfo = (familyId: number): Uint8Array => request(familyId, C.IPVS_CMD_GET_INFO, []);

// ---------- decode ----------

function topLevel(payload: Uint8Array, cmd: number, what: string): Result<Map<number, Uint8Array>> {
  const g = decodeGenl(payload);
  if (!g.ok) return g;
  if (g.value.cmd !== cmd) return fail(`${what} reply has command ${g.value.cmd}, expected ${cmd}`);
  return ok(attrMap(g.value.attrs));
}

function nested(top: Map<number, Uint8Array>, type: number, what: string): Result<Map<number, Uint8Array>> {
  const n = top.get(type);
  return n === undefined ? fail(`${what} reply lacks its nested attribute ${type}`) : ok(attrMap(n));
}

const u32Or = (m: Map<number, Uint8Array>, t: number, dflt: number): number => {
  const v = m.get(t);
  return v === undefined ? dflt : readU32(v);
};

/** The service inside a GET_SERVICE dump message (command NEW_SERVICE). */
export function decodeServiceMessage(payload: Uint8Array): Result<IpvsService> {
  return guarded('IPVS service', () => {
    const top = topLevel(payload, C.IPVS_CMD_NEW_SERVICE, 'GET_SERVICE');
    if (!top.ok) return top;
    const m = nested(top.value, C.IPVS_CMD_ATTR_SERVICE, 'GET_SERVICE');
    if (!m.ok) return m;
    return decodeServiceAttrs(m.value);
  });
}

function decodeServiceAttrs(m: Map<number, Uint8Array>): Result<IpvsService> {
  const afData = m.get(C.IPVS_SVC_ATTR_AF);
  if (afData === undefined) return fail('service without IPVS_SVC_ATTR_AF');
  const family = familyOfAf(readU16(afData));
  if (family === null) return fail(`service with unknown address family ${readU16(afData)}`);
  let key: IpvsServiceKey;
  const fwmark = m.get(C.IPVS_SVC_ATTR_FWMARK);
  if (fwmark !== undefined) {
    key = { type: 'fwmark', family, fwmark: readU32(fwmark) };
  } else {
    const proto = m.get(C.IPVS_SVC_ATTR_PROTOCOL);
    const addr = m.get(C.IPVS_SVC_ATTR_ADDR);
    const port = m.get(C.IPVS_SVC_ATTR_PORT);
    if (proto === undefined || addr === undefined || port === undefined) return fail('service has neither a fwmark nor protocol, address and port');
    const address = readInetAddr(family, addr, 'service');
    if (!address.ok) return address;
    key = { type: 'addr', family, protocol: readU16(proto), address: address.value, port: readBe16(port) };
  }
  const sched = m.get(C.IPVS_SVC_ATTR_SCHED_NAME);
  const flags = m.get(C.IPVS_SVC_ATTR_FLAGS);
  const netmask = m.get(C.IPVS_SVC_ATTR_NETMASK);
  const pe = m.get(C.IPVS_SVC_ATTR_PE_NAME);
  return ok({
    key,
    scheduler: sched === undefined ? '' : readString(sched),
    flags: flags === undefined ? 0 : readU32(flags) & ~IP_VS_SVC_F_HASHED,
    timeoutS: u32Or(m, C.IPVS_SVC_ATTR_TIMEOUT, 0),
    netmask: netmask === undefined ? (family === 4 ? 0xffffffff : 128) : readNetmask(family, netmask),
    ...(pe !== undefined ? { peName: readString(pe) } : {}),
  });
}

/**
 * A destination of a GET_DEST dump (command NEW_DEST). `serviceFamily` is the fallback
 * for kernels that do not send IPVS_DEST_ATTR_ADDR_FAMILY (before 4.3).
 */
export function decodeDestMessage(payload: Uint8Array, serviceFamily: Family): Result<IpvsDest> {
  return guarded('IPVS destination', () => {
    const top = topLevel(payload, C.IPVS_CMD_NEW_DEST, 'GET_DEST');
    if (!top.ok) return top;
    const m = nested(top.value, C.IPVS_CMD_ATTR_DEST, 'GET_DEST');
    if (!m.ok) return m;
    return decodeDestAttrs(m.value, serviceFamily);
  });
}

function decodeDestAttrs(m: Map<number, Uint8Array>, serviceFamily: Family): Result<IpvsDest> {
  const afData = m.get(C.IPVS_DEST_ATTR_ADDR_FAMILY);
  const family = afData === undefined ? serviceFamily : familyOfAf(readU16(afData));
  if (family === null) return fail(`destination with unknown address family ${afData === undefined ? '?' : readU16(afData)}`);
  const addr = m.get(C.IPVS_DEST_ATTR_ADDR);
  const port = m.get(C.IPVS_DEST_ATTR_PORT);
  const fwd = m.get(C.IPVS_DEST_ATTR_FWD_METHOD);
  if (addr === undefined || port === undefined || fwd === undefined) return fail('destination lacks address, port or forwarding method');
  const address = readInetAddr(family, addr, 'destination');
  if (!address.ok) return address;
  const fwdMethod = readU32(fwd) & C.IP_VS_CONN_F_FWD_MASK;
  const tunType = m.get(C.IPVS_DEST_ATTR_TUN_TYPE);
  const tunPort = m.get(C.IPVS_DEST_ATTR_TUN_PORT);
  const tunFlags = m.get(C.IPVS_DEST_ATTR_TUN_FLAGS);
  // The kernel reports tunnel fields (as zeros) for every dest; they only mean something for TUN.
  const tunnel = fwdMethod === IP_VS_CONN_F_TUNNEL;
  return ok({
    family,
    address: address.value,
    port: readBe16(port),
    fwdMethod,
    weight: u32Or(m, C.IPVS_DEST_ATTR_WEIGHT, 0),
    upperThreshold: u32Or(m, C.IPVS_DEST_ATTR_U_THRESH, 0),
    lowerThreshold: u32Or(m, C.IPVS_DEST_ATTR_L_THRESH, 0),
    ...(tunnel && tunType !== undefined ? { tunType: readU8(tunType) } : {}),
    ...(tunnel && tunPort !== undefined ? { tunPort: readBe16(tunPort) } : {}),
    ...(tunnel && tunFlags !== undefined ? { tunFlags: readU16(tunFlags) } : {}),
  });
}

export interface IpvsInfo {
  /** (major << 16) | (minor << 8) | patch, as the kernel encodes IP_VS_VERSION_CODE. */
  readonly version: number;
  /** "1.2.1" */
  readonly versionText: string;
  readonly connTabSize: number;
}

/** GET_INFO's reply (command SET_INFO). */
export function decodeInfoMessage(payload: Uint8Array): Result<IpvsInfo> {
  return guarded('IPVS info', () => {
    const top = topLevel(payload, C.IPVS_CMD_SET_INFO, 'GET_INFO');
    if (!top.ok) return top;
    const v = top.value.get(C.IPVS_INFO_ATTR_VERSION);
    if (v === undefined) return fail('GET_INFO reply lacks IPVS_INFO_ATTR_VERSION');
    const version = readU32(v);
    return ok({
      version,
      versionText: `${(version >>> 16) & 0xff}.${(version >>> 8) & 0xff}.${version & 0xff}`,
      connTabSize: u32Or(top.value, C.IPVS_INFO_ATTR_CONN_TAB_SIZE, 0),
    });
  });
}

/** GET_CONFIG's reply (command SET_CONFIG): the three protocol timeouts in seconds. */
export function decodeConfigMessage(payload: Uint8Array): Result<IpvsTimeouts> {
  return guarded('IPVS config', () => {
    const top = topLevel(payload, C.IPVS_CMD_SET_CONFIG, 'GET_CONFIG');
    if (!top.ok) return top;
    return ok({
      tcpS: u32Or(top.value, C.IPVS_CMD_ATTR_TIMEOUT_TCP, 0),
      tcpfinS: u32Or(top.value, C.IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, 0),
      udpS: u32Or(top.value, C.IPVS_CMD_ATTR_TIMEOUT_UDP, 0),
    });
  });
}
