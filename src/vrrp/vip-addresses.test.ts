import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpAddressSpec } from '../config/model.js';
import { diffVipTargets, vipAddrSpec, type VipTarget } from './vip-addresses.js';

const spec = (text: string, over: Partial<IpAddressSpec> = {}): IpAddressSpec => {
  const [address = '', len] = text.split('/');
  return { family: address.includes(':') ? 6 : 4, address, prefixLen: Number(len ?? (address.includes(':') ? 128 : 32)), text, loc: { file: 'f', line: 1, col: 1 }, ...over };
};
const target = (text: string, ifname = 'eth0'): VipTarget => ({ spec: spec(text), ifname });

test('VIP requests: brd +, scope, label; IPv6 nodad and /128 deprecated as keepalived adds them', () => {
  assert.deepEqual(vipAddrSpec(spec('192.0.2.100/24', { broadcast: '+', scope: 'link', label: 'eth0:1' }), 3), {
    ifindex: 3, family: 4, address: '192.0.2.100', prefixLen: 24, broadcast: '192.0.2.255', scope: 253, label: 'eth0:1',
  });
  assert.deepEqual(vipAddrSpec(spec('192.0.2.100/24', { broadcast: '-' }), 3), { ifindex: 3, family: 4, address: '192.0.2.100', prefixLen: 24 });
  assert.deepEqual(vipAddrSpec(spec('2001:db8::100/64'), 3), { ifindex: 3, family: 6, address: '2001:db8::100', prefixLen: 64, noDad: true });
  assert.deepEqual(vipAddrSpec(spec('2001:db8::100/128'), 3), { ifindex: 3, family: 6, address: '2001:db8::100', prefixLen: 128, noDad: true, preferredLftZero: true });
});

test('reload diff: by interface and address/prefix', () => {
  const before = [target('192.0.2.100/24'), target('192.0.2.101/24'), target('192.0.2.102/24', 'eth1')];
  const after = [target('192.0.2.100/24'), target('192.0.2.101/25'), target('192.0.2.102/24', 'eth2')];
  const d = diffVipTargets(before, after);
  assert.deepEqual(d.gone.map((t) => `${t.ifname} ${t.spec.text}`), ['eth0 192.0.2.101/24', 'eth1 192.0.2.102/24']);
  assert.deepEqual(d.added.map((t) => `${t.ifname} ${t.spec.text}`), ['eth0 192.0.2.101/25', 'eth2 192.0.2.102/24']);
});
