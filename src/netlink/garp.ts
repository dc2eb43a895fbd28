/**
 * Gratuitous ARP and unsolicited Neighbor Advertisement builders (vrrp child, on becoming
 * master: RFC 3768 / RFC 5798 §6.4.2 "broadcast a gratuitous ARP", RFC 4861 §7.2.6).
 * Pure byte builders; garp-sender.ts puts them on the wire.
 */

export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV4 = 0x0800;
export const ARP_HRD_ETHER = 1;
export const ARP_OP_REQUEST = 1;
export const ICMP6_NEIGHBOR_ADVERT = 136;
export const ND_OPT_TARGET_LINKADDR = 2;
export const NA_FLAG_ROUTER = 0x80;
export const NA_FLAG_SOLICITED = 0x40;
export const NA_FLAG_OVERRIDE = 0x20;

export const GARP_FRAME_LEN = 42;
export const UNSOLICITED_NA_LEN = 32;

export const BROADCAST_MAC: Uint8Array = new Uint8Array(6).fill(0xff);

function need(b: Uint8Array, len: number, what: string): void {
  if (b.length !== len) throw new RangeError(`${what}: expected ${len} bytes, got ${b.length}`);
}

/**
 * Ethernet frame with an ARP request announcing `vip` at `mac`: sender IP = target IP =
 * VIP, to broadcast. Target hardware is broadcast, as keepalived sends it (receivers
 * ignore it in a request, RFC 5227 §3).
 */
export function buildGarpFrame(mac: Uint8Array, vip: Uint8Array): Uint8Array {
  need(mac, 6, 'GARP MAC');
  need(vip, 4, 'GARP IPv4 address');
  const f = new Uint8Array(GARP_FRAME_LEN);
  const v = new DataView(f.buffer);
  f.set(BROADCAST_MAC, 0);
  f.set(mac, 6);
  v.setUint16(12, ETHERTYPE_ARP);
  v.setUint16(14, ARP_HRD_ETHER);
  v.setUint16(16, ETHERTYPE_IPV4);
  f[18] = 6;
  f[19] = 4;
  v.setUint16(20, ARP_OP_REQUEST);
  f.set(mac, 22);
  f.set(vip, 28);
  f.set(BROADCAST_MAC, 32);
  f.set(vip, 38);
  return f;
}

/**
 * ICMPv6 unsolicited Neighbor Advertisement for `target` (RFC 4861 §4.4): Override set,
 * Solicited clear (§7.2.6), Router as given (default clear), one Target Link-Layer Address
 * option. The checksum stays 0: the raw ICMPv6 socket computes it. Send to ff02::1 with
 * hop limit 255.
 */
export function buildUnsolicitedNa(mac: Uint8Array, target: Uint8Array, opts: { router?: boolean } = {}): Uint8Array {
  need(mac, 6, 'NA MAC');
  need(target, 16, 'NA target address');
  const m = new Uint8Array(UNSOLICITED_NA_LEN);
  m[0] = ICMP6_NEIGHBOR_ADVERT;
  m[4] = NA_FLAG_OVERRIDE | (opts.router === true ? NA_FLAG_ROUTER : 0);
  m.set(target, 8);
  m[24] = ND_OPT_TARGET_LINKADDR;
  m[25] = 1; // option length in units of 8 bytes
  m.set(mac, 26);
  return m;
}
