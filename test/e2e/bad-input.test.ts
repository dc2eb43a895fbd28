/**
 * Hostile input: h1 (MASTER, priority 150) and h2 (BACKUP) run a VRRPv2 instance with PASS
 * authentication; h3 sends crafted adverts to 224.0.0.18 through the native raw socket:
 * truncated, bad checksum, TTL 64, wrong version, wrong type, unknown VRID, wrong auth, and
 * then a few thousand random datagrams. Every crafted advert claims priority 200, so one that
 * slipped through would demote h1. The daemons must stay up and in their states, and the
 * SIGUSR2 stats must count each drop under keepalived's field (or the documented extension).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../src/test-kit/prng.js';
import { encodeIpv4Header } from '../../src/vrrp/ip-header.js';
import { advertChecksum, encodeAdvert, passwordAuthData } from '../../src/vrrp/packet.js';
import { AUTH_NONE, AUTH_PASS, type VrrpAdvert } from '../../src/vrrp/types.js';
import { VrrpSocket } from '../../src/vrrp/vrrp-socket.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import type { LabDaemon } from '../lab/lab-daemon.js';
import { nowUs } from '../lab/proc.js';
import { inNetns } from '../lab/netns.js';
import { E2e, linesOf, sleep } from './kit.js';

const VIP = '192.0.2.100';
const PASS = 'secret';
const GROUP = Uint8Array.of(224, 0, 0, 18);
const EACH = 5;

const conf = (priority: number): string =>
  keepalivedConf({
    routerId: `b${priority}`,
    vrrpVersion: 2,
    instances: [{ name: 'VI_1', iface: 'eth0', vrid: 51, priority, advertInt: 1, vips: [`${VIP}/24`], extra: ['authentication {', '    auth_type PASS', `    auth_pass ${PASS}`, '}'] }],
  });

let e: E2e;
let d1: LabDaemon;
let d2: LabDaemon;
let sock: VrrpSocket;
let src: Uint8Array;

before(() => {
  e = E2e.create(3, 'bad');
  d1 = e.daemon(e.host(1), conf(150));
  d2 = e.daemon(e.host(2), conf(100));
  src = Uint8Array.from(e.host(3).ip4.split('.').map(Number));
  sock = inNetns(e.host(3).ns, () => VrrpSocket.open({ ifname: 'eth0', family: 4, join: false }));
});

after(async () => {
  sock.close();
  await e.teardown();
});

const good: VrrpAdvert = {
  version: 2,
  family: 4,
  vrid: 51,
  priority: 200,
  advertIntCs: 100,
  authType: AUTH_PASS,
  authData: passwordAuthData(PASS),
  addresses: [Uint8Array.of(192, 0, 2, 100)],
};
const ctx = (): { family: 4; src: Uint8Array; dst: Uint8Array } => ({ family: 4, src, dst: GROUP });
const payloadOf = (a: Partial<VrrpAdvert>): Uint8Array => encodeAdvert({ ...good, ...a }, ctx());

/** Set bytes of a v2 payload, then make its checksum right again (so only the edit is wrong). */
function patched(p: Uint8Array, edits: Readonly<Record<number, number>>): Uint8Array {
  const out = p.slice();
  for (const [i, v] of Object.entries(edits)) out[Number(i)] = v;
  const sum = advertChecksum(out, 2, ctx(), 'v2-style');
  out[6] = sum >>> 8;
  out[7] = sum & 0xff;
  return out;
}

function datagram(payload: Uint8Array, ttl = 255): Uint8Array {
  const d = new Uint8Array(20 + payload.length);
  d.set(encodeIpv4Header({ src, dst: GROUP, payloadLength: payload.length, ttl }), 0);
  d.set(payload, 20);
  return d;
}

async function send(packets: readonly Uint8Array[], gapMs: number): Promise<number> {
  let sent = 0;
  for (const p of packets) {
    if (sock.sendV4(p, GROUP)) sent++;
    if (gapMs > 0) await sleep(gapMs);
  }
  return sent;
}

type Stats = Record<string, Record<string, number>>;
const get = (s: Stats, block: string, key: string): number => s[block]?.[key] ?? 0;
const delta = (a: Stats, b: Stats, block: string, key: string): number => get(b, block, key) - get(a, block, key);

/** Every datagram the socket took must show up once: accepted, or dropped under some counter. */
function accounted(s: Stats): { rx: number; counted: number } {
  const inst = s['VI_1'] ?? {};
  const sumKeys = (o: Record<string, number> | undefined, keep: (k: string) => boolean): number =>
    Object.entries(o ?? {}).reduce((n, [k, v]) => (keep(k) ? n + v : n), 0);
  const counted =
    sumKeys(inst, (k) => k.startsWith('Packet Errors.') || k.startsWith('Authentication Errors.') || k === 'Advertisements.Received') +
    sumKeys(s['ext:VI_1'], () => true) +
    sumKeys(s['socket:eth0 IPv4'], (k) => k !== 'Datagrams received');
  return { rx: get(s, 'socket:eth0 IPv4', 'Datagrams received'), counted };
}

test('crafted and random adverts are dropped and counted; the master stays master', async () => {
  d1.start();
  d2.start();
  await e.waitHolders(VIP, ['h1'], 15_000);
  await d2.waitLine(/\(VI_1\) Entering BACKUP STATE/);
  const before1 = await e.stats(d1);
  const before2 = await e.stats(d2);
  const tInject = nowUs();

  const base = payloadOf({});
  const crafted: [string, Uint8Array][] = [
    ['header only', datagram(base.subarray(0, 6))],
    ['no auth data', datagram(base.subarray(0, 12))],
    ['bad checksum', datagram(patched(base, {}).map((b, i) => (i === 6 ? b ^ 0xff : b)))],
    ['TTL 64', datagram(base, 64)],
    ['VRRPv3', datagram(encodeAdvert({ ...good, version: 3, authType: AUTH_NONE, authData: null, advertIntCs: 100 }, ctx()))],
    ['version 5', datagram(patched(base, { 0: 0x51 }))],
    ['type 2', datagram(patched(base, { 0: 0x22 }))],
    ['VRID 99', datagram(payloadOf({ vrid: 99 }))],
    ['wrong password', datagram(payloadOf({ authData: passwordAuthData('wrong') }))],
    ['no auth', datagram(payloadOf({ authType: AUTH_NONE, authData: null }))],
    ['auth type 7', datagram(patched(base, { 4: 7 }))],
  ];
  const batch = crafted.flatMap(([, p]) => Array.from({ length: EACH }, () => p));
  const sentCrafted = await send(batch, 2);
  assert.equal(sentCrafted, batch.length, 'every crafted datagram left h3');
  await sleep(500);
  const mid1 = await e.stats(d1);
  const mid2 = await e.stats(d2);

  const expected: [string, string, number][] = [
    ['VI_1', 'Packet Errors.Length', 2 * EACH],
    ['VI_1', 'Packet Errors.TTL', EACH],
    ['VI_1', 'Packet Errors.Invalid Type', EACH],
    ['VI_1', 'Packet Errors.Advertisement Interval', 0],
    ['VI_1', 'Packet Errors.Address List', 0],
    ['VI_1', 'Authentication Errors.Failure', EACH],
    ['VI_1', 'Authentication Errors.Type Mismatch', EACH],
    ['VI_1', 'Authentication Errors.Invalid Type', EACH],
    ['ext:VI_1', 'checksum', EACH],
    ['ext:VI_1', 'version', 2 * EACH],
    ['socket:eth0 IPv4', 'vrid-unknown', EACH],
  ];
  for (const [name, before, after] of [['h1', before1, mid1], ['h2', before2, mid2]] as const) {
    const got = expected.map(([b, k]) => `${b} ${k}=${delta(before, after, b, k)}`);
    const want = expected.map(([b, k, n]) => `${b} ${k}=${n}`);
    assert.deepEqual(got, want, `${name}: stats deltas after ${batch.length} crafted adverts`);
  }
  // The master hears no legitimate adverts (h2 is a silent backup): nothing crafted was accepted.
  assert.equal(delta(before1, mid1, 'VI_1', 'Advertisements.Received'), 0, 'h1 accepted none of the crafted adverts');
  console.log(`# crafted: ${batch.length} datagrams (${crafted.map(([n]) => n).join(', ')} ×${EACH}) all counted on h1 and h2`);

  // Random datagrams; a third look like v2 adverts for VRID 51 so they reach the deeper checks.
  const rnd = mulberry32(0x5eed);
  const garbage = Array.from({ length: 3000 }, () => {
    const p = rnd.bytes(rnd.int(0, 80));
    if (p.length >= 2 && rnd.chance(0.33)) {
      p[0] = 0x21;
      p[1] = 51;
    }
    return datagram(p, rnd.chance(0.9) ? 255 : rnd.int(1, 254));
  });
  let sentGarbage = 0;
  for (let i = 0; i < garbage.length; i += 50) {
    sentGarbage += await send(garbage.slice(i, i + 50), 0);
    await sleep(5);
  }
  await sleep(1500);

  assert.ok(d1.running && d2.running, 'both daemons still run');
  assert.deepEqual(linesOf(d1, /Entering|died|Respawn/, tInject).map((l) => l.text), [], 'h1: no state change, no child restart');
  assert.deepEqual(linesOf(d2, /Entering|died|Respawn/, tInject).map((l) => l.text), [], 'h2: no state change, no child restart');
  assert.deepEqual(e.holders(VIP), ['h1']);
  const end1 = await e.stats(d1);
  const rxGarbage = delta(mid1, end1, 'socket:eth0 IPv4', 'Datagrams received');
  const a0 = accounted(mid1);
  const a1 = accounted(end1);
  const msg = `h1: ${sentGarbage} random datagrams sent, ${rxGarbage} received, ${a1.counted - a0.counted} counted`;
  console.log(`# ${msg}`);
  assert.ok(rxGarbage >= sentGarbage * 0.5, `${msg}: most random datagrams reached the daemon`);
  assert.equal(a1.counted - a0.counted, a1.rx - a0.rx, `${msg}: every received datagram is accounted for exactly once`);
  assert.equal(delta(mid1, end1, 'VI_1', 'Advertisements.Received'), 0, 'no random datagram was accepted as an advert');
});
