import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialScriptState, scriptDumpWords, scriptRunEnded, scriptStatus, type ScriptRunEnd, type ScriptState } from './script-state.js';

const cfg = (o: { rise?: number; fall?: number; initFail?: boolean } = {}) => ({ name: 'chk', rise: o.rise ?? 1, fall: o.fall ?? 1, initFail: o.initFail ?? false });
const exit = (status: number): ScriptRunEnd => ({ type: 'exited', status, killed: 'no' });

function feed(c: ReturnType<typeof cfg>, results: readonly ScriptRunEnd[]): { s: ScriptState; changes: string[]; logs: string[] } {
  let s = initialScriptState(c);
  const changes: string[] = [];
  const logs: string[] = [];
  for (const r of results) {
    const step = scriptRunEnded(c, s, r);
    s = step.state;
    changes.push(step.changed ?? '-');
    logs.push(...step.logs);
  }
  return { s, changes, logs };
}

test('init: the first result decides either way, whatever rise/fall', () => {
  const c = cfg({ rise: 3, fall: 2 });
  assert.equal(scriptStatus(c, initialScriptState(c)), 'init');
  assert.deepEqual(scriptDumpWords(c, initialScriptState(c)), { initState: 'INIT', status: 'BAD' });
  assert.deepEqual(feed(c, [exit(0)]).changes, ['ok']);
  assert.deepEqual(feed(c, [exit(1)]).changes, ['failed']);
});

test('rise/fall: fall consecutive failures to fail, rise consecutive successes to recover; one contrary result resets', () => {
  const c = cfg({ rise: 2, fall: 3 });
  const r = feed(c, [exit(0), exit(2), exit(2), exit(0), exit(2), exit(2), exit(2), exit(0), exit(1), exit(0), exit(0)]);
  assert.deepEqual(r.changes, ['ok', '-', '-', '-', '-', '-', 'failed', '-', '-', '-', 'ok']);
  // keepalived 2.2.7's lines (test/e2e/trackers-keepalived.test.ts): a status change is logged at once, the verdict when it flips.
  assert.deepEqual(r.logs, [
    'VRRP_Script(chk) succeeded',
    'Script `chk` now returning 2',
    'Script `chk` now returning 0',
    'Script `chk` now returning 2',
    'VRRP_Script(chk) failed (exited with status 2)',
    'Script `chk` now returning 0',
    'Script `chk` now returning 1',
    'Script `chk` now returning 0',
    'VRRP_Script(chk) succeeded',
  ]);
});

test('exit statuses: 0 success, any other (1, 2, 127, 255) failure; signals and our timeout kills fail', () => {
  for (const st of [1, 2, 127, 255]) assert.deepEqual(feed(cfg(), [exit(0), exit(st)]).changes, ['ok', 'failed']);
  const sig = feed(cfg(), [exit(0), { type: 'signaled', signal: 9, killed: 'no' }]);
  assert.deepEqual(sig.logs, ['VRRP_Script(chk) succeeded', 'VRRP_Script(chk) failed (due to signal 9)']);
  const to = feed(cfg(), [exit(0), { type: 'signaled', signal: 15, killed: 'term' }]);
  assert.deepEqual(to.logs, ['VRRP_Script(chk) succeeded', 'VRRP_Script(chk) timed_out']);
  const forced = feed(cfg(), [exit(0), { type: 'signaled', signal: 9, killed: 'kill' }]);
  assert.equal(forced.logs.at(-1), 'VRRP_Script(chk) timed_out');
  // A script that traps our SIGTERM and exits 0 succeeded (keepalived reads the status).
  assert.deepEqual(feed(cfg(), [exit(1), { type: 'exited', status: 0, killed: 'term' }]).changes, ['failed', 'ok']);
});

test("init_fail has no effect on a tracked script, as in keepalived 2.2.7 (tracking resets the init state: Result = rise − 1)", () => {
  const c = cfg({ rise: 3, initFail: true });
  assert.deepEqual(initialScriptState(c), initialScriptState(cfg({ rise: 3 })));
  assert.equal(initialScriptState(c).result, 2);
  assert.deepEqual(feed(c, [exit(0)]).changes, ['ok']);
  assert.deepEqual(scriptDumpWords(c, feed(c, [exit(0)]).s), { initState: 'unknown', status: 'GOOD' });
});
