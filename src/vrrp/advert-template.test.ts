import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KaError } from '../core/errors.js';
import { mulberry32 } from '../test-kit/prng.js';
import { advert, ip, randomAdvert } from '../test-kit/vrrp-adverts.js';
import { buildAdvertTemplate, checksumAdjust } from './advert-template.js';
import { decodeIpv4Datagram } from './ip-header.js';
import { encodeAdvert, MCAST_GROUP4_BYTES, MCAST_GROUP6_BYTES } from './packet.js';
import { internetChecksum } from '../core/checksum.js';

const SRC4 = ip('192.0.2.11');
const SRC6 = ip('fe80::1');

test('checksumAdjust equals a full recompute (RFC 1624)', () => {
  const r = mulberry32(99);
  for (let i = 0; i < 2000; i++) {
    const data = r.bytes(2 * r.int(2, 20));
    const at = 2 * r.int(0, data.length / 2 - 1);
    const before = internetChecksum(data);
    const old = data.slice(at, at + 2);
    data[at] = r.int(0, 255);
    data[at + 1] = r.int(0, 255);
    const patched = checksumAdjust(before, old, data.subarray(at, at + 2));
    // Both forms must verify; RFC 1624 eqn. 3 never yields the other zero except for all-zero data.
    const full = internetChecksum(data);
    assert.ok(patched === full || (patched ^ full) === 0xffff, `patched ${patched} full ${full}`);
  }
});

test('template: setPriority / setDestination give the bytes a fresh encode gives', () => {
  const r = mulberry32(7);
  for (let i = 0; i < 500; i++) {
    const adv = randomAdvert(r);
    const src = adv.family === 4 ? SRC4 : SRC6;
    const group = adv.family === 4 ? MCAST_GROUP4_BYTES : MCAST_GROUP6_BYTES;
    const mode = adv.version === 3 ? r.pick(['pseudo-header', 'v2-style', 'old-unicast'] as const) : undefined;
    const opts = { family: adv.family, src, dst: group, ...(mode ? { checksumMode: mode } : {}) };
    const t = buildAdvertTemplate(adv, { ...opts, ipv4Header: {} });
    assert.deepEqual(t.payload, encodeAdvert(adv, opts));
    for (let k = 0; k < 5; k++) {
      const prio = r.int(0, 255);
      const dst = r.chance(0.5) ? group : r.bytes(adv.family === 4 ? 4 : 16);
      t.setPriority(prio);
      t.setDestination(dst);
      assert.equal(t.priority, prio);
      assert.deepEqual(t.dst, dst);
      const fresh = encodeAdvert({ ...adv, priority: prio }, { ...opts, dst });
      assert.deepEqual([...fresh.subarray(0, 6)], [...t.payload.subarray(0, 6)]);
      const a = (fresh[6]! << 8) | fresh[7]!;
      const b = (t.payload[6]! << 8) | t.payload[7]!;
      assert.ok(a === b || (a ^ b) === 0xffff, `checksum ${a.toString(16)} vs ${b.toString(16)}`);
    }
    if (adv.family === 4) {
      const d = decodeIpv4Datagram(t.datagram);
      assert.ok(d.ok);
      assert.deepEqual(d.value.dst, t.dst);
      assert.deepEqual(d.value.payload, t.payload);
    } else {
      assert.equal(t.datagram.length, t.payload.length); // IPv6: the kernel builds the header
    }
  }
});

test('template rejects a wrong-size destination and an impossible priority', () => {
  const t = buildAdvertTemplate(advert(), { family: 4, src: SRC4, dst: MCAST_GROUP4_BYTES });
  assert.throws(() => t.setDestination(MCAST_GROUP6_BYTES), KaError);
  assert.throws(() => t.setPriority(256), KaError);
  assert.equal(t.datagram.length, 12);
});
