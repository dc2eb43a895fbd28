/**
 * Minimal classic-pcap reader for tests (libpcap file format: 24-byte global header, then
 * 16-byte record headers), plus a helper that strips Ethernet/802.1Q/Linux-cooked link
 * headers down to the IP datagram. Test-only: it trusts nothing but throws on a broken file.
 */
export interface PcapRecord {
  /** 1-based frame number, as tcpdump prints it. */
  readonly index: number;
  readonly tsSec: number;
  readonly tsUsec: number;
  readonly origLen: number;
  readonly data: Uint8Array;
}

export interface PcapFile {
  readonly linkType: number;
  readonly records: readonly PcapRecord[];
}

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;

export function readPcap(buf: Uint8Array): PcapFile {
  if (buf.length < 24) throw new Error('pcap: file shorter than its header');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  let le: boolean;
  let nanos = false;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
  else throw new Error(`pcap: bad magic 0x${magic.toString(16)} (pcapng is not supported)`);
  if (magic === 0xa1b23c4d || magic === 0x4d3cb2a1) nanos = true;
  const linkType = dv.getUint32(20, le) & 0x0fffffff;
  const records: PcapRecord[] = [];
  let off = 24;
  while (off < buf.length) {
    if (off + 16 > buf.length) throw new Error(`pcap: truncated record header at ${off}`);
    const tsSec = dv.getUint32(off, le);
    const frac = dv.getUint32(off + 4, le);
    const inclLen = dv.getUint32(off + 8, le);
    const origLen = dv.getUint32(off + 12, le);
    off += 16;
    if (off + inclLen > buf.length) throw new Error(`pcap: truncated record data at ${off}`);
    records.push({ index: records.length + 1, tsSec, tsUsec: nanos ? Math.floor(frac / 1000) : frac, origLen, data: buf.subarray(off, off + inclLen) });
    off += inclLen;
  }
  return { linkType, records };
}

export interface LinkPayload {
  /** 0x0800 IPv4, 0x86dd IPv6. */
  readonly etherType: number;
  readonly ip: Uint8Array;
}

/** Strip the link header; null for frames that are not IPv4/IPv6. */
export function linkPayload(linkType: number, frame: Uint8Array): LinkPayload | null {
  let off: number;
  let etherType: number;
  if (linkType === LINKTYPE_ETHERNET) {
    if (frame.length < 14) return null;
    off = 12;
    etherType = (frame[off]! << 8) | frame[off + 1]!;
    off += 2;
    while (etherType === 0x8100 || etherType === 0x88a8) {
      if (frame.length < off + 4) return null;
      etherType = (frame[off + 2]! << 8) | frame[off + 3]!;
      off += 4;
    }
  } else if (linkType === LINKTYPE_LINUX_SLL) {
    if (frame.length < 16) return null;
    etherType = (frame[14]! << 8) | frame[15]!;
    off = 16;
  } else if (linkType === LINKTYPE_RAW) {
    if (frame.length < 1) return null;
    etherType = frame[0]! >>> 4 === 6 ? 0x86dd : 0x0800;
    off = 0;
  } else {
    throw new Error(`pcap: unsupported link type ${linkType}`);
  }
  if (etherType !== 0x0800 && etherType !== 0x86dd) return null;
  return { etherType, ip: frame.subarray(off) };
}

/** Fixed IPv6 header fields (no extension-header walk: VRRP frames carry none). */
export interface Ipv6Fields {
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly hopLimit: number;
  readonly nextHeader: number;
  readonly payload: Uint8Array;
}

export function parseIpv6Fixed(ip: Uint8Array): Ipv6Fields | null {
  if (ip.length < 40 || ip[0]! >>> 4 !== 6) return null;
  const plen = (ip[4]! << 8) | ip[5]!;
  if (ip.length < 40 + plen) return null;
  return { src: ip.slice(8, 24), dst: ip.slice(24, 40), hopLimit: ip[7]!, nextHeader: ip[6]!, payload: ip.subarray(40, 40 + plen) };
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(s: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(s)) throw new Error(`bad hex '${s.slice(0, 20)}…'`);
  return new Uint8Array(Buffer.from(s, 'hex'));
}
