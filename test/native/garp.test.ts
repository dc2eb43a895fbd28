// GARP and unsolicited NA between two lab hosts: h1 sends, h2 captures with its own sockets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createLab, type Lab } from '../lab/netns.js';
import { inNetns } from '../lab/netns.js';
import { waitFor } from '../lab/wait.js';
import { openGarpSender } from '../../src/netlink/garp-sender.js';
import { RawSocket } from '../../src/sys/raw-socket.js';
import { nio, type RecvResult } from '../../src/sys/nio.js';
import { decodeIn6Pktinfo, decodeInt32, decodeSockaddr, htons, sockaddrLl } from '../../src/sys/sockaddr.js';
import { formatIp, parseIpv4, parseIpv6 } from '../../src/core/ip.js';
import { internetChecksum } from '../../src/core/checksum.js';

let lab: Lab;
before(() => {
  lab = createLab(2, 'garp');
});
after(() => lab.down());

const K = nio().constants;
const macBytes = (s: string): Uint8Array => Uint8Array.from(s.split(':').map((h) => parseInt(h, 16)));

interface Captured {
  data: Uint8Array;
  info: RecvResult;
}

function capture(sock: RawSocket): Captured[] {
  const got: Captured[] = [];
  sock.receive((data, info) => got.push({ data, info }), (e) => assert.fail(e));
  return got;
}


test('GARP from h1 reaches h2 with the interface MAC (and a given VMAC) and the VIP', async () => {
  const [h1, h2] = [lab.host(1), lab.host(2)];
  const sender = inNetns(h1.ns, () => openGarpSender('eth0'));
  const rx = inNetns(h2.ns, () => {
    const s = RawSocket.open(K.AF_PACKET, K.SOCK_RAW, htons(K.ETH_P_ARP));
    s.bind(sockaddrLl({ protocol: K.ETH_P_ARP, ifindex: nio().ifNameToIndex('eth0') }));
    return s;
  });
  try {
    assert.deepEqual(sender.mac, macBytes(h1.mac), 'MAC from getsockname');
    const got = capture(rx);
    const vip = parseIpv4('192.0.2.100')!;
    const vmac = Uint8Array.of(0x00, 0x00, 0x5e, 0x00, 0x01, 0x33);
    assert.equal(sender.sendGarp(vip), true);
    assert.equal(sender.sendGarp(vip, vmac), true);
    await waitFor(() => got.filter((g) => formatIp(g.data.subarray(28, 32)) === '192.0.2.100').length === 2, 2000, 'two GARPs for 192.0.2.100');
    const garps = got.filter((g) => formatIp(g.data.subarray(28, 32)) === '192.0.2.100');
    for (const [i, from] of [macBytes(h1.mac), vmac].entries()) {
      const f = garps[i]!.data;
      assert.deepEqual(f.subarray(0, 6), new Uint8Array(6).fill(0xff), 'to broadcast');
      assert.deepEqual(f.subarray(6, 12), from, 'Ethernet source');
      assert.equal((f[12]! << 8) | f[13]!, 0x0806);
      assert.equal((f[20]! << 8) | f[21]!, 1, 'ARP request');
      assert.deepEqual(f.subarray(22, 28), from, 'sender MAC');
      assert.equal(formatIp(f.subarray(38, 42)), '192.0.2.100', 'target IP = VIP');
      const ll = decodeSockaddr(garps[i]!.info.addr);
      assert.ok(ll.ok && ll.value.type === 'll');
      assert.equal(ll.value.pkttype, K.PACKET_BROADCAST);
    }
    assert.equal(sender.stats.garp.txPackets, 2);
  } finally {
    sender.close();
    rx.close();
  }
});

test('unsolicited NA from h1 reaches h2 with hop limit 255, Override set and a valid checksum', async () => {
  const [h1, h2] = [lab.host(1), lab.host(2)];
  const sender = inNetns(h1.ns, () => openGarpSender('eth0'));
  const rx = inNetns(h2.ns, () => {
    const s = RawSocket.open(K.AF_INET6, K.SOCK_RAW, K.IPPROTO_ICMPV6, { controlLen: 256 });
    s.setsockopt(K.SOL_SOCKET, K.SO_BINDTODEVICE, Buffer.from('eth0\0'));
    s.setsockopt(K.IPPROTO_IPV6, K.IPV6_RECVHOPLIMIT, 1);
    s.setsockopt(K.IPPROTO_IPV6, K.IPV6_RECVPKTINFO, 1);
    return s;
  });
  try {
    const got = capture(rx);
    const vip = parseIpv6('2001:db8::100')!;
    assert.equal(sender.sendNa(vip), true);
    const isNa = (g: Captured): boolean => g.data[0] === 136 && formatIp(g.data.subarray(8, 24)) === '2001:db8::100';
    await waitFor(() => got.some(isNa), 2000, 'an unsolicited NA');
    const na = got.find(isNa)!;
    const hop = na.info.cmsgs.find((c) => c.level === K.IPPROTO_IPV6 && c.type === K.IPV6_HOPLIMIT);
    assert.equal(hop && decodeInt32(hop.data), 255);
    assert.equal(na.data[4], 0x20, 'Override only');
    assert.deepEqual(na.data.subarray(24, 32), Uint8Array.of(2, 1, ...macBytes(h1.mac)));
    const pi = na.info.cmsgs.find((c) => c.level === K.IPPROTO_IPV6 && c.type === K.IPV6_PKTINFO);
    const dst = pi && decodeIn6Pktinfo(pi.data);
    assert.ok(dst);
    assert.equal(formatIp(dst.addr), 'ff02::1');
    const src = decodeSockaddr(na.info.addr);
    assert.ok(src.ok && src.value.type === 'in6');
    assert.equal(src.value.addr[0], 0xfe, 'link-local source');
    const pseudo = new Uint8Array(40);
    pseudo.set(src.value.addr, 0);
    pseudo.set(dst.addr, 16);
    new DataView(pseudo.buffer).setUint32(32, na.data.length);
    pseudo[39] = 58;
    assert.equal(internetChecksum(pseudo, na.data), 0, 'kernel-computed ICMPv6 checksum verifies');
  } finally {
    sender.close();
    rx.close();
  }
});

test('GARP/NA on a downed interface report errors instead of throwing', () => {
  const h1 = lab.host(1);
  const sender = inNetns(h1.ns, () => openGarpSender('eth0'));
  const codes: string[] = [];
  sender.onError((e) => codes.push(`${e.kind}:${e.code}`));
  lab.exec(h1, ['ip', 'link', 'set', 'eth0', 'down']);
  try {
    assert.equal(sender.sendGarp(parseIpv4('192.0.2.100')!), false);
    assert.equal(sender.sendNa(parseIpv6('2001:db8::100')!), false);
  } finally {
    lab.exec(h1, ['ip', 'link', 'set', 'eth0', 'up']);
    sender.close();
  }
  assert.equal(codes.length, 2, codes.join());
  assert.match(codes[0]!, /^garp:E[A-Z]+$/);
  assert.match(codes[1]!, /^na:E[A-Z]+$/);
  assert.equal(sender.sendGarp(parseIpv4('192.0.2.100')!), false, 'after close');
});
