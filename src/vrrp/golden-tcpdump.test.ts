/**
 * Golden decode of tcpdump's VRRP test captures (test/fixtures/vrrp-pcaps, BSD): every frame
 * of vrrp.pcap is decoded and compared with the matching record of tcpdump's `-v` output;
 * the fuzzer-made `oobr` captures must be rejected without an exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIp } from '../core/ip.js';
import { linkPayload, parseIpv6Fixed, readPcap } from '../test-kit/pcap.js';
import { REPO_ROOT } from '../test-kit/vrrp-adverts.js';
import { decodeIpv4Datagram } from './ip-header.js';
import { decodeAdvert } from './packet.js';
import type { AdvertMeta, DecodedAdvert, DropReason } from './types.js';
import type { Result } from '../core/result.js';

const DIR = join(REPO_ROOT, 'test', 'fixtures', 'vrrp-pcaps');

interface Decoded {
  readonly meta: AdvertMeta;
  readonly payloadLength: number;
  readonly advert: Result<DecodedAdvert, DropReason>;
}

/** Link → IP → VRRP, as the receive path would (IPv6 header fields come from ancillary data there). */
function decodeFrame(linkType: number, frame: Uint8Array): Result<Decoded, DropReason | 'not-ip'> {
  const lp = linkType === LINKTYPE_FRELAY ? frameRelayIpv4(frame) : linkPayload(linkType, frame);
  if (!lp) return { ok: false, reason: 'not-ip' };
  if (lp.etherType === 0x0800) {
    const d = decodeIpv4Datagram(lp.ip);
    if (!d.ok) return d;
    const meta: AdvertMeta = { family: 4, src: d.value.src, dst: d.value.dst, ttl: d.value.ttl, ifindex: 1 };
    return { ok: true, value: { meta, payloadLength: d.value.payload.length, advert: decodeAdvert(d.value.payload, meta) } };
  }
  const v6 = parseIpv6Fixed(lp.ip);
  if (!v6 || v6.nextHeader !== 112) return { ok: false, reason: 'ip-header' };
  const meta: AdvertMeta = { family: 6, src: v6.src, dst: v6.dst, ttl: v6.hopLimit, ifindex: 1 };
  return { ok: true, value: { meta, payloadLength: v6.payload.length, advert: decodeAdvert(v6.payload, meta) } };
}

/** oobr.pcap is Frame Relay (linktype 107) with odd encapsulations: find the IPv4/proto-112 header. */
const LINKTYPE_FRELAY = 107;
function frameRelayIpv4(frame: Uint8Array): { etherType: number; ip: Uint8Array } | null {
  for (let i = 0; i + 20 <= frame.length; i++) {
    if (frame[i]! >>> 4 === 4 && frame[i + 9] === 112) return { etherType: 0x0800, ip: frame.subarray(i) };
  }
  return null;
}

interface Expected {
  readonly ttl: number;
  readonly src: string;
  readonly dst: string;
  readonly version: number;
  readonly vrid: number;
  readonly priority: number;
  readonly authType: number | null;
  readonly advertIntCs: number;
  readonly length: number;
  readonly addresses: string[];
  readonly auth: string | null;
}

/** tcpdump -v prints a record per frame: "N  date  IP (… ttl T …)\n    SRC > DST: VRRPvV, …" (IPv6: one line). */
function parseVerboseOutput(text: string): Map<number, Expected> {
  const records = new Map<number, string>();
  let current = -1;
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+\d{4}-\d\d-\d\d /.exec(line);
    if (m) {
      current = Number(m[1]);
      records.set(current, line);
    } else if (current >= 0 && line.trim() !== '') {
      records.set(current, `${records.get(current)!} ${line.trim()}`);
    }
  }
  const out = new Map<number, Expected>();
  const re =
    /(?:ttl|hlim) (\d+).* (\S+) > (\S+): VRRPv(\d), Advertisement, vrid (\d+), prio (\d+), (?:authtype (\w+), intvl (\d+)s|intvl (\d+)cs), length (\d+), addrs(?:\(\d+\))?: (\S+)(?: auth "([^"]*)")?/;
  for (const [n, rec] of records) {
    const m = re.exec(rec);
    assert.ok(m, `record ${n} not understood: ${rec}`);
    out.set(n, {
      ttl: Number(m[1]),
      src: m[2]!,
      dst: m[3]!,
      version: Number(m[4]),
      vrid: Number(m[5]),
      priority: Number(m[6]),
      authType: m[7] === undefined ? null : ({ none: 0, simple: 1, ah: 2 } as Record<string, number>)[m[7]]!,
      advertIntCs: m[8] !== undefined ? Number(m[8]) * 100 : Number(m[9]),
      length: Number(m[10]),
      addresses: m[11]!.split(','),
      auth: m[12] ?? null,
    });
  }
  return out;
}

test('vrrp.pcap: every frame decodes and matches tcpdump -v (vrrp-v.out)', () => {
  const pcap = readPcap(new Uint8Array(readFileSync(join(DIR, 'vrrp.pcap'))));
  const expected = parseVerboseOutput(readFileSync(join(DIR, 'vrrp-v.out'), 'utf8'));
  assert.equal(pcap.records.length, 165);
  assert.equal(expected.size, 165);
  const seen = { v2: 0, v3v4: 0, v3v6: 0, pass: 0 };
  for (const rec of pcap.records) {
    const want = expected.get(rec.index);
    assert.ok(want, `no tcpdump line for frame ${rec.index}`);
    const d = decodeFrame(pcap.linkType, rec.data);
    assert.ok(d.ok, `frame ${rec.index}: ${d.ok ? '' : d.reason}`);
    const { meta, payloadLength, advert } = d.value;
    assert.ok(advert.ok, `frame ${rec.index}: ${advert.ok ? '' : advert.reason}`);
    const a = advert.value;
    const where = `frame ${rec.index}`;
    assert.equal(meta.ttl, want.ttl, where);
    assert.equal(formatIp(meta.src), want.src, where);
    assert.equal(formatIp(meta.dst), want.dst, where);
    assert.equal(a.version, want.version, where);
    assert.equal(a.vrid, want.vrid, where);
    assert.equal(a.priority, want.priority, where);
    assert.equal(a.advertIntCs, want.advertIntCs, where);
    assert.equal(payloadLength, want.length, where);
    assert.deepEqual(a.addresses.map((x) => formatIp(x)), want.addresses, where);
    // tcpdump prints "bad vrrp cksum" for a wrong one; these all verify, v3 with the pseudo-header.
    assert.equal(a.checksumMode, a.version === 2 ? 'v2-style' : 'pseudo-header', where);
    if (want.authType !== null) assert.equal(a.authType, want.authType, where);
    if (want.auth !== null) {
      assert.equal(Buffer.from(a.authData!).toString('latin1').replace(/\0+$/, ''), want.auth, where);
      seen.pass++;
    }
    if (a.version === 2) seen.v2++;
    else if (a.family === 4) seen.v3v4++;
    else seen.v3v6++;
  }
  assert.ok(seen.v2 > 0 && seen.v3v4 > 0 && seen.v3v6 > 0 && seen.pass > 0, JSON.stringify(seen));
});

for (const name of ['vrrp-vrrp_print-oobr.pcap', 'vrrp-vrrp_print-oobr-2.pcap']) {
  test(`${name}: every malformed frame is rejected with a DropReason, no exception`, () => {
    const pcap = readPcap(new Uint8Array(readFileSync(join(DIR, name))));
    assert.ok(pcap.records.length >= 3);
    for (const rec of pcap.records) {
      const d = decodeFrame(pcap.linkType, rec.data);
      if (!d.ok) assert.notEqual(d.reason, 'not-ip', `frame ${rec.index}: no IPv4 found`);
      const rejected = !d.ok || !d.value.advert.ok;
      assert.ok(rejected, `frame ${rec.index} of ${name} was accepted`);
    }
  });
}
