/**
 * From the LVS model to IPVS services (keepalived.conf(5); the port rules of compile.ts rsPort): virtual_server_group
 * address ranges (parsing the four line forms into an inclusive first..last range,
 * lazy expansion), the services a virtual_server stands for, and the destination port
 * each real server gets in each of them. keepalived makes one IPVS service per address
 * of a range, so a range can be huge (an IPv6 /64): iterate, never build the list.
 */
import { formatIp, parseIp, type Family, type IpAddress } from '../../core/ip.js';
import { fail, ok, type Result } from '../../core/result.js';
import type { LvsProtocol, RealServerConfig, VirtualServerConfig, VirtualServerGroupConfig, VsgAddressRange } from './model.js';

const toBig = (a: IpAddress): bigint => a.bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);

function fromBig(v: bigint, family: Family): string {
  const n = family === 4 ? 4 : 16;
  const bytes = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return formatIp(bytes);
}

export interface ParsedRange {
  readonly family: Family;
  readonly first: string;
  readonly last: string;
}

/**
 * `IP`, `IP-LAST` (last IPv4 octet, decimal, or last IPv6 group, hex), `IP-IP`, `IP/PREFIX`.
 * Fails with keepalived's reason text when the end is not after the start.
 */
export function parseVsgAddress(text: string): Result<ParsedRange> {
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const base = parseIp(text.slice(0, slash));
    const lenText = text.slice(slash + 1);
    if (!base) return fail('invalid address');
    const bits = base.family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > bits) return fail('invalid prefix length');
    const host = (1n << BigInt(bits - Number(lenText))) - 1n;
    const start = toBig(base) & ~host;
    return ok({ family: base.family, first: fromBig(start, base.family), last: fromBig(start | host, base.family) });
  }
  const dash = text.indexOf('-');
  const first = parseIp(dash >= 0 ? text.slice(0, dash) : text);
  if (!first) return fail('invalid address');
  if (dash < 0) return ok({ family: first.family, first: formatIp(first), last: formatIp(first) });
  const endText = text.slice(dash + 1);
  let end: bigint;
  const full = parseIp(endText);
  if (full) {
    if (full.family !== first.family) return fail('address families differ');
    end = toBig(full);
  } else {
    const v4 = first.family === 4;
    if (!(v4 ? /^\d{1,3}$/ : /^[0-9a-fA-F]{1,4}$/).test(endText)) return fail('invalid range end');
    const last = parseInt(endText, v4 ? 10 : 16);
    if (v4 && last > 255) return fail('invalid range end');
    const unit = v4 ? 0xffn : 0xffffn;
    end = (toBig(first) & ~unit) | BigInt(last);
  }
  if (end <= toBig(first)) return fail('Address range end is not greater than address range start');
  return ok({ family: first.family, first: formatIp(first), last: fromBig(end, first.family) });
}

/** Number of addresses (= IPVS services per port) in a range. */
export function vsgRangeSize(r: Pick<VsgAddressRange, 'first' | 'last'>): bigint {
  const a = parseIp(r.first);
  const b = parseIp(r.last);
  return a && b ? toBig(b) - toBig(a) + 1n : 0n;
}

/** The addresses of a range in order, generated one at a time. */
export function* expandVsgRange(r: Pick<VsgAddressRange, 'first' | 'last' | 'family'>): Generator<string, void, undefined> {
  const a = parseIp(r.first);
  const b = parseIp(r.last);
  if (!a || !b) return;
  const end = toBig(b);
  for (let v = toBig(a); v <= end; v++) yield fromBig(v, r.family);
}

/** Whether an address lies in a range (for "is this VIP one of the group's?" without expanding). */
export function vsgRangeContains(r: Pick<VsgAddressRange, 'first' | 'last' | 'family'>, address: string): boolean {
  const x = parseIp(address);
  const a = parseIp(r.first);
  const b = parseIp(r.last);
  if (!x || !a || !b || x.family !== r.family) return false;
  const v = toBig(x);
  return v >= toBig(a) && v <= toBig(b);
}

/** One IPVS service (the identity IPVS_CMD_NEW_SERVICE takes). */
export type IpvsServiceId =
  | { readonly type: 'fwmark'; readonly family: Family; readonly fwmark: number }
  | { readonly type: 'ip'; readonly family: Family; readonly protocol: LvsProtocol; readonly address: string; readonly port: number };

/**
 * Every IPVS service a virtual server stands for, lazily: one for an address or fwmark
 * VS; for a group, one per address of each range (with the range's port) and one per
 * fwmark (a family-less fwmark takes the VS family). `groups` must hold the VS's group.
 */
export function* expandServices(vs: VirtualServerConfig, groups: readonly VirtualServerGroupConfig[]): Generator<IpvsServiceId, void, undefined> {
  const a = vs.address;
  const protocol = vs.protocol ?? 'UDP';
  if (a.type === 'ip') {
    yield { type: 'ip', family: a.family, protocol, address: a.address, port: a.port };
    return;
  }
  if (a.type === 'fwmark') {
    yield { type: 'fwmark', family: vs.family, fwmark: a.fwmark };
    return;
  }
  const g = groups.find((x) => x.name === a.group);
  for (const e of g?.entries ?? []) {
    if (e.type === 'fwmark') yield { type: 'fwmark', family: e.family ?? vs.family, fwmark: e.fwmark };
    else for (const address of expandVsgRange(e)) yield { type: 'ip', family: e.family, protocol, address, port: e.port };
  }
}

/**
 * The destination port of a real server inside one service (the port rules of compile.ts rsPort): NAT keeps the RS
 * port (the compiler already defaulted it to the VS port); DR/TUN use the service port;
 * fwmark services use 0 unless NAT.
 */
export function ipvsDestPort(rs: Pick<RealServerConfig, 'port' | 'forwarding'>, service: IpvsServiceId): number {
  // A portless NAT RS of a group keeps port 0 in the model; like ipvsadm, use the service port.
  if (rs.forwarding.type === 'NAT') return rs.port !== 0 || service.type === 'fwmark' ? rs.port : service.port;
  return service.type === 'fwmark' ? 0 : service.port;
}
