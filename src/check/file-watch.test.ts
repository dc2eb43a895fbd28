import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, renameSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateTrackFile, parseTrackFileValue, watchTrackFile, type TrackFileState } from './file-watch.js';

const v = (n: number) => ({ type: 'value', value: n });

test('strtol base 0 parsing as keepalived reads the file', () => {
  assert.deepEqual(parseTrackFileValue('42\n'), v(42));
  assert.deepEqual(parseTrackFileValue('  -7 trailing'), v(-7));
  assert.deepEqual(parseTrackFileValue('+3'), v(3));
  assert.deepEqual(parseTrackFileValue('0x1F'), v(31));
  assert.deepEqual(parseTrackFileValue('010'), v(8));
  assert.deepEqual(parseTrackFileValue('09'), v(0));
  assert.deepEqual(parseTrackFileValue('0x'), v(0));
  assert.deepEqual(parseTrackFileValue('garbage'), v(0));
  assert.deepEqual(parseTrackFileValue(''), v(0));
  assert.deepEqual(parseTrackFileValue('2147483648'), v(2 ** 31));
  assert.equal(parseTrackFileValue('2147483649').type, 'invalid');
  assert.equal(parseTrackFileValue('-2147483649').type, 'invalid');
  assert.equal(parseTrackFileValue('99999999999999999999999').type, 'invalid');
});

test('evaluation: weight 0, reverse, clamping at -2^31', () => {
  assert.deepEqual(evaluateTrackFile(0, 0, false), { up: true, weightDelta: 0 });
  assert.deepEqual(evaluateTrackFile(5, 0, false), { up: false, weightDelta: 0 });
  assert.deepEqual(evaluateTrackFile(0, 0, true), { up: false, weightDelta: 0 });
  assert.deepEqual(evaluateTrackFile(5, 0, true), { up: true, weightDelta: 0 });
  assert.deepEqual(evaluateTrackFile(3, 10, false), { up: true, weightDelta: 30 });
  assert.deepEqual(evaluateTrackFile(3, 10, true), { up: true, weightDelta: -30 });
  assert.deepEqual(evaluateTrackFile(-(2 ** 31) + 1, 1, false), { up: true, weightDelta: -(2 ** 31) + 1 });
  assert.deepEqual(evaluateTrackFile(-(2 ** 31), 1, false), { up: false, weightDelta: 0 });
  assert.deepEqual(evaluateTrackFile(-2, 2 ** 30, false), { up: false, weightDelta: 0 });
  assert.deepEqual(evaluateTrackFile(2 ** 31, 1, true), { up: false, weightDelta: 0 });
  assert.deepEqual(evaluateTrackFile(2 ** 31, 1, false), { up: true, weightDelta: 2 ** 31 - 1 });
});

test('watcher follows writes, renames and deletion', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-fw-'));
  const path = join(dir, 'state');
  const seen: TrackFileState[] = [];
  const waitFor = async (pred: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(pred(), `timed out; seen ${JSON.stringify(seen)}`);
  };
  const w = watchTrackFile({ path, weight: 0, reverse: false, pollMs: 0 }, (s) => seen.push(s));
  try {
    assert.deepEqual(w.state, { up: true, weightDelta: 0 }, 'missing file = 0');
    writeFileSync(path, '1\n');
    await waitFor(() => seen.length === 1);
    assert.deepEqual(seen[0], { up: false, weightDelta: 0 });
    writeFileSync(join(dir, 'tmp'), '0\n');
    renameSync(join(dir, 'tmp'), path);
    await waitFor(() => seen.length === 2);
    assert.deepEqual(seen[1], { up: true, weightDelta: 0 });
    writeFileSync(path, '7');
    await waitFor(() => seen.length === 3);
    unlinkSync(path);
    await waitFor(() => seen.length === 4);
    assert.deepEqual(seen[3], { up: true, weightDelta: 0 });
  } finally {
    w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the poll catches changes when no notification arrives; invalid values are ignored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-fw-'));
  const path = join(dir, 'nested-missing', 'state');
  const w = watchTrackFile({ path, weight: 2, reverse: false, pollMs: 20 }, () => undefined);
  try {
    assert.deepEqual(w.state, { up: true, weightDelta: 0 });
  } finally {
    w.close();
  }
  const p2 = join(dir, 'v');
  writeFileSync(p2, '4');
  const w2 = watchTrackFile({ path: p2, weight: 2, reverse: false, pollMs: 20 }, () => undefined);
  try {
    assert.deepEqual(w2.state, { up: true, weightDelta: 8 });
    writeFileSync(p2, '99999999999');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(w2.value, 4, 'an out-of-range number keeps the previous value');
    writeFileSync(p2, '5');
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(w2.state, { up: true, weightDelta: 10 });
  } finally {
    w2.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
