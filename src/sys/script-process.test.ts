import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { scriptEnvironment, spawnScriptProcess } from './script-process.js';

const SH = '/bin/sh';

test('exit status, signal and a missing program (no PATH search: the script pass resolves names)', async () => {
  assert.deepEqual(await spawnScriptProcess([SH, '-c', 'exit 3']).ended, { type: 'exited', status: 3 });
  assert.deepEqual(await spawnScriptProcess([SH, '-c', 'kill -USR1 $$']).ended, { type: 'signaled', signal: 'SIGUSR1' });
  for (const argv of [['/nonexistent/script.sh'], ['sh', '-c', 'exit 0']]) {
    const p = spawnScriptProcess(argv);
    assert.equal(await p.started, null);
    const end = await p.ended;
    assert.ok(end.type === 'spawn-error' && end.code === 'ENOENT' && end.syscall === 'execve', JSON.stringify(end));
  }
});

test('many at once (the spawning threads overlap): every one ends with its own status', async () => {
  const ends = await Promise.all(Array.from({ length: 40 }, (_, i) => spawnScriptProcess([SH, '-c', `exit ${i}`]).ended));
  assert.deepEqual(ends, Array.from({ length: 40 }, (_, i) => ({ type: 'exited', status: i })));
});

test('signalGroup reaches what the script started, also when asked before the process exists', async () => {
  const s = spawnScriptProcess([SH, '-c', 'sleep 30 & sleep 30']);
  s.signalGroup('SIGTERM');
  assert.deepEqual(await s.ended, { type: 'signaled', signal: 'SIGTERM' });
  const t = spawnScriptProcess([SH, '-c', 'sleep 30 & echo $! > /dev/null; wait']);
  const pgid = await t.started;
  assert.ok(pgid !== null);
  await new Promise((r) => setTimeout(r, 100));
  const members = (): string[] => execFileSync('ps', ['-eo', 'pgid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.trim().startsWith(`${pgid} `) && !l.includes('<defunct>'));
  assert.ok(members().length >= 2, members().join('\n'));
  t.signalGroup('SIGKILL');
  assert.deepEqual(await t.ended, { type: 'signaled', signal: 'SIGKILL' });
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(members(), [], 'the whole group is gone');
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
    const started = await p.started;
    const [ids = '', ...rest] = readFileSync(out, 'utf8').trim().split('\n');
    const [pid, pgrp, sid] = ids.split(' ').map(Number);
    assert.equal(pid, started);
    assert.equal(pgrp, started, 'leader of its own process group');
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
