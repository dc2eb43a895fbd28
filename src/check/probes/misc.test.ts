import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupUserGroup, miscOutcome } from './misc.js';

test('exit status mapping with and without misc_dynamic', () => {
  assert.deepEqual(miscOutcome({ type: 'exited', status: 0 }, false), { type: 'success' });
  assert.deepEqual(miscOutcome({ type: 'exited', status: 0 }, true), { type: 'success' });
  assert.deepEqual(miscOutcome({ type: 'exited', status: 1 }, true), { type: 'failure', reason: 'exit status 1' });
  assert.deepEqual(miscOutcome({ type: 'exited', status: 2 }, true), { type: 'success', dynamicWeight: 0 });
  assert.deepEqual(miscOutcome({ type: 'exited', status: 255 }, true), { type: 'success', dynamicWeight: 253 });
  assert.deepEqual(miscOutcome({ type: 'exited', status: 2 }, false), { type: 'failure', reason: 'exit status 2' });
  assert.equal(miscOutcome({ type: 'timeout' }, true).type, 'failure');
  assert.equal(miscOutcome({ type: 'signaled', signal: 'SIGKILL' }, true).type, 'failure');
  assert.equal(miscOutcome({ type: 'spawn-error', message: 'ENOENT' }, false).type, 'failure');
});

test('user/group lookup from passwd/group files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-pw-'));
  try {
    const files = { passwd: join(dir, 'passwd'), group: join(dir, 'group') };
    writeFileSync(files.passwd, 'root:x:0:0::/root:/bin/sh\nsvc:x:1001:1002::/:/bin/false\n');
    writeFileSync(files.group, 'root:x:0:\nops:x:2000:\n');
    assert.deepEqual(lookupUserGroup('svc', undefined, files), { uid: 1001, gid: 1002 });
    assert.deepEqual(lookupUserGroup('svc', 'ops', files), { uid: 1001, gid: 2000 });
    assert.deepEqual(lookupUserGroup('42', '43', files), { uid: 42, gid: 43 });
    assert.deepEqual(lookupUserGroup(undefined, undefined, files), {});
    assert.deepEqual(lookupUserGroup('nobody-here', undefined, files), {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
