// VMAC links through RtnlClient in a lab namespace: a macvlan created like keepalived's
// (private mode, virtual MAC, over eth0) as `ip -d link` sees it; set up, MAC, per-interface
// IPv4 settings and addr_gen_mode; EEXIST and ENODEV as outcomes; ipvlan compared with what
// `ip link add … type ipvlan` does on this kernel; the /proc/sys writer and its restore,
// run on the main thread switched into the namespace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createLab, inNetns, type Lab, type LabHost } from '../lab/netns.js';
import { NetlinkRtnlClient } from '../../src/netlink/rtnl-client.js';
import { vmacAddress } from '../../src/netlink/link-kinds.js';
import {
  IN6_ADDR_GEN_MODE_NONE,
  IPV4_DEVCONF_ACCEPT_LOCAL,
  IPV4_DEVCONF_ARP_IGNORE,
  IPV4_DEVCONF_PROMOTE_SECONDARIES,
  IPV4_DEVCONF_RP_FILTER,
} from '../../src/netlink/constants.js';
import { SysctlRestorer, confPath, readSysctl, writeSysctl } from '../../src/sys/sysctl.js';

let lab: Lab;
let h1: LabHost;
let rtnl: NetlinkRtnlClient;
let eth0 = 0;

before(async () => {
  lab = createLab(1, 'lnk');
  h1 = lab.host(1);
  rtnl = inNetns(h1.ns, () => NetlinkRtnlClient.open());
  eth0 = (await rtnl.getLink('eth0'))?.ifindex ?? 0;
  assert.ok(eth0 > 0);
});

after(() => {
  rtnl?.close();
  lab?.down();
});

interface IpLink {
  ifindex: number;
  ifname: string;
  address: string;
  flags: string[];
  link?: string;
  inet6_addr_gen_mode?: string;
  linkinfo?: { info_kind: string; info_data?: Record<string, unknown> };
}
const ipLink = (name: string): IpLink => (JSON.parse(lab.exec(h1, ['ip', '-d', '-j', 'link', 'show', name])) as IpLink[])[0]!;
const sysctl = (key: string): string => lab.exec(h1, ['sysctl', '-n', key]).trim();

test('macvlan VMAC: created down in private mode with the virtual MAC over eth0; up, settings, MAC, delete', async () => {
  const r = await rtnl.createMacvlan({ name: 'vrrp.51', parentIndex: eth0, mac: vmacAddress(4, 51), mode: 'private' });
  assert.equal(r.outcome, 'created');
  assert.ok(r.outcome === 'created' && r.link.name === 'vrrp.51' && r.link.kind === 'macvlan' && r.link.parentIndex === eth0 && !r.link.up);
  const l = ipLink('vrrp.51');
  assert.deepEqual([l.address, l.link, l.linkinfo?.info_kind, l.linkinfo?.info_data?.['mode']], ['00:00:5e:00:01:33', 'eth0', 'macvlan', 'private']);
  assert.deepEqual(await rtnl.createMacvlan({ name: 'vrrp.51', parentIndex: eth0, mac: vmacAddress(4, 51), mode: 'private' }), { outcome: 'exists' });

  await rtnl.setIpv4Conf(l.ifindex, [
    [IPV4_DEVCONF_ARP_IGNORE, 1],
    [IPV4_DEVCONF_ACCEPT_LOCAL, 1],
    [IPV4_DEVCONF_RP_FILTER, 0],
    [IPV4_DEVCONF_PROMOTE_SECONDARIES, 1],
  ]);
  assert.deepEqual(
    ['arp_ignore', 'accept_local', 'rp_filter', 'promote_secondaries'].map((k) => sysctl(`net/ipv4/conf/vrrp.51/${k}`)),
    ['1', '1', '0', '1'],
  );
  await rtnl.setAddrGenMode(l.ifindex, IN6_ADDR_GEN_MODE_NONE);
  assert.equal(ipLink('vrrp.51').inet6_addr_gen_mode, 'none');
  await rtnl.setLinkUp(l.ifindex, true);
  assert.ok(ipLink('vrrp.51').flags.includes('UP'));
  assert.equal((await rtnl.getLink('vrrp.51'))?.up, true);
  await rtnl.setLinkAddress(l.ifindex, vmacAddress(6, 51));
  assert.equal(ipLink('vrrp.51').address, '00:00:5e:00:02:33');
  await rtnl.setLinkUp(l.ifindex, false);
  assert.ok(!ipLink('vrrp.51').flags.includes('UP'));

  assert.equal(await rtnl.deleteLink(l.ifindex), 'deleted');
  assert.equal(await rtnl.deleteLink(l.ifindex), 'absent');
  assert.equal(await rtnl.getLink('vrrp.51'), null);
});

test('ipvlan: what `ip link add … type ipvlan` does on this kernel, our client does too', async () => {
  let ipResult: 'created' | 'unsupported';
  try {
    lab.exec(h1, ['ip', 'link', 'add', 'link', 'eth0', 'name', 'ipvprobe', 'type', 'ipvlan', 'mode', 'l2']);
    lab.exec(h1, ['ip', 'link', 'del', 'ipvprobe']);
    ipResult = 'created';
  } catch (e) {
    assert.match(String((e as { stderr?: unknown }).stderr), /Unknown device type|not supported/i);
    ipResult = 'unsupported';
  }
  const r = await rtnl.createIpvlan({ name: 'ipv.51', parentIndex: eth0, mode: 'l3s', flag: 'private' });
  assert.equal(r.outcome, ipResult);
  if (r.outcome === 'unsupported') {
    assert.match(r.reason, /Unknown device type/);
  } else if (r.outcome === 'created') {
    const l = ipLink('ipv.51');
    assert.deepEqual([l.linkinfo?.info_kind, l.linkinfo?.info_data?.['mode']], ['ipvlan', 'l3s']);
    assert.equal(await rtnl.deleteLink(r.link.ifindex), 'deleted');
  }
});

test('sysctl writer: values set in the namespace, the previous ones restored; errors returned', () => {
  const rootAll = execFileSync('sysctl', ['-n', 'net.ipv4.conf.all.rp_filter'], { encoding: 'utf8' });
  const before = sysctl('net/ipv4/conf/eth0/arp_ignore');
  inNetns(h1.ns, () => {
    const p = confPath('ipv4', 'eth0', 'arp_ignore');
    const all = confPath('ipv4', 'all', 'rp_filter');
    assert.ok(p.ok && all.ok);
    const allBefore = readSysctl(all.value);
    assert.ok(allBefore.ok);
    const s = new SysctlRestorer();
    const c = s.set(p.value, '1');
    assert.ok(c.ok && c.value !== null && c.value.previous === before);
    assert.deepEqual(s.set(p.value, '1'), { ok: true, value: null }, 'already in place: nothing recorded');
    assert.ok(s.set(all.value, allBefore.value === '1' ? '0' : '1').ok);
    assert.equal(s.pending.length, 2);
    assert.deepEqual(readSysctl(p.value), { ok: true, value: '1' });
    const r = s.restore();
    assert.deepEqual([r.restored.length, r.failed.length], [2, 0]);
    assert.deepEqual(readSysctl(all.value), allBefore);
    const gone = confPath('ipv4', 'nosuchif0', 'arp_ignore');
    assert.ok(gone.ok);
    const w = writeSysctl(gone.value, '1');
    assert.ok(!w.ok && w.reason.code === 'ENOENT');
  });
  assert.equal(sysctl('net/ipv4/conf/eth0/arp_ignore'), before);
  assert.equal(confPath('ipv4', '../x', 'k').ok, false);
  assert.equal(confPath('ipv4', 'eth0', 'a/b').ok, false);
  assert.equal(confPath('ipv6', 'averyveryverylongname', 'x').ok, false);
  assert.equal(execFileSync('sysctl', ['-n', 'net.ipv4.conf.all.rp_filter'], { encoding: 'utf8' }), rootAll, 'the root namespace is untouched');
});
