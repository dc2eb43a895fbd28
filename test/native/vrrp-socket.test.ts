// VrrpSocket against real kernels: a 3-host netns lab (h1, h2, h3 on one bridge).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createLab, type Lab } from '../lab/netns.js';
import { inNetns } from '../lab/netns.js';
import { sleep } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';
import { VrrpSocket, type VrrpSocketError } from '../../src/vrrp/vrrp-socket.js';
import type { RawVrrpDatagram } from '../../src/vrrp/types.js';
import { nio } from '../../src/sys/nio.js';
import { parseIpv4, parseIpv6, formatIp } from '../../src/core/ip.js';

let lab: Lab;
before(() => {
  lab = createLab(3, 'vsk');
});
after(() => lab.down());
const opened: VrrpSocket[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

const v4 = (s: string): Uint8Array => parseIpv4(s)!;
const v6 = (s: string): Uint8Array => parseIpv6(s)!;

/** Minimal IPv4 header for IP_HDRINCL: length, id and checksum left 0 for the kernel. */
function ipv4Packet(src: Uint8Array, dst: Uint8Array, payload: Uint8Array): Uint8Array {
  const p = new Uint8Array(20 + payload.length);
  p[0] = 0x45;
  p[1] = 0xc0;
  p[8] = 255;
  p[9] = 112;
  p.set(src, 12);
  p.set(dst, 16);
  p.set(payload, 20);
  return p;
}

function open(host: number, opts: Partial<Parameters<typeof VrrpSocket.open>[0]> & { family: 4 | 6 }): VrrpSocket {
  const s = inNetns(lab.host(host).ns, () => VrrpSocket.open({ ifname: 'eth0', join: true, ...opts }));
  opened.push(s);
  return s;
}

function collect(s: VrrpSocket): RawVrrpDatagram[] {
  const got: RawVrrpDatagram[] = [];
  s.onDatagram((d) => got.push(d));
  return got;
}


function linkLocal(host: number): Uint8Array {
  const out = lab.exec(lab.host(host), ['ip', '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'link']);
  const m = /inet6 (fe80::[0-9a-f:]+)\//.exec(out);
  assert.ok(m, `no link-local address on h${host}: ${out}`);
  return v6(m[1]!);
}

const ifindexOf = (host: number): number => inNetns(lab.host(host).ns, () => nio().ifNameToIndex('eth0'));

test('IPv4 multicast: header intact with TTL 255 at h2, not looped back to h1', async () => {
  const h1 = lab.host(1);
  const tx = open(1, { family: 4 });
  const rx2 = open(2, { family: 4 });
  const self = collect(tx);
  const got = collect(rx2);
  const payload = Uint8Array.of(0x31, 7, 100, 1, 0, 1, 0xaa, 0xbb, 192, 0, 2, 100);
  assert.equal(tx.sendV4(ipv4Packet(v4(h1.ip4), v4('224.0.0.18'), payload), v4('224.0.0.18')), true);
  await waitFor(() => got.length === 1, 2000, 'one datagram');
  await sleep(200);
  const d = got[0]!;
  assert.equal(got.length, 1);
  assert.equal(d.family, 4);
  assert.equal(d.data.length, 20 + payload.length);
  assert.equal(d.data[0], 0x45);
  assert.equal(d.data[1], 0xc0);
  assert.equal(d.data[8], 255);
  assert.equal(d.data[9], 112);
  assert.equal((d.data[2]! << 8) | d.data[3]!, 32, 'kernel filled total length');
  assert.notEqual((d.data[10]! << 8) | d.data[11]!, 0, 'kernel filled header checksum');
  assert.deepEqual(d.data.subarray(20), payload);
  assert.equal(formatIp(d.src), h1.ip4);
  assert.equal(formatIp(d.dst!), '224.0.0.18');
  assert.equal(d.ttl, 255);
  assert.equal(d.ifindex, ifindexOf(2));
  assert.equal(self.length, 0, 'sender must not see its own advert');
  assert.equal(tx.stats.txPackets, 1);
  tx.close();
  rx2.close();
});

test('IPv6 multicast to ff02::12: hop limit 255, link-local source with scope, pktinfo dst', async () => {
  const tx = open(1, { family: 6 });
  const rx2 = open(2, { family: 6 });
  const self = collect(tx);
  const got = collect(rx2);
  // VRRPv3 header with a zero checksum field: the kernel fills it (IPV6_CHECKSUM=6).
  const payload = Uint8Array.of(0x31, 9, 100, 1, 0, 100, 0, 0, ...v6('fe80::1'));
  assert.equal(tx.sendV6(payload, v6('ff02::12')), true);
  await waitFor(() => got.length === 1, 2000, 'one datagram');
  await sleep(200);
  const d = got[0]!;
  assert.equal(d.family, 6);
  assert.equal(d.ttl, 255);
  assert.deepEqual(d.src, linkLocal(1));
  assert.equal(d.scopeId, ifindexOf(2));
  assert.equal(formatIp(d.dst!), 'ff02::12');
  assert.equal(d.ifindex, ifindexOf(2));
  assert.deepEqual(d.data.subarray(0, 6), payload.subarray(0, 6));
  assert.notEqual((d.data[6]! << 8) | d.data[7]!, 0, 'kernel computed the checksum');
  assert.equal(self.length, 0);
  tx.close();
  rx2.close();
});

test('IPv4 and IPv6 unicast reach only the addressed peer, from a bound IPv6 source', async () => {
  const [h1, h2] = [lab.host(1), lab.host(2)];
  const tx4 = open(1, { family: 4, join: false });
  const rx4 = open(2, { family: 4, join: false });
  const rx4h3 = open(3, { family: 4 });
  const tx6 = open(1, { family: 6, join: false, src6: h1.ip6 });
  const rx6 = open(2, { family: 6, join: false });
  const rx6h3 = open(3, { family: 6 });
  const [g4, g4h3, g6, g6h3] = [collect(rx4), collect(rx4h3), collect(rx6), collect(rx6h3)];
  assert.equal(tx4.sendV4(ipv4Packet(v4(h1.ip4), v4(h2.ip4), Uint8Array.of(1, 2, 3, 4)), v4(h2.ip4)), true);
  assert.equal(tx6.sendV6(Uint8Array.of(0x31, 1, 2, 3, 4, 5, 0, 0), v6(h2.ip6)), true);
  await waitFor(() => g4.length === 1 && g6.length === 1, 2000, 'one IPv4 and one IPv6 datagram');
  await sleep(200);
  assert.equal(formatIp(g4[0]!.src), h1.ip4);
  assert.equal(formatIp(g4[0]!.dst!), h2.ip4);
  assert.equal(g4[0]!.ttl, 255);
  assert.equal(formatIp(g6[0]!.src), h1.ip6, 'bound source used');
  assert.equal(formatIp(g6[0]!.dst!), h2.ip6);
  assert.equal(g6[0]!.ttl, 255, 'unicast hop limit 255');
  assert.equal(g4h3.length + g6h3.length, 0, 'h3 saw unicast not addressed to it');
  for (const s of [tx4, rx4, rx4h3, tx6, rx6, rx6h3]) s.close();
});

test('alternating unicast destinations each reach their own peer (the per-destination sockaddr is not stale)', async () => {
  const [h1, h2, h3] = [lab.host(1), lab.host(2), lab.host(3)];
  const tx4 = open(1, { family: 4, join: false });
  const tx6 = open(1, { family: 6, join: false, src6: h1.ip6 });
  const [rx4h2, rx4h3, rx6h2, rx6h3] = [open(2, { family: 4, join: false }), open(3, { family: 4, join: false }), open(2, { family: 6, join: false }), open(3, { family: 6, join: false })];
  const [g4h2, g4h3, g6h2, g6h3] = [collect(rx4h2), collect(rx4h3), collect(rx6h2), collect(rx6h3)];
  // A reused buffer rewritten in place between sends, as a unicast peer list might be.
  const dst4 = v4(h2.ip4);
  for (const peer of [h2, h3, h2]) {
    dst4.set(v4(peer.ip4));
    assert.equal(tx4.sendV4(ipv4Packet(v4(h1.ip4), dst4, Uint8Array.of(peer === h2 ? 2 : 3)), dst4), true);
    assert.equal(tx6.sendV6(Uint8Array.of(0x31, peer === h2 ? 2 : 3, 0, 0, 0, 0, 0, 0), v6(peer.ip6)), true);
  }
  await waitFor(() => g4h2.length === 2 && g4h3.length === 1 && g6h2.length === 2 && g6h3.length === 1, 2000, 'the datagrams of both hosts');
  await sleep(200);
  assert.deepEqual([g4h2.length, g4h3.length, g6h2.length, g6h3.length], [2, 1, 2, 1]);
  assert.deepEqual([...g4h2.map((d) => d.data[20]), ...g4h3.map((d) => d.data[20])], [2, 2, 3]);
  assert.deepEqual([...g6h2.map((d) => d.data[1]), ...g6h3.map((d) => d.data[1])], [2, 2, 3]);
});

test('sending on a downed interface is counted and reported, never thrown', async () => {
  const h1 = lab.host(1);
  const s4 = open(1, { family: 4 });
  const s6 = open(1, { family: 6 });
  const errors: VrrpSocketError[] = [];
  s4.onError((e) => errors.push(e));
  s6.onError((e) => errors.push(e));
  lab.exec(h1, ['ip', 'link', 'set', 'eth0', 'down']);
  try {
    for (let i = 0; i < 5; i++) {
      assert.equal(s4.sendV4(ipv4Packet(v4(h1.ip4), v4('224.0.0.18'), Uint8Array.of(1)), v4('224.0.0.18')), false);
      assert.equal(s6.sendV6(Uint8Array.of(0x31, 1, 2, 3, 0, 0, 0, 0), v6('ff02::12')), false);
    }
  } finally {
    lab.exec(h1, ['ip', 'link', 'set', 'eth0', 'up']);
  }
  assert.equal(s4.stats.txErrors + s4.stats.txDropped, 5);
  assert.equal(s6.stats.txErrors + s6.stats.txDropped, 5);
  assert.equal(errors.length, 10);
  assert.ok(errors.every((e) => e.direction === 'send' && /^E[A-Z]+$/.test(e.code)), JSON.stringify(errors.map((e) => e.code)));
  // Carrier loss seen from the switch side: sends may succeed or fail, but never throw.
  lab.setLink(h1, false);
  try {
    s4.sendV4(ipv4Packet(v4(h1.ip4), v4('224.0.0.18'), Uint8Array.of(1)), v4('224.0.0.18'));
    s6.sendV6(Uint8Array.of(0x31, 1, 2, 3, 0, 0, 0, 0), v6('ff02::12'));
  } finally {
    lab.setLink(h1, true);
  }
  s4.close();
  s6.close();
  assert.equal(s4.sendV4(Uint8Array.of(0x45), v4('224.0.0.18')), false, 'send after close is reported');
  assert.equal(errors.at(-1)?.code, 'ECLOSED');
});

test('open fails with KA_ERR_VRRP_SOCKET for a missing interface', () => {
  assert.throws(
    () => open(1, { family: 4, ifname: 'nope0' }),
    (e: unknown) => (e as { code?: string }).code === 'KA_ERR_VRRP_SOCKET' && (e as { errnoCode?: string }).errnoCode === 'ENODEV',
  );
});
