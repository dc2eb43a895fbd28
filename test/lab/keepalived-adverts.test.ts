/**
 * Live wire check against the real keepalived (Debian 12: 2.2.7): run it in h1 of a netns
 * lab, capture its VRRPv3 adverts in h2, and require our encoder to produce the same bytes.
 * The committed fixture (test/fixtures/keepalived-adverts.json) covers more configs offline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIp } from '../../src/core/ip.js';
import { decodeAdvert, encodeAdvert } from '../../src/vrrp/packet.js';
import { toHex } from '../../src/test-kit/pcap.js';
import { createLab } from './netns.js';
import { captureOne, SPECS } from './capture-keepalived-adverts.js';

const bytes = (s: string): Uint8Array => parseIp(s)!.bytes;

test('real keepalived v3 adverts (0.1 s) equal our encoding, including the priority-0 one at stop', async () => {
  for (const bin of ['/usr/sbin/keepalived', '/usr/bin/tcpdump']) {
    assert.ok(existsSync(bin), `${bin} missing: apt-get install keepalived tcpdump`);
  }
  const spec = SPECS.find((s) => s.name === 'v3-ipv4-100ms')!;
  const lab = createLab(2, 'kadv');
  const dir = mkdtempSync(join(tmpdir(), 'kts-kadv-'));
  try {
    const frames = await captureOne(lab, spec, dir);
    assert.ok(frames.length >= spec.count);
    const prios = new Set<number>();
    for (const f of frames) {
      const src = bytes(f.src);
      const dst = bytes(f.dst);
      const r = decodeAdvert(Uint8Array.from(Buffer.from(f.vrrp, 'hex')), { family: 4, src, dst });
      assert.ok(r.ok, r.ok ? '' : r.reason);
      prios.add(r.value.priority);
      const ours = encodeAdvert(
        { version: 3, family: 4, vrid: spec.expect.vrid, priority: r.value.priority, advertIntCs: spec.expect.advertIntCs, authType: 0, authData: null, addresses: spec.expect.addresses.map(bytes) },
        { family: 4, src, dst },
      );
      assert.equal(toHex(ours), f.vrrp);
    }
    assert.ok(prios.has(spec.expect.priority));
    assert.ok(prios.has(0), 'keepalived sends priority 0 when it stops as master');
  } finally {
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
});
