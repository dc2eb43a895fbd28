/**
 * Config → adverts against keepalived 2.2.7: each capture's keepalived.conf, compiled and sent
 * through InstanceAdvert, gives the bytes keepalived put on the wire (test/fixtures).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileTestConfig } from '../test-kit/fsm-params.js';
import { fromHex, toHex } from '../test-kit/pcap.js';
import { ip, REPO_ROOT, type KeepalivedAdvertFixture } from '../test-kit/vrrp-adverts.js';
import { InstanceAdvert, type AdvertSender } from './instance-advert.js';

const fixture = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'keepalived-adverts.json'), 'utf8')) as KeepalivedAdvertFixture;

for (const cap of fixture.captures) {
  test(`InstanceAdvert from keepalived's config ${cap.name}: the bytes keepalived sent`, () => {
    const cfg = compileTestConfig(cap.config).vrrpInstances[0]!;
    for (const f of cap.frames) {
      const sent: { bytes: string; dst: string; v: 4 | 6 }[] = [];
      const sender: AdvertSender = {
        sendV4: (packet, dst) => (sent.push({ bytes: toHex(packet), dst: toHex(dst), v: 4 }), true),
        sendV6: (payload, dst) => (sent.push({ bytes: toHex(payload), dst: toHex(dst), v: 6 }), true),
      };
      const payload = fromHex(f.vrrp);
      new InstanceAdvert(cfg, ip(f.src)).send(sender, payload[2]!);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.dst, toHex(ip(f.dst)));
      if (cap.family === 6) {
        assert.equal(sent[0]!.v, 6);
        assert.equal(sent[0]!.bytes, f.vrrp);
      } else {
        // The kernel fills the IPv4 ID and header checksum (raw(7) IP_HDRINCL); the rest is ours.
        const theirs = fromHex(f.ip);
        theirs.fill(0, 4, 6);
        theirs.fill(0, 10, 12);
        assert.equal(sent[0]!.v, 4);
        assert.equal(sent[0]!.bytes, toHex(theirs));
      }
    }
  });
}
