import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPidFile, claimPidFile, probeProcess, readPidFile, removePidFile, writePidFile } from './pidfile.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'kts-pid-'));
}

function startSleep(argv0: string): ChildProcess {
  // bash's exec -a sets argv[0], which is what /proc/PID/cmdline starts with.
  return spawn('bash', ['-c', `exec -a ${argv0} sleep 30`], { stdio: 'ignore' });
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 100));
}

test('probeProcess tells keepalived, foreign, zombie and absent apart', async () => {
  const ka = startSleep('keepalived');
  const other = startSleep('notka');
  // The grandchild `sleep 0.05` exits and stays a zombie: its parent (exec'd sleep) never reaps.
  const zparent = spawn('bash', ['-c', 'sleep 0.05 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const zpid = await new Promise<number>((resolve) => zparent.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    await settle();
    await settle();
    assert.equal(probeProcess(ka.pid as number), 'keepalived');
    assert.equal(probeProcess(other.pid as number), 'foreign');
    assert.equal(probeProcess(zpid), 'zombie');
    assert.equal(probeProcess(2 ** 22 + 1), 'absent');
  } finally {
    ka.kill('SIGKILL');
    other.kill('SIGKILL');
    zparent.kill('SIGKILL');
  }
});

test('claimPidFile writes the pid, refuses a live daemon, replaces stale files', async () => {
  const dir = tmp();
  const path = join(dir, 'k.pid');
  const ka = startSleep('keepalived');
  try {
    await settle();
    assert.deepEqual(claimPidFile(path, 1234), { ok: true, value: undefined });
    assert.equal(readFileSync(path, 'utf8'), '1234\n');
    assert.equal(readPidFile(path), 1234);

    // A live keepalived owns it: refuse.
    writeFileSync(path, `${ka.pid}\n`);
    const r = claimPidFile(path, 999);
    assert.deepEqual(r, { ok: false, reason: { code: 'KA_ERR_SYS_ALREADY_RUNNING', path, pid: ka.pid } });
    assert.equal(readPidFile(path), ka.pid, 'the live owner\'s file is untouched');

    // Dead pid, foreign process, garbage, our own pid: all stale.
    for (const content of [`${2 ** 22 + 1}\n`, `${process.pid}\n`, 'garbage', '']) {
      writeFileSync(path, content);
      assert.equal(claimPidFile(path, 4321, (p) => (p === process.pid ? 'foreign' : 'absent')).ok, true, `content ${JSON.stringify(content)}`);
      assert.equal(readPidFile(path), 4321);
    }
    assert.equal(checkPidFile(path, () => 'zombie').type, 'stale');
    assert.deepEqual(checkPidFile(join(dir, 'none')), { type: 'absent' });

    // An unwritable location is a pidfile error, not "already running".
    const bad = claimPidFile(join(dir, 'no', 'such', 'dir.pid'), 1);
    assert.equal(!bad.ok && bad.reason.code, 'KA_ERR_SYS_PIDFILE');
  } finally {
    ka.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('removePidFile removes only a file that still names us; writePidFile overwrites', () => {
  const dir = tmp();
  const path = join(dir, 'v.pid');
  try {
    assert.equal(writePidFile(path, 10).ok, true);
    assert.equal(writePidFile(path, 11).ok, true);
    assert.equal(readPidFile(path), 11);
    assert.equal(removePidFile(path, 10), false);
    assert.equal(existsSync(path), true);
    assert.equal(removePidFile(path, 11), true);
    assert.equal(existsSync(path), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
