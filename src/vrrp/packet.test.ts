import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KaError } from '../core/errors.js';
import { internetChecksum } from '../core/checksum.js';
import { mulberry32 } from '../test-kit/prng.js';
import { advert, ip, randomAdvert } from '../test-kit/vrrp-adverts.js';
import {
  advertChecksum,
  advertLength,
  decodeAdvert,
  encodeAdvert,
  maxAdvertLength,
  minAdvertLength,
  passwordAuthData,
  pseudoHeader,
  MCAST_GROUP4_BYTES,
  MCAST_GROUP6_BYTES,
} from './packet.js';
import { DROP_REASONS, type DecodedAdvert, type VrrpAdvert } from './types.js';

const SRC4 = ip('192.0.2.11');
const SRC6 = ip('fe80::6b:74ff:fe00:1');
const ctxFor = (family: 4 | 6, dst?: Uint8Array) =>
  family === 4 ? { family, src: SRC4, dst: dst ?? MCAST_GROUP4_BYTES } : { family, src: SRC6, dst: dst ?? MCAST_GROUP6_BYTES };

function sameFields(got: DecodedAdvert, want: VrrpAdvert): void {
  const { checksum: _c, checksumMode: _m, authExt: _x, ...fields } = got;
  const norm = (a: VrrpAdvert) => ({ ...a, addresses: a.addresses.map((x) => [...x]), authData: a.authData === null ? null : [...a.authData] });
  const expect = { ...want, authData: want.version === 2 ? (want.authData ?? new Uint8Array(8)) : null };
  assert.deepEqual(norm(fields), norm(expect));
}

function roundTrip(adv: VrrpAdvert, dst?: Uint8Array): DecodedAdvert {
  const ctx = ctxFor(adv.family, dst);
  const bytes = encodeAdvert(adv, ctx);
  assert.equal(bytes.length, advertLength(adv.family, adv.version, adv.addresses.length));
  const r = decodeAdvert(bytes, ctx);
  assert.ok(r.ok, `decode failed: ${r.ok ? '' : r.reason}`);
  sameFields(r.value, adv);
  return r.value;
}

test('size formula: header, addresses, v2 auth data', () => {
  assert.equal(minAdvertLength(4, 2), 16);
  assert.equal(minAdvertLength(4, 3), 8);
  assert.equal(minAdvertLength(6, 3), 8);
  assert.equal(advertLength(4, 2, 3), 28); // tcpdump: "length 28, addrs(3)"
  assert.equal(advertLength(4, 3, 2), 16);
  assert.equal(advertLength(6, 3, 5), 88);
  assert.equal(maxAdvertLength(4, 2), 8 + 255 * 4 + 8);
  assert.equal(maxAdvertLength(6, 3), 8 + 255 * 16);
});

test('round trip v2/IPv4, v3/IPv4, v3/IPv6 with one and many addresses', () => {
  for (const version of [2, 3] as const) {
    for (const family of version === 2 ? ([4] as const) : ([4, 6] as const)) {
      const one = family === 4 ? [ip('192.0.2.100')] : [ip('2001:db8::100')];
      const many = Array.from({ length: 20 }, (_, i) => (family === 4 ? ip(`198.51.100.${i + 1}`) : ip(`2001:db8::${(i + 1).toString(16)}`)));
      for (const addresses of [one, many]) {
        const d = roundTrip(advert({ version, family, addresses, advertIntCs: version === 2 ? 300 : 35, authData: version === 2 ? new Uint8Array(8) : null }));
        assert.equal(d.checksumMode, version === 2 ? 'v2-style' : 'pseudo-header');
      }
    }
  }
});

test('v2 PASS: password zero-padded, truncated to 8 bytes, carried after the addresses', () => {
  assert.deepEqual([...passwordAuthData('secret')], [0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0, 0]);
  assert.deepEqual([...passwordAuthData('abcdefghij')], [...Buffer.from('abcdefgh')]);
  const adv = advert({ version: 2, authType: 1, authData: passwordAuthData('secret'), addresses: [ip('192.0.2.110')] });
  const bytes = encodeAdvert(adv, ctxFor(4));
  assert.deepEqual([...bytes.subarray(12)], [...passwordAuthData('secret')]);
  assert.equal(bytes[4], 1);
  roundTrip(adv);
});

test('property: 3000 seeded random adverts survive encode/decode, checksum verifies', () => {
  const r = mulberry32(0x5eed);
  for (let i = 0; i < 3000; i++) {
    const adv = randomAdvert(r);
    const d = roundTrip(adv);
    const ctx = ctxFor(adv.family);
    const bytes = encodeAdvert(adv, ctx);
    assert.equal(d.checksum, advertChecksum(bytes, adv.version, ctx));
  }
});

test('v3 checksum modes: pseudo-header by default, v2-style and old-unicast recognised', () => {
  const adv = advert({ version: 3 });
  const peer = ip('192.0.2.12');
  const ctx = { family: 4 as const, src: SRC4, dst: peer };
  const std = encodeAdvert(adv, ctx);
  const ph = pseudoHeader(4, SRC4, peer, std.length);
  assert.equal(internetChecksum(ph, std), 0);

  const asV2 = encodeAdvert(adv, { ...ctx, checksumMode: 'v2-style' });
  assert.equal(internetChecksum(asV2), 0);
  const r2 = decodeAdvert(asV2, ctx);
  assert.ok(r2.ok && r2.value.checksumMode === 'v2-style');

  const old = encodeAdvert(adv, { ...ctx, checksumMode: 'old-unicast' });
  assert.equal(internetChecksum(pseudoHeader(4, SRC4, MCAST_GROUP4_BYTES, old.length), old), 0);
  const r3 = decodeAdvert(old, ctx);
  assert.ok(r3.ok && r3.value.checksumMode === 'old-unicast');

  // A receiver that only accepts the standard form drops the others.
  const strict = { ...ctx, acceptChecksumModes: ['pseudo-header'] as const };
  assert.deepEqual(decodeAdvert(old, strict), { ok: false, reason: 'checksum' });
  assert.deepEqual(decodeAdvert(asV2, strict), { ok: false, reason: 'checksum' });
  // The pseudo-header binds the addresses: another source fails.
  assert.deepEqual(decodeAdvert(std, { ...ctx, src: ip('192.0.2.13') }), { ok: false, reason: 'checksum' });
});

test('v3 interval keeps its 12 bits; reserved bits are ignored on receive', () => {
  const adv = advert({ advertIntCs: 0xfff });
  const bytes = encodeAdvert(adv, ctxFor(4));
  assert.equal(bytes[4], 0x0f);
  assert.equal(bytes[5], 0xff);
  const withRsvd = bytes.slice();
  withRsvd[4] = 0xf0 | withRsvd[4]!;
  // Re-checksum after setting reserved bits, as a sender would.
  withRsvd[6] = 0;
  withRsvd[7] = 0;
  const sum = internetChecksum(pseudoHeader(4, SRC4, MCAST_GROUP4_BYTES, withRsvd.length), withRsvd);
  withRsvd[6] = sum >>> 8;
  withRsvd[7] = sum & 0xff;
  const r = decodeAdvert(withRsvd, ctxFor(4));
  assert.ok(r.ok);
  assert.equal(r.value.advertIntCs, 0xfff);
});

test('encode refuses impossible fields with KA_ERR_VRRP_CONFIG', () => {
  const bad: VrrpAdvert[] = [
    advert({ version: 2, family: 6, addresses: [] }),
    advert({ vrid: 0 }),
    advert({ priority: 256 }),
    advert({ advertIntCs: 0x1000 }),
    advert({ version: 2, advertIntCs: 150, authData: null }),
    advert({ addresses: [ip('2001:db8::1')] }),
    advert({ version: 2, authType: 3 }),
    advert({ addresses: Array.from({ length: 256 }, () => ip('192.0.2.1')) }),
  ];
  for (const a of bad) assert.throws(() => encodeAdvert(a, ctxFor(a.family === 6 ? 6 : 4)), (e: unknown) => e instanceof KaError && e.code === 'KA_ERR_VRRP_CONFIG');
});

function recheck(bytes: Uint8Array, version: 2 | 3): Uint8Array {
  const b = bytes.slice();
  b[6] = 0;
  b[7] = 0;
  const s = version === 2 ? internetChecksum(b) : internetChecksum(pseudoHeader(4, SRC4, MCAST_GROUP4_BYTES, b.length), b);
  b[6] = s >>> 8;
  b[7] = s & 0xff;
  return b;
}

test('malformed: every truncation, wrong checksum, version, type, count, auth type', () => {
  const v2 = encodeAdvert(advert({ version: 2, authType: 1, authData: passwordAuthData('x'), addresses: [ip('192.0.2.1'), ip('192.0.2.2')] }), ctxFor(4));
  const v3 = encodeAdvert(advert({ addresses: [ip('192.0.2.1'), ip('192.0.2.2')] }), ctxFor(4));
  for (const [bytes, ctx] of [[v2, ctxFor(4)], [v3, ctxFor(4)]] as const) {
    for (let n = 0; n < bytes.length; n++) {
      const r = decodeAdvert(bytes.subarray(0, n), ctx);
      assert.equal(r.ok, false, `truncated to ${n}`);
      if (!r.ok) assert.equal(r.reason, 'packet-too-short', `truncated to ${n}`);
    }
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    assert.deepEqual(decodeAdvert(longer, ctx), { ok: false, reason: 'length-mismatch' });
    for (let i = 0; i < bytes.length; i++) {
      if (i === 0 || i === 3) continue; // version/type and count have their own reasons
      if (bytes === v2 && i === 4) continue; // v2 auth type
      const b = bytes.slice();
      b[i] = b[i]! ^ 0x10;
      assert.deepEqual(decodeAdvert(b, ctx), { ok: false, reason: 'checksum' }, `byte ${i} flipped`);
    }
  }
  const ver = recheck(v3, 3);
  ver[0] = 0x41;
  assert.deepEqual(decodeAdvert(ver, ctxFor(4)), { ok: false, reason: 'version' });
  const type2 = recheck(Uint8Array.from(v3, (x, i) => (i === 0 ? 0x32 : x)), 3);
  assert.deepEqual(decodeAdvert(type2, ctxFor(4)), { ok: false, reason: 'invalid-type' });
  const count = recheck(Uint8Array.from(v3, (x, i) => (i === 3 ? 200 : x)), 3);
  assert.deepEqual(decodeAdvert(count, ctxFor(4)), { ok: false, reason: 'packet-too-short' });
  const count0 = recheck(Uint8Array.from(v3, (x, i) => (i === 3 ? 0 : x)), 3);
  assert.deepEqual(decodeAdvert(count0, ctxFor(4)), { ok: false, reason: 'length-mismatch' });
  const auth3 = recheck(Uint8Array.from(v2, (x, i) => (i === 4 ? 3 : x)), 2);
  assert.deepEqual(decodeAdvert(auth3, ctxFor(4)), { ok: false, reason: 'auth-invalid-type' });
  // v2 over IPv6 does not exist (RFC 3768 is IPv4-only; keepalived refuses it).
  assert.deepEqual(decodeAdvert(v2, ctxFor(6)), { ok: false, reason: 'version' });
});

test('random bytes (seeded, 10k): never throws, always a known DropReason or a valid advert', () => {
  const r = mulberry32(1234);
  const reasons = new Set<string>();
  for (let i = 0; i < 10000; i++) {
    const family = r.pick([4, 6] as const);
    let buf = r.bytes(r.int(0, 120));
    // Bias half the inputs towards plausible headers so the deeper checks run too.
    if (r.chance(0.5) && buf.length >= 8) {
      buf = buf.slice();
      buf[0] = r.pick([0x21, 0x31, 0x22, 0x32, 0x41]);
      buf[3] = r.int(0, 8);
    }
    const res = decodeAdvert(buf, { family, src: family === 4 ? SRC4 : SRC6, dst: family === 4 ? MCAST_GROUP4_BYTES : MCAST_GROUP6_BYTES });
    if (!res.ok) {
      assert.ok(DROP_REASONS.includes(res.reason));
      reasons.add(res.reason);
    }
  }
  for (const want of ['packet-too-short', 'length-mismatch', 'version', 'invalid-type', 'checksum']) assert.ok(reasons.has(want), `never saw ${want}`);
});
