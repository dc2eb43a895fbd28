import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lvsConfig, sortedSummary } from '../test-kit/lvs-sim.js';
import { mulberry32 } from '../test-kit/prng.js';
import type { IpvsTable } from '../ipvs/ipvs-types.js';
import { buildState, checkerResult, desiredTable, startStep } from './lvs-state.js';
import { applyOps } from './table-diff.js';

// Results that do not change an RS's alive state take the path without the table diff:
// these tests pin what that path must still emit, and that the table never drifts.
const TCP = 'TCP_CHECK {\n connect_timeout 1\n retry 0\n delay_before_retry 1\n }';
const conf = (checks: string, extra = ''): string =>
  `virtual_server 192.0.2.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n delay_loop 5\n ${extra}\n real_server 192.0.2.10 8080 {\n ${checks}\n }\n real_server 192.0.2.11 8080 {\n ${TCP}\n }\n}\n`;
const ok = { type: 'success' } as const;
const ko = { type: 'failure', reason: 'connection refused' } as const;

test('quiet path: a first success logs the checker line, no ops; a steady success emits nothing', () => {
  const st = buildState(lvsConfig(conf(TCP)));
  startStep(st);
  const first = checkerResult(st, { vs: 0, rs: 0, checker: 0 }, ok);
  assert.deepEqual(first.step.ops, []);
  assert.deepEqual(first.step.effects.map((e) => (e.type === 'log' ? e.msg : e.type)), ['TCP connection to [192.0.2.10]:tcp:8080 success.']);
  const steady = checkerResult(st, { vs: 0, rs: 0, checker: 0 }, ok);
  assert.deepEqual(steady.step, { effects: [], ops: [] });
  assert.equal(steady.delayMs, 5000);
});

test('quiet path: a second checker failing on a dead RS emits checker-down (rsChanged false) and no ops', () => {
  const st = buildState(lvsConfig(conf(`${TCP}\n ${TCP}`)));
  startStep(st);
  checkerResult(st, { vs: 0, rs: 0, checker: 0 }, ok);
  checkerResult(st, { vs: 0, rs: 0, checker: 1 }, ok);
  // The first failure removes the RS (alive iff no checker failed): the diff runs.
  const first = checkerResult(st, { vs: 0, rs: 0, checker: 0 }, ko);
  assert.ok(first.step.ops.length > 0);
  const s = checkerResult(st, { vs: 0, rs: 0, checker: 1 }, ko);
  assert.deepEqual(s.step.ops, []);
  const ev = s.step.effects.find((e) => e.type === 'checker-down');
  assert.ok(ev && ev.type === 'checker-down');
  assert.equal(ev.rsChanged, false);
  assert.equal(ev.rsAlive, false);
  assert.ok(s.step.effects.some((e) => e.type === 'log' && /failed/.test(e.msg)));
  assert.equal(st.vss[0]!.rss[0]!.failed, 2);
  // One checker back: still dead, checker-up without ops; the second one back adds the RS.
  const back1 = checkerResult(st, { vs: 0, rs: 0, checker: 1 }, ok);
  assert.deepEqual(back1.step.ops, []);
  assert.ok(back1.step.effects.some((e) => e.type === 'checker-up' && !e.rsChanged));
  const back2 = checkerResult(st, { vs: 0, rs: 0, checker: 0 }, ok);
  assert.ok(back2.step.ops.length > 0);
  assert.equal(st.vss[0]!.rss[0]!.alive, true);
});

test('quiet path: random results on multi-checker RSs never let the applied table drift from the desired one', () => {
  for (const extra of ['', 'quorum 2\n sorry_server 192.0.2.99 8080', 'quorum 1\n hysteresis 1']) {
    const st = buildState(lvsConfig(conf(`${TCP}\n ${TCP}\n ${TCP}`, extra)));
    startStep(st);
    let table: IpvsTable = desiredTable(st);
    const rnd = mulberry32(7);
    for (let i = 0; i < 2000; i++) {
      const rs = rnd.next() < 0.75 ? 0 : 1;
      const ref = { vs: 0, rs, checker: rs === 0 ? Math.floor(rnd.next() * 3) : 0 };
      const r = checkerResult(st, ref, rnd.next() < 0.6 ? ok : ko);
      if (r.step.ops.length > 0) table = applyOps(table, r.step.ops);
      assert.deepEqual(sortedSummary(table), sortedSummary(desiredTable(st)), `step ${i} (${extra})`);
      const rsState = st.vss[0]!.rss[rs]!;
      assert.equal(rsState.alive, rsState.failed === 0);
    }
  }
});
