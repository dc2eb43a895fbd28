// Files the daemon writes, with a symbolic link planted at each path by a local user (the
// CVE-2018-19044/19046 class): the log files of the parent and the child (-g), the JSON log
// (--log-json=FILE), the pid files, the SIGUSR1/SIGUSR2 dumps and the notify FIFO. No link is followed (the
// target keeps its content and mode), each refused log file is reported clearly, and the
// daemon runs on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon, isAlive, makeFiles, readPid, removeFiles, stdArgs, waitPidFile } from './daemon-harness.js';

const TARGET_TEXT = 'root:x:0:0:do not touch\n';

test('links planted at the log, JSON log, pid and dump paths are never followed; the daemon logs it and runs on', async () => {
  const f = makeFiles();
  const fifo = join(f.dir, 'notify.fifo');
  writeFileSync(f.conf, `global_defs {\n    notify_fifo ${fifo}\n}\n${readFileSync(f.conf, 'utf8')}`);
  const target = join(f.dir, 'target');
  writeFileSync(target, TARGET_TEXT, { mode: 0o640 });
  const log = join(f.dir, 'keepalived.log');
  const json = join(f.dir, 'log.json');
  const links = [log, join(f.dir, 'keepalived_vrrp.log'), json, f.pid, f.vrrpPid, join(f.dir, 'keepalived.data'), join(f.dir, 'keepalived.stats'), fifo];
  for (const l of links) symlinkSync(target, l);
  const d = new Daemon([...stdArgs(f), `--log-file=${log}`, `--log-json=${json}`], { TMPDIR: f.dir });
  try {
    await d.waitFor(new RegExp(`Unable to open log file ${log} - errno 40 \\(Too many levels of symbolic links\\): the path is a symbolic link, which is never followed`));
    await d.waitFor(new RegExp(`Unable to open log file ${join(f.dir, 'keepalived_vrrp.log')} - errno 40`));
    await d.waitFor(new RegExp(`Unable to open JSON log file ${json} - errno 40`));
    await d.waitFor(new RegExp(`Unable to open notify fifo ${fifo} - errno 40`), 10_000);
    const vpid = await waitPidFile(f.vrrpPid);
    await d.waitFor(/VRRP child process\(\d+\) ready/);
    // The pid files were links to a file that names no process: stale, replaced by files.
    for (const [p, pid] of [[f.pid, d.pid], [f.vrrpPid, vpid]] as const) {
      assert.ok(!lstatSync(p).isSymbolicLink(), `${p} is a file now`);
      assert.equal(readPid(p), pid);
      assert.equal(statSync(p).mode & 0o777, 0o644, "keepalived's pid file mode");
    }
    d.proc.kill('SIGUSR1');
    await d.waitFor(/Printing VRRP data for process/);
    d.proc.kill('SIGUSR2');
    await d.waitFor(/Printing VRRP stats for process/);
    for (const name of ['keepalived.data', 'keepalived.stats']) {
      const p = join(f.dir, name);
      for (let i = 0; i < 100 && lstatSync(p).isSymbolicLink(); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(lstatSync(p).isFile(), `${name} replaced by a regular file`);
      assert.equal(statSync(p).mode & 0o777, 0o600);
    }
    for (const l of [log, json, join(f.dir, 'keepalived_vrrp.log'), fifo]) assert.ok(lstatSync(l).isSymbolicLink(), `${l} left as it was`);
    assert.equal(readFileSync(target, 'utf8'), TARGET_TEXT, 'the link target is untouched');
    assert.equal(statSync(target).mode & 0o777, 0o640);
    assert.ok(isAlive(d.pid) && isAlive(vpid), 'the daemon runs on');
    d.proc.kill('SIGTERM');
    assert.equal((await d.waitExit(5000)).code, 0);
    assert.equal(existsSync(f.pid), false);
    assert.equal(readFileSync(target, 'utf8'), TARGET_TEXT);
  } finally {
    d.kill(f);
    removeFiles(f);
  }
});

test('a log file is created 0600 (0666 less the default umask 0177) and appended to, -u widens it', async () => {
  for (const [extra, mode] of [[[], 0o600], [['--umask=022'], 0o644]] as const) {
    const f = makeFiles();
    const log = join(f.dir, 'k.log');
    writeFileSync(log, 'earlier line\n', { mode: 0o666 });
    const d = new Daemon([...stdArgs(f), `--log-file=${log}`, ...extra]);
    try {
      await d.waitFor(/VRRP child process\(\d+\) ready/);
      d.proc.kill('SIGTERM');
      assert.equal((await d.waitExit(5000)).code, 0);
      const text = readFileSync(log, 'utf8');
      assert.ok(text.startsWith('earlier line\n'), 'appended, not truncated');
      assert.match(text, /Starting Keepalived-ts/);
      assert.equal(statSync(log).mode & 0o777, mode, `mode with ${extra.join(' ') || 'the default umask'}`);
      assert.equal(statSync(join(f.dir, 'k_vrrp.log')).mode & 0o777, mode, "the child's log file");
    } finally {
      d.kill(f);
      removeFiles(f);
    }
  }
});
