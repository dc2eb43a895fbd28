/**
 * auth_hmac (keepalived 2.4's advert trailer) between two keepalived-ts nodes — interop with
 * Debian's keepalived 2.2.7 is impossible, it has no auth_hmac (it would count our adverts as
 * too long). Checked:
 * - VRRPv3 IPv4 unicast, the case auth_hmac is for, keys read from `file:` and the two nodes
 *   signing with different key ids (both configured: a key rotation in progress): one master,
 *   every advert on the wire carries a trailer that verifies with the key, a SIGKILLed master is
 *   replaced within Master_Down_Interval, and nothing is counted as an extension error;
 * - VRRPv3 IPv6 multicast (the kernel's checksum covers the trailer): one master; then the
 *   backup restarted with another key: both MASTER, each counting the other's adverts as
 *   Invalid HMAC.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp } from '../../src/core/ip.js';
import { linkPayload, readPcap } from '../../src/test-kit/pcap.js';
import { checkTrailer, HmacReplayTable, hmacPseudoHeader, type HmacSettings } from '../../src/vrrp/auth-hmac.js';
import { decodeIpv4Datagram } from '../../src/vrrp/ip-header.js';
import { decodeAdvert } from '../../src/vrrp/packet.js';
import { PcapCapture } from '../lab/capture.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import type { LabHost } from '../lab/netns.js';
import { nowUs } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';
import { E2e, expectTakeoverAfterKill, sleep } from './kit.js';

const KEY1 = Uint8Array.from({ length: 32 }, (_, i) => i);
const KEY2_HEX = 'a5'.repeat(40);

let e: E2e;

before(() => {
  e = E2e.create(2, 'hmac');
});

after(() => e.teardown());

function conf(routerId: string, priority: number, vip: string, extra: readonly string[], advertInt = 0.5): string {
  return keepalivedConf({ routerId, vrrpVersion: 3, instances: [{ name: 'VI_H', iface: 'eth0', vrid: 60, priority, advertInt, vips: [vip], extra }] });
}

test('auth_hmac, VRRPv3 IPv4 unicast, file: keys, two active key ids: one master, signed adverts, takeover', async () => {
  const key1File = join(e.runDir, 'vrrp60_1');
  writeFileSync(key1File, `hex:${Buffer.from(KEY1).toString('hex')}\n`, { mode: 0o600 });
  const hmac = (active: number): string[] => ['auth_hmac {', `    key 1 file:${key1File}`, `    key 2 hex:${KEY2_HEX}`, `    active_key ${active}`, '}'];
  const unicast = (self: LabHost, peer: LabHost): string[] => [`unicast_src_ip ${self.ip4}`, 'unicast_peer {', `    ${peer.ip4}`, '}'];
  const [h1, h2] = [e.host(1), e.host(2)];
  const vip = '192.0.2.130';
  const d1 = e.daemon(h1, conf('hm1', 150, `${vip}/24`, [...unicast(h1, h2), ...hmac(1)]));
  const d2 = e.daemon(h2, conf('hm2', 100, `${vip}/24`, [...unicast(h2, h1), ...hmac(2)]));
  const pcap = join(e.runDir, 'h2.pcap');
  const cap = new PcapCapture(e.lab, h2, pcap, 'ip proto 112');
  await cap.ready;
  const frames = await e.capture(h2, 'ip proto 112');
  const vips = e.watch();
  d1.start();
  d2.start();
  await e.waitHolders(vip, ['h1'], 15_000);
  await sleep(1500);
  assert.deepEqual(e.holders(vip), ['h1'], 'one master');
  const s2 = (await e.stats(d2))['VI_H']!;
  assert.ok((s2['Advertisements.Received'] ?? 0) >= 2, `h2 accepted h1's adverts: ${JSON.stringify(s2)}`);
  for (const k of ['Missing', 'Malformed', 'Unknown Key', 'Invalid HMAC', 'Stale', 'Replay']) assert.equal(s2[`Authentication Extension Errors.${k}`], 0, k);
  await cap.stop();

  // What h1 put on the wire (and h2 received): each advert with a trailer that verifies.
  const settings: HmacSettings = { keys: new Map([[1, KEY1]]), activeKey: 1, mode: 'enforce', antiReplayTime: true, timeWindowS: 5 };
  const replay = new HmacReplayTable();
  const file = readPcap(new Uint8Array(readFileSync(pcap)));
  let verified = 0;
  for (const r of file.records) {
    const ip = linkPayload(file.linkType, r.data)?.ip;
    const d = ip ? decodeIpv4Datagram(ip) : null;
    if (!d?.ok || formatIp(d.value.src) !== h1.ip4) continue;
    const adv = decodeAdvert(d.value.payload, { family: 4, src: d.value.src, dst: d.value.dst });
    assert.ok(adv.ok && adv.value.authExt, 'an advert with a trailer, its checksum good');
    const ext = adv.value.authExt;
    assert.equal(ext.trailer[1], 1, 'h1 signs with key 1');
    const why = checkTrailer(settings, replay, hmacPseudoHeader(4, 3, 60, d.value.src), ext.message, ext.trailer, d.value.src, Date.now());
    assert.equal(why, null);
    verified++;
  }
  assert.ok(verified >= 3, `${verified} of h1's adverts verified`);

  const tKillUs = d1.hardKill();
  await expectTakeoverAfterKill(e, vips, frames, { host: 'h2', from: 'h1', vip, vrid: 60, tKillUs, version: 3, priority: 100, advertS: 0.5, label: 'auth_hmac unicast' });
  await d2.stop();
  await d1.waitGone();
});

test('auth_hmac, VRRPv3 IPv6 multicast: one master; the backup with another key: both MASTER, Invalid HMAC counted on both', async () => {
  const hmac = (hex: string): string[] => ['auth_hmac {', `    key 3 hex:${hex}`, '}'];
  const [h1, h2] = [e.host(1), e.host(2)];
  const vip = '2001:db8::130';
  const right = 'c3'.repeat(32);
  const d1 = e.daemon(h1, conf('hm6a', 150, `${vip}/64`, hmac(right)));
  const d2 = e.daemon(h2, conf('hm6b', 100, `${vip}/64`, hmac(right)));
  d1.start();
  d2.start();
  await e.waitHolders(vip, ['h1'], 15_000);
  await sleep(1500);
  assert.deepEqual(e.holders(vip), ['h1'], 'one master');
  assert.ok(((await e.stats(d2))['VI_H']!['Advertisements.Received'] ?? 0) >= 2, 'h2 accepts h1 (kernel checksum over message and trailer)');

  await d2.stop();
  await d2.waitGone();
  d2.writeConf(conf('hm6b', 100, `${vip}/64`, hmac('3c'.repeat(32))));
  const t = nowUs();
  d2.start();
  await e.waitHolders(vip, ['h1', 'h2'], 15_000);
  await sleep(2000);
  assert.deepEqual(e.holders(vip).sort(), ['h1', 'h2'], 'both stay MASTER');
  for (const d of [d1, d2]) {
    const s = (await e.stats(d))['VI_H']!;
    assert.ok((s['Authentication Extension Errors.Invalid HMAC'] ?? 0) >= 3, `${d.host.name}: ${JSON.stringify(s)}`);
    await waitFor(() => d.lines.some((l) => l.tUs >= t && l.text.includes('Authentication extension error from') && l.text.endsWith('Invalid HMAC')), 3000, () => `${d.host.name} logs the refusal`);
  }
});
