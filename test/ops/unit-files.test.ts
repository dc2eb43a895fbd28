/**
 * The shipped systemd units (packaging/systemd/): systemd-analyze accepts them, and the
 * hardened one's capability set is enough: keepalived-ts runs as user nobody with exactly
 * the unit's AmbientCapabilities in a lab namespace, becomes MASTER and adds its VIP — and
 * without them it cannot open its VRRP socket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_KTS_BIN } from '../lab/lab-daemon.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import { createLab } from '../lab/netns.js';
import { sleep } from '../lab/proc.js';

const UNITS = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packaging', 'systemd');
const NOBODY = 65534;

const unitText = (name: string): string => readFileSync(join(UNITS, name), 'utf8');

test('systemd-analyze verify accepts both units', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-units-'));
  try {
    const files = ['keepalived-ts.service', 'keepalived-ts-non-root.service'].map((name) => {
      // The units name the npm -g path; point them at this build so the executable exists.
      const p = join(dir, name);
      writeFileSync(p, unitText(name).replaceAll('/usr/local/bin/keepalived-ts', DEFAULT_KTS_BIN));
      return p;
    });
    const r = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' });
    const complaints = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('keepalived-ts'));
    assert.deepEqual(complaints, []);
    assert.equal(r.status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the root unit keeps Debian keepalived.service semantics', () => {
  const u = unitText('keepalived-ts.service');
  for (const line of ['Type=notify', 'EnvironmentFile=-/etc/default/keepalived', 'ExecReload=/bin/kill -HUP $MAINPID', 'ConditionFileNotEmpty=/etc/keepalived/keepalived.conf']) {
    assert.ok(u.split('\n').includes(line), line);
  }
  assert.match(u, /^ExecStart=\S+keepalived-ts --dont-fork \$DAEMON_ARGS$/m);
});

function ambientCaps(): string[] {
  const line = /^AmbientCapabilities=(.*)$/m.exec(unitText('keepalived-ts-non-root.service'))?.[1] ?? '';
  return line.split(/\s+/).filter(Boolean);
}

test("as user nobody with the hardened unit's capabilities: MASTER with its VIP; without them: no VRRP socket", async () => {
  const caps = ambientCaps();
  assert.ok(caps.includes('CAP_NET_ADMIN') && caps.includes('CAP_NET_RAW'));
  const lab = createLab(1, 'nrt');
  const dir = mkdtempSync(join(tmpdir(), 'kts-nonroot-'));
  chmodSync(dir, 0o755);
  const runDir = join(dir, 'run');
  mkdirSync(runDir);
  chownSync(runDir, NOBODY, NOBODY);
  const conf = join(dir, 'keepalived.conf');
  writeFileSync(conf, keepalivedConf({ routerId: 'nr', vrrpVersion: 2, instances: [{ name: 'VI_1', iface: 'eth0', vrid: 71, priority: 150, advertInt: 1, vips: ['198.51.100.71/32'] }] }));
  chmodSync(conf, 0o644);
  const setpriv = (withCaps: boolean): string[] => {
    const list = caps.map((c) => `+${c.replace(/^CAP_/, '').toLowerCase()}`).join(',');
    return ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...(withCaps ? [`--inh-caps=${list}`, `--ambient-caps=${list}`] : [])];
  };
  const daemon = [process.execPath, DEFAULT_KTS_BIN, '-n', '-l', '-G', '-f', conf, '-p', join(runDir, 'k.pid'), '-r', join(runDir, 'v.pid'), '-c', join(runDir, 'c.pid')];
  try {
    // Without capabilities: the VRRP child cannot open its raw socket and the daemon stops.
    const bare = lab.spawn(lab.host(1), [...setpriv(false), ...daemon], { stdio: ['ignore', 'pipe', 'pipe'] });
    let bareLog = '';
    bare.stdout?.on('data', (b: Buffer) => (bareLog += b.toString()));
    bare.stderr?.on('data', (b: Buffer) => (bareLog += b.toString()));
    const until = Date.now() + 15_000;
    while (bare.exitCode === null && Date.now() < until) await sleep(50);
    if (bare.exitCode === null) bare.kill('SIGKILL');
    assert.notEqual(bare.exitCode, 0, bareLog);
    assert.match(bareLog, /EPERM|EACCES|Operation not permitted|permission/i);

    const p = lab.spawn(lab.host(1), [...setpriv(true), ...daemon], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    p.stdout?.on('data', (b: Buffer) => (log += b.toString()));
    p.stderr?.on('data', (b: Buffer) => (log += b.toString()));
    try {
      const deadline = Date.now() + 15_000;
      while (!/\(VI_1\) Entering MASTER STATE/.test(log) && Date.now() < deadline) await sleep(50);
      assert.match(log, /\(VI_1\) Entering MASTER STATE/);
      await sleep(300);
      assert.match(lab.exec(lab.host(1), ['ip', '-4', 'addr', 'show', 'dev', 'eth0']), /198\.51\.100\.71\/32/);
      const status = readFileSync(`/proc/${p.pid ?? 0}/status`, 'utf8');
      assert.match(status, /^Uid:\s+65534\s/m, 'runs as nobody');
    } finally {
      p.kill('SIGTERM');
      const deadline = Date.now() + 10_000;
      while (p.exitCode === null && Date.now() < deadline) await sleep(50);
      if (p.exitCode === null) p.kill('SIGKILL');
    }
    assert.equal(p.exitCode, 0, log);
    assert.doesNotMatch(lab.exec(lab.host(1), ['ip', '-4', 'addr', 'show', 'dev', 'eth0']), /198\.51\.100\.71/, 'VIP removed at stop');
  } finally {
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
});
