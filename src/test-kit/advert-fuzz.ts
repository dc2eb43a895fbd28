/**
 * The receive fuzz's world (src/vrrp/receive.fuzz.test.ts): a fixed set of instances on one
 * IPv4 and one IPv6 socket, a generator of datagrams — valid adverts for those instances
 * (v2/v3 × IPv4/IPv6) put through structure-aware mutations — and an oracle that says, from
 * the bytes alone, which RFC 3768 §7.1 / RFC 5798 §7.1 properties a datagram violates.
 *
 * The oracle is written apart from src/vrrp (its own length formula, checksum inputs and
 * address checks; only the Internet checksum itself is shared) so that the pipeline and the
 * oracle can disagree: a datagram is delivered exactly when the oracle finds no violation,
 * and a drop's reason is one of the violations it found. An IPsec AH header (IP protocol 51)
 * and an auth_hmac trailer are generated too; no instance here uses either, so each must be
 * refused by every instance (keepalived.conf(5) auth_type, auth_hmac).
 */
import { internetChecksum } from '../core/checksum.js';
import { ipBytes, type Family } from '../core/ip.js';
import { encodeIpv4Header } from '../vrrp/ip-header.js';
import { encodeAdvert } from '../vrrp/packet.js';
import type { DropReason, RawVrrpDatagram } from '../vrrp/types.js';
import { advertLength, AUTH_EXT_LEN, pseudo, structuralViolations } from './advert-oracle.js';
import type { Prng } from './prng.js';

/** One instance of the fuzz world, as its keepalived.conf block says. */
export interface FuzzInstance {
  readonly name: string;
  readonly family: Family;
  readonly version: 2 | 3;
  readonly vrid: number;
  readonly advertIntCs: number;
  /** v2 PASS password (the 8 auth-data bytes are its first 8, zero-padded). */
  readonly password?: string;
  readonly vips: readonly string[];
  readonly peers: readonly string[];
  readonly checkUnicastSrc: boolean;
  readonly skipCheckAdvAddr: boolean;
}

export const ME4 = '192.0.2.11';
export const ME6 = '2001:db8::11';
export const GROUP4 = '224.0.0.18';
export const GROUP6 = 'ff02::12';
/** IPsec AH's header between the IPv4 header and VRRP (by size only). */
const AH_LEN = 24;
const GROUP4_BYTES = ipBytes(GROUP4);
const GROUP6_BYTES = ipBytes(GROUP6);
/** Sources that are neither ours nor configured peers. */
const STRANGERS4 = ['192.0.2.12', '198.51.100.7', '0.0.0.0', '255.255.255.255', '224.0.0.18'];
const STRANGERS6 = ['fe80::12', '2001:db8::12', '::', 'ff02::1'];

export const FUZZ_INSTANCES: readonly FuzzInstance[] = [
  { name: 'V2_PLAIN', family: 4, version: 2, vrid: 1, advertIntCs: 100, vips: ['192.0.2.100'], peers: [], checkUnicastSrc: false, skipCheckAdvAddr: false },
  { name: 'V2_PASS', family: 4, version: 2, vrid: 2, advertIntCs: 200, password: 'secret', vips: ['192.0.2.101', '192.0.2.102'], peers: [], checkUnicastSrc: false, skipCheckAdvAddr: false },
  { name: 'V3_SKIP', family: 4, version: 3, vrid: 3, advertIntCs: 100, vips: ['192.0.2.103'], peers: [], checkUnicastSrc: false, skipCheckAdvAddr: true },
  { name: 'V3_UNI', family: 4, version: 3, vrid: 4, advertIntCs: 50, vips: ['192.0.2.104', '192.0.2.105', '192.0.2.106'], peers: ['192.0.2.13', '192.0.2.14'], checkUnicastSrc: true, skipCheckAdvAddr: true },
  { name: 'V2_UNI', family: 4, version: 2, vrid: 5, advertIntCs: 100, vips: ['192.0.2.107'], peers: ['192.0.2.13'], checkUnicastSrc: false, skipCheckAdvAddr: false },
  { name: 'V6_MCAST', family: 6, version: 3, vrid: 1, advertIntCs: 100, vips: ['2001:db8::100'], peers: [], checkUnicastSrc: false, skipCheckAdvAddr: false },
  { name: 'V6_UNI', family: 6, version: 3, vrid: 7, advertIntCs: 25, vips: ['2001:db8::107', '2001:db8::108'], peers: ['2001:db8::13'], checkUnicastSrc: true, skipCheckAdvAddr: false },
];

/** The keepalived.conf the pipeline's instances are compiled from. */
export function fuzzConfigText(instances: readonly FuzzInstance[] = FUZZ_INSTANCES): string {
  return instances
    .map((i) => {
      const me = i.family === 4 ? ME4 : ME6;
      const lines = [
        'interface eth0',
        `virtual_router_id ${i.vrid}`,
        'priority 100',
        `version ${i.version}`,
        `advert_int ${i.advertIntCs / 100}`,
        ...(i.password !== undefined ? ['authentication {', ' auth_type PASS', ` auth_pass ${i.password}`, '}'] : []),
        ...(i.peers.length > 0 ? [`unicast_src_ip ${me}`, 'unicast_peer {', ...i.peers.map((p) => ` ${p}`), '}'] : []),
        ...(i.checkUnicastSrc ? ['check_unicast_src'] : []),
        ...(i.skipCheckAdvAddr ? ['skip_check_adv_addr'] : []),
        'virtual_ipaddress {',
        ...i.vips.map((v) => ` ${v}/${i.family === 4 ? 24 : 64}`),
        '}',
      ];
      return `vrrp_instance ${i.name} {\n${lines.map((l) => ` ${l}`).join('\n')}\n}\n`;
    })
    .join('');
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const has = (list: readonly Uint8Array[], a: Uint8Array): boolean => list.some((x) => equal(x, a));

/** Byte forms of an instance's addresses, computed once. */
interface Resolved {
  readonly spec: FuzzInstance;
  readonly vips: readonly Uint8Array[];
  readonly peers: readonly Uint8Array[];
  readonly password: Uint8Array;
}

function resolve(i: FuzzInstance): Resolved {
  const password = new Uint8Array(8);
  if (i.password !== undefined) password.set(Buffer.from(i.password, 'latin1').subarray(0, 8));
  return { spec: i, vips: i.vips.map(ipBytes), peers: i.peers.map(ipBytes), password };
}

/** The datagram under construction: IPv4 keeps src/dst/ttl in `bytes`, IPv6 beside it. */
interface Draft {
  readonly family: Family;
  bytes: Uint8Array;
  src: Uint8Array;
  dst: Uint8Array | null;
  ttl: number | null;
}

/** Where one datagram must end up, according to the oracle. */
export type Expectation =
  /** Counted once on the socket with one of `reasons`; no instance sees it. */
  | { readonly where: 'socket'; readonly reasons: readonly DropReason[] }
  /** Per instance with the advert's VRID: no violation → delivered, else counted with one of them. */
  | {
      readonly where: 'instances';
      readonly vrid: number;
      readonly verdicts: ReadonlyMap<string, readonly DropReason[]>;
      /** What a delivery must carry: the advert's priority and interval (centiseconds). */
      readonly priority: number;
      readonly advertIntCs: number;
    };

export class AdvertFuzzWorld {
  readonly instances: readonly Resolved[];
  readonly me4 = ipBytes(ME4);
  readonly me6 = ipBytes(ME6);
  readonly group4 = GROUP4_BYTES;
  readonly group6 = GROUP6_BYTES;
  private readonly strangers4 = STRANGERS4.map(ipBytes);
  private readonly strangers6 = STRANGERS6.map(ipBytes);
  /** The source of the last advert each instance accepted (skip_check_adv_addr), per the oracle. */
  readonly lastMaster = new Map<string, Uint8Array | null>();

  /** Replacement addresses per family (computed once: the mutator runs millions of times). */
  private readonly vipPool: Record<Family, readonly Uint8Array[]>;
  private readonly srcPool: Record<Family, readonly Uint8Array[]>;
  private readonly dstPool: Record<Family, readonly Uint8Array[]>;

  constructor(instances: readonly FuzzInstance[] = FUZZ_INSTANCES) {
    this.instances = instances.map(resolve);
    const ofFamily = (list: readonly Uint8Array[], f: Family): Uint8Array[] => list.filter((a) => a.length === (f === 4 ? 4 : 16));
    const vips = this.instances.flatMap((x) => x.vips);
    const peers = this.instances.flatMap((x) => x.peers);
    this.vipPool = { 4: ofFamily(vips, 4), 6: ofFamily(vips, 6) };
    this.srcPool = { 4: [this.me4, ...ofFamily(peers, 4), ...this.strangers4], 6: [this.me6, ...ofFamily(peers, 6), ...this.strangers6] };
    this.dstPool = { 4: [this.group4, this.me4, ipBytes('224.0.0.1'), ipBytes('192.0.2.255')], 6: [this.group6, this.me6, ipBytes('ff02::1'), ipBytes('2001:db8::99')] };
    this.reset();
  }

  reset(): void {
    for (const i of this.instances) this.lastMaster.set(i.spec.name, null);
  }

  own(family: Family): readonly Uint8Array[] {
    return family === 4 ? [this.me4] : [this.me6];
  }

  byVrid(family: Family, vrid: number): Resolved[] {
    return this.instances.filter((i) => i.spec.family === family && i.spec.vrid === vrid);
  }

  // ---------- generation ----------

  /** A valid advert for a random instance (sometimes a sibling: other VRID, version, family, interval). */
  base(rng: Prng, reuseSrc: Uint8Array | null): Draft {
    const inst = rng.pick(this.instances);
    const s = inst.spec;
    const family: Family = rng.chance(0.03) ? (s.family === 4 ? 6 : 4) : s.family;
    const alen = family === 4 ? 4 : 16;
    // VRRPv2 has no IPv6 form to encode; the mutations make that one (version nibble).
    const version: 2 | 3 = family === 6 ? 3 : rng.chance(0.05) ? (s.version === 2 ? 3 : 2) : s.version;
    let addresses = inst.vips.filter((v) => v.length === alen);
    if (addresses.length > 1 && rng.chance(0.3)) addresses = [...addresses].reverse();
    let advertIntCs = version === 2 ? Math.max(100, Math.round(s.advertIntCs / 100) * 100) : s.advertIntCs;
    if (rng.chance(0.05)) advertIntCs = version === 2 ? rng.int(0, 255) * 100 : rng.int(0, 0xfff);
    const unicast = s.peers.length > 0;
    const peers = inst.peers.filter((v) => v.length === alen);
    const src = reuseSrc !== null && reuseSrc.length === alen ? reuseSrc : peers.length > 0 && rng.chance(0.9) ? rng.pick(peers) : this.stranger(rng, family);
    const dst = unicast ? (family === 4 ? this.me4 : this.me6) : family === 4 ? this.group4 : this.group6;
    const pass = version === 2 && s.password !== undefined;
    const payload = encodeAdvert(
      {
        version,
        family,
        vrid: rng.chance(0.04) ? rng.int(1, 255) : s.vrid,
        priority: rng.pick([0, 1, 100, 254, 255, rng.int(0, 255)]),
        advertIntCs,
        authType: pass ? 1 : 0,
        authData: version === 2 ? (pass ? inst.password : new Uint8Array(8)) : null,
        addresses,
      },
      { family, src, dst },
    );
    if (family === 6) return { family, bytes: payload, src, dst: rng.chance(0.1) ? null : dst, ttl: 255 };
    const bytes = new Uint8Array(20 + payload.length);
    bytes.set(encodeIpv4Header({ src, dst, payloadLength: payload.length }), 0);
    bytes.set(payload, 20);
    return { family, bytes, src, dst, ttl: null };
  }

  private stranger(rng: Prng, family: Family): Uint8Array {
    return rng.pick(family === 4 ? this.strangers4 : this.strangers6);
  }

  /** 0–4 structure-aware mutations; returns the datagram as the socket would deliver it. */
  mutate(rng: Prng, d: Draft): RawVrrpDatagram {
    const n = rng.chance(0.3) ? 0 : rng.int(1, 4);
    for (let k = 0; k < n; k++) this.mutateOnce(rng, d);
    const v4 = d.family === 4;
    const src = v4 && d.bytes.length >= 16 ? d.bytes.slice(12, 16) : d.src;
    const dst = v4 ? (d.bytes.length >= 20 ? d.bytes.slice(16, 20) : null) : d.dst;
    return { family: d.family, data: d.bytes, src, scopeId: v4 ? 0 : 2, dst, ttl: v4 ? (d.bytes[8] ?? null) : d.ttl, ifindex: 2, truncated: false };
  }

  private mutateOnce(rng: Prng, d: Draft): void {
    const v4 = d.family === 4;
    const off = v4 ? 20 : 0;
    const b = d.bytes; // the cases that resize replace d.bytes and read it, never b, afterwards
    const payload = (): Uint8Array => d.bytes.subarray(Math.min(off, d.bytes.length));
    const srcOf = (): Uint8Array => (v4 ? d.bytes.subarray(12, 16) : d.src);
    const dstOf = (): Uint8Array => (v4 ? d.bytes.subarray(16, 20) : (d.dst ?? this.group6));
    const fix = (): void => {
      if (rng.chance(0.8)) fixChecksum(payload(), d.family, srcOf(), dstOf(), rng);
    };
    const setTotLen = (): void => {
      if (v4 && d.bytes.length >= 4 && rng.chance(0.8)) {
        d.bytes[2] = (d.bytes.length >>> 8) & 0xff;
        d.bytes[3] = d.bytes.length & 0xff;
      }
    };
    switch (rng.int(0, 14)) {
      case 0: // bit flip anywhere
        if (b.length > 0) b[rng.int(0, b.length - 1)]! ^= 1 << rng.int(0, 7);
        break;
      case 1: // truncation
        d.bytes = b.slice(0, rng.int(0, b.length));
        setTotLen();
        break;
      case 2: {
        // trailing bytes (Ethernet padding, junk)
        const grown = new Uint8Array(b.length + rng.int(1, 24));
        grown.set(b);
        for (let i = b.length; i < grown.length; i++) grown[i] = rng.chance(0.5) ? 0 : rng.int(0, 255);
        d.bytes = grown;
        setTotLen();
        if (rng.chance(0.5)) fix();
        break;
      }
      case 3: {
        // one header field set to a boundary or random value, checksum usually fixed after
        const p = payload();
        if (p.length >= 8) {
          const at = rng.int(0, 7);
          p[at] = rng.pick([0, 1, 2, 3, 0x21, 0x31, 0x22, 0x11, 0x41, 0xff, rng.int(0, 255)]);
          fix();
        }
        break;
      }
      case 4: {
        // address count off by some, payload resized to match or not
        const p = payload();
        if (p.length >= 8) {
          const count = Math.max(0, Math.min(255, p[3]! + rng.pick([-1, 1, 2, -2, 255 - p[3]!])));
          p[3] = count;
          if (rng.chance(0.5)) {
            const alen = d.family === 4 ? 4 : 16;
            const want = off + 8 + count * alen + ((p[0]! >>> 4) === 2 ? 8 : 0);
            const next = new Uint8Array(want);
            next.set(d.bytes.subarray(0, Math.min(want, d.bytes.length)));
            d.bytes = next;
            setTotLen();
          }
          fix();
        }
        break;
      }
      case 5: {
        // an address replaced: another instance's VIP, a duplicate, random bytes
        const p = payload();
        const alen = d.family === 4 ? 4 : 16;
        const count = p.length >= 8 ? Math.min(p[3]!, Math.floor((p.length - 8) / alen)) : 0;
        if (count > 0) {
          const i = rng.int(0, count - 1);
          const pool = this.vipPool[d.family];
          const with_ = rng.chance(0.5) && pool.length > 0 ? rng.pick(pool) : rng.chance(0.5) ? p.slice(8, 8 + alen) : rng.bytes(alen);
          p.set(with_, 8 + i * alen);
          fix();
        }
        break;
      }
      case 6: {
        // v2 auth data: one byte changed, or another password
        const p = payload();
        if (p.length >= 16) {
          const at = p.length - 8;
          if (rng.chance(0.5)) p[at + rng.int(0, 7)]! ^= 1 << rng.int(0, 7);
          else p.set(rng.pick([Buffer.from('secret\0\0'), Buffer.from('Secret\0\0'), Buffer.from('secretxx'), new Uint8Array(8)]), at);
          fix();
        }
        break;
      }
      case 7: {
        // checksum corrupted
        const p = payload();
        if (p.length >= 8) p[6]! ^= rng.int(1, 255);
        break;
      }
      case 8: {
        // IPv4 header: version/IHL, total length, protocol, TTL
        if (v4 && b.length >= 20) {
          switch (rng.int(0, 3)) {
            case 0:
              b[0] = rng.pick([0x44, 0x46, 0x4f, 0x55, 0x65, 0x40, 0x45]);
              break;
            case 1: {
              const t = rng.pick([0, 19, 20, b.length - 1, b.length + 1, b.length + 100, rng.int(0, 0xffff)]);
              b[2] = (t >>> 8) & 0xff;
              b[3] = t & 0xff;
              break;
            }
            case 2:
              b[9] = rng.pick([6, 17, 51, 111, 113, 0]);
              break;
            default:
              b[8] = rng.pick([0, 1, 64, 128, 254]);
          }
        }
        break;
      }
      case 9: {
        // source: our own address, a peer, a stranger (checksum fixed or not)
        const src = rng.pick(this.srcPool[d.family]);
        if (v4) {
          if (b.length >= 16) b.set(src, 12);
        } else d.src = src;
        fix();
        break;
      }
      case 10: {
        // destination: the group, our address, another multicast group, a stranger; IPv6 also none
        const dst = rng.pick(this.dstPool[d.family]);
        if (v4) {
          if (b.length >= 20) b.set(dst, 16);
        } else d.dst = rng.chance(0.2) ? null : dst;
        fix();
        break;
      }
      case 11: // IPv6 hop limit (IPv4's TTL lives in the header: case 8)
        if (!v4) d.ttl = rng.pick([null, 0, 1, 64, 254, 255]);
        break;
      case 12: {
        // an auth_hmac trailer (28 bytes) after the message, the checksum over the message (IPv4) or all (IPv6)
        const grown = new Uint8Array(d.bytes.length + AUTH_EXT_LEN);
        grown.set(d.bytes);
        grown.set(rng.bytes(AUTH_EXT_LEN), d.bytes.length);
        const message = grown.subarray(Math.min(off, grown.length), v4 ? grown.length - AUTH_EXT_LEN : grown.length);
        d.bytes = grown;
        setTotLen();
        if (rng.chance(0.8)) fixChecksum(message, d.family, srcOf(), dstOf(), rng);
        break;
      }
      case 13: {
        // IPsec AH (IP protocol 51): a 24-byte AH header between the IPv4 header and VRRP
        if (!v4 || b.length < 20) break;
        const ah = new Uint8Array(AH_LEN);
        ah[0] = rng.chance(0.8) ? 112 : rng.pick([6, 17, 0]);
        ah[1] = AH_LEN / 4 - 2;
        ah.set(b.subarray(12, 16), 4); // SPI: the sender's address, as keepalived sends it
        ah.set(rng.bytes(16), 8);
        const grown = new Uint8Array(b.length + AH_LEN);
        grown.set(b.subarray(0, 20));
        grown.set(ah, 20);
        grown.set(b.subarray(20), 20 + AH_LEN);
        grown[9] = 51;
        d.bytes = grown;
        setTotLen();
        break;
      }
      default: {
        // the v3 checksum in one of the variants keepalived accepts (or a wrong one)
        const p = payload();
        if (p.length >= 8) fixChecksum(p, d.family, srcOf(), dstOf(), rng, true);
      }
    }
  }

  // ---------- the oracle ----------

  /** What must happen to `d` on the socket of its family (call before delivering it). */
  expect(d: RawVrrpDatagram): Expectation {
    let payload: Uint8Array;
    let src: Uint8Array;
    let dst: Uint8Array;
    let ttl: number;
    let ah = false;
    const fam = d.family;
    if (fam === 4) {
      const b = d.data;
      if (b.length < 20) return { where: 'socket', reasons: ['packet-too-short'] };
      const ihl = (b[0]! & 0x0f) * 4;
      const tot = (b[2]! << 8) | b[3]!;
      const ip: DropReason[] = [];
      ah = b[9] === 51;
      if (b[0]! >>> 4 !== 4 || ihl < 20 || tot < ihl || (b[9] !== 112 && !ah)) ip.push('ip-header');
      if (tot > b.length) ip.push('length-mismatch');
      if (ah && tot < ihl + AH_LEN) ip.push('packet-too-short');
      if (ip.length > 0) return { where: 'socket', reasons: ip };
      payload = b.subarray(ihl + (ah ? AH_LEN : 0), tot);
      src = b.subarray(12, 16);
      dst = b.subarray(16, 20);
      ttl = b[8]!;
    } else {
      payload = d.data;
      src = d.src;
      dst = d.dst ?? this.group6;
      ttl = d.ttl ?? 0;
    }
    const targets = payload.length >= 2 ? this.byVrid(fam, payload[1]!) : [];
    const structural = structuralViolations(payload, fam, src, dst, fam === 4 ? this.group4 : this.group6);
    const carried = { priority: payload[2] ?? 0, advertIntCs: (payload[0] ?? 0) >>> 4 === 2 ? (payload[5] ?? 0) * 100 : (((payload[4] ?? 0) & 0x0f) << 8) | (payload[5] ?? 0) };
    if (structural.length > 0) {
      if (targets.length === 0) return { where: 'socket', reasons: structural };
      return { where: 'instances', vrid: payload[1]!, verdicts: new Map(targets.map((t) => [t.spec.name, structural])), ...carried };
    }
    if (targets.length === 0) return { where: 'socket', reasons: ['vrid-unknown'] };
    const verdicts = new Map<string, readonly DropReason[]>();
    const trailer = payload.length === advertLength(fam, payload[0]! >>> 4, payload[3]!) + AUTH_EXT_LEN;
    for (const t of targets) verdicts.set(t.spec.name, this.instanceViolations(t, trailer ? payload.subarray(0, payload.length - AUTH_EXT_LEN) : payload, src, dst, ttl, ah, trailer));
    return { where: 'instances', vrid: payload[1]!, verdicts, ...carried };
  }

  private instanceViolations(t: Resolved, p: Uint8Array, src: Uint8Array, dst: Uint8Array, ttl: number, ah: boolean, trailer: boolean): DropReason[] {
    const s = t.spec;
    const out: DropReason[] = [];
    // No instance of this world has auth_type AH or auth_hmac: an AH header or a trailer is wrong for each.
    if (ah) out.push('auth-type-mismatch');
    if (trailer) out.push('length-mismatch');
    const version = p[0]! >>> 4;
    const alen = s.family === 4 ? 4 : 16;
    const count = p[3]!;
    const unicast = s.peers.length > 0;
    if (has(this.own(s.family), src)) out.push('own-packet');
    if (!unicast && ttl !== 255) out.push('ttl');
    if (version !== s.version) out.push('version');
    if (s.version === 2 && version === 2) {
      const authType = p[4]!;
      const want = s.password !== undefined ? 1 : 0;
      if (authType !== want) out.push('auth-type-mismatch');
      else if (want === 1 && !equal(p.subarray(p.length - 8), t.password)) out.push('auth-failure');
      if (p[5]! * 100 !== s.advertIntCs) out.push('advert-interval');
    }
    const last = this.lastMaster.get(s.name) ?? null;
    const skip = s.skipCheckAdvAddr && last !== null && equal(last, src);
    if (!skip) {
      const addrs: Uint8Array[] = [];
      for (let i = 0; i < count; i++) addrs.push(p.subarray(8 + i * alen, 8 + (i + 1) * alen));
      if (count !== t.vips.length || t.vips.some((v) => !has(addrs, v))) out.push('address-list');
      if (unicast && s.checkUnicastSrc && !has(t.peers, src)) out.push('unicast-src');
    }
    const multicastDst = s.family === 4 ? (dst[0]! & 0xf0) === 0xe0 : dst[0] === 0xff;
    if (multicastDst === unicast) out.push('cast-mismatch');
    return out;
  }

  /** The oracle's record of an accepted advert (skip_check_adv_addr remembers its source). */
  accepted(name: string, src: Uint8Array): void {
    this.lastMaster.set(name, Uint8Array.from(src));
  }
}

/** RFC 3768 §5 / RFC 5798 §5 structure: length, version, type, v2 auth type, checksum. */
/**
 * Rewrites a payload's checksum: the form its version calls for, or (variants) one of the
 * v3 forms keepalived also accepts — no pseudo-header, the group as pseudo-destination — or
 * an off-by-one.
 */
function fixChecksum(p: Uint8Array, family: Family, src: Uint8Array, dst: Uint8Array, rng: Prng, variants = false): void {
  if (p.length < 8 || src.length < (family === 4 ? 4 : 16) || dst.length < (family === 4 ? 4 : 16)) return;
  p[6] = 0;
  p[7] = 0;
  const v2 = p[0]! >>> 4 === 2;
  const mode = variants ? rng.int(0, 3) : v2 ? 1 : 0;
  const group = family === 4 ? GROUP4_BYTES : GROUP6_BYTES;
  let sum = mode === 1 ? internetChecksum(p) : internetChecksum(pseudo(family, src, mode === 2 ? group : dst, p.length), p);
  if (mode === 3) sum = (sum + 1) & 0xffff;
  p[6] = sum >>> 8;
  p[7] = sum & 0xff;
}
