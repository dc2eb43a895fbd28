import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFileError, logFileMode, openNoFollow, replaceFile, writeNewFile } from './safe-file.js';

function withDir(fn: (dir: string, target: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'kts-safe-'));
  const target = join(dir, 'target');
  writeFileSync(target, 'secret\n', { mode: 0o640 });
  try {
    fn(dir, target);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mode = (p: string): number => statSync(p).mode & 0o777;

test('a symbolic link at the path is never followed, for every way of opening', () => {
  withDir((dir, target) => {
    const link = join(dir, 'link');
    symlinkSync(target, link);
    for (const how of ['append', 'truncate', 'exclusive'] as const) {
      const r = openNoFollow(link, how, 0o600);
      assert.equal(r.ok, false, how);
      if (!r.ok) assert.equal(r.reason.code, how === 'exclusive' ? 'EEXIST' : 'ELOOP', how);
    }
    const w = writeNewFile(link, 'x', 0o644);
    assert.ok(!w.ok && w.reason.code === 'EEXIST');
    assert.equal(readFileSync(target, 'utf8'), 'secret\n');
    assert.equal(mode(target), 0o640);
    assert.ok(lstatSync(link).isSymbolicLink());
  });
});

test('replaceFile replaces a planted link (target untouched) and leaves no temporary file', () => {
  withDir((dir, target) => {
    const path = join(dir, 'keepalived.data');
    symlinkSync(target, path);
    const r = replaceFile(path, 'dump\n', 0o600);
    assert.ok(r.ok);
    assert.ok(!lstatSync(path).isSymbolicLink());
    assert.equal(readFileSync(path, 'utf8'), 'dump\n');
    assert.equal(mode(path), 0o600);
    assert.equal(readFileSync(target, 'utf8'), 'secret\n');
    assert.deepEqual(readdirSync(dir).sort(), ['keepalived.data', 'target']);
  });
});

test('the mode is set whatever the umask and the mode of an existing file', () => {
  withDir((dir) => {
    const path = join(dir, 'log');
    writeFileSync(path, 'old\n', { mode: 0o666 });
    const old = process.umask(0);
    try {
      const r = openNoFollow(path, 'append', logFileMode(undefined));
      assert.ok(r.ok);
      writeSync(r.value, 'new\n');
      closeSync(r.value);
    } finally {
      process.umask(old);
    }
    assert.equal(readFileSync(path, 'utf8'), 'old\nnew\n');
    assert.equal(mode(path), 0o600, "keepalived's default umask 0177");
    assert.equal(logFileMode(0o022), 0o644);
  });
});

test('errors name the errno as keepalived prints it', () => {
  assert.equal(describeFileError({ path: '/x', code: 'ELOOP', errno: 40 }), 'errno 40 (Too many levels of symbolic links): the path is a symbolic link, which is never followed');
  withDir((dir) => {
    const r = openNoFollow(join(dir, 'missing', 'log'), 'append', 0o600);
    assert.ok(!r.ok && r.reason.code === 'ENOENT' && r.reason.errno === 2);
  });
});
