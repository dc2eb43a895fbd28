// Files the daemon writes, with a symbolic link planted at each path by a local user (the
// CVE-2018-19044/19046 class): the log files of the parent and the child (-g), the JSON log
// (--log-json=FILE), the pid files, the SIGUSR1/SIGUSR2 dumps and the notify FIFO. No link is followed (the
// target keeps its content and mode), each refused log file is reported clearly, and the
// daemon runs on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepalivedTsCommand, LabDaemon, readPid, waitPidFile, type LabDaemonOptions } from '../lab/lab-daemon.js';
import { createLab, type Lab } from '../lab/netns.js';
import { isAlive } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';

const CONF = 'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    virtual_ipaddress {\n        192.0.2.100/24\n    }\n}\n';

let lab: Lab;
before(() => {
  lab = createLab(1, 'lnk');
});
after(() => lab.down());

/** A daemon on the lab host with its own run directory `dir` (not started). */
function daemon(conf: string, opts: LabDaemonOptions = {}): { d: LabDaemon; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kts-lnk-'));
  return { d: new LabDaemon(lab, lab.host(1), dir, keepalivedTsCommand(), conf, opts), dir };
}

const TARGET_TEXT = 'root:x:0:0:do not touch\n';

test('links planted at the log, JSON log, pid and dump paths are never followed; the daemon logs it and runs on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-lnk-'));
  const f = { dir, pid: '', vrrpPid: '' };
  const fifo = join(f.dir, 'notify.fifo');
  const log = join(f.dir, 'keepalived.log');
  const json = join(f.dir, 'log.json');
  const d = new LabDaemon(lab, lab.host(1), dir, keepalivedTsCommand(), `global_defs {\n    notify_fifo ${fifo}\n}\n${CONF}`, {
    env: { TMPDIR: f.dir },
    args: (c) => [...c, `--log-file=${log}`, `--log-json=${json}`],
  });
  f.pid = d.pidFile;
  f.vrrpPid = d.vrrpPidFile;
  const target = join(f.dir, 'target');
  writeFileSync(target, TARGET_TEXT, { mode: 0o640 });
  const links = [log, join(f.dir, 'keepalived_vrrp.log'), json, f.pid, f.vrrpPid, join(f.dir, 'keepalived.data'), join(f.dir, 'keepalived.stats'), fifo];
  for (const l of links) symlinkSync(target, l);
  d.start();
  try {
    await d.waitLine(new RegExp(`Unable to open log file ${log} - errno 40 \\(Too many levels of symbolic links\\): the path is a symbolic link, which is never followed`));
    await d.waitLine(new RegExp(`Unable to open log file ${join(f.dir, 'keepalived_vrrp.log')} - errno 40`));
    await d.waitLine(new RegExp(`Unable to open JSON log file ${json} - errno 40`));
    await d.waitLine(new RegExp(`Unable to open notify fifo ${fifo} - errno 40`));
    const vpid = await waitPidFile(f.vrrpPid);
    await d.waitLine(/VRRP child process\(\d+\) ready/);
    // The pid files were links to a file that names no process: stale, replaced by files.
    for (const [p, pid] of [[f.pid, d.mainPid()], [f.vrrpPid, vpid]] as const) {
      assert.ok(!lstatSync(p).isSymbolicLink(), `${p} is a file now`);
      assert.equal(readPid(p), pid);
      assert.equal(statSync(p).mode & 0o777, 0o644, "keepalived's pid file mode");
    }
    d.signal('SIGUSR1');
    await d.waitLine(/Printing VRRP data for process/);
    d.signal('SIGUSR2');
    await d.waitLine(/Printing VRRP stats for process/);
    for (const name of ['keepalived.data', 'keepalived.stats']) {
      const p = join(f.dir, name);
      await waitFor(() => !lstatSync(p).isSymbolicLink() || undefined, 2000, `${name} to be replaced`).catch(() => undefined);
      assert.ok(lstatSync(p).isFile(), `${name} replaced by a regular file`);
      assert.equal(statSync(p).mode & 0o777, 0o600);
    }
    for (const l of [log, json, join(f.dir, 'keepalived_vrrp.log'), fifo]) assert.ok(lstatSync(l).isSymbolicLink(), `${l} left as it was`);
    assert.equal(readFileSync(target, 'utf8'), TARGET_TEXT, 'the link target is untouched');
    assert.equal(statSync(target).mode & 0o777, 0o640);
    assert.ok(isAlive(d.mainPid() ?? 0) && isAlive(vpid), 'the daemon runs on');
    d.signal('SIGTERM');
    assert.equal((await d.waitExit(5000)).code, 0);
    assert.equal(existsSync(f.pid), false);
    assert.equal(readFileSync(target, 'utf8'), TARGET_TEXT);
  } finally {
    await d.stop(3000);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a log file is created 0600 (0666 less the default umask 0177) and appended to, -u widens it', async () => {
  for (const [extra, mode] of [[[], 0o600], [['--umask=022'], 0o644]] as const) {
    const { d, dir } = daemon(CONF, { args: (c) => [...c, `--log-file=${join(dir, 'k.log')}`, ...extra] });
    const f = { dir };
    const log = join(f.dir, 'k.log');
    writeFileSync(log, 'earlier line\n', { mode: 0o666 });
    d.start();
    try {
      await d.waitLine(/VRRP child process\(\d+\) ready/);
      d.signal('SIGTERM');
      assert.equal((await d.waitExit(5000)).code, 0);
      const text = readFileSync(log, 'utf8');
      assert.ok(text.startsWith('earlier line\n'), 'appended, not truncated');
      assert.match(text, /Starting Keepalived-ts/);
      assert.equal(statSync(log).mode & 0o777, mode, `mode with ${extra.join(' ') || 'the default umask'}`);
      assert.equal(statSync(join(f.dir, 'k_vrrp.log')).mode & 0o777, mode, "the child's log file");
    } finally {
      await d.stop(3000);
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
