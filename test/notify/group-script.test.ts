// spawnGroupScript, the process-group runner of vrrp_scripts (src/notify/runner.ts), against the
// real kernel: the posix_spawn path (a new session and group, stdio on /dev/null, default signal
// dispositions) and the child_process path it falls back to give the same ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { spawnGroupScript } from '../../src/notify/runner.js';

test('exit statuses, signals and a missing program end the same way', async () => {
  assert.deepEqual(await spawnGroupScript(['/bin/sh', '-c', 'exit 3']).done, { type: 'exited', status: 3 });
  assert.deepEqual(await spawnGroupScript(['/bin/sh', '-c', 'kill -KILL $$']).done, { type: 'signaled', signal: 9 });
  const missing = await spawnGroupScript(['/nonexistent/script']).done;
  assert.equal(missing.type, 'spawn-error');
  // A relative name goes through child_process (PATH search).
  assert.deepEqual(await spawnGroupScript(['sh', '-c', 'exit 4']).done, { type: 'exited', status: 4 });
});

test('the script leads its own process group with default signal handling; signalGroup reaches its children', async () => {
  const s = spawnGroupScript(['/bin/sh', '-c', 'sleep 30 & sleep 30']);
  await new Promise((r) => setTimeout(r, 200));
  const procs = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('sleep 30'));
  assert.ok(procs.length >= 2, procs.join('\n'));
  const groups = new Set(procs.map((l) => l.trim().split(/\s+/)[1]));
  assert.equal(groups.size, 1, 'one group for the script and its children');
  assert.notEqual([...groups][0], String(process.pid), 'not ours');
  s.signalGroup('SIGTERM');
  assert.deepEqual(await s.done, { type: 'signaled', signal: 15 });
  await new Promise((r) => setTimeout(r, 100));
  const left = execFileSync('ps', ['-eo', 'pgid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('sleep 30') && l.trim().startsWith([...groups][0]!));
  assert.deepEqual(left, [], 'the whole group is gone');
  // SIGPIPE (bit 12 of SigIgn) ignored by Node must be back at its default in the script.
  const pipeDefault = await spawnGroupScript(['/bin/sh', '-c', 'm=$(sed -n "s/^SigIgn:\t//p" /proc/$$/status); [ $(( 0x$m & 0x1000 )) -eq 0 ]']).done;
  assert.deepEqual(pipeDefault, { type: 'exited', status: 0 }, 'SIGPIPE not ignored in the script');
});
