/**
 * The signal dumps as mehdy/keepalived-exporter reads them (test/ops/exporter-rules.ts): the
 * same config is run by Debian's keepalived 2.2.7 and by keepalived-ts on one lab host, each
 * with /tmp private to it, and after SIGUSR1/SIGUSR2 both dumps must parse without error into
 * the same instances, states, interfaces, VRIDs and VIPs, and the same stats keys. Also `-v`:
 * on stderr, with a version the exporter accepts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_KTS_BIN } from '../lab/lab-daemon.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import { createLab, type Lab } from '../lab/netns.js';
import { sleep } from '../lab/proc.js';
import { EXPORTED_STATS, exporterVersion, parseData, parseStats, parseVip } from './exporter-rules.js';

const CONF = keepalivedConf({
  routerId: 'exp',
  vrrpVersion: 2,
  instances: [
    { name: 'VI_WEB', state: 'MASTER', iface: 'eth0', vrid: 81, priority: 150, advertInt: 1, vips: ['198.51.100.81/32', '198.51.100.82/24'] },
    { name: 'VI_DB', iface: 'eth0', vrid: 82, priority: 100, advertInt: 1, vips: ['203.0.113.5/32'] },
  ],
});

interface Dumps {
  readonly data: string;
  readonly stats: string;
}

/** Runs `argv` on h1 with its own /tmp, waits for both instances to be MASTER, dumps, stops. */
async function dumpsOf(lab: Lab, dir: string, tag: string, argv: readonly string[]): Promise<Dumps> {
  const tmp = join(dir, `${tag}-tmp`);
  mkdirSync(tmp);
  const script = 'mount --bind "$1" /tmp && shift && exec "$@"';
  const p = lab.spawn(lab.host(1), ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', tmp, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  p.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  p.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  try {
    const deadline = Date.now() + 20_000;
    while ((log.match(/Entering MASTER STATE/g) ?? []).length < 2 && Date.now() < deadline) await sleep(50);
    assert.equal((log.match(/Entering MASTER STATE/g) ?? []).length, 2, `${tag}: both instances MASTER\n${log}`);
    const read = async (sig: NodeJS.Signals, file: string): Promise<string> => {
      process.kill(p.pid ?? 0, sig);
      const until = Date.now() + 5000;
      for (;;) {
        try {
          const text = readFileSync(join(tmp, file), 'utf8');
          if (text.length > 0) return text;
        } catch {
          // not written yet
        }
        if (Date.now() > until) throw new Error(`${tag}: no ${file}\n${log}`);
        await sleep(50);
      }
    };
    return { data: await read('SIGUSR1', 'keepalived.data'), stats: await read('SIGUSR2', 'keepalived.stats') };
  } finally {
    p.kill('SIGTERM');
    const until = Date.now() + 10_000;
    while (p.exitCode === null && p.signalCode === null && Date.now() < until) await sleep(50);
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
}

test('keepalived.data and keepalived.stats: the exporter reads ours as it reads keepalived 2.2.7', async () => {
  const lab = createLab(1, 'exp');
  // Not under /tmp: each daemon gets a private /tmp for its dumps.
  const dir = mkdtempSync(join('/var/tmp', 'kts-exp-'));
  try {
    const conf = join(dir, 'keepalived.conf');
    writeFileSync(conf, CONF);
    const flags = (t: string): string[] => ['-n', '-l', '-G', '--vrrp', '-f', conf, '-p', join(dir, `${t}.pid`), '-r', join(dir, `${t}_vrrp.pid`), '-c', join(dir, `${t}_c.pid`)];
    const theirs = await dumpsOf(lab, dir, 'keepalived', ['/usr/sbin/keepalived', ...flags('k')]);
    const ours = await dumpsOf(lab, dir, 'kts', [process.execPath, DEFAULT_KTS_BIN, ...flags('t')]);

    const td = parseData(theirs.data);
    const od = parseData(ours.data);
    assert.deepEqual([...od.keys()].sort(), ['VI_DB', 'VI_WEB']);
    assert.deepEqual([...od.keys()].sort(), [...td.keys()].sort());
    for (const [name, t] of td) {
      const o = od.get(name);
      assert.ok(o);
      assert.deepEqual(
        { state: o.state, wantState: o.wantstate, intf: o.intf, garpDelay: o.garpDelay, vrid: o.vrid, vips: o.vips.map(parseVip) },
        { state: t.state, wantState: t.wantstate, intf: t.intf, garpDelay: t.garpDelay, vrid: t.vrid, vips: t.vips.map(parseVip) },
        name,
      );
      assert.equal(o.state, 2, `${name} MASTER as the exporter counts it`);
    }
    assert.deepEqual(od.get('VI_WEB')?.vips.map(parseVip), [['198.51.100.81', 'eth0'], ['198.51.100.82/24', 'eth0']]);

    const ts = parseStats(theirs.stats);
    const os = parseStats(ours.stats);
    assert.deepEqual([...os.keys()].sort(), [...ts.keys()].sort());
    for (const [name, t] of ts) {
      const o = os.get(name) ?? {};
      // Every metric the exporter makes is there; our extension section after the instances
      // parses as integers under keys it ignores, so it neither fails the scrape nor overwrites.
      for (const k of EXPORTED_STATS) {
        assert.equal(typeof t[k], 'number', `keepalived ${name} ${k}`);
        assert.equal(typeof o[k], 'number', `ours ${name} ${k}`);
      }
      assert.equal(o['Became master'], 1);
      assert.ok((o['Advertisements/Sent'] ?? 0) > 0);
    }
  } finally {
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-v: on stderr (nothing on stdout), and the exporter reads keepalived 2.2.7 from it', () => {
  const r = spawnSync(process.execPath, [DEFAULT_KTS_BIN, '-v'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, '');
  assert.equal(exporterVersion(r.stderr), '2.2.7');
  const k = spawnSync('/usr/sbin/keepalived', ['-v'], { encoding: 'utf8' });
  assert.equal(k.stdout, '', 'keepalived 2.2.7 writes -v to stderr too');
  assert.equal(exporterVersion(k.stderr), '2.2.7');
  // --signum, which the exporter runs for 1.3.8 and later, answers on stdout.
  for (const [name, n] of [['DATA', '10'], ['STATS', '12'], ['JSON', '36']] as const) {
    assert.equal(spawnSync(process.execPath, [DEFAULT_KTS_BIN, `--signum=${name}`], { encoding: 'utf8' }).stdout.trim(), n);
  }
});
