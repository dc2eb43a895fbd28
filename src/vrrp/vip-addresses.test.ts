import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpAddressSpec } from '../config/model.js';
import { diffVipTargets, vipAddrSpec, type VipTarget } from './vip-addresses.js';
import { compileTestConfig } from '../test-kit/fsm-params.js';
import { formatAddress } from '../config/ip-lines/print.js';
import { addrRequestOf } from '../netlink/rtnl-model.js';
import { IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR, IFA_F_MCAUTOJOIN, IFA_F_NODAD } from '../netlink/constants.js';

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

test('VIP options keepalived 2.2.7 sends: home, mngtmpaddr, autojoin as IFA_F_* flags; preferred_lft as IFA_CACHEINFO for IPv6 only, none for forever', () => {
  const c = compileTestConfig(`vrrp_instance VI_1 {
 interface eth0
 virtual_router_id 1
 virtual_ipaddress {
  192.0.2.100/24 preferred_lft 30 home
  224.0.0.251/32 autojoin
 }
 virtual_ipaddress_excluded {
  2001:db8::5/64 mngtmpaddr
  2001:db8::6/64 home preferred_lft 100
  2001:db8::7/128 preferred_lft forever
 }
}
`);
  const [v4, mc] = c.vrrpInstances[0]!.vips;
  const [a, b, forever] = c.vrrpInstances[0]!.excludedVips;
  assert.deepEqual(vipAddrSpec(v4!, 2), { ifindex: 2, family: 4, address: '192.0.2.100', prefixLen: 24, extraFlags: IFA_F_HOMEADDRESS });
  assert.deepEqual(vipAddrSpec(mc!, 2).extraFlags, IFA_F_MCAUTOJOIN);
  assert.deepEqual(vipAddrSpec(a!, 2), { ifindex: 2, family: 6, address: '2001:db8::5', prefixLen: 64, noDad: true, extraFlags: IFA_F_MANAGETEMPADDR });
  assert.deepEqual(vipAddrSpec(b!, 2), { ifindex: 2, family: 6, address: '2001:db8::6', prefixLen: 64, noDad: true, preferredLft: 100, extraFlags: IFA_F_HOMEADDRESS });
  assert.deepEqual(vipAddrSpec(forever!, 2), { ifindex: 2, family: 6, address: '2001:db8::7', prefixLen: 128, noDad: true }, 'forever overrides the /128 default of 0');
  assert.equal(formatAddress(b!), '2001:db8::6/64 -nodad home preferred_lft 100');
  // The request: the flags above 0xff in IFA_FLAGS, the lifetime in IFA_CACHEINFO.
  const req = addrRequestOf(vipAddrSpec(b!, 2));
  assert.ok(req.ok);
  assert.deepEqual([req.value.flags, req.value.cacheInfo?.preferred, req.value.cacheInfo?.valid], [IFA_F_NODAD | IFA_F_HOMEADDRESS, 100, 0xffffffff]);
});

test('track_group on an address: static lines only', () => {
  const c = compileTestConfig(`track_group TG {
 group {
  VI_1
 }
}
static_ipaddress {
 192.0.2.61/24 dev eth0 track_group TG
}
vrrp_instance VI_1 {
 interface eth0
 virtual_router_id 1
 virtual_ipaddress {
  192.0.2.100/24
 }
}
`);
  assert.equal(c.staticIpAddresses[0]!.trackGroup, 'TG');
});
