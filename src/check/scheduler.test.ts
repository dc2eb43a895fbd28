import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nullLogger } from '../core/logger.js';
import { FakeClock } from '../test-kit/fake-clock.js';
import { lvsConfig, runUntil, ScriptedProbes, sortedSummary } from '../test-kit/lvs-sim.js';
import { mulberry32 } from '../test-kit/prng.js';
import type { IpvsTable } from '../ipvs/ipvs-types.js';
import { buildState, desiredTable, startStep, type EngineState } from './lvs-state.js';
import { migrateState } from './migrate.js';
import { CheckerScheduler } from './scheduler.js';
import { applyOps } from './table-diff.js';

interface Sim {
  readonly clock: FakeClock;
  readonly probes: ScriptedProbes;
  readonly state: EngineState;
  readonly lines: { t: number; msg: string }[];
  readonly sched: CheckerScheduler;
  table(): IpvsTable;
}

function sim(conf: string, seed = 1): Sim {
  const clock = new FakeClock();
  const probes = new ScriptedProbes();
  const state = buildState(lvsConfig(conf));
  const lines: { t: number; msg: string }[] = [];
  startStep(state);
  let table = desiredTable(state);
  const rnd = mulberry32(seed);
  const sched = new CheckerScheduler(state, {
    clock,
    random: () => rnd.next(),
    log: nullLogger,
    createProbe: (cfg) => probes.probe('connection' in cfg ? `${cfg.connection.connectIp}:${cfg.connection.connectPort}` : 'misc'),
    onStep: (step) => {
      if (step.ops.length > 0) table = applyOps(table, step.ops);
      for (const e of step.effects) if (e.type === 'log') lines.push({ t: clock.nowMs(), msg: e.msg });
    },
  });
  sched.start();
  return { clock, probes, state, lines, sched, table: () => table };
}

const TCP = (retry: number, dbr: number, extra = ''): string => `TCP_CHECK {\n connect_timeout 1\n retry ${retry}\n delay_before_retry ${dbr}\n ${extra}\n }`;
const conf = (check: string, vsExtra = ''): string =>
  `virtual_server 192.0.2.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n delay_loop 5\n ${vsExtra}\n real_server 192.0.2.10 8080 {\n ${check}\n }\n}\n`;

test('sim: UP→DOWN after retry+1 failures spaced delay_before_retry, DOWN→UP on the first success', async () => {
  const s = sim(conf(TCP(2, 1, 'warmup 0')));
  await runUntil(s.clock, 1);
  assert.deepEqual(s.lines.map((l) => l.msg), ['TCP connection to [192.0.2.10]:tcp:8080 success.']);
  s.probes.set('192.0.2.10:8080', false);
  // Runs at 0, 5000 (fail), 6000 (retry 1), 7000 (retry 2) → DOWN at 7000.
  await runUntil(s.clock, 20_000);
  const downAt = s.lines.find((l) => /failed after 2 retries/.test(l.msg));
  assert.equal(downAt?.t, 7000);
  assert.deepEqual(
    s.lines.filter((l) => l.t === 7000).map((l) => l.msg),
    ['TCP_CHECK on service [192.0.2.10]:tcp:8080 failed after 2 retries.', 'Removing service [192.0.2.10]:tcp:8080 from VS [192.0.2.1]:tcp:80', 'Lost quorum 1-0=1 > 0 for VS [192.0.2.1]:tcp:80'],
  );
  assert.deepEqual(sortedSummary(s.table()), ['192.0.2.1:80']);
  s.probes.set('192.0.2.10:8080', true);
  const t0 = s.clock.nowMs();
  await runUntil(s.clock, t0 + 10_000);
  const upLine = s.lines.find((l) => l.t > t0 && /success\.$/.test(l.msg));
  assert.ok(upLine, 'came back up');
  assert.ok(upLine.t - t0 <= 5000, `first success after the flip came up (${upLine.t - t0} ms)`);
  assert.deepEqual(sortedSummary(s.table()), ['192.0.2.1:80 192.0.2.10:8080=1']);
  s.sched.stop();
});

test('sim: warmup spreads first runs over [0, warmup] (seeded), 200 checkers', async () => {
  const rss = Array.from({ length: 200 }, (_, i) => ` real_server 192.0.2.${10 + (i % 200)} ${8000 + i} {\n TCP_CHECK {\n warmup 3\n }\n }\n`).join('');
  const s = sim(`virtual_server 192.0.2.1 80 {\n lb_algo rr\n protocol TCP\n delay_loop 10\n${rss}}\n`, 99);
  const firsts: number[] = [];
  const orig = s.probes.runs;
  await runUntil(s.clock, 3001);
  assert.equal(orig.length, 200, 'every checker ran exactly once in [0, 3000]');
  await runUntil(s.clock, 9999);
  assert.equal(orig.length, 200, 'and not again before its delay_loop');
  for (const l of s.lines) firsts.push(l.t);
  assert.ok(Math.min(...firsts) < 300 && Math.max(...firsts) > 2700 && Math.max(...firsts) <= 3000, `spread ${Math.min(...firsts)}..${Math.max(...firsts)}`);
  s.sched.stop();
});

test('sim: alpha RS is out of IPVS until its first success', async () => {
  const s = sim(conf(TCP(1, 1, 'warmup 0'), 'alpha'));
  assert.deepEqual(sortedSummary(s.table()), ['192.0.2.1:80']);
  s.probes.set('192.0.2.10:8080', false);
  await runUntil(s.clock, 12_000);
  assert.deepEqual(sortedSummary(s.table()), ['192.0.2.1:80']);
  assert.deepEqual(s.lines.map((l) => l.msg), ['TCP_CHECK on service [192.0.2.10]:tcp:8080 failed.']);
  s.probes.set('192.0.2.10:8080', true);
  await runUntil(s.clock, 20_000);
  assert.deepEqual(sortedSummary(s.table()), ['192.0.2.1:80 192.0.2.10:8080=1']);
  assert.ok(s.lines.some((l) => l.msg === 'Gained quorum 1+0=1 <= 1 for VS [192.0.2.1]:tcp:80'));
  s.sched.stop();
});

test('sim: HTTP_GET url cycling through the scheduler (one url per delay_loop, failed url polled alone)', async () => {
  const http = 'HTTP_GET {\n url {\n path /a\n }\n url {\n path /b\n }\n retry 1\n delay_before_retry 1\n warmup 0\n }';
  const s = sim(conf(http, 'alpha'));
  const t = '192.0.2.10:8080';
  await runUntil(s.clock, 6000);
  assert.deepEqual(s.lines.map((l) => `${l.t} ${l.msg}`), [
    `0 HTTP status code success to [${'192.0.2.10'}]:tcp:8080 url(/a)`,
    '5000 HTTP status code success to [192.0.2.10]:tcp:8080 url(/b)',
    '5000 Remote Web server [192.0.2.10]:tcp:8080 succeed on service.',
    '5000 Adding service [192.0.2.10]:tcp:8080 to VS [192.0.2.1]:tcp:80',
    '5000 Gained quorum 1+0=1 <= 1 for VS [192.0.2.1]:tcp:80',
  ]);
  s.probes.setUrl(t, 1, false);
  await runUntil(s.clock, 40_000);
  assert.ok(s.lines.some((l) => l.msg === 'HTTP_CHECK on service [192.0.2.10]:tcp:8080 failed after 1 retries.'));
  const downT = s.lines.find((l) => /failed after/.test(l.msg))!.t;
  const polled = s.probes.runs.filter((_, i) => i >= 0).slice(-4).map((r) => r.urlIndex);
  assert.deepEqual(polled, [1, 1, 1, 1], 'only the failed url is polled while DOWN');
  s.probes.setUrl(t, 1, true);
  const before = s.probes.runs.length;
  await runUntil(s.clock, 60_000);
  assert.deepEqual(s.probes.runs.slice(before, before + 3).map((r) => r.urlIndex), [1, 0, 1], 'failed url, then every url again');
  assert.ok(downT > 5000);
  assert.ok(s.lines.filter((l) => /succeed on service/.test(l.msg)).length === 2);
  s.sched.stop();
});

test('sim: stop() drops late probe results and cancels timers', async () => {
  const s = sim(conf(TCP(1, 1, 'warmup 0')));
  await runUntil(s.clock, 1);
  s.sched.stop();
  const runs = s.probes.runs.length;
  await runUntil(s.clock, 60_000);
  assert.equal(s.probes.runs.length, runs);
  assert.equal(s.clock.pending(), 0);
});

test('sim: 1,000 checkers with seeded random outages: IPVS always equals the desired table, every DOWN needs retry+1 failures', async () => {
  const rnd = mulberry32(4242);
  const vss = Array.from({ length: 50 }, (_, v) => {
    const rss = Array.from({ length: 20 }, (_, r) => ` real_server 10.1.${v}.${r + 1} 80 {\n${r % 3 === 0 ? ' inhibit_on_failure\n' : ''} TCP_CHECK {\n retry ${r % 3}\n delay_before_retry 1\n }\n }\n`).join('');
    return `virtual_server 10.0.${v >> 8}.${v & 255} 80 {\n lb_algo rr\n protocol TCP\n delay_loop 3\n quorum ${1 + (v % 5)}\n${v % 2 ? ' sorry_server 10.9.9.9 80\n' : ''}${rss}}\n`;
  }).join('');
  const s = sim(vss, 7);
  const down = new Set<string>();
  for (let round = 0; round < 20; round++) {
    for (let k = 0; k < 100; k++) {
      const t = `10.1.${rnd.int(0, 49)}.${rnd.int(1, 20)}:80`;
      if (rnd.chance(0.5)) down.add(t);
      else down.delete(t);
      s.probes.set(t, !down.has(t));
    }
    await runUntil(s.clock, (round + 1) * 10_000, 50);
    assert.deepEqual(sortedSummary(s.table()), sortedSummary(desiredTable(s.state)), `round ${round}`);
  }
  // After a quiet period longer than (retry+1) × spacing every RS reflects its probe.
  await runUntil(s.clock, 260_000, 50);
  let mismatches = 0;
  s.state.vss.forEach((vs) => vs.rss.forEach((rs) => (mismatches += rs.alive === down.has(`${rs.cfg.address}:80`) ? 1 : 0)));
  assert.equal(mismatches, 0);
  assert.ok(s.sched.runs > 1000 * 60, `probe runs ${s.sched.runs}`);
  s.sched.stop();
});

test('reload: a carried checker keeps its probe and its deadline at its new position; a removed one stops; a new one starts', async () => {
  const rs = (ip: string): string => ` real_server ${ip} 8080 {\n ${TCP(0, 1, 'warmup 0')}\n }\n`;
  const vs = (ip: string, rss: string): string => `virtual_server ${ip} 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n delay_loop 5\n${rss}}\n`;
  const s = sim(vs('192.0.2.1', rs('192.0.2.10') + rs('192.0.2.11')));
  await runUntil(s.clock, 12_000);
  const mark = s.probes.runs.length;
  const runsOf = (target: string): number => s.probes.runs.slice(mark).filter((r) => r.target === target).length;
  // A VS in front (every index moves), .11 gone, .12 new; .10 unchanged.
  const m = migrateState(s.state, lvsConfig(vs('192.0.2.2', rs('192.0.2.20')) + vs('192.0.2.1', rs('192.0.2.10') + rs('192.0.2.12'))));
  const started = s.sched.migrate(m.state, m.carriedFrom, () => true);
  assert.equal(started.size, 2, '.20 and .12 start; .10 carries on');
  s.probes.set('192.0.2.10:8080', false);
  await runUntil(s.clock, 14_999);
  assert.equal(runsOf('192.0.2.10:8080'), 0, 'no warm-up restart: its next run is still at 15 s');
  await runUntil(s.clock, 16_000);
  assert.equal(runsOf('192.0.2.10:8080'), 1, 'its 5 s cycle went on (10 s → 15 s)');
  assert.equal(runsOf('192.0.2.11:8080'), 0, 'the removed checker never runs again');
  assert.equal(runsOf('192.0.2.12:8080'), 1);
  assert.equal(m.state.vss[1]!.rss[0]!.alive, false, "the carried checker's result landed on its new slot");
  assert.equal(m.state.vss[1]!.rss[1]!.alive, true);
  assert.equal(s.sched.checkerCount, 3);
});
