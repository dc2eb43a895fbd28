/**
 * keepalived-ts against Debian's keepalived 2.2.7, VRRPv3 at advert_int 0.2 (fast, yet the
 * graceful bound skew + margin stays well below master-down). See interop-scenario.ts.
 * Needs root, keepalived, tcpdump, tshark, python3; fails (does not skip) without them.
 */
import { test } from 'node:test';
import { assertInterop } from './interop-assert.js';
import { runInteropCase } from './interop-scenario.js';

test('interop VRRPv3/IPv4 multicast: keepalived ⇄ keepalived-ts', async (t) => {
  assertInterop(t, await runInteropCase({ tag: 'i3m', version: 3, family: 4, advertInt: 0.2 }));
});

test('interop VRRPv3/IPv4 unicast (unicast_src_ip + unicast_peer)', async (t) => {
  assertInterop(t, await runInteropCase({ tag: 'i3u', version: 3, family: 4, advertInt: 0.2, unicast: true }));
});

test('interop VRRPv3/IPv6 multicast (VIP 2001:db8::100/64)', async (t) => {
  assertInterop(t, await runInteropCase({ tag: 'i36', version: 3, family: 6, advertInt: 0.2 }));
});
