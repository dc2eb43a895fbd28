import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { Daemon, isAlive, makeFiles, parentOf, readPid, removeFiles, sleep, stdArgs, waitPidFile, type DaemonFiles } from './daemon-harness.js';

/** Runs `body` against a daemon started with the lab command line (+ `extra`), always cleaning up. */
async function withDaemon(extra: readonly string[], env: NodeJS.ProcessEnv, body: (d: Daemon, f: DaemonFiles) => Promise<void>): Promise<void> {
  const f = makeFiles();
  const d = new Daemon([...stdArgs(f), ...extra], env);
  try {
    await body(d, f);
  } finally {
    d.kill(f);
    removeFiles(f);
  }
}

async function stopOk(d: Daemon, sig: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  d.proc.kill(sig);
  assert.equal((await d.waitExit(5000)).code, 0);
}

test('foreground start writes both pid files; a second start refuses; SIGTERM stops all and removes them', () =>
  withDaemon([], {}, async (d, f) => {
    const ppid = await waitPidFile(f.pid);
    assert.equal(ppid, d.pid, '-p names the launched process (no fork with -n)');
    const vpid = await waitPidFile(f.vrrpPid);
    assert.equal(parentOf(vpid), d.pid, '-r names a child of the parent');
    assert.equal(existsSync(f.checkPid), false, 'no checker with --vrrp');
    await d.waitFor(/Starting VRRP child process, pid=\d+/);

    const second = new Daemon(stdArgs(f));
    const r = await second.waitExit(5000);
    assert.equal(r.code, 0, 'keepalived 2.2.7 exits 0 here');
    assert.match(second.log, /daemon is already running/);
    assert.equal(readPid(f.pid), d.pid, 'the running daemon keeps its pid file');
    assert.equal(readPid(f.vrrpPid), vpid);

    const t0 = Date.now();
    await stopOk(d);
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(isAlive(vpid), false, 'child gone');
    assert.equal(existsSync(f.pid), false, 'parent pid file removed');
    assert.equal(existsSync(f.vrrpPid), false, 'vrrp pid file removed');
    assert.match(d.log, /Stopped Keepalived-ts/);
  }));

test('SIGKILL of the child: respawn logged and the new pid written', () =>
  withDaemon([], {}, async (d, f) => {
    const v1 = await waitPidFile(f.vrrpPid);
    await d.waitFor(/VRRP child process\(\d+\) ready/);
    process.kill(v1, 'SIGKILL');
    await d.waitFor(new RegExp(`pid ${v1} exited due to signal 9 \\(Killed\\)`));
    await d.waitFor(new RegExp(`VRRP child process\\(${v1}\\) died: Respawning`));
    const v2 = await waitPidFile(f.vrrpPid, 5000, v1);
    assert.notEqual(v2, v1);
    assert.equal(parentOf(v2), d.pid);
    await d.waitFor(new RegExp(`Starting VRRP child process, pid=${v2}`));
    // A second quick death is delayed by the backoff (0 s, then 1 s).
    await d.waitFor(new RegExp(`VRRP child process\\(${v2}\\) ready`));
    process.kill(v2, 'SIGKILL');
    await d.waitFor(/Restart of VRRP process delayed 1 seconds to limit respawn rate/);
    const v3 = await waitPidFile(f.vrrpPid, 5000, v2);
    assert.ok(isAlive(v3));
    await stopOk(d);
  }));

test('a child exiting with status 2 (CONFIG) terminates the parent with status 2', () =>
  withDaemon([], { KTS_TEST_CHILD_EXIT: '2' }, async (d, f) => {
    const r = await d.waitExit(5000);
    assert.equal(r.code, 2);
    assert.match(d.log, /exited with permanent error CONFIG\. Terminating/);
    assert.doesNotMatch(d.log, /Respawning/);
    assert.equal(existsSync(f.pid), false);
    assert.equal(existsSync(f.vrrpPid), false);
  }));

test('a child exiting with another status is respawned', () =>
  withDaemon([], { KTS_TEST_CHILD_EXIT: '3' }, async (d) => {
    await d.waitFor(/pid \d+ exited with status 3/);
    await d.waitFor(/died: Respawning/);
    await d.waitFor(/Starting VRRP child process, pid=\d+[\s\S]*Starting VRRP child process, pid=\d+/);
    await stopOk(d);
  }));

test('-R: the parent exits when the child dies', () =>
  withDaemon(['-R'], {}, async (d, f) => {
    const v = await waitPidFile(f.vrrpPid);
    await d.waitFor(/ready/);
    process.kill(v, 'SIGKILL');
    const r = await d.waitExit(5000);
    assert.equal(r.code, 0);
    assert.doesNotMatch(d.log, /Respawning/);
    assert.equal(existsSync(f.pid), false);
  }));

test('stale pid files (dead pid, foreign process) do not block a start', async () => {
  const f = makeFiles();
  writeFileSync(f.pid, `${2 ** 22 + 7}\n`);
  writeFileSync(f.vrrpPid, `${process.pid}\n`); // alive but not keepalived (the test runner)
  const d = new Daemon(stdArgs(f));
  try {
    assert.equal(await waitPidFile(f.pid, 5000, 2 ** 22 + 7), d.pid);
    const v = await waitPidFile(f.vrrpPid, 5000, process.pid);
    assert.equal(parentOf(v), d.pid);
    await stopOk(d);
  } finally {
    d.kill(f);
    removeFiles(f);
  }
});

test('SIGHUP and SIGUSR1 are forwarded to the child', () =>
  withDaemon([], {}, async (d, f) => {
    const v = await waitPidFile(f.vrrpPid);
    await d.waitFor(/ready/);
    d.proc.kill('SIGHUP');
    await d.waitFor(/Reloading \.\.\./);
    await d.waitFor(new RegExp(`VRRP child process\\(${v}\\) reload done`));
    d.proc.kill('SIGUSR1');
    await d.waitFor(/Printing parent data for process/);
    await stopOk(d, 'SIGINT');
  }));

test('without -n the daemon forks into the background', async () => {
  const f = makeFiles();
  const args = stdArgs(f).filter((a) => a !== '-n');
  const d = new Daemon(args);
  let bg: number | undefined;
  try {
    assert.equal((await d.waitExit(5000)).code, 0, 'the launcher exits at once');
    bg = await waitPidFile(f.pid);
    assert.notEqual(bg, d.pid);
    await waitPidFile(f.vrrpPid);
    process.kill(bg, 'SIGTERM');
    for (let i = 0; i < 100 && isAlive(bg); i++) await sleep(50);
    assert.equal(isAlive(bg), false);
    assert.equal(existsSync(f.pid), false);
  } finally {
    if (bg !== undefined && isAlive(bg)) process.kill(bg, 'SIGKILL');
    d.kill(f);
    removeFiles(f);
  }
});

test('CLI texts: -v, -h, --signum, usage error', async () => {
  const v = new Daemon(['-v']);
  assert.equal((await v.waitExit(5000)).code, 0);
  assert.match(v.log, /^Keepalived-ts v0\.1\.0 \(compatible with Keepalived v2\.2\.7\)/);
  const s = new Daemon(['--signum=RELOAD']);
  assert.equal((await s.waitExit(5000)).code, 0);
  assert.equal(s.log, '1\n');
  const u = new Daemon(['--bogus']);
  assert.equal((await u.waitExit(5000)).code, 1);
  assert.equal(u.log, 'Unknown option --bogus\n');
});

test('-C runs only the checker child: -c pid file, SIGKILL respawn with the backoff, SIGTERM removes the pid files', async () => {
  const f = makeFiles(
    'virtual_server 192.0.2.10 80 {\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n  real_server 192.0.2.50 80 {\n    TCP_CHECK {\n      connect_timeout 1\n    }\n  }\n}\n',
  );
  const d = new Daemon(stdArgs(f).map((a) => (a === '--vrrp' ? '-C' : a)));
  try {
    const c1 = await waitPidFile(f.checkPid);
    assert.equal(parentOf(c1), d.pid, '-c names a child of the parent');
    assert.equal(existsSync(f.vrrpPid), false, 'no VRRP child with -C');
    await d.waitFor(/Healthcheck child process\(\d+\) ready/, 10_000);
    process.kill(c1, 'SIGKILL');
    await d.waitFor(new RegExp(`Healthcheck child process\\(${c1}\\) died: Respawning`));
    const c2 = await waitPidFile(f.checkPid, 5000, c1);
    assert.equal(parentOf(c2), d.pid);
    await d.waitFor(new RegExp(`Healthcheck child process\\(${c2}\\) ready`), 10_000);
    process.kill(c2, 'SIGKILL');
    await d.waitFor(/Restart of Healthcheck process delayed 1 seconds to limit respawn rate/);
    const c3 = await waitPidFile(f.checkPid, 5000, c2);
    assert.ok(isAlive(c3));
    await stopOk(d);
    assert.equal(existsSync(f.checkPid), false, 'checker pid file removed');
    assert.equal(isAlive(c3), false);
  } finally {
    const c = readPid(f.checkPid);
    if (c !== undefined && isAlive(c)) process.kill(c, 'SIGKILL');
    d.kill(f);
    removeFiles(f);
  }
});
