/**
 * The watchdog parent as a process: pid files, signals (TERM, INT, HUP, USR1, USR2 and what
 * each one reaches), child deaths and the respawn backoff, child_wait_time's SIGKILL at stop,
 * the background fork and the CLI texts. The daemon runs the real VRRP or checker child, so
 * it runs on a lab host (test/lab/netns.ts): nothing reaches the root namespace.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkerOnly, keepalivedTsCommand, LabDaemon, readPid, waitPidFile, type LabDaemonOptions } from '../lab/lab-daemon.js';
import { createLab, type Lab } from '../lab/netns.js';
import { isAlive, parentOf } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';
import { CHILD_EXIT_IMPORT } from './child-exit.js';

const VRRP_CONF = 'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    virtual_ipaddress {\n        192.0.2.100/24\n    }\n}\n';

let lab: Lab;
before(() => {
  lab = createLab(1, 'wd');
});
after(() => lab.down());

interface Run {
  readonly d: LabDaemon;
  readonly dir: string;
}

/** A daemon on the lab host with its own run directory (not started). */
function daemon(conf = VRRP_CONF, opts: LabDaemonOptions = {}, nodeArgs: readonly string[] = []): Run {
  const dir = mkdtempSync(join(tmpdir(), 'kts-wd-'));
  return { d: new LabDaemon(lab, lab.host(1), dir, keepalivedTsCommand(process.env, nodeArgs), conf, opts), dir };
}

/** Runs `body` against a started daemon, always cleaning up (SIGKILL of the tree, files). */
async function withDaemon(run: Run, body: (d: LabDaemon) => Promise<void>): Promise<void> {
  run.d.start();
  try {
    await body(run.d);
  } finally {
    await run.d.stop(3000);
    rmSync(run.dir, { recursive: true, force: true });
  }
}

async function stopOk(d: LabDaemon, sig: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  d.signal(sig);
  assert.equal((await d.waitExit(10_000)).code, 0, d.log);
}

test('foreground start writes both pid files; a second start refuses; SIGTERM stops all and removes them', () =>
  withDaemon(daemon(), async (d) => {
    const ppid = await waitPidFile(d.pidFile);
    assert.equal(ppid, d.mainPid(), '-p names the launched daemon (no fork with -n)');
    const vpid = await waitPidFile(d.vrrpPidFile);
    assert.equal(parentOf(vpid), ppid, '-r names a child of the parent');
    assert.equal(existsSync(d.checkPidFile), false, 'no checker with --vrrp');
    await d.waitLine(/Starting VRRP child process, pid=\d+/);

    // Same host and run directory: the same pid files.
    const second = new LabDaemon(lab, lab.host(1), dirname(d.conf), keepalivedTsCommand(), VRRP_CONF);
    second.start();
    try {
      assert.equal((await second.waitExit(10_000)).code, 0, 'keepalived 2.2.7 exits 0 here');
      assert.match(second.log, /daemon is already running/);
    } finally {
      await second.stop(1000);
    }
    assert.equal(readPid(d.pidFile), ppid, 'the running daemon keeps its pid file');
    assert.equal(readPid(d.vrrpPidFile), vpid);

    await stopOk(d);
    assert.equal(isAlive(vpid), false, 'child gone');
    assert.equal(existsSync(d.pidFile), false, 'parent pid file removed');
    assert.equal(existsSync(d.vrrpPidFile), false, 'vrrp pid file removed');
    assert.match(d.log, /Stopped Keepalived-ts/);
    assert.doesNotMatch(d.log, /did not exit in/, 'a child that stops in time is not killed');
  }));

test('SIGKILL of the child: respawn logged and the new pid written', () =>
  withDaemon(daemon(), async (d) => {
    const v1 = await waitPidFile(d.vrrpPidFile);
    await d.waitLine(/VRRP child process\(\d+\) ready/);
    process.kill(v1, 'SIGKILL');
    await d.waitLine(new RegExp(`pid ${v1} exited due to signal 9 \\(Killed\\)`));
    await d.waitLine(new RegExp(`VRRP child process\\(${v1}\\) died: Respawning`));
    const v2 = await waitPidFile(d.vrrpPidFile, 5000, v1);
    assert.equal(parentOf(v2), d.mainPid());
    await d.waitLine(new RegExp(`Starting VRRP child process, pid=${v2}`));
    // A second quick death is delayed by the backoff (0 s, then 1 s).
    await d.waitLine(new RegExp(`VRRP child process\\(${v2}\\) ready`));
    process.kill(v2, 'SIGKILL');
    await d.waitLine(/Restart of VRRP process delayed 1 seconds to limit respawn rate/);
    const v3 = await waitPidFile(d.vrrpPidFile, 5000, v2);
    assert.ok(isAlive(v3));
    await stopOk(d);
  }));

test('a child exiting with status 2 (CONFIG) terminates the parent with status 2', () =>
  withDaemon(daemon(VRRP_CONF, { env: { KTS_TEST_CHILD_EXIT: '2' } }, [CHILD_EXIT_IMPORT]), async (d) => {
    const r = await d.waitExit(10_000);
    assert.equal(r.code, 2, d.log);
    assert.match(d.log, /exited with permanent error CONFIG\. Terminating/);
    assert.doesNotMatch(d.log, /Respawning/);
    assert.equal(existsSync(d.pidFile), false);
    assert.equal(existsSync(d.vrrpPidFile), false);
  }));

test('a child exiting with another status is respawned', () =>
  withDaemon(daemon(VRRP_CONF, { env: { KTS_TEST_CHILD_EXIT: '3' } }, [CHILD_EXIT_IMPORT]), async (d) => {
    await d.waitLine(/pid \d+ exited with status 3/);
    await d.waitLine(/died: Respawning/);
    await waitFor(() => d.lines.filter((l) => /Starting VRRP child process, pid=\d+/.test(l.text)).length >= 2, 10_000, 'a second VRRP child');
    await stopOk(d);
  }));

test('-R: the parent exits when the child dies', () =>
  withDaemon(daemon(VRRP_CONF, { args: (c) => [...c, '-R'] }), async (d) => {
    const v = await waitPidFile(d.vrrpPidFile);
    await d.waitLine(/ready/);
    process.kill(v, 'SIGKILL');
    const r = await d.waitExit(10_000);
    assert.equal(r.code, 0);
    assert.doesNotMatch(d.log, /Respawning/);
    assert.equal(existsSync(d.pidFile), false);
  }));

test('stale pid files (dead pid, foreign process) do not block a start', async () => {
  const run = daemon();
  writeFileSync(run.d.pidFile, `${2 ** 22 + 7}\n`);
  writeFileSync(run.d.vrrpPidFile, `${process.pid}\n`); // alive but not keepalived (the test runner)
  await withDaemon(run, async (d) => {
    assert.equal(await waitPidFile(d.pidFile, 5000, 2 ** 22 + 7), d.mainPid());
    const v = await waitPidFile(d.vrrpPidFile, 5000, process.pid);
    assert.equal(parentOf(v), d.mainPid());
    await stopOk(d);
  });
});

test('SIGHUP, SIGUSR1 and SIGUSR2 reach the child: a reload, keepalived.data and keepalived.stats in its TMPDIR', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'kts-wd-dumps-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  await withDaemon(daemon(VRRP_CONF, { env: { TMPDIR: tmp } }), async (d) => {
    const v = await waitPidFile(d.vrrpPidFile);
    await d.waitLine(/ready/);
    d.signal('SIGHUP');
    await d.waitLine(/Reloading \.\.\./);
    await d.waitLine(new RegExp(`VRRP child process\\(${v}\\) reload done`));
    d.signal('SIGUSR1');
    await d.waitLine(/Printing parent data for process/);
    const data = await waitFor(() => existsSync(join(tmp, 'keepalived.data')) && readFileSync(join(tmp, 'keepalived.data'), 'utf8'), 5000, 'keepalived.data from the VRRP child');
    assert.match(data, / VRRP Instance = VI_1\n/);
    assert.equal(existsSync(join(tmp, 'keepalived.stats')), false, 'SIGUSR1 writes no stats');
    d.signal('SIGUSR2');
    const stats = await waitFor(() => existsSync(join(tmp, 'keepalived.stats')) && readFileSync(join(tmp, 'keepalived.stats'), 'utf8'), 5000, 'keepalived.stats from the VRRP child');
    assert.match(stats, /VRRP Instance: VI_1\n/);
    assert.equal(isAlive(v), true, 'the dumps did not restart the child');
    await stopOk(d);
  });
});

test('SIGINT stops the daemon like SIGTERM; with --ignore-sigint it is logged and ignored', async () => {
  await withDaemon(daemon(), async (d) => {
    const v = await waitPidFile(d.vrrpPidFile);
    await d.waitLine(/ready/);
    await stopOk(d, 'SIGINT');
    assert.equal(isAlive(v), false, 'child gone');
    assert.equal(existsSync(d.pidFile), false, 'parent pid file removed');
    assert.equal(existsSync(d.vrrpPidFile), false, 'vrrp pid file removed');
    assert.match(d.log, /Stopping\n[\s\S]*Stopped Keepalived-ts/);
  });
  await withDaemon(daemon(VRRP_CONF, { args: (c) => [...c, '--ignore-sigint'] }), async (d) => {
    const v = await waitPidFile(d.vrrpPidFile);
    await d.waitLine(/ready/);
    d.signal('SIGINT');
    await d.waitLine(/Ignoring SIGINT/);
    assert.equal(d.running, true);
    assert.equal(isAlive(v), true, 'the child was not stopped');
    assert.doesNotMatch(d.log, /Stopping/);
    await stopOk(d);
  });
});

test('stop: a child that does not exit within child_wait_time is SIGKILLed, then the parent exits', () =>
  withDaemon(daemon(`child_wait_time 1\n${VRRP_CONF}`), async (d) => {
    const v = await waitPidFile(d.vrrpPidFile);
    await d.waitLine(/ready/);
    // A stopped process cannot act on the SIGTERM: only the SIGKILL ends it.
    process.kill(v, 'SIGSTOP');
    const t0 = performance.now();
    d.signal('SIGTERM');
    const r = await d.waitExit(15_000);
    const tookMs = performance.now() - t0;
    assert.equal(r.code, 0, d.log);
    const lines = d.lines.map((l) => l.text);
    const killing = lines.findIndex((l) => l.endsWith(`VRRP child process(${v}) did not exit in 1 s: killing it`));
    assert.ok(killing >= 0, `the SIGKILL is logged:\n${d.log}`);
    assert.ok(lines.findIndex((l) => l.endsWith('Stopping')) < killing, 'after the stop began');
    assert.ok(killing < lines.findIndex((l) => /Stopped Keepalived-ts/.test(l)), 'and before the parent stopped');
    assert.ok(tookMs >= 1000, `the parent waited child_wait_time (1 s) before the SIGKILL, exited after ${tookMs.toFixed(0)} ms`);
    assert.equal(isAlive(v), false, 'child killed');
    assert.equal(existsSync(d.vrrpPidFile), false, 'vrrp pid file removed');
    assert.equal(existsSync(d.pidFile), false, 'parent pid file removed');
  }));

test('without -n the daemon forks into the background', async () => {
  const run = daemon(VRRP_CONF, { args: (c) => c.filter((a) => a !== '-n'), reaper: false });
  await withDaemon(run, async (d) => {
    assert.equal((await d.waitExit(5000)).code, 0, 'the launcher exits at once');
    const bg = await waitPidFile(d.pidFile);
    assert.notEqual(bg, d.mainPid());
    await waitPidFile(d.vrrpPidFile);
    process.kill(bg, 'SIGTERM');
    await waitFor(() => !isAlive(bg), 5000, 'the background daemon to exit');
    assert.equal(existsSync(d.pidFile), false);
  });
});

test('CLI texts: -v, -h, --signum, usage error', async () => {
  const cli = async (argv: readonly string[]): Promise<{ code: number | null; log: string }> => {
    const run = daemon(VRRP_CONF, { args: () => argv });
    let out = { code: null as number | null, log: '' };
    await withDaemon(run, async (d) => {
      out = { code: (await d.waitExit(10_000)).code, log: d.log };
    });
    return out;
  };
  const v = await cli(['-v']);
  assert.equal(v.code, 0);
  // keepalived's first line, whose second word exporters parse as the version (test/ops/exporter-dumps.test.ts).
  assert.match(v.log, /^Keepalived v2\.2\.7 \(keepalived-ts v0\.1\.0\)/);
  assert.deepEqual(await cli(['--signum=RELOAD']), { code: 0, log: '1\n' });
  assert.deepEqual(await cli(['--bogus']), { code: 1, log: 'Unknown option --bogus\n' });
});

test('-C runs only the checker child: -c pid file, SIGKILL respawn with the backoff, SIGTERM removes the pid files', () =>
  withDaemon(
    daemon('virtual_server 192.0.2.10 80 {\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n  real_server 192.0.2.50 80 {\n    TCP_CHECK {\n      connect_timeout 1\n    }\n  }\n}\n', { args: checkerOnly }),
    async (d) => {
      const c1 = await waitPidFile(d.checkPidFile);
      assert.equal(parentOf(c1), d.mainPid(), '-c names a child of the parent');
      assert.equal(existsSync(d.vrrpPidFile), false, 'no VRRP child with -C');
      await d.waitLine(/Healthcheck child process\(\d+\) ready/, 0, 10_000);
      process.kill(c1, 'SIGKILL');
      await d.waitLine(new RegExp(`Healthcheck child process\\(${c1}\\) died: Respawning`));
      const c2 = await waitPidFile(d.checkPidFile, 5000, c1);
      assert.equal(parentOf(c2), d.mainPid());
      await d.waitLine(new RegExp(`Healthcheck child process\\(${c2}\\) ready`), 0, 10_000);
      process.kill(c2, 'SIGKILL');
      await d.waitLine(/Restart of Healthcheck process delayed 1 seconds to limit respawn rate/);
      const c3 = await waitPidFile(d.checkPidFile, 5000, c2);
      assert.ok(isAlive(c3));
      await stopOk(d);
      assert.equal(existsSync(d.checkPidFile), false, 'checker pid file removed');
      assert.equal(isAlive(c3), false);
    },
  ));
