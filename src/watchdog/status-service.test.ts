import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../core/logger.js';
import { FakeClock } from '../test-kit/fake-clock.js';
import type { StatusUpdate, VrrpInstanceStatus } from '../process/status.js';
import { StatusOutbox } from '../process/status.js';
import { Heartbeat, watchdogPeriodMs } from './heartbeat.js';
import { Readiness } from './readiness.js';
import { formatStateCounts, StatusStore } from './status-store.js';
import { StatusService } from './status-service.js';

function inst(name: string, state: VrrpInstanceStatus['state']): VrrpInstanceStatus {
  return {
    name, vrid: 1, family: 4, interface: 'eth0', version: 2, state, effectivePriority: 100, basePriority: 100, sourceAddress: '192.0.2.1',
    masterAddress: null, masterPriority: null, lastAdvertWallMs: null, vips: [], trackers: [], faultSources: [], syncGroup: null, lastTransition: null,
  };
}

const update = (seq: number, full: boolean, instances: VrrpInstanceStatus[], removedInstances: string[] = []): StatusUpdate => ({
  schema: 1, seq, full, instances, removedInstances, virtualServers: [], removedVirtualServers: [],
});

test('readiness: READY=1 once every started child is ready, reload brackets, failures in STATUS=, STOPPING=1', () => {
  const sent: string[][] = [];
  const { logger, records } = memoryLogger();
  const r = new Readiness({ log: logger, notify: { send: (l) => (sent.push([...l]), true) }, pid: 42, wallMs: () => 1000, monotonicUsec: () => 7n });
  r.childStarted('vrrp');
  r.childStarted('checker');
  r.startupDone();
  r.childReady('vrrp');
  assert.equal(sent.length, 0, 'not before the checker is ready');
  r.childReady('checker');
  assert.deepEqual(sent[0], ['READY=1', 'MAINPID=42', 'STATUS=running']);
  assert.ok(records.some((x) => x.msg === 'Startup complete'));
  r.stateChanged('2 MASTER');
  assert.deepEqual(sent[1], ['STATUS=2 MASTER']);
  r.stateChanged('2 MASTER');
  assert.equal(sent.length, 2, 'unchanged STATUS= is not resent');

  r.reloadStarted();
  assert.deepEqual(sent[2], ['RELOADING=1', 'MONOTONIC_USEC=7', 'STATUS=2 MASTER; reloading']);
  assert.equal(r.lastReload?.ok, null);
  r.reloadFinished(true, null);
  assert.deepEqual(sent[3], ['READY=1', 'STATUS=2 MASTER; last reload OK']);
  assert.equal(r.lastReload?.ok, true);
  r.reloadFinished(false, 'late');
  assert.equal(sent.length, 4, 'one READY=1 per reload');

  r.reloadStarted();
  r.reloadFinished(false, 'configuration cannot run: (VI_1) the virtual router id must be set');
  assert.deepEqual(sent.at(-1), ['READY=1', 'STATUS=2 MASTER; last reload FAILED: configuration cannot run: (VI_1) the virtual router id must be set']);
  assert.equal(records.filter((x) => x.msg === 'Reload complete').length, 1, 'a refused reload is not complete');
  r.reloadStarted();
  r.reloadFinished(true, '1 configuration error(s) ignored');
  assert.deepEqual(sent.at(-1), ['READY=1', 'STATUS=2 MASTER; last reload OK (1 configuration error(s) ignored)']);
  r.stopping();
  assert.deepEqual(sent.at(-1), ['STOPPING=1', 'STATUS=Stopping']);
});

test('readiness: a SIGHUP during start-up sends no RELOADING=1 (systemd still waits for READY=1)', () => {
  const sent: string[][] = [];
  const r = new Readiness({ log: memoryLogger().logger, notify: { send: (l) => (sent.push([...l]), true) }, pid: 7, wallMs: () => 0, monotonicUsec: () => 0n });
  r.childStarted('vrrp');
  r.startupDone();
  r.reloadStarted();
  r.reloadFinished(true, null);
  assert.deepEqual(sent, []);
  r.childReady('vrrp');
  assert.deepEqual(sent.map((l) => l[0]), ['READY=1']);
});

test('readiness: without children READY=1 at once; a lost notification is logged once', () => {
  let up = false;
  const { logger, records } = memoryLogger();
  const r = new Readiness({ log: logger, notify: { send: () => up }, pid: 1, wallMs: () => 0, monotonicUsec: () => 0n });
  r.startupDone();
  assert.equal(r.ready, true);
  r.stateChanged('1 BACKUP');
  r.stateChanged('1 MASTER');
  assert.equal(records.filter((x) => /could not be sent/.test(x.msg)).length, 1);
  up = true;
  r.stateChanged('1 FAULT');
});

test('watchdog period: half of WATCHDOG_USEC, only for our pid', () => {
  assert.equal(watchdogPeriodMs({ WATCHDOG_USEC: '30000000' }, 5), 15000);
  assert.equal(watchdogPeriodMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '5' }, 5), 15000);
  assert.equal(watchdogPeriodMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '6' }, 5), null);
  assert.equal(watchdogPeriodMs({ WATCHDOG_USEC: 'soon' }, 5), null);
  assert.equal(watchdogPeriodMs({ WATCHDOG_USEC: '0' }, 5), null);
  assert.equal(watchdogPeriodMs({}, 5), null);
});

test('heartbeat: feeds only while every child answered the previous ping', () => {
  const clock = new FakeClock();
  const { logger, records } = memoryLogger();
  const pings: Array<[string, number]> = [];
  let checkerRunning = true;
  let fed = 0;
  const hb = new Heartbeat({
    clock,
    log: logger,
    periodMs: 100,
    children: () => [
      { kind: 'vrrp', running: true, ping: (s) => void pings.push(['vrrp', s]) },
      { kind: 'checker', running: checkerRunning, ping: (s) => void pings.push(['checker', s]) },
    ],
    onHealthy: () => fed++,
  });
  hb.childStarted('vrrp');
  hb.childStarted('checker');
  hb.start();
  clock.advanceTo(100);
  assert.equal(fed, 1, 'nothing outstanding at the first tick');
  assert.deepEqual(pings, [['vrrp', 1], ['checker', 1]]);
  hb.pong('vrrp', 1);
  clock.advanceTo(200);
  assert.equal(fed, 1, 'the checker did not answer');
  assert.ok(records.some((r) => r.msg === 'checker child process did not answer the heartbeat: not feeding the systemd watchdog'));
  hb.pong('vrrp', 2);
  hb.pong('checker', 2);
  hb.pong('checker', 99); // never sent: ignored
  clock.advanceTo(300);
  assert.equal(fed, 2);
  assert.ok(records.some((r) => r.msg === 'checker child process answers the heartbeat again'));
  checkerRunning = false; // between respawns
  hb.pong('vrrp', 3);
  clock.advanceTo(400);
  assert.equal(fed, 2);
  assert.notEqual(hb.lastAnswerWallMs('vrrp'), null);
  hb.stop();
});

test('status store: deltas merged, counts kept without rescanning, a gap detected, a dead child forgotten', () => {
  const s = new StatusStore();
  assert.equal(s.apply('vrrp', update(1, true, [inst('a', 'BACKUP'), inst('b', 'BACKUP')]), 10), 'applied');
  assert.equal(formatStateCounts(s.stateCounts()), '2 BACKUP');
  assert.equal(s.apply('vrrp', update(2, false, [inst('a', 'MASTER')]), 11), 'applied');
  assert.equal(formatStateCounts(s.stateCounts()), '1 BACKUP, 1 MASTER');
  assert.equal(s.apply('vrrp', update(3, false, [], ['b']), 12), 'applied');
  assert.deepEqual(s.instances().map((i) => i.name), ['a']);
  assert.equal(s.apply('vrrp', update(5, false, [inst('c', 'FAULT')]), 13), 'gap');
  assert.equal(s.lastFullWallMs('vrrp'), 10);
  s.childGone('vrrp');
  assert.equal(formatStateCounts(s.stateCounts()), 'no VRRP instance');
  assert.equal(s.instance('a'), undefined);
});

test('status outbox: first update full, then only what changed, one flush scheduled per turn', () => {
  const o = new StatusOutbox();
  assert.equal(o.markChanged('a'), true);
  assert.equal(o.markChanged('b'), false, 'already scheduled');
  assert.deepEqual(o.take(), { seq: 1, full: true, changed: ['a', 'b'], removed: [] });
  assert.equal(o.markChanged('a'), true);
  o.markRemoved('b');
  o.markChanged('b');
  o.markRemoved('c');
  assert.deepEqual(o.take(), { seq: 2, full: false, changed: ['a', 'b'], removed: ['c'] });
});

test('status service: 1000 concurrent requests share one refresh; bad requests answered; unknown instance', async () => {
  const clock = new FakeClock({ wallOffsetMs: 1_000_000 });
  let asked = 0;
  const svc: StatusService = new StatusService({
    clock,
    pid: 1,
    version: '0',
    compatibleWith: '2.2.7',
    configFile: '/k.conf',
    startedAtWallMs: 0,
    children: () => [{ kind: 'vrrp', pid: 2, ready: true, restarts: 0, lastHeartbeatWallMs: null, requestFull: () => void asked++ }],
    daemon: () => ({ ready: true, lastReload: null }),
  });
  svc.update('vrrp', update(1, true, [inst('VI_1', 'BACKUP')]));
  clock.advanceTo(5000); // the copy is now stale
  const pending = Array.from({ length: 1000 }, () => svc.handleLine('{"version":1,"command":"status"}'));
  assert.equal(asked, 1, 'one status-request for 1000 readers');
  svc.update('vrrp', update(2, true, [inst('VI_1', 'MASTER')]));
  const lines = await Promise.all(pending);
  assert.equal(new Set(lines).size, 1, 'one encoded document shared by the 1000 readers');
  const answers = lines.map((l) => JSON.parse(Buffer.from(l).toString()) as { ok: boolean; status: { instances: { state: string }[] } });
  assert.ok(answers.every((a) => a.ok && a.status.instances[0]?.state === 'MASTER'));
  const text = async (line: string): Promise<string> => Buffer.from(await svc.handleLine(line)).toString();
  const bad = JSON.parse(await text('{')) as { ok: boolean; error: { code: string } };
  assert.equal(bad.error.code, 'KA_ERR_CTL_REQUEST');
  const none = JSON.parse(await text('{"version":1,"command":"status","instance":"nope"}')) as { ok: boolean; error: { code: string } };
  assert.equal(none.error.code, 'KA_ERR_CTL_NOT_FOUND');
  // A child that never answers costs each reader REFRESH_WAIT_MS at most.
  clock.advanceTo(10_000);
  const late = svc.handleLine('{"version":1,"command":"status"}');
  clock.advanceTo(11_001);
  assert.equal((JSON.parse(Buffer.from(await late).toString()) as { ok: boolean }).ok, true);
  svc.update('vrrp', update(3, true, [inst('VI_1', 'MASTER')])); // fresh again: no wait
  const one = JSON.parse(await text('{"version":1,"command":"status","instance":"VI_1"}')) as { ok: boolean; status: { instances: unknown[]; virtualServers: unknown[] } };
  assert.ok(one.ok && one.status.instances.length === 1 && one.status.virtualServers.length === 0);
});
