/**
 * Decodes the VRRP adverts of a pcap with tshark (Wireshark's dissector, Debian 12: 4.0.17),
 * an implementation independent of ours and of keepalived's, so interop tests can check
 * what each side puts on the wire: checksums (VRRP, and the IPv4 header with
 * `ip.check_checksum` on), TTL/hop limit, version/type/VRID, priority, interval, auth, VIPs.
 * Reads a file only; needs `tshark` (apt-get install tshark).
 */
import { execFileSync } from 'node:child_process';

/** Wireshark's checksum status values (proto.h PROTO_CHECKSUM_E_*). */
export type ChecksumStatus = 'bad' | 'good' | 'unverified' | 'not-present' | 'illegal' | 'none';
const CHECKSUM_STATUS: readonly ChecksumStatus[] = ['bad', 'good', 'unverified', 'not-present', 'illegal'];

export interface TsharkAdvert {
  /** Capture timestamp, µs since the epoch (CLOCK_REALTIME). */
  readonly tUs: number;
  readonly srcMac: string;
  readonly family: 4 | 6;
  readonly src: string;
  readonly dst: string;
  /** IPv4 TTL or IPv6 hop limit. */
  readonly ttl: number;
  /** IPv4 header checksum; 'none' for IPv6. */
  readonly ipChecksum: ChecksumStatus;
  readonly version: number;
  readonly type: number;
  readonly vrid: number;
  readonly priority: number;
  readonly checksum: ChecksumStatus;
  /** VRRPv2: seconds (vrrp.adver_int); VRRPv3: centiseconds (vrrp.short_adver_int). */
  readonly advertInt: number;
  /** VRRPv2 only; null for VRRPv3. */
  readonly authType: number | null;
  readonly authString: string | null;
  readonly addresses: readonly string[];
  /** `auth_type AH` (IP protocol 51): the AH SPI (as a dotted IPv4 address) and sequence number; null otherwise. */
  readonly ah: { readonly spi: string; readonly seq: number } | null;
}

const FIELDS = [
  'frame.time_epoch',
  'eth.src',
  'ip.src',
  'ipv6.src',
  'ip.dst',
  'ipv6.dst',
  'ip.ttl',
  'ipv6.hlim',
  'ip.checksum.status',
  'vrrp.version',
  'vrrp.type',
  'vrrp.virt_rtr_id',
  'vrrp.prio',
  'vrrp.checksum.status',
  'vrrp.adver_int',
  'vrrp.short_adver_int',
  'vrrp.auth_type',
  'vrrp.auth_string',
  'vrrp.ip_addr',
  'vrrp.ipv6_addr',
  'ah.spi',
  'ah.sequence',
] as const;

/** tshark prints a 32-bit field as 0x… hex: keepalived's SPI is the sender's address. */
function spiAsAddress(hex: string): string {
  const n = Number(hex);
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

/** "1795691410.882247000" → µs, without float rounding. */
export function epochToUs(s: string): number {
  const [sec = '0', frac = ''] = s.split('.');
  return Number(sec) * 1_000_000 + Number(frac.padEnd(6, '0').slice(0, 6));
}

function checksumStatus(s: string): ChecksumStatus {
  if (s === '') return 'none';
  return CHECKSUM_STATUS[Number(s)] ?? 'illegal';
}

/** One line of the `-T fields` output (tab-separated, FIELDS order); undefined if not an advert row. */
export function parseTsharkLine(line: string): TsharkAdvert | undefined {
  const c = line.split('\t');
  // The AH columns come last: lines without them (older captures' field lists) still parse.
  if (c.length < FIELDS.length - 2) return undefined;
  const [ahSpi = '', ahSeq = ''] = c.slice(FIELDS.length - 2);
  const [time, srcMac, src4, src6, dst4, dst6, ttl, hlim, ipCk, ver, type, vrid, prio, ck, advInt, shortAdvInt, authType, authString, addr4, addr6] = c as [
    string, string, string, string, string, string, string, string, string, string,
    string, string, string, string, string, string, string, string, string, string,
  ];
  const family = src6 !== '' ? 6 : 4;
  const version = Number(ver);
  return {
    tUs: epochToUs(time),
    srcMac,
    family,
    src: family === 6 ? src6 : src4,
    dst: family === 6 ? dst6 : dst4,
    ttl: Number(family === 6 ? hlim : ttl),
    ipChecksum: family === 6 ? 'none' : checksumStatus(ipCk),
    version,
    type: Number(type),
    vrid: Number(vrid),
    priority: Number(prio),
    checksum: checksumStatus(ck),
    advertInt: Number(version === 3 ? shortAdvInt : advInt),
    authType: authType === '' ? null : Number(authType),
    authString: authString === '' ? null : authString,
    addresses: (family === 6 ? addr6 : addr4).split(',').filter(Boolean),
    ah: ahSpi === '' ? null : { spi: spiAsAddress(ahSpi), seq: Number(ahSeq) },
  };
}

/** Every VRRP packet of `pcapFile`, in capture order. */
export function tsharkAdverts(pcapFile: string): TsharkAdvert[] {
  const args = ['-r', pcapFile, '-o', 'ip.check_checksum:TRUE', '-Y', 'vrrp', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  for (const f of FIELDS) args.push('-e', f);
  // tshark warns on stderr when run as root; only stdout matters.
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  const rows: TsharkAdvert[] = [];
  for (const line of out.split('\n')) {
    const r = line === '' ? undefined : parseTsharkLine(line);
    if (r) rows.push(r);
  }
  return rows;
}
