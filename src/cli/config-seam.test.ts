import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeConfigText } from './config-seam.js';

test('interim config summary finds subsystems and child_wait_time', () => {
  assert.deepEqual(summarizeConfigText('vrrp_instance VI_1 {\n}\n'), { hasVrrp: true, hasChecker: false, childWaitTimeS: 5 });
  assert.deepEqual(summarizeConfigText('child_wait_time 2\nvirtual_server 1.2.3.4 80 {\n}'), { hasVrrp: false, hasChecker: true, childWaitTimeS: 2 });
  assert.deepEqual(summarizeConfigText('# vrrp_instance X\n  ! virtual_server\nstatic_ipaddress {\n}'), { hasVrrp: true, hasChecker: false, childWaitTimeS: 5 });
});
