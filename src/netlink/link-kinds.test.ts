import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRtnlFixture } from '../test-kit/rtnl-fixtures.js';
import { h, hex } from '../test-kit/hex.js';
import { decodeLinkMessage } from './link.js';
import {
  decodeLinkKindData,
  encodeDelLink,
  encodeGetLinkByName,
  encodeIpvlanCreate,
  encodeMacvlanCreate,
  encodeSetAddrGenMode,
  encodeSetInetConf,
  encodeSetLinkAddress,
  encodeSetLinkUp,
  vmacAddress,
} from './link-kinds.js';
import {
  IN6_ADDR_GEN_MODE_NONE,
  IPV4_DEVCONF_ACCEPT_LOCAL,
  IPV4_DEVCONF_ARPFILTER,
  IPV4_DEVCONF_ARP_IGNORE,
  IPV4_DEVCONF_PROMOTE_SECONDARIES,
  IPV4_DEVCONF_RP_FILTER,
} from './constants.js';

test("keepalived's VMAC life, request for request: create, rp_filter/arp settings, addr_gen_mode none, up; restore and delete at stop", () => {
  const f = loadRtnlFixture('vmac-links');
  const links = f.phases[0]?.links ?? {};
  const eth0 = links['eth0'] ?? 0;
  const v4 = links['vrrp.51'] ?? 0;
  const v6 = links['vrrp.52'] ?? 0;
  const ours = [
    encodeMacvlanCreate(0, { name: 'vrrp.51', parentIndex: eth0, mac: vmacAddress(4, 51), mode: 'private' }),
    // all.rp_filter was 1: keepalived sets it to 0 and raises it on the interfaces it uses.
    encodeSetInetConf(0, eth0, [[IPV4_DEVCONF_RP_FILTER, 1]]),
    encodeSetInetConf(0, v4, [[IPV4_DEVCONF_RP_FILTER, 1]]),
    encodeSetInetConf(0, v4, [
      [IPV4_DEVCONF_ARP_IGNORE, 1],
      [IPV4_DEVCONF_ACCEPT_LOCAL, 1],
      [IPV4_DEVCONF_RP_FILTER, 0],
      [IPV4_DEVCONF_PROMOTE_SECONDARIES, 1],
    ]),
    encodeSetInetConf(0, eth0, [
      [IPV4_DEVCONF_ARP_IGNORE, 1],
      [IPV4_DEVCONF_ARPFILTER, 1],
    ]),
    encodeSetAddrGenMode(0, v4, IN6_ADDR_GEN_MODE_NONE),
    encodeSetLinkUp(0, v4, true),
    encodeMacvlanCreate(0, { name: 'vrrp.52', parentIndex: eth0, mac: vmacAddress(6, 52), mode: 'private' }),
    encodeSetAddrGenMode(0, v6, IN6_ADDR_GEN_MODE_NONE),
    encodeSetLinkUp(0, v6, true),
  ].map(hex);
  assert.deepEqual(ours, f.phases[0]?.sent);
  const stop = [
    encodeSetInetConf(0, eth0, [[IPV4_DEVCONF_RP_FILTER, 0]]),
    encodeSetInetConf(0, v6, [[IPV4_DEVCONF_RP_FILTER, 1]]),
    encodeSetInetConf(0, eth0, [
      [IPV4_DEVCONF_ARP_IGNORE, 1],
      [IPV4_DEVCONF_ARPFILTER, 1],
    ]),
    encodeDelLink(0, v4),
    encodeDelLink(0, v6),
  ].map(hex);
  assert.deepEqual(stop, f.phases[1]?.sent);
});

test('ipvlan create: kind ipvlan, IFLA_IPVLAN_MODE and IFLA_IPVLAN_FLAGS (u16), no MAC', () => {
  const b = encodeIpvlanCreate(1, { name: 'ipv.51', parentIndex: 2, mode: 'l3s', flag: 'vepa' });
  assert.equal(
    hex(b),
    h(
      '58000000 1000 0506 01000000 00000000 | 00 00 0000 00000000 00000000 00000000' +
        '2400 1200 | 0a00 0100 6970766c616e 0000 | 1400 0200 0600 0100 0200 0000 0600 0200 0200 0000' +
        '0800 0500 02000000 | 0a00 0300 6970762e3531 0000',
    ),
  );
  const d = decodeLinkMessage(b.subarray(16));
  assert.deepEqual([d.kind, d.link, d.name], ['ipvlan', 2, 'ipv.51']);
  assert.deepEqual(decodeLinkKindData(d.kind, d.infoData), { ipvlanMode: 'l3s', ipvlanFlag: 'vepa' });
  const m = decodeLinkMessage(encodeMacvlanCreate(1, { name: 'vrrp.9', parentIndex: 2, mac: vmacAddress(4, 9), mode: 'private' }).subarray(16));
  assert.deepEqual(decodeLinkKindData(m.kind, m.infoData), { macvlanMode: 'private' });
  assert.deepEqual(decodeLinkKindData('veth', undefined), {});
});

test('get by name, set MAC, VMAC addresses', () => {
  assert.equal(hex(encodeGetLinkByName(2, 'eth0')), h('34000000 1200 0100 02000000 00000000 | 00 00 0000 00000000 00000000 00000000 | 0900 0300 65746830 00 000000 | 0800 1d00 08000000'));
  assert.equal(hex(encodeSetLinkAddress(3, 5, vmacAddress(6, 255))), h('2c000000 1000 0500 03000000 00000000 | 00 00 0000 05000000 00000000 00000000 | 0a00 0100 00005e0002ff 0000'));
  assert.throws(() => vmacAddress(4, 0), RangeError);
  assert.equal(encodeSetLinkUp(0, 5, false)[24], 0);
});
