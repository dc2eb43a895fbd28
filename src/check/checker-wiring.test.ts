import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OPTIONS, type CliOptions } from '../process/options.js';
import { memoryLogger } from '../core/logger.js';
import { FakeClock } from '../test-kit/fake-clock.js';
import { FakeIpvs, lvsConfig, ScriptedProbes } from '../test-kit/lvs-sim.js';
import type { ChildContext } from '../process/child-api.js';
import { CheckerDaemon } from './daemon.js';
import type { CheckerEffect } from './effects.js';
import { watchTrackFile } from './file-watch.js';
import { checkerSyncDaemon, LvsGlobals, lvsTimeoutsFrom } from './lvs-sync-daemon.js';
import { fileCheckEvents, resolveFileCheckWeight } from './track-files.js';

const VS = (rsBody = '  TCP_CHECK {\n   warmup 0\n  }\n'): string => `virtual_server 192.0.2.1 80 {
 lb_algo rr
 lb_kind NAT
 protocol TCP
 real_server 192.0.2.10 8080 {
${rsBody} }
}
`;

async function daemon(conf: string, ipvs: FakeIpvs, options: Partial<CliOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kts-wire-'));
  const path = join(dir, 'k.conf');
  writeFileSync(path, conf.replaceAll('@DIR@', dir));
  const { logger, records } = memoryLogger('Keepalived_healthcheckers', 'info');
  const ctx: ChildContext = { configPath: path, options: { ...DEFAULT_OPTIONS, ...options }, log: logger, ipc: { send: () => undefined, connected: false } };
  const probes = new ScriptedProbes();
  const effects: CheckerEffect[] = [];
  const d = new CheckerDaemon(ctx, {
    clock: new FakeClock(),
    random: () => 0.5,
    scripts: { run: () => Promise.resolve(0) },
    sink: { onEffect: (e) => effects.push(e) },
    createProbe: () => probes.probe('x'),
    openIpvs: () => Promise.resolve(ipvs),
    watchTrackFile: (o, cb) => watchTrackFile({ ...o, pollMs: 20 }, cb),
  });
  await d.start();
  return { d, dir, effects, lines: () => records.map((r) => r.msg), done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('lvs_timeouts / lvs_sync_daemon model helpers', () => {
  const g = lvsConfig(`global_defs {\n lvs_timeouts tcp 7200 udp 60\n lvs_sync_daemon eth0 id 5 maxlen 1400 port 8848 ttl 2 group 224.0.0.81\n}\n${VS()}`).globalDefs;
  assert.deepEqual(lvsTimeoutsFrom(g), { tcpS: 7200, tcpfinS: 0, udpS: 60 });
  assert.equal(checkerSyncDaemon(g)?.interface, 'eth0');
  const linked = lvsConfig(`global_defs {\n lvs_sync_daemon eth0 VI_1\n}\n${VS()}`).globalDefs;
  assert.equal(checkerSyncDaemon(linked), null, 'a VRRP-linked sync daemon is the VRRP process’s');
  assert.equal(lvsTimeoutsFrom(linked), null);
});

test('daemon: lvs_timeouts and an unlinked lvs_sync_daemon at start, stop at shutdown even with -I', async () => {
  const ipvs = new FakeIpvs();
  const r = await daemon(`global_defs {\n lvs_timeouts tcp 7200 tcpfin 30 udp 60\n lvs_sync_daemon eth0 id 5 maxlen 1400 port 8848 ttl 2 group 224.0.0.81\n}\n${VS()}`, ipvs, { dontReleaseIpvs: true });
  try {
    const spec = (state: string): string => `start {"state":"${state}","interface":"eth0","syncId":5,"maxLen":1400,"mcastGroup":"224.0.0.81","mcastPort":8848,"mcastTtl":2}`;
    assert.deepEqual(ipvs.control, ['timeouts 7200/30/60', 'stop master', 'stop backup', spec('master'), spec('backup')]);
    await r.d.handle().shutdown();
    assert.deepEqual(ipvs.control.slice(5), ['stop master', 'stop backup']);
    assert.deepEqual(ipvs.summary(), ['192.0.2.1:80 192.0.2.10:8080=1'], '-I leaves IPVS as it is');
  } finally {
    r.done();
  }
});

test('daemon: a VRRP-linked sync daemon and no lvs_timeouts: no daemon or timeout calls; reload restarts a changed daemon', async () => {
  const ipvs = new FakeIpvs();
  const r = await daemon(`global_defs {\n lvs_sync_daemon eth0 VI_1\n}\n${VS()}`, ipvs);
  try {
    assert.deepEqual(ipvs.control, []);
    writeFileSync(join(r.dir, 'k.conf'), `global_defs {\n lvs_sync_daemon eth1\n lvs_timeouts udp 30\n}\n${VS()}`);
    await r.d.handle().reload();
    assert.deepEqual(ipvs.control, ['timeouts 0/0/30', 'start {"state":"master","interface":"eth1","syncId":0}', 'start {"state":"backup","interface":"eth1","syncId":0}']);
    await r.d.handle().reload();
    assert.equal(ipvs.control.length, 3, 'an unchanged reload touches nothing');
    await r.d.handle().shutdown();
    assert.deepEqual(ipvs.control.slice(3), ['stop master', 'stop backup']);
  } finally {
    r.done();
  }
});

test('FILE_CHECK weight falls back to the track_file block when unset or 0 (keepalived)', () => {
  const tf = { weight: -3, reverse: true };
  assert.deepEqual(resolveFileCheckWeight({ reverse: false }, tf), { weight: -3, reverse: true });
  assert.deepEqual(resolveFileCheckWeight({ weight: 0, reverse: false }, tf), { weight: -3, reverse: true });
  assert.deepEqual(resolveFileCheckWeight({ weight: 4, reverse: false }, tf), { weight: 4, reverse: false });
  assert.deepEqual(fileCheckEvents({ up: true, weightDelta: 6 }, { up: false, weightDelta: 0 }), [{ up: false, reason: 'track file' }, { weightDelta: 0 }]);
  assert.deepEqual(fileCheckEvents({ up: false, weightDelta: 0 }, { up: true, weightDelta: 2 }), [{ weightDelta: 2 }, { up: true }]);
});

const waitFor = async (what: string, ok: () => boolean): Promise<void> => {
  const end = Date.now() + 3000;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('daemon: FILE_CHECK watches its track_file: primed at start, then up/down and weight events; closed at shutdown', async () => {
  const ipvs = new FakeIpvs();
  const conf = `track_file TFW {\n file "@DIR@/w"\n weight 2\n}\ntrack_file TF0 {\n file "@DIR@/z"\n weight 0\n}\n${VS('  FILE_CHECK {\n   track_file TFW\n  }\n')}`.replace(
    ' }\n}\n',
    ' }\n real_server 192.0.2.11 8080 {\n  FILE_CHECK {\n   track_file TF0\n  }\n }\n}\n',
  );
  const pre = mkdtempSync(join(tmpdir(), 'kts-wire-pre-'));
  // Missing files read as 0: both RSs up, no weight change.
  const r = await daemon(conf.replaceAll('@DIR@', pre), ipvs, { logDetail: true });
  try {
    assert.deepEqual(ipvs.summary(), ['192.0.2.1:80 192.0.2.10:8080=1 192.0.2.11:8080=1']);
    writeFileSync(join(pre, 'z'), '1\n');
    await waitFor('RS .11 down', () => r.effects.some((e) => e.type === 'rs-down'));
    await r.d.idle();
    assert.deepEqual(ipvs.summary(), ['192.0.2.1:80 192.0.2.10:8080=1']);
    assert.ok(r.lines().includes('([192.0.2.11]:tcp:8080): tracked file TF0 now FAULT state'), r.lines().join('\n'));
    writeFileSync(join(pre, 'w'), '3');
    await waitFor('weight 7', () => r.lines().some((l) => l.startsWith('Changing weight from 1 to 7')));
    writeFileSync(join(pre, 'z'), '0');
    await waitFor('RS .11 up', () => r.effects.some((e) => e.type === 'rs-up'));
    await r.d.idle();
    assert.deepEqual(ipvs.summary(), ['192.0.2.1:80 192.0.2.10:8080=7 192.0.2.11:8080=1']);
    await r.d.handle().shutdown();
    const n = r.effects.length;
    writeFileSync(join(pre, 'z'), '1');
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(r.effects.length, n, 'no events after shutdown');
  } finally {
    r.done();
    rmSync(pre, { recursive: true, force: true });
  }
});

test('daemon: FILE_CHECK state read at start-up decides the first table without notifications', async () => {
  const pre = mkdtempSync(join(tmpdir(), 'kts-wire-pre-'));
  writeFileSync(join(pre, 'z'), '1');
  writeFileSync(join(pre, 'w'), '2');
  const ipvs = new FakeIpvs();
  const conf = `track_file TFW {\n file "${pre}/w"\n weight 2\n}\ntrack_file TF0 {\n file "${pre}/z"\n weight 0\n}\n${VS('  FILE_CHECK {\n   track_file TFW\n  }\n')}`.replace(
    ' }\n}\n',
    ' }\n real_server 192.0.2.11 8080 {\n  FILE_CHECK {\n   track_file TF0\n  }\n }\n}\n',
  );
  const r = await daemon(conf, ipvs);
  try {
    assert.deepEqual(ipvs.summary(), ['192.0.2.1:80 192.0.2.10:8080=5']);
    assert.deepEqual(r.effects.filter((e) => e.type === 'rs-down' || e.type === 'rs-up'), []);
    // Reload with the file flipped meanwhile: the new watcher reports it as a transition.
    writeFileSync(join(pre, 'z'), '0');
    await r.d.handle().reload();
    await r.d.idle();
    assert.deepEqual(ipvs.summary(), ['192.0.2.1:80 192.0.2.10:8080=5 192.0.2.11:8080=1']);
    await r.d.handle().shutdown();
  } finally {
    r.done();
    rmSync(pre, { recursive: true, force: true });
  }
});

test('LvsGlobals logs and continues when IPVS refuses', async () => {
  const ipvs = new FakeIpvs();
  ipvs.setTimeouts = () => Promise.reject(new Error('EPERM'));
  const { logger, records } = memoryLogger('t', 'info');
  const g = new LvsGlobals(ipvs, logger);
  await g.apply(lvsConfig(`global_defs {\n lvs_timeouts tcp 5\n lvs_sync_daemon eth0\n}\n${VS()}`).globalDefs);
  assert.ok(records.some((l) => l.msg === 'Failed to set ipvs timeouts (EPERM)'));
  assert.equal(ipvs.control.filter((c) => c.startsWith('start')).length, 2);
});
