import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusDocument } from '../process/control-protocol.js';
import { formatAge, formatInstance, formatStatus } from './status-format.js';

const doc: StatusDocument = {
  schema: 'keepalived-ts/status',
  version: 1,
  generatedAtWallMs: 1_000_000,
  daemon: {
    pid: 10, version: '0.1.0', compatibleWith: '2.2.7', configFile: '/etc/keepalived/keepalived.conf', startedAtWallMs: 1_000_000 - 3_723_000, ready: true,
    lastReload: { atWallMs: 1_000_000 - 65_000, ok: false, reason: 'configuration cannot run: x' },
    children: [{ kind: 'vrrp', pid: 11, ready: true, lastHeartbeatWallMs: 1_000_000 - 1200, restarts: 1 }],
  },
  instances: [
    {
      name: 'VI_1', vrid: 51, family: 4, interface: 'eth0', version: 2, state: 'BACKUP', effectivePriority: 90, basePriority: 100, sourceAddress: '192.0.2.12',
      masterAddress: '192.0.2.11', masterPriority: 150, lastAdvertWallMs: 1_000_000 - 800, vips: ['198.51.100.1/32 dev eth0'],
      trackers: [{ kind: 'interface', name: 'eth1', state: 'down', weight: -10 }], faultSources: [], syncGroup: 'G1',
      lastTransition: { from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert', atWallMs: 1_000_000 - 192_000 },
    },
  ],
  virtualServers: [
    {
      name: '[198.51.100.80]:tcp:80', quorumUp: true,
      realServers: [
        { name: '[192.0.2.20]:tcp:80', address: '192.0.2.20', port: 80, alive: true, configuredWeight: 2, effectiveWeight: 2, checkers: [{ type: 'HTTP_GET', state: 'up' }] },
        { name: '[192.0.2.21]:tcp:80', address: '192.0.2.21', port: 80, alive: false, configuredWeight: 1, effectiveWeight: 1, checkers: [{ type: 'TCP_CHECK', state: 'down' }] },
      ],
    },
  ],
};

test('ages', () => {
  assert.deepEqual([formatAge(850), formatAge(4210), formatAge(192_000), formatAge(7_380_000), formatAge(450_000_000), formatAge(-5)], ['850 ms', '4.2 s', '3m12s', '2h03m', '5d05h', '0 ms']);
});

test('summary: daemon line, instance table, virtual servers with their real servers', () => {
  const text = formatStatus(doc);
  assert.match(text, /^keepalived-ts 0\.1\.0 \(keepalived 2\.2\.7\) pid 10, up 1h02m, ready; last reload 1m05s ago: FAILED \(configuration cannot run: x\)$/m);
  assert.match(text, /^children: vrrp pid 11, 1 restart\(s\), heartbeat 1\.2 s ago$/m);
  assert.match(text, /^ Instance\s+Interface\s+VRID\s+Family\s+Prio\(eff\/base\)\s+State\s+Master\s+Last advert\s+VIPs$/m);
  assert.match(text, /^ VI_1\s+eth0\s+51\s+IPv4\s+90\/100\s+BACKUP\s+192\.0\.2\.11\s+800 ms ago\s+1$/m);
  assert.match(text, /^ \[198\.51\.100\.80\]:tcp:80 {2}quorum up, 1\/2 real servers up$/m);
  assert.match(text, /^ {3}\[192\.0\.2\.21\]:tcp:80 {2}DOWN {2}weight 1\/1 {2}TCP_CHECK down$/m);
});

test('one instance in detail', () => {
  const inst = doc.instances[0];
  assert.ok(inst);
  const text = formatInstance(doc, inst);
  assert.match(text, /^VRRP instance VI_1$/m);
  assert.match(text, /^ {2}State {11}BACKUP since \S+ \(3m12s ago\), from MASTER: higher-priority-advert$/m);
  assert.match(text, /^ {2}Master {10}192\.0\.2\.11, priority 150$/m);
  assert.match(text, /^ {2}Trackers {8}interface eth1: down \(weight -10\)$/m);
  assert.match(text, /^ {2}Sync group {6}G1$/m);
});
