// The drop log rate limit: per reason, a burst per window, the rest counted and summed up once
// the window is over; the drop counters stay exact under a flood.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../core/logger.js';
import { compileTestConfig } from '../test-kit/fsm-params.js';
import { advert, ip, ipv4Datagram } from '../test-kit/vrrp-adverts.js';
import { DropLogLimiter } from './drop-log-limit.js';
import { MCAST_GROUP4_BYTES } from './packet.js';
import { emptySocketReceiveState, receiveDatagram, receiveState, type ReceiveEnv, type ReceiveTarget } from './receive.js';

const LIMITS = { burst: 3, windowMs: 1000 };

test('a burst per reason and window, then suppression counted; other reasons keep their own burst', () => {
  const started: number[] = [];
  const lim = new DropLogLimiter(LIMITS, (at) => started.push(at));
  const ttl = Array.from({ length: 8 }, (_, i) => lim.admit('ttl', 100 + i));
  assert.deepEqual(ttl, [true, true, true, false, false, false, false, false]);
  assert.equal(lim.admit('checksum', 120), true);
  assert.deepEqual(started, [1100], 'one timer per suppressing window, at its end');
  assert.deepEqual(lim.summaries(1099), [], 'nothing before the window is over');
  assert.deepEqual(lim.summaries(1100), ['VRRP receive log (ttl): 5 more line(s) suppressed in 1 s; the counters have every packet']);
  assert.deepEqual(lim.summaries(5000), [], 'said once; a window without suppression says nothing');
  // A new window logs again.
  assert.equal(lim.admit('ttl', 5001), true);
});

test('a flood through the receive pipeline: every drop counted, a few lines logged, the rest summed up', () => {
  const config = compileTestConfig('vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n version 2\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n');
  const target: ReceiveTarget = { receive: receiveState(config.vrrpInstances[0]!, 2), advertReceived: () => assert.fail('a dropped advert was delivered') };
  const sock = emptySocketReceiveState(MCAST_GROUP4_BYTES);
  sock.byVrid.set(51, [target]);
  let nowMs = 0;
  const { logger, records } = memoryLogger('test', 'info');
  const env: ReceiveEnv = { log: logger, ownAddresses: () => [], dropLog: { limiter: new DropLogLimiter(LIMITS), nowMs: () => nowMs } };
  const bad = ipv4Datagram(advert({ version: 2, vrid: 51, authData: new Uint8Array(8), addresses: [ip('192.0.2.100')] }), { src: ip('192.0.2.12'), ttl: 64 });
  for (let i = 0; i < 10_000; i++) {
    nowMs = i * 0.05; // 10,000 in 0.5 s: one window
    receiveDatagram(sock, bad, env);
  }
  assert.equal(target.receive.drops.ttl, 10_000);
  assert.deepEqual(
    records.map((r) => r.msg),
    Array.from({ length: LIMITS.burst }, () => '(VI_1) invalid TTL/HL. Received 64 and expect 255'),
  );
  // The next drop after the window is over brings the summary first.
  nowMs = 2000;
  receiveDatagram(sock, bad, env);
  assert.deepEqual(records.slice(LIMITS.burst).map((r) => r.msg), [
    'VRRP receive log (ttl): 9997 more line(s) suppressed in 1 s; the counters have every packet',
    '(VI_1) invalid TTL/HL. Received 64 and expect 255',
  ]);
  assert.equal(target.receive.drops.ttl, 10_001);
});
