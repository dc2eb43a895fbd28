import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../test-kit/prng.js';
import { advert, ahDatagram, hmacDatagram, ip } from '../test-kit/vrrp-adverts.js';
import { HmacReplayTable, type HmacSettings } from './auth-hmac.js';
import { checkAdvert, type AdvertCheckResult, type ReceiveContext } from './advert-check.js';
import { decodeIpv4Datagram } from './ip-header.js';
import { AhSequence } from './ipsec-ah.js';
import { decodeAdvert, encodeAdvert, MCAST_GROUP4_BYTES, passwordAuthData } from './packet.js';
import { DROP_REASONS, type AdvertMeta, type DropReason, type VrrpAdvert } from './types.js';

const PEER = ip('192.0.2.12');
const ME = ip('192.0.2.11');
const VIP = ip('192.0.2.100');

const ctxV2: ReceiveContext = {
  name: 'VI_1',
  version: 2,
  vrid: 51,
  family: 4,
  advertIntCs: 100,
  auth: { type: 'none' },
  vips: [VIP],
  unicast: false,
  unicastPeers: [],
  checkUnicastSrc: false,
  skipCheckAdvAddr: false,
  lastMasterSrc: null,
  ownAddresses: [ME],
};
const ctxV3: ReceiveContext = { ...ctxV2, version: 3 };
const v2 = (over: Partial<VrrpAdvert> = {}): VrrpAdvert => advert({ version: 2, authData: new Uint8Array(8), ...over });
const meta = (over: Partial<AdvertMeta> = {}): AdvertMeta => ({ family: 4, src: PEER, dst: MCAST_GROUP4_BYTES, ttl: 255, ifindex: 2, ...over });

/** Every reason seen by this file's tests; the last test asserts all DropReasons were reached. */
const reached = new Set<DropReason>();

function expectDrop(r: AdvertCheckResult, reason: DropReason, log?: string | null): void {
  assert.equal(r.ok, false, `expected drop ${reason}`);
  if (r.ok) return;
  assert.equal(r.reason, reason);
  if (log !== undefined) assert.equal(r.log, log);
  reached.add(r.reason);
}

test('a matching advert passes with no warnings', () => {
  const r = checkAdvert(ctxV2, v2(), meta());
  assert.ok(r.ok);
  assert.deepEqual(r.value.warnings, []);
  assert.deepEqual(r.value.countedErrors, []);
  assert.ok(checkAdvert(ctxV3, advert(), meta()).ok);
});

test('family, own packet, TTL (multicast only), version', () => {
  expectDrop(checkAdvert(ctxV3, advert({ family: 6, addresses: [] }), meta()), 'family');
  expectDrop(checkAdvert(ctxV2, v2(), meta({ src: ME })), 'own-packet', null);
  expectDrop(checkAdvert(ctxV2, v2(), meta({ ttl: 254 })), 'ttl', '(VI_1) invalid TTL/HL. Received 254 and expect 255');
  const uni = { ...ctxV2, unicast: true, unicastPeers: [PEER] };
  assert.ok(checkAdvert(uni, v2(), meta({ ttl: 64, dst: ME })).ok, 'unicast adverts may have any TTL');
  expectDrop(checkAdvert(ctxV2, advert(), meta()), 'version', '(VI_1) wrong version. Received 3 and expect 2');
});

test('v2 authentication: type mismatch, wrong password; ignored for v3', () => {
  expectDrop(checkAdvert(ctxV2, v2({ authType: 1, authData: passwordAuthData('secret') }), meta()), 'auth-type-mismatch', '(VI_1) received a 1 auth, expecting 0!');
  const pass = { ...ctxV2, auth: { type: 'pass', password: passwordAuthData('secret') } } as const;
  assert.ok(checkAdvert(pass, v2({ authType: 1, authData: passwordAuthData('secret') }), meta()).ok);
  expectDrop(checkAdvert(pass, v2({ authType: 1, authData: passwordAuthData('Secret') }), meta()), 'auth-failure', '(VI_1) received an invalid passwd!');
  expectDrop(checkAdvert(pass, v2(), meta()), 'auth-type-mismatch', '(VI_1) received a 0 auth, expecting 1!');
  assert.ok(checkAdvert({ ...pass, version: 3 }, advert(), meta()).ok, 'v3 ignores authentication');
});

/** An AH datagram decoded as the pipeline does: the VRRP advert and the meta carrying the AH. */
function ahInput(adv: VrrpAdvert, o: Parameters<typeof ahDatagram>[1]): { adv: VrrpAdvert; meta: AdvertMeta } {
  const r = decodeIpv4Datagram(ahDatagram(adv, o).data);
  assert.ok(r.ok);
  const d = decodeAdvert(r.value.payload, { family: 4, src: r.value.src, dst: r.value.dst });
  assert.ok(d.ok);
  return { adv: d.value, meta: meta({ ah: r.value.ah, dst: r.value.dst, ttl: r.value.ttl }) };
}

test('AH: keepalived\'s checks and lines, in its order; the sequence number must grow', () => {
  const seq = new AhSequence();
  const ah = { ...ctxV2, auth: { type: 'ah', key: passwordAuthData('secretpw'), seq } } as const;
  const adv2 = v2({ authType: 2 });
  const good = ahInput(adv2, { src: PEER, password: 'secretpw', seq: 5 });
  assert.ok(checkAdvert(ah, good.adv, good.meta).ok);
  assert.equal(seq.seq, 5, 'accepting advances the shared sequence state');
  expectDrop(checkAdvert(ah, good.adv, good.meta), 'auth-failure', '(VI_1) IPSEC-AH : sequence number 5 already processed. Packet dropped. Local(5)');
  const older = ahInput(adv2, { src: PEER, password: 'secretpw', seq: 4 });
  expectDrop(checkAdvert(ah, older.adv, older.meta), 'auth-failure', '(VI_1) IPSEC-AH : sequence number 4 already processed. Packet dropped. Local(5)');
  const wrongPass = ahInput(adv2, { src: PEER, password: 'otherpw', seq: 6 });
  expectDrop(checkAdvert(ah, wrongPass.adv, wrongPass.meta), 'auth-failure', '(VI_1) IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !');
  // keepalived prints both addresses as the integers an x86 host reads from their bytes.
  const badSpi = ahInput(adv2, { src: PEER, password: 'secretpw', seq: 6, spi: ip('192.0.2.99') });
  expectDrop(checkAdvert(ah, badSpi.adv, badSpi.meta), 'auth-failure', 'IPSEC AH : invalid IPSEC SPI value. 201457856 and expect 1661075648');
  assert.equal(seq.seq, 5, 'a refused advert does not move the sequence state');
  const otherProto = ahInput(adv2, { src: PEER, password: 'secretpw', seq: 7, patch: (b) => void (b[20] = 6) });
  expectDrop(checkAdvert(ah, otherProto.adv, otherProto.meta), 'ah-next-header', null);
  const noAhType = ahInput(v2(), { src: PEER, password: 'secretpw', seq: 7 });
  expectDrop(checkAdvert(ah, noAhType.adv, noAhType.meta), 'auth-type-mismatch', '(VI_1) received a 0 auth, expecting 2!');
  // The protocol must match the instance, before anything else but the family.
  expectDrop(checkAdvert(ah, adv2, meta({ ttl: 1 })), 'auth-type-mismatch', '(VI_1) No AH header but auth type is AH');
  expectDrop(checkAdvert(ctxV2, good.adv, good.meta), 'auth-type-mismatch', '(VI_1) Received AH header but auth type not AH');
  // Later checks still drop an authentic advert, after its number was taken (as keepalived).
  const slow = ahInput(v2({ authType: 2, advertIntCs: 300 }), { src: PEER, password: 'secretpw', seq: 8 });
  expectDrop(checkAdvert(ah, slow.adv, slow.meta), 'advert-interval');
  assert.equal(seq.seq, 8);
  // Unicast instances leave the TTL out of the ICV.
  const uni = { ...ah, unicast: true, unicastPeers: [PEER] };
  const routed = ahInput(adv2, { src: PEER, password: 'secretpw', seq: 9, dst: ME, ttl: 60, unicast: true });
  assert.ok(checkAdvert(uni, routed.adv, routed.meta).ok);
});

/** A trailer-bearing advert decoded as the pipeline does. */
function hmacInput(adv: VrrpAdvert, o: Parameters<typeof hmacDatagram>[1]): { adv: VrrpAdvert; meta: AdvertMeta } {
  const r = decodeIpv4Datagram(hmacDatagram(adv, o).data);
  assert.ok(r.ok);
  const d = decodeAdvert(r.value.payload, { family: 4, src: r.value.src, dst: r.value.dst });
  assert.ok(d.ok && d.value.authExt);
  return { adv: d.value, meta: meta({ authExt: d.value.authExt }) };
}

test('auth_hmac: every refusal has its own counter; a missing trailer is refused only in enforce mode; an instance without it takes a trailer for a length error', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i);
  const settings: HmacSettings = { keys: new Map([[1, key]]), activeKey: 1, mode: 'enforce', antiReplayTime: true, timeWindowS: 5 };
  const nowS = 1_780_000_000;
  const ctx = (s: HmacSettings = settings): ReceiveContext => ({ ...ctxV3, authExt: { settings: s, replay: new HmacReplayTable() }, wallMs: nowS * 1000 });
  const line = (label: string): string => `(VI_1) Authentication extension error from 192.0.2.12: ${label}`;
  const seq = (sec: number, n = 0): bigint => (BigInt(sec) << 32n) | BigInt(n);
  const good = hmacInput(advert(), { src: PEER, settings, seq: seq(nowS) });
  const c = ctx();
  assert.ok(checkAdvert(c, good.adv, good.meta).ok);
  expectDrop(checkAdvert(c, good.adv, good.meta), 'auth-ext-replay', line('Replay'));
  const later = hmacInput(advert(), { src: PEER, settings, seq: seq(nowS, 1) });
  assert.ok(checkAdvert(c, later.adv, later.meta).ok);
  const stale = hmacInput(advert(), { src: PEER, settings, seq: seq(nowS + 6) });
  expectDrop(checkAdvert(ctx(), stale.adv, stale.meta), 'auth-ext-stale', line('Stale'));
  const otherKey = hmacInput(advert(), { src: PEER, settings: { ...settings, keys: new Map([[2, key]]), activeKey: 2 }, seq: seq(nowS) });
  expectDrop(checkAdvert(ctx(), otherKey.adv, otherKey.meta), 'auth-ext-unknown-key', line('Unknown Key'));
  const wrong = hmacInput(advert(), { src: PEER, settings: { ...settings, keys: new Map([[1, new Uint8Array(32)]]) }, seq: seq(nowS) });
  expectDrop(checkAdvert(ctx(), wrong.adv, wrong.meta), 'auth-ext-bad-hmac', line('Invalid HMAC'));
  const odd = hmacInput(advert(), { src: PEER, settings, seq: seq(nowS), patch: (b) => void (b[32] = 9) });
  expectDrop(checkAdvert(ctx(), odd.adv, odd.meta), 'auth-ext-malformed', line('Malformed'));
  // No trailer: enforce refuses; permissive and receive-only accept (migration) and count it.
  expectDrop(checkAdvert(ctx(), advert(), meta()), 'auth-ext-missing', line('Missing'));
  for (const mode of ['permissive', 'receive-only'] as const) {
    const r = checkAdvert(ctx({ ...settings, mode }), advert(), meta());
    assert.ok(r.ok);
    assert.deepEqual(r.value.countedErrors, ['auth-ext-missing']);
  }
  // A trailer where none is configured: as keepalived ≤ 2.3, the packet is too long.
  expectDrop(checkAdvert(ctxV3, good.adv, good.meta), 'length-mismatch', null);
  // Both VRRP versions: v2 with PASS and a trailer.
  const pass = { ...ctxV2, auth: { type: 'pass', password: passwordAuthData('secret') }, authExt: { settings, replay: new HmacReplayTable() }, wallMs: nowS * 1000 } as const;
  const v2good = hmacInput(v2({ authType: 1, authData: passwordAuthData('secret') }), { src: PEER, settings, seq: seq(nowS) });
  assert.ok(checkAdvert(pass, v2good.adv, v2good.meta).ok);
});

test('advert interval: v2 mismatch drops, v3 mismatch is accepted with a line', () => {
  expectDrop(checkAdvert(ctxV2, v2({ advertIntCs: 200 }), meta()), 'advert-interval', "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec");
  const r = checkAdvert(ctxV3, advert({ advertIntCs: 10 }), meta());
  assert.ok(r.ok);
  assert.equal(r.value.advert.advertIntCs, 10);
  assert.deepEqual(r.value.warnings, ['(VI_1) advertisement interval changed: mine=1000 milli-sec, rcved=100 milli-sec']);
});

test('VRID mismatch', () => {
  expectDrop(checkAdvert(ctxV2, v2({ vrid: 52 }), meta()), 'vrid-unknown');
});

test('address list: 2.2.7 drops on count or list mismatch; non-strict accepts and counts', () => {
  expectDrop(checkAdvert(ctxV2, v2({ addresses: [VIP, ip('192.0.2.101')] }), meta()), 'address-list', '(VI_1) received an unexpected ip number count 2, expected 1!');
  expectDrop(checkAdvert(ctxV2, v2({ addresses: [ip('192.0.2.101')] }), meta()), 'address-list', '(VI_1) ip address associated with VRID 51 not present in MASTER advert: 192.0.2.100');
  const lax = { ...ctxV2, strictAddressList: false };
  const r = checkAdvert(lax, v2({ addresses: [ip('192.0.2.101'), ip('192.0.2.102')] }), meta());
  assert.ok(r.ok);
  assert.deepEqual(r.value.countedErrors, ['address-list']);
  assert.equal(r.value.warnings.length, 2);
  // The order of addresses does not matter.
  const two = { ...ctxV2, vips: [VIP, ip('192.0.2.101')] };
  assert.ok(checkAdvert(two, v2({ addresses: [ip('192.0.2.101'), VIP] }), meta()).ok);
});

test('skip_check_adv_addr skips the address checks only for the master already accepted', () => {
  const skip = { ...ctxV2, skipCheckAdvAddr: true, lastMasterSrc: PEER };
  const other = v2({ addresses: [ip('192.0.2.200')] });
  assert.ok(checkAdvert(skip, other, meta()).ok);
  expectDrop(checkAdvert(skip, other, meta({ src: ip('192.0.2.13') })), 'address-list');
  expectDrop(checkAdvert({ ...skip, lastMasterSrc: null }, other, meta()), 'address-list');
});

test('multicast/unicast mismatch and unicast source not a peer', () => {
  const uni = { ...ctxV3, unicast: true, unicastPeers: [PEER], checkUnicastSrc: true };
  expectDrop(checkAdvert(uni, advert(), meta()), 'cast-mismatch', '(VI_1) Expected unicast packet but received multicast packet');
  expectDrop(checkAdvert(ctxV3, advert(), meta({ dst: ME })), 'cast-mismatch', '(VI_1) Expected multicast packet but received unicast packet');
  assert.ok(checkAdvert(uni, advert(), meta({ dst: ME })).ok);
  expectDrop(checkAdvert(uni, advert(), meta({ dst: ME, src: ip('192.0.2.13') })), 'unicast-src', '(VI_1) unicast source address 192.0.2.13 not a unicast peer');
  assert.ok(checkAdvert({ ...uni, checkUnicastSrc: false }, advert(), meta({ dst: ME, src: ip('192.0.2.13') })).ok);
});

test('structural reasons come from the decoders; with the checks above every DropReason is reachable', () => {
  const src = PEER;
  const dst = MCAST_GROUP4_BYTES;
  const opts = { family: 4 as const, src, dst };
  const good = encodeAdvert(v2(), opts);
  const structural = (b: Uint8Array): void => {
    const r = decodeAdvert(b, opts);
    if (!r.ok) reached.add(r.reason);
  };
  structural(good.subarray(0, 5)); // packet-too-short
  structural(Uint8Array.of(...good, 0)); // length-mismatch
  structural(Uint8Array.from(good, (x, i) => (i === 0 ? 0x51 : x))); // version
  structural(Uint8Array.from(good, (x, i) => (i === 0 ? 0x22 : x))); // invalid-type
  structural(Uint8Array.from(good, (x, i) => (i === 4 ? 9 : x))); // auth-invalid-type
  structural(Uint8Array.from(good, (x, i) => (i === 2 ? 1 : x))); // checksum
  const ipr = decodeIpv4Datagram(Uint8Array.of(0x45, 0, 0, 28, 0, 0, 0, 0, 255, 6, 0, 0, ...src, ...dst, ...new Uint8Array(8)));
  if (!ipr.ok) reached.add(ipr.reason); // ip-header
  for (const r of DROP_REASONS) assert.ok(reached.has(r), `DropReason ${r} never produced`);
});

test('fuzz: random adverts against random contexts never throw and drop only with known reasons', () => {
  const r = mulberry32(2024);
  for (let i = 0; i < 3000; i++) {
    const ctx: ReceiveContext = { ...(r.chance(0.5) ? ctxV2 : ctxV3), unicast: r.chance(0.3), checkUnicastSrc: r.chance(0.5), skipCheckAdvAddr: r.chance(0.5), strictAddressList: r.chance(0.5) };
    const adv = (r.chance(0.5) ? v2 : advert)({ vrid: r.pick([51, 52]), advertIntCs: r.pick([100, 200]), addresses: r.chance(0.5) ? [VIP] : [ip('192.0.2.7')] });
    const res = checkAdvert(ctx, adv, meta({ ttl: r.pick([255, 1]), dst: r.chance(0.5) ? MCAST_GROUP4_BYTES : ME }));
    if (!res.ok) assert.ok(DROP_REASONS.includes(res.reason));
  }
});
