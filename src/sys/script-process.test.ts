import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSyscallError } from '../core/errors.js';
import { scriptEnvironment, spawnScriptProcess } from './script-process.js';

const SH = '/bin/sh';

test('exit status, signal and a missing program', async () => {
  assert.deepEqual(await spawnScriptProcess([SH, '-c', 'exit 3']).ended, { type: 'exited', status: 3 });
  assert.deepEqual(await spawnScriptProcess([SH, '-c', 'kill -USR1 $$']).ended, { type: 'signaled', signal: 'SIGUSR1' });
  assert.throws(
    () => spawnScriptProcess(['/nonexistent/script.sh']),
    (e: unknown) => isSyscallError(e, 'ENOENT') && e.syscall === 'execve',
  );
});

test("the child: own process group in our session, /dev/null stdio, default signals, umask", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-spawn-'));
  try {
    const out = join(dir, 'out');
    // Fields 5/6 of /proc/self/stat are pgrp and session; the shell's $$ is the spawned pid.
    // The shell's signal masks are read with builtins only (it blocks signals around its forks),
    // and its fds before it redirects anything of its own.
    const script = [
      'while read -r k v; do case $k in SigIgn:) ign=$v;; SigBlk:) blk=$v;; esac; done < /proc/$$/status',
      'read -r a b c d pg sid rest < /proc/$$/stat',
      'fds=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2)',
      `echo "$$ $pg $sid" > ${out}; echo "$fds" >> ${out}; umask >> ${out}; echo "SigIgn: $ign" >> ${out}; echo "SigBlk: $blk" >> ${out}`,
    ].join('\n');
    const p = spawnScriptProcess([SH, '-c', script], { umask: 0o177 });
    assert.deepEqual(await p.ended, { type: 'exited', status: 0 });
    const [ids = '', ...rest] = readFileSync(out, 'utf8').trim().split('\n');
    const [pid, pgrp, sid] = ids.split(' ').map(Number);
    assert.equal(pid, p.pid);
    assert.equal(pgrp, p.pid, 'leader of its own process group');
    const ownSid = Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[3]);
    assert.equal(sid, ownSid, "in the daemon's session (setpgid, not setsid)");
    assert.deepEqual(rest.slice(0, 3), ['/dev/null', '/dev/null', '/dev/null']);
    assert.equal(rest[3], '0177');
    const sig = (name: string): string | undefined => rest.find((l) => l.startsWith(`${name}:`))?.split(/\s+/)[1];
    assert.equal(sig('SigIgn'), '0000000000000000', 'no signal ignored (Node ignores SIGPIPE; scripts must not inherit that)');
    assert.equal(sig('SigBlk'), '0000000000000000');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the environment passes through without the IPC variables of child_process.fork', () => {
  const env = scriptEnvironment({ PATH: '/bin', IFS: ' ', NODE_CHANNEL_FD: '3', NODE_CHANNEL_SERIALIZATION_MODE: 'advanced', LD_PRELOAD: 'x.so' });
  assert.deepEqual(env, ['PATH=/bin', 'IFS= ', 'LD_PRELOAD=x.so']);
});
