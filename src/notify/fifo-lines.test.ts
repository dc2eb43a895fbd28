import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../config/read-config.js';
import { endpointTrio, fifoEventLine, fifoEventSide, realServerName } from './fifo-lines.js';

const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

test('VRRP instance and group lines are exactly keepalived 2.2.7\'s', () => {
  assert.equal(fifoEventLine({ type: 'instance', name: 'VI_1', state: 'MASTER', priority: 100 }), 'INSTANCE "VI_1" MASTER 100\n');
  assert.equal(fifoEventLine({ type: 'instance', name: 'VI_B', state: 'BACKUP_PRIORITY', priority: 110 }), 'INSTANCE "VI_B" BACKUP_PRIORITY 110\n');
  assert.equal(fifoEventLine({ type: 'instance', name: 'VI_A', state: 'MASTER_RX_LOWER_PRI', priority: 150 }), 'INSTANCE "VI_A" MASTER_RX_LOWER_PRI 150\n');
  assert.equal(fifoEventLine({ type: 'group', name: 'SG1', state: 'BACKUP' }), 'GROUP "SG1" BACKUP 0\n');
});

test('checker VS and RS lines: exact bytes, newline-terminated, no NUL', () => {
  const vs = fifoEventLine({ type: 'vs', vs: '[192.168.201.15]:tcp:80', up: true });
  assert.equal(vs, 'VS [192.168.201.15]:tcp:80 UP\n');
  assert.equal(bytes(vs), bytes('VS [192.168.201.15]:tcp:80 UP') + '0a');
  const rs = fifoEventLine({ type: 'rs', rs: '[1.2.3.4]:tcp:80', vs: '[192.168.201.15]:tcp:80', up: false });
  assert.equal(rs, 'RS [1.2.3.4]:tcp:80 [192.168.201.15]:tcp:80 DOWN\n');
  assert.ok(!rs.includes('\0'));
  assert.equal(fifoEventLine({ type: 'vs', vs: 'FWM 7', up: false }), 'VS FWM 7 DOWN\n');
  assert.equal(fifoEventLine({ type: 'vs', vs: '[web]:0', up: true }), 'VS [web]:0 UP\n');
});

test('endpoint trio: lowercase protocol, brackets for both families, none without protocol', () => {
  assert.equal(endpointTrio({ family: 4, address: '1.2.3.4', port: 80 }, 'TCP'), '[1.2.3.4]:tcp:80');
  assert.equal(endpointTrio({ family: 6, address: '2001:db8::1', port: 53 }, 'UDP'), '[2001:db8::1]:udp:53');
  assert.equal(endpointTrio({ family: 4, address: '1.2.3.4', port: 0 }, undefined), '[1.2.3.4]:none:0');
});

test('events are routed to the VRRP or the LVS side', () => {
  assert.equal(fifoEventSide({ type: 'group', name: 'G', state: 'MASTER' }), 'vrrp');
  assert.equal(fifoEventSide({ type: 'rs', rs: 'a', vs: 'b', up: true }), 'lvs');
});

test('realServerName and VirtualServerConfig.name give the names keepalived 2.2.7 put in its mails', () => {
  const conf = fileURLToPath(new URL('../../../test/fixtures/smtp/capture/checker.conf', import.meta.url));
  const { config } = readConfigFile(conf);
  const names = config.virtualServers.flatMap((vs) => vs.realServers.map((rs) => `${realServerName(rs, vs)} of virtual server ${vs.name}`));
  // Subjects of test/fixtures/smtp/rs-*.raw (captured from keepalived with this config).
  assert.deepEqual(names, [
    '[198.51.100.2]:tcp:8080 of virtual server [198.51.100.100]:tcp:80',
    '[198.51.100.2]:tcp:8080 of virtual server [198.51.100.101]:tcp:80',
    '[198.51.100.3]:none:0 of virtual server FWM 5',
    '[198.51.100.2]:udp:53 of virtual server [198.51.100.102]:udp:53',
    '[198.51.100.4]:udp:53 of virtual server [198.51.100.102]:udp:53',
    '[198.51.100.2]:tcp:2526 of virtual server [198.51.100.103]:tcp:25',
  ]);
});
