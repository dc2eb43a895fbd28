import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGarpFor, parseTcpdumpLine } from './capture.js';
import { keepalivedConf } from './keepalived-conf.js';
import { parseIpMonitorLine } from './vip-watch.js';

// Lines as printed by Debian 12's tcpdump 4.99 (-n -tt -e) for keepalived 2.2.7's traffic.
const ADVERT = '1795690828.316957 ba:71:19:91:b1:b0 > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 54: 192.0.2.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20';
const GARP = '1795690828.317378 ba:71:19:91:b1:b0 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.0.2.100 (ff:ff:ff:ff:ff:ff) tell 192.0.2.100, length 28';
const NA = '1795691818.959447 02:be:f7:b6:f2:35 > 33:33:00:00:00:01, ethertype IPv6 (0x86dd), length 86: 2001:db8::100 > ff02::1: ICMP6, neighbor advertisement, tgt is 2001:db8::100, length 32';
const ADVERT6 = '1795691818.959308 02:be:f7:b6:f2:35 > 33:33:00:00:00:12, ethertype IPv6 (0x86dd), length 78: fe80::be:f7ff:feb6:f235 > ff02::12: VRRPv3, Advertisement, vrid 61, prio 100, intvl 20cs, length 24';
const ARP = '1795690828.5 02:6b:74:00:00:03 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.0.2.100 tell 192.0.2.13, length 28';

test('tcpdump lines become frames with µs timestamps', () => {
  assert.deepEqual(parseTcpdumpLine(ADVERT), { kind: 'vrrp', tUs: 1795690828316957, srcMac: 'ba:71:19:91:b1:b0', srcIp: '192.0.2.11', version: 2, vrid: 51, priority: 150 });
  const g = parseTcpdumpLine(GARP);
  assert.deepEqual(g, { kind: 'arp', tUs: 1795690828317378, srcMac: 'ba:71:19:91:b1:b0', op: 'request', senderIp: '192.0.2.100', targetIp: '192.0.2.100' });
  assert.equal(g && isGarpFor(g, '192.0.2.100'), true);
  const a = parseTcpdumpLine(ARP);
  assert.equal(a?.tUs, 1795690828500000);
  assert.equal(a && isGarpFor(a, '192.0.2.100'), false, 'an ordinary who-has for the VIP is not a GARP');
  assert.equal(parseTcpdumpLine('tcpdump: listening on eth0'), undefined);
  assert.deepEqual(parseTcpdumpLine(NA), { kind: 'na', tUs: 1795691818959447, srcMac: '02:be:f7:b6:f2:35', srcIp: '2001:db8::100', dstIp: 'ff02::1', target: '2001:db8::100' });
  assert.deepEqual(parseTcpdumpLine(ADVERT6), { kind: 'vrrp', tUs: 1795691818959308, srcMac: '02:be:f7:b6:f2:35', srcIp: 'fe80::be:f7ff:feb6:f235', version: 3, vrid: 61, priority: 100 });
});

test('ip -ts -o monitor address lines', () => {
  const add = parseIpMonitorLine('h1', '[2026-11-26T10:57:50.893980] 3: eth0    inet 192.0.2.100/24 scope global eth0\\       valid_lft forever preferred_lft forever');
  assert.deepEqual(add, { host: 'h1', tUs: new Date(2026, 10, 26, 10, 57, 50).getTime() * 1000 + 893980, type: 'add', dev: 'eth0', family: 'inet', address: '192.0.2.100', prefixLen: 24 });
  const del = parseIpMonitorLine('h2', '[2026-11-26T10:57:50.902163] Deleted 3: eth0    inet6 2001:db8::100/64 scope global \\       valid_lft forever');
  assert.equal(del?.type, 'del');
  assert.equal(del?.family, 'inet6');
  assert.equal(del?.address, '2001:db8::100');
  assert.equal(parseIpMonitorLine('h1', '[2026-11-26T10:57:50.902163] 3: eth0 link/ether'), undefined);
});

test('keepalived.conf generator produces the lab contract keywords', () => {
  const text = keepalivedConf({ routerId: 'r1', vrrpVersion: 3, instances: [{ name: 'VI_1', iface: 'eth0', vrid: 51, priority: 150, advertInt: 0.2, vips: ['192.0.2.100/24'] }] });
  for (const l of ['router_id r1', 'vrrp_version 3', 'vrrp_instance VI_1 {', 'state BACKUP', 'virtual_router_id 51', 'priority 150', 'advert_int 0.2', '192.0.2.100/24 dev eth0']) {
    assert.ok(text.includes(l), l);
  }
  assert.equal(text.split('{').length, text.split('}').length, 'balanced braces');
});
