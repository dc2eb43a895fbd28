/**
 * The receive pipeline, datagram in: every drop class lands on the counter keepalived keeps for
 * it (the instance named by the VRID byte, or the socket when none is), accepted adverts reach
 * the instance with the source remembered for skip_check_adv_addr.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../core/logger.js';
import { compileTestConfig } from '../test-kit/fsm-params.js';
import { advert, ip, ipv4Datagram } from '../test-kit/vrrp-adverts.js';
import { keepalivedStats, STAT_FIELD_OF } from './drop-counters.js';
import { encodeAdvert, MCAST_GROUP4_BYTES, MCAST_GROUP6_BYTES, passwordAuthData } from './packet.js';
import { emptySocketReceiveState, receiveDatagram, receiveState, type ReceiveEnv, type ReceiveState, type ReceiveTarget } from './receive.js';
import { DROP_REASONS, type DropReason, type RawVrrpDatagram, type VrrpAdvert } from './types.js';

const ME = ip('192.0.2.11');
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
  192.0.2.13 min_ttl 64
 }
 check_unicast_src
 virtual_ipaddress {
  192.0.2.102/24
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

function rig(): { sock4: ReturnType<typeof emptySocketReceiveState<Target>>; sock6: ReturnType<typeof emptySocketReceiveState<Target>>; uni: ReturnType<typeof emptySocketReceiveState<Target>>; vi: Record<string, Target>; env: ReceiveEnv; lines: () => string[] } {
  const config = compileTestConfig(CONF);
  const vi: Record<string, Target> = {};
  for (const c of config.vrrpInstances) vi[c.name] = new Target(receiveState(c, c.interface === 'eth1' ? 3 : 2));
  const sock4 = emptySocketReceiveState<Target>(MCAST_GROUP4_BYTES);
  sock4.byVrid.set(51, [vi['VI_1']!]);
  sock4.byVrid.set(52, [vi['VI_2']!]);
  const uni = emptySocketReceiveState<Target>(MCAST_GROUP4_BYTES);
  uni.byVrid.set(53, [vi['VI_3']!]);
  const sock6 = emptySocketReceiveState<Target>(MCAST_GROUP6_BYTES);
  sock6.byVrid.set(56, [vi['VI_6']!]);
  const { logger, records } = memoryLogger('test', 'info');
  const env: ReceiveEnv = { log: logger, ownAddresses: (ifindex, family) => (family === 4 ? [ME] : []) };
  return { sock4, sock6, uni, vi, env, lines: () => records.map((r) => r.msg) };
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
  const cases: { reason: DropReason; where: string; sock?: 'uni' | 'sock6'; d: () => RawVrrpDatagram; log?: string }[] = [
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
    { reason: 'ttl-range', where: 'VI_3', sock: 'uni', d: () => dgram4(advert({ vrid: 53, addresses: [ip('192.0.2.102')] }), { src: UNICAST_PEER, dst: ME, ttl: 10 }), log: '(VI_3) TTL/HL 10 not in range 64 - 255' },
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
  // 'family' needs an advert of the other family on a socket of one: the socket cannot deliver it.
  assert.deepEqual(DROP_REASONS.filter((x) => !reached.has(x)), ['family']);
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
