/**
 * keepalived-ts against Debian's keepalived 2.2.7, VRRPv2/IPv4 (advert_int 1: v2 has whole
 * seconds only, so each test takes ~40 s). See interop-scenario.ts for the rounds and checks.
 * Needs root, keepalived, tcpdump, tshark, python3; fails (does not skip) without them.
 */
import { test } from 'node:test';
import { assertInterop } from './interop-assert.js';
import { runInteropCase } from './interop-scenario.js';

test('interop VRRPv2/IPv4 multicast: keepalived ⇄ keepalived-ts', async (t) => {
  assertInterop(t, await runInteropCase({ tag: 'i2m', version: 2, family: 4, advertInt: 1 }));
});

test('interop VRRPv2/IPv4 multicast with PASS authentication', async (t) => {
  assertInterop(t, await runInteropCase({ tag: 'i2a', version: 2, family: 4, advertInt: 1, authPass: 'secret' }));
});

test('interop VRRPv2/IPv4 unicast (unicast_src_ip + unicast_peer)', async (t) => {
  assertInterop(t, await runInteropCase({ tag: 'i2u', version: 2, family: 4, advertInt: 1, unicast: true }));
});

test('interop VRRPv2/IPv4 multicast with IPsec AH authentication (auth_type AH)', async (t) => {
  assertInterop(t, await runInteropCase({ tag: 'i2h', version: 2, family: 4, advertInt: 1, authAh: 'secretpw' }));
});

test('interop VRRPv2/IPv4 unicast with IPsec AH (the TTL left out of the ICV) and a password keepalived truncates', async (t) => {
  assertInterop(t, await runInteropCase({ tag: 'i2hu', version: 2, family: 4, advertInt: 1, unicast: true, authAh: 'longpassword12' }));
});
