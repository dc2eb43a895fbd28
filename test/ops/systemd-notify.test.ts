/**
 * systemd integration (sd_notify(3), systemd.service(5) Type=notify, WatchdogSec): the daemon
 * runs in a lab namespace with $NOTIFY_SOCKET naming a real AF_UNIX datagram socket of this
 * test, and the notifications are checked in order: READY=1 after "Startup complete",
 * RELOADING=1 / READY=1 around a good and a broken reload (with STATUS= saying which),
 * WATCHDOG=1 only while both children answer the heartbeat, STOPPING=1 at SIGTERM. The last
 * test runs the ExecStart line of Debian's own keepalived.service with our binary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepalivedTsCommand, LabDaemon } from '../lab/lab-daemon.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import { createLab, type Lab } from '../lab/netns.js';
import { childrenOf, isAlive, sleep } from '../lab/proc.js';
import { NotifyListener } from './notify-listener.js';

const conf = (prio: number, extra: readonly string[] = []): string =>
  keepalivedConf({
    routerId: 'sd',
    vrrpVersion: 2,
    extraGlobal: extra,
    instances: [
      { name: 'VI_1', iface: 'eth0', vrid: 51, priority: prio, advertInt: 1, vips: ['198.51.100.51/32'] },
      { name: 'VI_2', iface: 'eth0', vrid: 52, priority: prio, advertInt: 1, vips: ['198.51.100.52/32'] },
    ],
  });

/** A VRRP instance and a virtual server, so that both children run; keepalived's process names. */
const confWithChecker = (): string =>
  `${conf(100, ['process_names', 'vrrp_process_name lb-vrrp'])}virtual_server 198.51.100.80 80 {\n    delay_loop 1\n    lb_kind NAT\n    protocol TCP\n    real_server 192.0.2.11 8080 {\n        TCP_CHECK {\n            connect_timeout 1\n        }\n    }\n}\n`;

async function withLab(body: (lab: Lab, dir: string) => Promise<void>): Promise<void> {
  const lab = createLab(1, 'sdn');
  const dir = mkdtempSync(join(tmpdir(), 'kts-sd-'));
  try {
    await body(lab, dir);
  } finally {
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

const environOf = (pid: number): string[] => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
/** What ps shows as the command (process.title rewrites argv). */
const titleOf = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';

test('READY=1 after start-up, RELOADING=1/READY=1 around good and bad reloads, STOPPING=1; children never see NOTIFY_SOCKET', () =>
  withLab(async (lab, dir) => {
    const listener = new NotifyListener(join(dir, 'notify.sock'));
    const d = new LabDaemon(lab, lab.host(1), dir, keepalivedTsCommand(), conf(100), { env: { NOTIFY_SOCKET: listener.address } });
    try {
      d.start();
      const ready = await listener.waitFor(/^READY=1$/);
      const startup = await d.waitLine(/Startup complete/);
      assert.ok(startup.tUs / 1000 <= ready.atMs + 5, 'READY=1 only once the parent logged Startup complete');
      const main = d.mainPid();
      assert.ok(ready.lines.includes(`MAINPID=${main}`), `MAINPID names the main process: ${ready.lines.join('|')}`);
      assert.equal(listener.matching(/^READY=1$/).length, 1);
      for (const child of childrenOf(main ?? 0)) {
        assert.equal(environOf(child).some((e) => e.startsWith('NOTIFY_SOCKET=')), false, 'children must not talk to systemd');
      }
      assert.equal(titleOf(main ?? 0), 'keepalived-ts');
      assert.equal(titleOf(Number(readFileSync(d.vrrpPidFile, 'utf8'))), 'keepalived-ts: vrrp');
      // STATUS= follows the instances' states.
      await listener.waitFor(/^STATUS=2 BACKUP/);
      await listener.waitFor(/^STATUS=2 MASTER/);

      // A good reload.
      let mark = listener.received.length;
      d.writeConf(conf(120));
      d.signal('SIGHUP');
      const reloading = await listener.waitFor(/^RELOADING=1$/, mark);
      assert.ok(reloading.lines.some((l) => /^MONOTONIC_USEC=[0-9]+$/.test(l)), 'RELOADING=1 carries MONOTONIC_USEC');
      const again = await listener.waitFor(/^READY=1$/, mark);
      assert.ok(listener.received.indexOf(again) > listener.received.indexOf(reloading));
      assert.ok(again.lines.some((l) => /^STATUS=.*last reload OK/.test(l)), again.lines.join('|'));

      // A broken reload: still READY=1 (the daemon runs on), and STATUS= says it failed.
      mark = listener.received.length;
      // virtual_router_id out of range: the instance cannot run (keepalived: "the virtual router id must be set").
      d.writeConf(conf(100).replace('virtual_router_id 51', 'virtual_router_id 300'));
      d.signal('SIGHUP');
      await listener.waitFor(/^RELOADING=1$/, mark);
      const bad = await listener.waitFor(/^READY=1$/, mark);
      assert.ok(bad.lines.some((l) => /^STATUS=.*last reload FAILED/.test(l)), bad.lines.join('|'));

      mark = listener.received.length;
      await d.stop();
      await listener.waitFor(/^STOPPING=1$/, mark);
      assert.equal(listener.matching(/^WATCHDOG=1$/).length, 0, 'no WATCHDOG=1 without WATCHDOG_USEC');
    } finally {
      await d.stop();
      listener.close();
    }
  }));

test('WATCHDOG=1 every half WatchdogSec while both children answer the heartbeat, none while one is stopped', () =>
  withLab(async (lab, dir) => {
    const listener = new NotifyListener(join(dir, 'notify.sock'));
    // The lab's command line has --vrrp; drop it so that the checker child runs too.
    const d = new LabDaemon(lab, lab.host(1), dir, keepalivedTsCommand(), confWithChecker(), {
      env: { NOTIFY_SOCKET: listener.address, WATCHDOG_USEC: '600000' },
      args: (contract) => contract.filter((a) => a !== '--vrrp'),
    });
    try {
      d.start();
      await listener.waitFor(/^READY=1$/);
      const checker = Number(readFileSync(d.checkPidFile, 'utf8').trim());
      const vrrp = Number(readFileSync(d.vrrpPidFile, 'utf8').trim());
      assert.ok(checker > 1 && vrrp > 1 && isAlive(checker) && isAlive(vrrp), 'VRRP and checker children run');
      assert.deepEqual([titleOf(d.mainPid() ?? 0), titleOf(vrrp), titleOf(checker)], ['keepalived', 'lb-vrrp', 'keepalived_ipvs'], 'process_names and vrrp_process_name');
      await sleep(1500);
      const fed = listener.matching(/^WATCHDOG=1$/).length;
      assert.ok(fed >= 3, `fed every ~300 ms while healthy (got ${fed} in 1.5 s)`);

      // Freeze the checker child: its loop cannot answer, so the parent stops feeding.
      process.kill(checker, 'SIGSTOP');
      await sleep(700); // the tick in flight may still feed once
      const before = listener.matching(/^WATCHDOG=1$/).length;
      await sleep(1500);
      assert.equal(listener.matching(/^WATCHDOG=1$/).length, before, 'no WATCHDOG=1 while a child does not answer');
      await d.waitLine(/checker child process did not answer the heartbeat: not feeding the systemd watchdog/);
      process.kill(checker, 'SIGCONT');
      await listener.waitFor(/^WATCHDOG=1$/, listener.received.length, 3000);
      await d.waitLine(/checker child process answers the heartbeat again/);
      assert.ok(isAlive(checker));
    } catch (e) {
      throw new Error(`${String(e)}\n--- daemon log ---\n${d.lines.map((l) => l.text).join('\n')}`);
    } finally {
      await d.stop();
      listener.close();
    }
  }));

/** Debian's unit: `ExecStart=/usr/sbin/keepalived --dont-fork $DAEMON_ARGS`, DAEMON_ARGS from /etc/default/keepalived. */
function debianExecStart(): { argv: string[]; unit: string } {
  const unit = readFileSync('/lib/systemd/system/keepalived.service', 'utf8');
  assert.match(unit, /^Type=notify$/m, "Debian's unit is Type=notify");
  assert.doesNotMatch(unit, /^NotifyAccess=/m, 'only the main process may notify');
  const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1];
  assert.ok(exec, 'ExecStart line');
  const envFile = /^EnvironmentFile=-?(.*)$/m.exec(unit)?.[1];
  const vars = new Map<string, string>();
  if (envFile) {
    for (const m of readFileSync(envFile, 'utf8').matchAll(/^([A-Z_]+)="?([^"\n]*)"?$/gm)) vars.set(m[1] ?? '', m[2] ?? '');
  }
  // systemd splits $VAR on whitespace (systemd.service(5) "Command lines").
  const words = exec.split(/\s+/).flatMap((w) => (w.startsWith('$') ? (vars.get(w.slice(1)) ?? '').split(/\s+/).filter(Boolean) : [w]));
  return { argv: words, unit };
}

test("Debian's keepalived.service ExecStart line runs keepalived-ts: READY=1, default pid files, control socket", () =>
  withLab(async (lab, dir) => {
    const { argv } = debianExecStart();
    assert.equal(argv[0], '/usr/sbin/keepalived');
    const ours = [...keepalivedTsCommand().prefix, ...argv.slice(1)];
    // The default paths (/etc/keepalived/keepalived.conf, /run/keepalived.pid) live in a private
    // mount namespace over this test's directories, so the host's /run and /etc stay untouched.
    const etc = join(dir, 'etc');
    const run = join(dir, 'run');
    mkdirSync(etc);
    mkdirSync(run);
    writeFileSync(join(etc, 'keepalived.conf'), conf(100));
    const listener = new NotifyListener(join(dir, 'notify.sock'));
    const script = 'mount --bind "$1" /etc/keepalived && mount --bind "$2" /run && shift 2 && exec "$@"';
    const p = lab.spawn(lab.host(1), ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', etc, run, ...ours], {
      env: { ...process.env, NOTIFY_SOCKET: listener.address },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    p.stdout?.on('data', (b: Buffer) => (log += b.toString()));
    p.stderr?.on('data', (b: Buffer) => (log += b.toString()));
    try {
      const ready = await listener.waitFor(/^READY=1$/);
      const mainpid = Number(ready.lines.find((l) => l.startsWith('MAINPID='))?.slice('MAINPID='.length));
      assert.ok(mainpid > 0 && isAlive(mainpid), `MAINPID=${mainpid}`);
      // --dont-fork: the main process is the one systemd started (through unshare's exec).
      assert.equal(mainpid, p.pid);
      assert.equal(readFileSync(join(run, 'keepalived.pid'), 'utf8').trim(), String(mainpid), 'default pid file /run/keepalived.pid');
      const ctl = lab.exec(lab.host(1), ['ls', '-l', join(run, 'keepalived.ctl')]);
      assert.match(ctl, /^srw-------/, `control socket beside the pid file, mode 0600: ${ctl}`);
      process.kill(mainpid, 'SIGTERM');
      await listener.waitFor(/^STOPPING=1$/);
      const deadline = Date.now() + 10_000;
      while (p.exitCode === null && Date.now() < deadline) await sleep(20);
      assert.equal(p.exitCode, 0, log);
    } finally {
      if (p.exitCode === null) p.kill('SIGKILL');
      listener.close();
    }
  }));
