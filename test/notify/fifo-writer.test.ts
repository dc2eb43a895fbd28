/**
 * NotifyFifo against real FIFOs: a reader process gets exact lines, no reader never
 * blocks or throws, a full FIFO drops and counts, the fifo script gets the path, and a
 * FIFO is removed at close only when we created it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { NotifyFifo, NotifyFifoSet, fifoMode, fifoSpecsFor } from '../../src/notify/fifo-writer.js';
import { isAlive } from '../lab/proc.js';
import { createScriptRunner } from '../../src/notify/runner.js';
import type { GlobalDefs } from '../../src/config/model.js';
import { captureLogger, tempDir } from './helpers.js';
import { waitFor } from '../lab/wait.js';

test('creates a missing FIFO, a reader process receives exact lines, close removes it', async (t) => {
  const tmp = tempDir('fifo');
  t.after(tmp.remove);
  const { log } = captureLogger();
  const path = tmp.path('notify.fifo');
  const fifo = await NotifyFifo.open({ path }, { log, runner: createScriptRunner(log) });
  assert.ok(fifo);
  assert.equal(fifo.created, true);
  assert.ok(statSync(path).isFIFO());
  assert.equal(statSync(path).mode & 0o777, 0o600, "0644 under keepalived's default umask 0177");
  const reader = spawn('head', ['-n', '3', path], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  reader.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<number | null>((r) => reader.on('exit', (c) => r(c)));
  assert.equal(fifo.write('INSTANCE "VI_1" MASTER 100\n'), true);
  assert.equal(fifo.write('VS [192.0.2.15]:tcp:80 UP\n'), true);
  assert.equal(fifo.write('RS [198.51.100.4]:tcp:80 [192.0.2.15]:tcp:80 DOWN\n'), true);
  assert.equal(await exited, 0);
  assert.equal(out, 'INSTANCE "VI_1" MASTER 100\nVS [192.0.2.15]:tcp:80 UP\nRS [198.51.100.4]:tcp:80 [192.0.2.15]:tcp:80 DOWN\n');
  assert.deepEqual(fifo.stats(), { written: 3, dropped: 0, errors: 0 });
  fifo.close();
  assert.equal(existsSync(path), false);
  assert.equal(fifo.write('late\n'), false);
});

test('no reader: writes never block or throw; a full FIFO drops lines and counts them', async (t) => {
  const tmp = tempDir('fifo');
  t.after(tmp.remove);
  const { log } = captureLogger();
  const path = tmp.path('full.fifo');
  const fifo = await NotifyFifo.open({ path }, { log, runner: createScriptRunner(log) });
  assert.ok(fifo);
  const line = `RS [198.51.100.4]:tcp:80 [192.0.2.15]:tcp:80 DOWN${'x'.repeat(200)}\n`;
  const started = Date.now();
  let ok = 0;
  for (let i = 0; i < 2000; i++) if (fifo.write(line)) ok++;
  assert.ok(Date.now() - started < 2000, 'writes must not block');
  const s = fifo.stats();
  // A default pipe holds 64 KiB: about 256 of these lines fit, the rest are dropped.
  assert.ok(ok > 0 && ok < 2000, `written ${ok}`);
  assert.equal(s.written, ok);
  assert.equal(s.dropped, 2000 - ok);
  assert.equal(s.errors, 0);
  fifo.close();
});

test('an existing FIFO is used and left in place; the fifo script gets the path appended', async (t) => {
  const tmp = tempDir('fifo');
  t.after(tmp.remove);
  const { log } = captureLogger();
  const path = tmp.path('existing.fifo');
  await new Promise<void>((r, j) => spawn('mkfifo', [path]).on('exit', (c) => (c === 0 ? r() : j(new Error('mkfifo')))));
  const script = tmp.path('reader.sh');
  const out = tmp.path('reader.out');
  writeFileSync(script, `#!/bin/sh\necho "args: $*" > ${out}\nexec head -n 1 "$2" >> ${out}\n`);
  chmodSync(script, 0o755);
  const fifo = await NotifyFifo.open({ path, script: { argv: [script, 'extra'], text: `${script} extra` } }, { log, runner: createScriptRunner(log) });
  assert.ok(fifo);
  assert.equal(fifo.created, false);
  fifo.write('GROUP "SG1" BACKUP 0\n');
  await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').includes('GROUP'), 5000, 'the fifo script output');
  assert.equal(readFileSync(out, 'utf8'), `args: extra ${path}\nGROUP "SG1" BACKUP 0\n`);
  fifo.close();
  assert.ok(statSync(path).isFIFO(), 'a FIFO we did not create stays');
});

test('close terminates the fifo script (its process group)', async (t) => {
  const tmp = tempDir('fifo');
  t.after(tmp.remove);
  const { log } = captureLogger();
  const path = tmp.path('s.fifo');
  const script = tmp.path('reader.sh');
  writeFileSync(script, `#!/bin/sh\necho $$ > "$1.pid"\ncat "$1" > /dev/null\n`);
  chmodSync(script, 0o755);
  const fifo = await NotifyFifo.open({ path, script: { argv: [script], text: script } }, { log, runner: createScriptRunner(log) });
  assert.ok(fifo);
  await waitFor(() => existsSync(`${path}.pid`) && readFileSync(`${path}.pid`, 'utf8').trim() !== '', 5000, 'the script to start');
  const pid = Number(readFileSync(`${path}.pid`, 'utf8'));
  assert.equal(fifo.scriptPid, pid);
  assert.ok(isAlive(pid));
  fifo.close();
  await waitFor(() => !isAlive(pid), 5000, 'the script to be terminated');
});

test('fifoMode: 0644 under the umask, keepalived default 0177', () => {
  assert.equal(fifoMode(undefined), 0o600);
  assert.equal(fifoMode(0o022), 0o644);
  assert.equal(fifoMode(0o077), 0o600);
});

test('an unusable path is logged and yields null, never a throw', async (t) => {
  const tmp = tempDir('fifo');
  t.after(tmp.remove);
  const cap = captureLogger();
  const fifo = await NotifyFifo.open({ path: tmp.path('no/such/dir/f') }, { log: cap.log, runner: createScriptRunner(cap.log) });
  assert.equal(fifo, null);
  assert.match(cap.text(), /Unable to create notify fifo .*no\/such\/dir\/f/);
});

test('NotifyFifoSet: global + specific FIFO, same path ignored, other side\'s events ignored', async (t) => {
  const tmp = tempDir('fifo');
  t.after(tmp.remove);
  const { log } = captureLogger();
  const g = { notifyFifo: { argv: [tmp.path('all')], text: 'all' }, vrrpNotifyFifo: { argv: [tmp.path('vrrp')], text: 'vrrp' }, lvsNotifyFifo: { argv: [tmp.path('all')], text: 'all' } } as unknown as GlobalDefs;
  assert.deepEqual(fifoSpecsFor('lvs', g).map((s) => s.path), [tmp.path('all')]);
  assert.deepEqual(fifoSpecsFor('vrrp', g).map((s) => s.path), [tmp.path('all'), tmp.path('vrrp')]);
  const set = await NotifyFifoSet.open('vrrp', g, { log, runner: createScriptRunner(log) });
  assert.equal(set.fifos.length, 2);
  set.emit({ type: 'instance', name: 'VI_1', state: 'BACKUP', priority: 100 });
  set.emit({ type: 'rs', rs: '[198.51.100.4]:tcp:80', vs: '[192.0.2.15]:tcp:80', up: true });
  assert.deepEqual(set.fifos.map((f) => f.stats().written), [1, 1]);
  set.close();
  assert.equal(existsSync(tmp.path('all')), false);
});
