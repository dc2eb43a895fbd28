/**
 * MISC_CHECK with real scripts: exit statuses (plain and misc_dynamic), a script that
 * outlives misc_timeout (its whole process group must be gone afterwards, SIGKILL if it
 * ignores SIGTERM), a missing and a non-executable script.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MiscCheckConfig } from '../../src/config/lvs/model.js';
import { nullLogger } from '../../src/core/logger.js';
import { createMiscProbe } from '../../src/check/probes/misc.js';
import { isAlive } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';

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
  const echo = script('args.sh', `printf '%s|' "$@" > ${args}`);
  assert.deepEqual(await runOnce(cfg([echo, 'a b', '$HOME'])), { type: 'success' });
  assert.equal(readFileSync(args, 'utf8'), 'a b|$HOME|');
});

test('the script environment: LD_PRELOAD and LD_LIBRARY_PATH removed, the rest passed on', async () => {
  const envOut = join(dir, 'env.out');
  // `${X-unset}` tells a removed variable from an empty one.
  const show = script('env.sh', `printf '%s|%s|%s' "\${LD_PRELOAD-unset}" "\${LD_LIBRARY_PATH-unset}" "\${KTS_MISC_KEPT-unset}" > ${envOut}`);
  const set = { LD_PRELOAD: '/nonexistent/kts-preload.so', LD_LIBRARY_PATH: '/nonexistent/kts-lib', KTS_MISC_KEPT: 'kept' };
  const saved = Object.fromEntries(Object.keys(set).map((k) => [k, process.env[k]]));
  Object.assign(process.env, set);
  try {
    assert.deepEqual(await runOnce(cfg([show])), { type: 'success' });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  assert.equal(readFileSync(envOut, 'utf8'), 'unset|unset|kept');
});

/** Live (not zombie) members of process group `pgid`, from /proc: never "none" because a tool failed. */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // After "(comm)": state ppid pgrp …
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') out.push(Number(name));
  }
  return out;
}

test('timeout: failure, and the whole process group is killed', async () => {
  const pids = join(dir, 'pids');
  // A grandchild in the same group, and a leader that ignores SIGTERM (needs the SIGKILL).
  const slow = script('slow.sh', `sleep 30 &\ntrap '' TERM\necho $$ $! > ${pids}\nwait\nsleep 30`);
  const o = await runOnce(cfg([slow], { timeoutMs: 400 }));
  assert.deepEqual(o, { type: 'failure', reason: 'timeout' });
  const [leader, child] = readFileSync(pids, 'utf8').trim().split(' ').map(Number) as [number, number];
  assert.ok(leader > 0 && child > 0);
  // The script leads its own group (detached spawn: setsid), so the group id is its pid. The
  // leader ignores SIGTERM, so it is alive until the SIGKILL: the attempt resolved at the
  // timeout, not after the kill, and the listing must see it (a listing that saw nothing
  // would prove nothing below).
  assert.ok(groupMembers(leader).includes(leader), 'resolved at the timeout, before the SIGKILL; the group is listed');
  await waitFor(() => !isAlive(child), 1500, 'SIGTERM to reach the grandchild (well before the 2 s SIGKILL)');
  assert.equal(isAlive(leader), true, 'the leader ignores SIGTERM');
  await waitFor(() => !isAlive(leader), 5000, 'the leader ignoring SIGTERM to be SIGKILLed about 2 s later');
  await waitFor(() => groupMembers(leader).length === 0, 1000, `the group of ${leader} to be empty (left: ${groupMembers(leader).join(',')})`);
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
  const pid = await waitFor(() => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')), 5000, 'the script to start');
  ac.abort();
  assert.deepEqual(await pending, { type: 'failure', reason: 'aborted' });
  await waitFor(() => !isAlive(pid), 2000, 'the aborted script to be killed');
  probe.close();
});
