/**
 * MISC_CHECK with real scripts: exit statuses (plain and misc_dynamic), a script that
 * outlives misc_timeout (its whole process group must be gone afterwards, SIGKILL if it
 * ignores SIGTERM), a missing and a non-executable script.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { MiscCheckConfig } from '../../src/config/lvs/model.js';
import { nullLogger } from '../../src/core/logger.js';
import { createMiscProbe } from '../../src/check/probes/misc.js';
import { isAlive, sleep } from '../lab/proc.js';

let dir: string;

function script(name: string, body: string, mode = 0o755): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, mode);
  return p;
}

function cfg(argv: readonly string[], opts: { dynamic?: boolean; timeoutMs?: number } = {}): MiscCheckConfig {
  return {
    type: 'MISC_CHECK',
    loc: { file: 'test', line: 1, col: 1 },
    retry: 0,
    delayBeforeRetryMs: 1000,
    delayLoopMs: 1000,
    warmupMs: 0,
    alpha: false,
    logAllFailures: false,
    script: { argv, text: argv.join(' ') },
    timeoutMs: opts.timeoutMs ?? 3000,
    dynamic: opts.dynamic ?? false,
  };
}

const env = { log: nullLogger, random: Math.random };
const runOnce = (c: MiscCheckConfig) => createMiscProbe(c, env).run({ urlIndex: 0 });

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kts-misc-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('exit statuses, plain and misc_dynamic; arguments are passed without a shell', async () => {
  const exit = script('exit.sh', 'exit "$1"');
  assert.deepEqual(await runOnce(cfg([exit, '0'])), { type: 'success' });
  assert.deepEqual(await runOnce(cfg([exit, '1'])), { type: 'failure', reason: 'exit status 1' });
  assert.deepEqual(await runOnce(cfg([exit, '7'])), { type: 'failure', reason: 'exit status 7' });
  assert.deepEqual(await runOnce(cfg([exit, '0'], { dynamic: true })), { type: 'success' });
  assert.deepEqual(await runOnce(cfg([exit, '1'], { dynamic: true })), { type: 'failure', reason: 'exit status 1' });
  assert.deepEqual(await runOnce(cfg([exit, '2'], { dynamic: true })), { type: 'success', dynamicWeight: 0 });
  assert.deepEqual(await runOnce(cfg([exit, '77'], { dynamic: true })), { type: 'success', dynamicWeight: 75 });
  assert.deepEqual(await runOnce(cfg([exit, '255'], { dynamic: true })), { type: 'success', dynamicWeight: 253 });
  const args = join(dir, 'args.out');
  const echo = script('args.sh', `printf '%s|' "$@" > ${args}; [ -z "$LD_PRELOAD" ]`);
  const saved = process.env['LD_PRELOAD'];
  process.env['LD_PRELOAD'] = '';
  try {
    assert.deepEqual(await runOnce(cfg([echo, 'a b', '$HOME'])), { type: 'success' });
  } finally {
    if (saved === undefined) delete process.env['LD_PRELOAD'];
    else process.env['LD_PRELOAD'] = saved;
  }
  assert.equal(readFileSync(args, 'utf8'), 'a b|$HOME|');
});

test('timeout: failure, and the whole process group is killed', async () => {
  const pids = join(dir, 'pids');
  // A grandchild in the same group, and a leader that ignores SIGTERM (needs the SIGKILL).
  const slow = script('slow.sh', `sleep 30 &\ntrap '' TERM\necho $$ $! > ${pids}\nwait\nsleep 30`);
  const t0 = Date.now();
  const o = await runOnce(cfg([slow], { timeoutMs: 400 }));
  assert.deepEqual(o, { type: 'failure', reason: 'timeout' });
  assert.ok(Date.now() - t0 < 1500, 'resolves at the timeout, not after the kill');
  const [leader, child] = readFileSync(pids, 'utf8').trim().split(' ').map(Number) as [number, number];
  assert.ok(leader > 0 && child > 0);
  for (let i = 0; i < 20 && isAlive(child); i++) await sleep(25);
  assert.equal(isAlive(child), false, 'SIGTERM reached the grandchild (well before the 2 s SIGKILL)');
  assert.equal(isAlive(leader), true, 'the leader ignores SIGTERM');
  for (let i = 0; i < 60 && isAlive(leader); i++) await sleep(50);
  assert.equal(isAlive(leader), false, 'the leader ignoring SIGTERM is SIGKILLed about 2 s later');
  // Members still running (zombies are dead; init reaps them in its own time). Node's
  // detached spawn calls setsid(), so the session (ps -g) is the script's process group.
  const liveMembers = (): string[] => {
    let out = '';
    try {
      out = execFileSync('ps', ['-o', 'stat=,pid=,cmd=', '-g', String(leader)], { encoding: 'utf8' });
    } catch {
      return []; // ps exits 1 when the group is empty
    }
    return out.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('Z'));
  };
  for (let i = 0; i < 40 && liveMembers().length > 0; i++) await sleep(25);
  assert.deepEqual(liveMembers(), [], 'no process of the group is left running');
});

test('missing and non-executable scripts fail', async () => {
  const missing = await runOnce(cfg([join(dir, 'nope.sh')]));
  assert.equal(missing.type, 'failure');
  assert.match(missing.type === 'failure' ? missing.reason : '', /cannot execute: .*ENOENT/);
  const noexec = script('noexec.sh', 'exit 0', 0o644);
  const r = await runOnce(cfg([noexec]));
  assert.equal(r.type, 'failure');
  assert.match(r.type === 'failure' ? r.reason : '', /EACCES/);
  assert.ok(existsSync(noexec));
});

test('close() kills a running script; an aborted attempt resolves at once', async () => {
  const pidFile = join(dir, 'close.pid');
  const s = script('long.sh', `echo $$ > ${pidFile}\nexec sleep 30`);
  const probe = createMiscProbe(cfg([s], { timeoutMs: 10_000 }), env);
  const ac = new AbortController();
  const pending = probe.run({ urlIndex: 0, signal: ac.signal });
  for (let i = 0; i < 100 && !existsSync(pidFile); i++) await sleep(20);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  ac.abort();
  assert.deepEqual(await pending, { type: 'failure', reason: 'aborted' });
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(20);
  assert.equal(isAlive(pid), false);
  probe.close();
});
