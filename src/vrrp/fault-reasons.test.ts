// keepalived 2.2.7's start-up fault lines, as Debian's binary printed them in a lab namespace
// for an interface down, a track_file of weight 0 with a non-zero value and a
// vrrp_track_process below its quorum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startupFaultLines } from './fault-reasons.js';

test('one line per fault, the own interface first, in keepalived 2.2.7 words (the process line has no colon)', () => {
  assert.deepEqual(startupFaultLines({ name: 'VI_1', interface: 'eth0', family: 4 }, ['file:tf', 'interface:eth1', 'interface:eth0', 'process:pr']), [
    '(VI_1): entering FAULT state (interface eth0 down)',
    '(VI_1): entering FAULT state (tracked file tf has status -254)',
    '(VI_1): entering FAULT state (interface eth1 down)',
    '(VI_1) entering FAULT state (tracked process pr quorum not achieved)',
  ]);
});
