// Sample corpus (test/fixtures/samples, copied from keepalived's doc/samples, user guide and
// maintainer configs): every file parses without throwing; VRRP-only files are spot-checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './parse-config.js';
import type { KeepalivedConfig } from './model.js';
import { fsSourceReader } from './source/fs-reader.js';
import { walkFiles } from '../test-kit/walk-files.js';

const root = fileURLToPath(new URL('../../../test/fixtures/samples/', import.meta.url));


const load = (rel: string, configId = 'low'): ReturnType<typeof loadConfig> => loadConfig(join(root, rel), { reader: fsSourceReader, configId });

test('every corpus file loads without throwing', () => {
  const files = walkFiles(root);
  assert.ok(files.length >= 50, `corpus has ${files.length} files`);
  for (const f of files) {
    const r = loadConfig(f, { reader: fsSourceReader, configId: 'low' });
    assert.ok(Array.isArray(r.diagnostics), f);
    for (const d of r.diagnostics) assert.ok(d.loc === undefined || d.loc.line >= 1, `${f}: ${d.message}`);
  }
});

const summary = (c: KeepalivedConfig): string[] =>
  c.vrrpInstances.map((i) => `${i.name} vrid=${i.vrid} prio=${i.priority} ${i.initialState} adv=${i.advertIntCs} vips=${i.vips.map((v) => v.address).join(',')}`);

test('keepalived.conf.vrrp: four instances, no diagnostics', () => {
  const r = load('keepalived.conf.vrrp');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(summary(r.config), [
    'VI_1 vrid=51 prio=100 MASTER adv=100 vips=192.168.200.16,192.168.200.17,192.168.200.18,192.168.200.18',
    'VI_2 vrid=50 prio=50 BACKUP adv=100 vips=192.168.200.13,192.168.200.14,192.168.200.15',
    'VI_3 vrid=52 prio=100 MASTER adv=100 vips=192.168.201.13,192.168.201.14,192.168.201.15',
    'VI_4 vrid=53 prio=50 BACKUP adv=100 vips=192.168.201.16,192.168.201.17,192.168.201.18',
  ]);
  const vi1 = r.config.vrrpInstances[0]!;
  assert.equal(vi1.garp.masterDelayMs, 10000);
  assert.deepEqual(vi1.auth, { type: 'PASS', pass: '1111' });
  assert.equal(vi1.vips[3]!.label, 'eth0:1');
  assert.equal(r.config.globalDefs.routerId, 'LVS_DEVEL');
});

test('docker/keepalived.conf', () => {
  const r = load('docker/keepalived.conf');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(summary(r.config), ['VI_1 vrid=127 prio=100 BACKUP adv=100 vips=10.247.254.2']);
});

test('user guide quick-start and failover', () => {
  const q = load('userguide/quick-start.1.conf');
  assert.equal(q.config.vrrpInstances.length, 1);
  assert.equal(q.config.vrrpInstances[0]!.vrid, 51);
  const f = load('userguide/case-study-failover.1.conf');
  // keepalived 2.2.7 -t (with eth0 and eth1 present) clears MASTER for AH also in sync groups.
  assert.deepEqual(f.diagnostics.map((d) => d.message), ['(VI_1) Initial state master is incompatible with AH authentication - clearing', '(VI_2) Initial state master is incompatible with AH authentication - clearing']);
  assert.deepEqual(summary(f.config).map((s) => s.split(' adv')[0]), ['VI_1 vrid=51 prio=150 BACKUP', 'VI_2 vrid=52 prio=150 BACKUP', 'VI_3 vrid=53 prio=100 BACKUP', 'VI_4 vrid=54 prio=100 BACKUP']);
  // `auth_pass k@l!ve1`: the `!` starts a comment (keepalived.conf(5)).
  assert.deepEqual(f.config.vrrpInstances[0]!.auth, { type: 'AH', pass: 'k@l' });
  assert.deepEqual(f.config.vrrpSyncGroups.map((g) => [g.name, g.members]), [['VG1', ['VI_1', 'VI_2']], ['VG2', ['VI_3', 'VI_4']]]);
});

test('keepalived.conf (shipped default): keepalived 2.2.7 -t verdicts reproduced', () => {
  const r = load('keepalived.conf');
  const msgs = r.diagnostics.filter((d) => d.code !== 'KA_CFG_UNSUPPORTED').map((d) => d.message);
  assert.deepEqual(msgs, [
    "number '0' outside range [0.000001, 4294.967295]",
    "number '0' outside range [0.000001, 4294.967295]",
    '(VI_1) State MASTER must match being address owner',
    '(VI_1) Strict mode does not support authentication. Ignoring.',
  ]);
});

test('keepalived.conf.vrrp.lvs_syncd: sync group without inner group block', () => {
  const r = load('keepalived.conf.vrrp.lvs_syncd');
  assert.deepEqual(r.diagnostics.filter((d) => d.code === 'KA_CFG_UNKNOWN_KEYWORD').map((d) => d.message), ["Unknown keyword 'VI_2'", "Unknown keyword 'VI_3'"]);
});

test('devel-tools 1033.conf: include inside a vrrp_instance block', () => {
  const r = load('devel-tools/configs/1033.conf');
  const vi = r.config.vrrpInstances[0]!;
  assert.equal(vi.priority, 101);
  assert.equal(vi.initialState, 'MASTER');
  assert.ok(r.config.files.some((f) => f.endsWith('1033-role.conf')));
});

test('keepalived.conf.vrrp.static_ipaddress', () => {
  const r = load('keepalived.conf.vrrp.static_ipaddress');
  assert.ok(r.config.staticIpAddresses.length > 0);
  assert.equal(r.config.vrrpInstances[0]!.vrid, 51);
});
