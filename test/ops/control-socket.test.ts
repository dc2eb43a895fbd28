/**
 * The control socket and `keepalived-ts status` against running daemons in a lab
 * (docs/status-api.md): the socket's place and mode, a non-root client refused (by the file
 * mode, and by SO_PEERCRED when the mode is loosened), malformed requests answered with
 * KA_ERR_CTL_REQUEST, and 1000 concurrent status requests during a failover that must still
 * happen within its bound (RFC 5798 §6.4.2 Master_Down_Interval, keepalived's arithmetic).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlResponse } from '../../src/process/control-protocol.js';
import { controlSocketPath } from '../../src/process/control-protocol.js';
import { masterDownIntervalUs } from '../../src/vrrp/timers.js';
import { askDaemon } from '../../src/cli/status-client.js';
import { DEFAULT_KTS_BIN, keepalivedTsCommand, LabDaemon } from '../lab/lab-daemon.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import { createLab, type Lab } from '../lab/netns.js';
import { sleep } from '../lab/proc.js';

const conf = (prio: number): string =>
  keepalivedConf({
    routerId: `n${prio}`,
    vrrpVersion: 2,
    instances: [
      { name: 'VI_1', iface: 'eth0', vrid: 61, priority: prio, advertInt: 1, vips: ['198.51.100.61/32'], extra: ['track_interface {', '    eth0 weight 0', '}'] },
    ],
  });

const STATUS = '{"version":1,"command":"status"}\n';

async function withLab(n: number, body: (lab: Lab, dir: string) => Promise<void>): Promise<void> {
  const lab = createLab(n, 'ctl');
  const dir = mkdtempSync(join(tmpdir(), 'kts-ctl-'));
  try {
    await body(lab, dir);
  } finally {
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Raw exchange: write `data` (maybe without newline), read until the daemon closes. */
function exchange(path: string, data: string, endAfterWrite = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection(path);
    let out = '';
    s.setEncoding('utf8');
    s.on('connect', () => (endAfterWrite ? s.end(data) : s.write(data)));
    s.on('data', (c: string) => (out += c));
    s.on('error', reject);
    s.on('close', () => resolve(out));
  });
}

const parse = (line: string): ControlResponse => JSON.parse(line.trim()) as ControlResponse;

/** `keepalived-ts status …` as a separate process, optionally as user nobody. */
function cli(args: readonly string[], asNobody = false): { status: number | null; stdout: string; stderr: string } {
  const argv = [process.execPath, DEFAULT_KTS_BIN, 'status', ...args];
  const cmd = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
  const r = spawnSync(cmd[0] as string, cmd.slice(1), { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('status: socket beside the pid file (0600), human and JSON output, one instance, a non-root client refused, malformed requests', () =>
  withLab(1, async (lab, dir) => {
    const d = new LabDaemon(lab, lab.host(1), dir, keepalivedTsCommand(), conf(150));
    try {
      d.start();
      await d.waitLine(/\(VI_1\) Entering MASTER STATE/, 0, 15_000);
      const path = controlSocketPath(d.pidFile);
      assert.equal(path, join(dir, 'h1.ctl'));
      const st = statSync(path);
      assert.ok(st.isSocket());
      assert.equal(st.mode & 0o777, 0o600);
      assert.equal(st.uid, 0);

      // Found from the same -p the daemon was started with.
      const human = cli(['-p', d.pidFile]);
      assert.equal(human.status, 0, human.stderr);
      assert.match(human.stdout, /^ Instance\s+Interface\s+VRID/m);
      assert.match(human.stdout, /^ VI_1\s+eth0\s+61\s+IPv4\s+150\/150\s+MASTER\s+192\.0\.2\.11 \(this node\)/m);
      assert.match(human.stdout, /children: vrrp pid \d+/);

      const json = cli(['--json', '--socket', path]);
      assert.equal(json.status, 0, json.stderr);
      const doc = JSON.parse(json.stdout) as Extract<ControlResponse, { ok: true }>['status'];
      assert.equal(doc.schema, 'keepalived-ts/status');
      assert.equal(doc.version, 1);
      const vi = doc.instances[0];
      assert.ok(vi);
      assert.deepEqual([vi.name, vi.state, vi.effectivePriority, vi.basePriority, vi.vrid, vi.interface], ['VI_1', 'MASTER', 150, 150, 61, 'eth0']);
      assert.deepEqual(vi.vips, ['198.51.100.61/32 dev eth0']);
      assert.deepEqual(vi.trackers, [{ kind: 'interface', name: 'eth0', state: 'up', weight: 0 }]);
      assert.equal(vi.lastTransition?.to, 'MASTER');
      assert.equal(vi.lastTransition?.from, 'BACKUP');
      assert.equal(vi.lastTransition?.reason, 'master-down-timer');
      assert.ok(Math.abs((vi.lastTransition?.atWallMs ?? 0) - Date.now()) < 60_000);

      const one = cli(['-p', d.pidFile, 'VI_1']);
      assert.equal(one.status, 0, one.stderr);
      assert.match(one.stdout, /^VRRP instance VI_1\n  State\s+MASTER since .* from BACKUP: master-down-timer/);
      assert.match(one.stdout, /Trackers\s+interface eth0: up \(weight 0\)/);
      const missing = cli(['-p', d.pidFile, 'VI_9']);
      assert.equal(missing.status, 3);
      assert.match(missing.stderr, /no VRRP instance named 'VI_9' \(KA_ERR_CTL_NOT_FOUND\)/);

      // A non-root client (the test directory is opened to it; mkdtemp made it 0700): the
      // socket's mode stops it at connect()…
      chmodSync(dir, 0o755);
      const denied = cli(['--socket', path], true);
      assert.equal(denied.status, 1);
      assert.match(denied.stderr, /permission denied on .*h1\.ctl: the control socket is for root/);
      // …and SO_PEERCRED when the mode is loosened by mistake.
      chmodSync(path, 0o666);
      const refused = cli(['--socket', path], true);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /uid 65534 may not use the control socket \(root only\) \(KA_ERR_CTL_PERMISSION\)/);
      chmodSync(path, 0o600);

      // Malformed requests: answered with KA_ERR_CTL_REQUEST, the daemon carries on.
      const bad = async (data: string, re: RegExp, endAfterWrite = false): Promise<void> => {
        const r = parse(await exchange(path, data, endAfterWrite));
        assert.equal(r.ok, false);
        assert.ok(!r.ok && r.error.code === 'KA_ERR_CTL_REQUEST' && re.test(r.error.message), JSON.stringify(r));
      };
      await bad('not json\n', /not JSON/);
      await bad('[1,2]\n', /not a JSON object/);
      await bad('{"version":1,"command":"reboot"}\n', /unknown command "reboot"/);
      await bad('{"version":7,"command":"status"}\n', /version 7 not supported/);
      await bad('{"version":1,"command":"status","instance":42}\n', /instance/);
      await bad(`{"pad":"${'x'.repeat(5000)}"}`, /longer than 4096 bytes/);
      await bad('{"version":1', /closed before a complete request line/, true);
      await bad('\u0000\u00ff\n', /not JSON/);
      const ok = parse(await askDaemon(path, STATUS));
      assert.equal(ok.ok, true);
      assert.ok(d.running);
    } finally {
      await d.stop();
    }
  }));

test('1000 concurrent status requests while failing over: all answered, the takeover within Master_Down_Interval', () =>
  withLab(2, async (lab, dir) => {
    const h1 = new LabDaemon(lab, lab.host(1), dir, keepalivedTsCommand(), conf(150));
    const h2 = new LabDaemon(lab, lab.host(2), dir, keepalivedTsCommand(), conf(100));
    try {
      h1.start();
      await h1.waitLine(/\(VI_1\) Entering MASTER STATE/, 0, 15_000);
      h2.start();
      await h2.waitLine(/\(VI_1\) Entering BACKUP STATE/, 0, 15_000);
      const path = controlSocketPath(h2.pidFile);
      await sleep(1500); // h2 has heard adverts: it knows its master
      const before = parse(await askDaemon(path, STATUS));
      assert.ok(before.ok);
      const vi = before.ok ? before.status.instances[0] : undefined;
      assert.equal(vi?.state, 'BACKUP');
      assert.equal(vi?.masterAddress, lab.host(1).ip4);
      assert.ok(vi?.lastAdvertWallMs !== null && Date.now() - (vi?.lastAdvertWallMs ?? 0) < 2500, 'advert age from a fresh full update');

      const killedUs = h1.hardKill();
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 1000 }, () => askDaemon(path, STATUS, 30_000).then(parse)));
      const tookMs = Date.now() - started;
      const master = await h2.waitLine(/\(VI_1\) Entering MASTER STATE/, killedUs, 15_000);
      const takeoverMs = (master.tUs - killedUs) / 1000;
      const boundMs = masterDownIntervalUs(2, 100, 100, 3) / 1000 + 1000;
      assert.ok(takeoverMs <= boundMs, `takeover ${takeoverMs.toFixed(0)} ms > bound ${boundMs} ms with 1000 status requests`);
      assert.equal(answers.filter((a) => a.ok).length, 1000, 'every request answered');
      for (const a of answers) assert.ok(a.ok && a.status.instances.length === 1);
      const after = parse(await askDaemon(path, STATUS));
      const now = after.ok ? after.status.instances[0] : undefined;
      assert.equal(now?.state, 'MASTER');
      assert.equal(now?.lastTransition?.reason, 'master-down-timer');
      assert.equal(now?.lastTransition?.from, 'BACKUP');
      console.log(`1000 status requests answered in ${tookMs} ms; takeover ${takeoverMs.toFixed(0)} ms (bound ${boundMs} ms)`);
    } finally {
      await h1.stop();
      await h2.stop();
    }
  }));
