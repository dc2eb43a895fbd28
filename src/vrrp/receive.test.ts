/**
 * The receive pipeline, datagram in: every drop class lands on the counter keepalived keeps for
 * it (the instance named by the VRID byte, or the socket when none is), accepted adverts reach
 * the instance with the source remembered for skip_check_adv_addr.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../core/logger.js';
import { compileTestConfig } from '../test-kit/fsm-params.js';
import { advert, ahDatagram, hmacDatagram, ip, ipv4Datagram } from '../test-kit/vrrp-adverts.js';
import { resolveHmacSettings, type HmacSettings } from './auth-hmac.js';
import { keepalivedStats, STAT_FIELD_OF } from './drop-counters.js';
import { encodeAdvert, MCAST_GROUP4_BYTES, MCAST_GROUP6_BYTES, passwordAuthData } from './packet.js';
import { emptySocketReceiveState, receiveDatagram, receiveState, type ReceiveEnv, type ReceiveState, type ReceiveTarget } from './receive.js';
import { DROP_REASONS, type DropReason, type RawVrrpDatagram, type VrrpAdvert } from './types.js';

const ME = ip('192.0.2.11');
/** The receivers' wall clock (s) for auth_hmac's window. */
const NOW_S = 1_780_000_000;
const HMAC_KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const hmacSettings = (key = HMAC_KEY, id = 1): HmacSettings => ({ keys: new Map([[id, key]]), activeKey: id, mode: 'enforce', antiReplayTime: true, timeWindowS: 5 });
const PEER = ip('192.0.2.12');
const UNICAST_PEER = ip('192.0.2.13');

const CONF = `
vrrp_instance VI_1 {
 interface eth0
 virtual_router_id 51
 priority 100
 version 2
 virtual_ipaddress {
  192.0.2.100/24
 }
}
vrrp_instance VI_2 {
 interface eth0
 virtual_router_id 52
 priority 100
 version 2
 authentication {
  auth_type PASS
  auth_pass secret
 }
 virtual_ipaddress {
  192.0.2.101/24
 }
}
vrrp_instance VI_3 {
 interface eth1
 virtual_router_id 53
 priority 100
 version 3
 unicast_src_ip 192.0.2.11
 unicast_peer {
  192.0.2.13
 }
 check_unicast_src
 virtual_ipaddress {
  192.0.2.102/24
 }
}
vrrp_instance VI_4 {
 interface eth0
 virtual_router_id 54
 priority 100
 version 2
 authentication {
  auth_type AH
  auth_pass secretpw
 }
 virtual_ipaddress {
  192.0.2.104/24
 }
}
vrrp_instance VI_5 {
 interface eth0
 virtual_router_id 55
 priority 100
 version 3
 auth_hmac {
  key 1 hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
  active_key 1
 }
 virtual_ipaddress {
  192.0.2.105/24
 }
}
vrrp_instance VI_6 {
 interface eth0
 virtual_router_id 56
 priority 100
 virtual_ipaddress {
  2001:db8::100/64
 }
}
`;

class Target implements ReceiveTarget {
  readonly got: string[] = [];
  constructor(readonly receive: ReceiveState) {}
  advertReceived(priority: number, advertIntCs: number): void {
    this.got.push(`${priority}/${advertIntCs}`);
  }
}

type Sock = ReturnType<typeof emptySocketReceiveState<Target>>;

function rig(): { sock4: Sock; sock6: Sock; uni: Sock; ah: Sock; vi: Record<string, Target>; env: ReceiveEnv; lines: () => string[] } {
  const config = compileTestConfig(CONF);
  const vi: Record<string, Target> = {};
  for (const c of config.vrrpInstances) {
    const authExt = c.authHmac ? resolveHmacSettings(c.authHmac, { advertIntCs: c.advertIntCs, strict: false, name: c.name }, () => '').settings : undefined;
    vi[c.name] = new Target(receiveState(c, c.interface === 'eth1' ? 3 : 2, authExt ? { authExt } : {}));
  }
  const sock4 = emptySocketReceiveState<Target>(MCAST_GROUP4_BYTES);
  sock4.byVrid.set(51, [vi['VI_1']!]);
  sock4.byVrid.set(52, [vi['VI_2']!]);
  sock4.byVrid.set(55, [vi['VI_5']!]);
  const uni = emptySocketReceiveState<Target>(MCAST_GROUP4_BYTES);
  uni.byVrid.set(53, [vi['VI_3']!]);
  const sock6 = emptySocketReceiveState<Target>(MCAST_GROUP6_BYTES);
  sock6.byVrid.set(56, [vi['VI_6']!]);
  // AH instances have their own socket (IP protocol 51), as in keepalived.
  const ah = emptySocketReceiveState<Target>(MCAST_GROUP4_BYTES);
  ah.byVrid.set(54, [vi['VI_4']!]);
  const { logger, records } = memoryLogger('test', 'info');
  const env: ReceiveEnv = { log: logger, ownAddresses: (ifindex, family) => (family === 4 ? [ME] : []), wallMs: () => NOW_S * 1000 };
  return { sock4, sock6, uni, ah, vi, env, lines: () => records.map((r) => r.msg) };
}

function v2(over: Partial<VrrpAdvert> = {}): VrrpAdvert {
  return advert({ version: 2, vrid: 51, authData: new Uint8Array(8), addresses: [ip('192.0.2.100')], ...over });
}

function dgram4(adv: VrrpAdvert, o: { src?: Uint8Array; dst?: Uint8Array; ttl?: number; patch?: (b: Uint8Array) => void } = {}): RawVrrpDatagram {
  return ipv4Datagram(adv, { ...o, src: o.src ?? PEER });
}

test('an accepted advert reaches its instance only, and its source is remembered', () => {
  const r = rig();
  receiveDatagram(r.sock4, dgram4(v2({ priority: 200 })), r.env);
  assert.deepEqual(r.vi['VI_1']!.got, ['200/100']);
  assert.deepEqual(r.vi['VI_2']!.got, []);
  assert.deepEqual(r.vi['VI_1']!.receive.check.lastMasterSrc, PEER);
  assert.equal(Object.values(r.vi['VI_1']!.receive.drops).reduce((a, b) => a + b, 0), 0);
});

test('every drop class lands where keepalived counts it: on the instance its VRID names, else on the socket', () => {
  const VI_1 = 'VI_1';
  const ah4 = (seq: number, o: { password?: string; patch?: (b: Uint8Array) => void } = {}): RawVrrpDatagram =>
    ahDatagram(v2({ vrid: 54, authType: 2, addresses: [ip('192.0.2.104')] }), { src: PEER, password: o.password ?? 'secretpw', seq, ...(o.patch ? { patch: o.patch } : {}) });
  const v5 = (over: Partial<VrrpAdvert> = {}): VrrpAdvert => advert({ vrid: 55, addresses: [ip('192.0.2.105')], ...over });
  const h5 = (o: { seconds?: number; settings?: HmacSettings; patch?: (b: Uint8Array) => void } = {}): RawVrrpDatagram =>
    hmacDatagram(v5(), { src: PEER, settings: o.settings ?? hmacSettings(), seq: BigInt(NOW_S + (o.seconds ?? 0)) << 32n, ...(o.patch ? { patch: o.patch } : {}) });
  const extLine = (label: string): string => `(VI_5) Authentication extension error from 192.0.2.12: ${label}`;
  const cases: { reason: DropReason; where: string; sock?: 'uni' | 'sock6' | 'ah'; d: () => RawVrrpDatagram; log?: string }[] = [
    // Before the VRRP header is read: nothing names an instance.
    { reason: 'packet-too-short', where: 'socket', d: () => ({ ...dgram4(v2()), data: new Uint8Array(12) }) },
    { reason: 'ip-header', where: 'socket', d: () => dgram4(v2(), { patch: (b) => (b[0] = 0x65) }) },
    { reason: 'length-mismatch', where: 'socket', d: () => dgram4(v2(), { patch: (b) => (b[3] = b[3]! + 4) }) },
    { reason: 'vrid-unknown', where: 'socket', d: () => dgram4(v2({ vrid: 99 })) },
    // Structural errors after the VRID byte: keepalived has already looked the instance up.
    { reason: 'packet-too-short', where: VI_1, d: () => dgram4(v2(), { patch: (b) => ((b[2] = 0), (b[3] = 20 + 10)) }) },
    { reason: 'version', where: VI_1, d: () => dgram4(v2(), { patch: (b) => (b[20] = 0x11) }) },
    { reason: 'invalid-type', where: VI_1, d: () => dgram4(v2(), { patch: (b) => (b[20] = 0x22) }) },
    { reason: 'auth-invalid-type', where: VI_1, d: () => dgram4(v2(), { patch: (b) => (b[24] = 3) }) },
    { reason: 'checksum', where: VI_1, d: () => dgram4(v2(), { patch: (b) => (b[27] = b[27]! ^ 1) }) },
    // Instance-context checks.
    { reason: 'own-packet', where: VI_1, d: () => dgram4(v2(), { src: ME }) },
    { reason: 'ttl', where: VI_1, d: () => dgram4(v2(), { ttl: 64 }), log: '(VI_1) invalid TTL/HL. Received 64 and expect 255' },
    { reason: 'version', where: VI_1, d: () => dgram4(advert({ vrid: 51 })), log: '(VI_1) wrong version. Received 3 and expect 2' },
    { reason: 'auth-type-mismatch', where: VI_1, d: () => dgram4(v2({ authType: 1, authData: passwordAuthData('secret') })) },
    { reason: 'auth-failure', where: 'VI_2', d: () => dgram4(v2({ vrid: 52, authType: 1, authData: passwordAuthData('Secret'), addresses: [ip('192.0.2.101')] })), log: '(VI_2) received an invalid passwd!' },
    { reason: 'advert-interval', where: VI_1, d: () => dgram4(v2({ advertIntCs: 200 })) },
    { reason: 'address-list', where: VI_1, d: () => dgram4(v2({ addresses: [ip('192.0.2.100'), ip('192.0.2.101')] })) },
    { reason: 'cast-mismatch', where: 'VI_3', sock: 'uni', d: () => dgram4(advert({ vrid: 53, addresses: [ip('192.0.2.102')] }), { src: UNICAST_PEER }) },
    { reason: 'unicast-src', where: 'VI_3', sock: 'uni', d: () => dgram4(advert({ vrid: 53, addresses: [ip('192.0.2.102')] }), { dst: ME }) },
    { reason: 'packet-too-short', where: 'socket', sock: 'ah', d: () => ah4(1, { patch: (b) => (b[3] = 40) }) },
    { reason: 'auth-failure', where: 'VI_4', sock: 'ah', d: () => ah4(1, { password: 'nope' }), log: '(VI_4) IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !' },
    { reason: 'auth-failure', where: 'VI_4', sock: 'ah', d: () => ah4(0), log: '(VI_4) IPSEC-AH : sequence number 0 already processed. Packet dropped. Local(0)' },
    { reason: 'ah-next-header', where: 'VI_4', sock: 'ah', d: () => ah4(1, { patch: (b) => (b[20] = 17) }) },
    { reason: 'auth-type-mismatch', where: 'VI_4', sock: 'ah', d: () => dgram4(v2({ vrid: 54, authType: 2, addresses: [ip('192.0.2.104')] })), log: '(VI_4) No AH header but auth type is AH' },
    { reason: 'auth-ext-missing', where: 'VI_5', d: () => dgram4(v5()), log: extLine('Missing') },
    { reason: 'auth-ext-malformed', where: 'VI_5', d: () => h5({ patch: (b) => (b[20 + 12 + 2] = 1) }), log: extLine('Malformed') },
    { reason: 'auth-ext-unknown-key', where: 'VI_5', d: () => h5({ settings: hmacSettings(HMAC_KEY, 2) }), log: extLine('Unknown Key') },
    { reason: 'auth-ext-bad-hmac', where: 'VI_5', d: () => h5({ settings: hmacSettings(new Uint8Array(32)) }), log: extLine('Invalid HMAC') },
    { reason: 'auth-ext-stale', where: 'VI_5', d: () => h5({ seconds: -6 }), log: extLine('Stale') },
    { reason: 'length-mismatch', where: VI_1, d: () => hmacDatagram(v2(), { src: PEER, settings: hmacSettings(), seq: 1n }) },
    { reason: 'ttl', where: 'VI_6', sock: 'sock6', d: () => ({ family: 6, data: encodeAdvert(advert({ family: 6, vrid: 56, addresses: [ip('2001:db8::100')] }), { family: 6, src: ip('fe80::12'), dst: MCAST_GROUP6_BYTES }), src: ip('fe80::12'), scopeId: 2, dst: null, ttl: null, ifindex: 2, truncated: false }) },
  ];
  const reached = new Set<DropReason>();
  for (const c of cases) {
    const r = rig();
    const sock = c.sock === undefined ? r.sock4 : r[c.sock];
    receiveDatagram(sock, c.d(), r.env);
    const what = `${c.reason} → ${c.where}`;
    const counted = c.where === 'socket' ? sock.drops : r.vi[c.where]!.receive.drops;
    assert.equal(counted[c.reason], 1, what);
    for (const [name, t] of Object.entries(r.vi)) {
      assert.deepEqual(t.got, [], `${what}: nothing delivered to ${name}`);
      const total = Object.values(t.receive.drops).reduce((a, b) => a + b, 0);
      assert.equal(total, name === c.where ? 1 : 0, `${what}: drops on ${name}`);
    }
    assert.equal(Object.values(sock.drops).reduce((a, b) => a + b, 0), c.where === 'socket' ? 1 : 0, `${what}: drops on the socket`);
    const field = STAT_FIELD_OF[c.reason];
    if (field !== null) assert.equal(keepalivedStats(counted)[field], 1, `${what}: keepalived's ${field}`);
    if (c.log !== undefined) assert.ok(r.lines().includes(c.log), `${what}: logs '${c.log}' (got ${JSON.stringify(r.lines())})`);
    reached.add(c.reason);
  }
  // 'family' needs an advert of the other family on a socket of one: the socket cannot deliver it;
  // a replay needs two adverts (the next test).
  assert.deepEqual(DROP_REASONS.filter((x) => !reached.has(x)), ['auth-ext-replay', 'family']);
});

test('AH: an authentic advert reaches its instance; its number is taken once', () => {
  const r = rig();
  const ad = (seq: number): RawVrrpDatagram => ahDatagram(v2({ vrid: 54, authType: 2, priority: 90, addresses: [ip('192.0.2.104')] }), { src: PEER, password: 'secretpw', seq });
  receiveDatagram(r.ah, ad(3), r.env);
  receiveDatagram(r.ah, ad(3), r.env);
  receiveDatagram(r.ah, ad(4), r.env);
  assert.deepEqual(r.vi['VI_4']!.got, ['90/100', '90/100']);
  assert.equal(keepalivedStats(r.vi['VI_4']!.receive.drops).auth_failure, 1);
});

test('auth_hmac: a signed advert reaches its instance; its sequence is taken once per sender', () => {
  const r = rig();
  const signed = (seq: bigint): RawVrrpDatagram => hmacDatagram(advert({ vrid: 55, priority: 90, addresses: [ip('192.0.2.105')] }), { src: PEER, settings: hmacSettings(), seq });
  const at = BigInt(NOW_S) << 32n;
  receiveDatagram(r.sock4, signed(at), r.env);
  receiveDatagram(r.sock4, signed(at), r.env);
  receiveDatagram(r.sock4, signed(at + 1n), r.env);
  assert.deepEqual(r.vi['VI_5']!.got, ['90/100', '90/100']);
  const s = keepalivedStats(r.vi['VI_5']!.receive.drops);
  assert.equal(s.auth_ext_replay, 1);
  assert.ok(r.lines().includes('(VI_5) Authentication extension error from 192.0.2.12: Replay'));
});

test('the check context is built once per instance; the last master only moves on accepted adverts', () => {
  const r = rig();
  const vi1 = r.vi['VI_1']!;
  const ctx = vi1.receive.check;
  receiveDatagram(r.sock4, dgram4(v2()), r.env);
  receiveDatagram(r.sock4, dgram4(v2(), { src: ip('192.0.2.14'), ttl: 1 }), r.env);
  assert.equal(vi1.receive.check, ctx);
  assert.deepEqual(ctx.lastMasterSrc, PEER);
  assert.deepEqual(ctx.ownAddresses, [ME]);
  assert.deepEqual(vi1.got, ['100/100']);
});
