/**
 * IPv6 (VRRPv3 over ff02::12, link-local sources, VIP 2001:db8::100/64): election and hard-kill
 * failover between two keepalived-ts nodes, with the new master's unsolicited neighbour
 * advertisement for the VIP seen on the wire by a bystander (RFC 5798 §6.4.2).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Capture, Frame } from '../lab/capture.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import type { LabDaemon } from '../lab/lab-daemon.js';
import { nowUs } from '../lab/proc.js';
import { E2e, expectTakeoverAfterKill, msBetween } from './kit.js';
import { waitFor } from '../lab/wait.js';

const VIP = '2001:db8::100';
const ADVERT_S = 0.2;
const conf = (priority: number): string =>
  keepalivedConf({ routerId: `v6p${priority}`, vrrpVersion: 3, instances: [{ name: 'VI_6', iface: 'eth0', vrid: 61, priority, advertInt: ADVERT_S, vips: [`${VIP}/64`] }] });

let e: E2e;
let d1: LabDaemon;
let d2: LabDaemon;
let cap: Capture;

before(async () => {
  e = E2e.create(3, 'v6');
  cap = await e.capture(e.host(3), 'ip6 proto 112 or icmp6');
  d1 = e.daemon(e.host(1), conf(150));
  d2 = e.daemon(e.host(2), conf(100));
});

after(() => e.teardown());

const naFor = (mac: string) => (f: Frame): boolean => f.kind === 'na' && f.target === VIP && f.srcMac === mac;

test('IPv6: election, unsolicited NA, hard-kill failover', async () => {
  const vips = e.watch([e.host(1), e.host(2)]);
  const t0 = nowUs();
  d1.start();
  d2.start();
  await e.waitHolders(VIP, ['h1'], 15_000);
  await waitFor(() => cap.first(naFor(e.host(1).mac), t0) !== undefined, 3000, () => `an unsolicited NA for ${VIP} from h1\n${e.logTails()}`);
  const adv = cap.first((f) => f.kind === 'vrrp' && f.srcMac === e.host(1).mac && f.vrid === 61, t0);
  assert.ok(adv && adv.kind === 'vrrp' && adv.version === 3 && adv.srcIp.startsWith('fe80:'), `VRRPv3 adverts from h1's link-local address (${JSON.stringify(adv)})`);

  const tKill = d1.hardKill();
  await expectTakeoverAfterKill(e, vips, cap, { host: 'h2', from: 'h1', vip: VIP, vrid: 61, tKillUs: tKill, version: 3, priority: 100, advertS: ADVERT_S, label: 'IPv6' });
  await waitFor(() => cap.first(naFor(e.host(2).mac), tKill) !== undefined, 3000, () => `an unsolicited NA for ${VIP} from h2\n${e.logTails()}`);
  const na = cap.first(naFor(e.host(2).mac), tKill)!;
  console.log(`# first NA from h2 ${msBetween(tKill, na.tUs)} ms after the kill (to ${na.kind === 'na' ? na.dstIp : '?'})`);
  await d2.waitLine(/\(VI_6\) Entering MASTER STATE/, tKill);
});
