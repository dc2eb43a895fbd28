import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../core/clock.js';
import { FakeClock } from '../test-kit/fake-clock.js';
import { memoryLogger } from '../core/logger.js';
import { DEFAULT_GARP } from '../config/model.js';
import { testFsmParams, testInstanceConfig } from '../test-kit/fsm-params.js';
import { receiveState } from './receive.js';
import type { FsmParams } from './fsm.js';
import { TIMER_SLACK_MS, VrrpInstance, type InstancePorts } from './instance.js';

const params: FsmParams = testFsmParams(1, { name: 'VI_1', version: 3, priority: 150, primaryAddress: Uint8Array.of(192, 0, 2, 11) });

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** `earlyMs`: timers fire that much before their deadline (at most half their delay), as Node's sometimes do. */
function harness(earlyMs = 0): { clock: FakeClock; events: string[]; inst: VrrpInstance; release: () => void } {
  const clock = new FakeClock();
  const early: Clock = { nowMs: () => clock.nowMs(), wallMs: () => clock.wallMs(), setTimer: (at, cb) => clock.setTimer(at - Math.min(earlyMs, (at - clock.nowMs()) / 2), cb) };
  const events: string[] = [];
  let releaseAdd: () => void = () => undefined;
  const { logger } = memoryLogger();
  const ports: InstancePorts = {
    clock: early,
    log: logger,
    sendAdvert: (p) => events.push(`advert ${p}`),
    addVips: () =>
      new Promise<void>((resolve) => {
        events.push('add-start');
        releaseAdd = () => {
          events.push('add-done');
          resolve();
        };
      }),
    removeVips: async () => void events.push('remove'),
    sendGarps: (n) => events.push(`garp x${n}`),
    notify: (s, p) => events.push(`notify ${s} ${p}`),
  };
  const inst = new VrrpInstance(params, { ...DEFAULT_GARP, masterDelayMs: 2000 }, ports, receiveState(testInstanceConfig(1), 2));
  return { clock, events, inst, release: () => releaseAdd() };
}

test('becoming master: advert first, then VIPs, GARPs only once the VIPs are in place, delayed burst later', async () => {
  const h = harness();
  h.inst.start();
  await Promise.resolve();
  assert.deepEqual(h.events, ['notify BACKUP 150']);
  h.events.length = 0;
  // v3, prio 150, 1 s: master down = 3 s + (256-150)*1s/256 = 3414.0625 ms
  h.clock.advance(3413);
  assert.equal(h.inst.state.state, 'BACKUP');
  h.clock.advance(2);
  assert.equal(h.inst.state.state, 'MASTER');
  await flush();
  assert.deepEqual(h.events, ['advert 150', 'add-start']);
  h.release();
  await flush();
  assert.deepEqual(h.events, ['advert 150', 'add-start', 'add-done', 'garp x5', 'notify MASTER 150']);
  h.events.length = 0;
  h.clock.advance(2000);
  assert.equal(h.events.filter((e) => e === 'garp x5').length, 1, 'second burst after garp_master_delay');
  assert.equal(h.events.filter((e) => e === 'advert 150').length, 2, 'adverts every second meanwhile');
});

test('shutdown of a master sends priority 0 and removes the VIPs; no timers fire afterwards', async () => {
  const h = harness();
  h.inst.start();
  h.clock.advance(3500);
  await flush();
  h.release();
  await h.inst.shutdown();
  assert.ok(h.events.includes('advert 0'));
  assert.ok(h.events.indexOf('remove') > h.events.indexOf('advert 0'));
  const n = h.events.length;
  h.clock.advance(10_000);
  assert.equal(h.events.length, n, 'nothing after shutdown');
});

test('a timer firing within the slack before its deadline is due: master-down and adverts act at once', () => {
  const h = harness(0.4);
  h.inst.start();
  // master down at 3414.0625 ms; the timer fires 0.4 ms early and must not be ignored.
  h.clock.advance(3413.7);
  assert.equal(h.inst.state.state, 'MASTER');
  const adverts = (): number => h.events.filter((e) => e === 'advert 150').length;
  const n = adverts();
  // The next advert is due at 4414.0625 (1 s after the deadline, not after the early firing);
  // at 4413.7 its timer has fired early again, and counts.
  h.clock.advance(1000);
  assert.ok(h.clock.nowMs() < 4414.0625);
  assert.equal(adverts(), n + 1, 'advert timer fired early, advert sent');
});

test('a timer firing earlier than the slack is not due: the instance waits for the deadline', () => {
  const h = harness(TIMER_SLACK_MS + 2);
  h.inst.start();
  h.clock.advance(3414.0625 - TIMER_SLACK_MS - 2);
  assert.equal(h.inst.state.state, 'BACKUP', 'fired 3 ms early: ignored');
  h.clock.advance(TIMER_SLACK_MS + 2);
  assert.equal(h.inst.state.state, 'MASTER', 'the re-armed remainder fires at the deadline');
});

test('adverts push master-down later without a timer per advert; it still fires a full interval after the last one', () => {
  const h = harness();
  let armed = 0;
  const inner = h.clock;
  const counting: Clock = { nowMs: () => inner.nowMs(), wallMs: () => inner.wallMs(), setTimer: (at, cb) => (armed++, inner.setTimer(at, cb)) };
  const { logger } = memoryLogger();
  const inst = new VrrpInstance(params, DEFAULT_GARP, { clock: counting, log: logger, sendAdvert: () => undefined, addVips: async () => undefined, removeVips: async () => undefined, sendGarps: () => undefined, notify: () => undefined }, receiveState(testInstanceConfig(1), 2));
  inst.start();
  const master = Uint8Array.of(192, 0, 2, 12);
  // A higher-priority master every second for 20 s: master-down (3414.0625 ms) keeps moving.
  for (let i = 0; i < 20; i++) {
    h.clock.advance(1000);
    inst.advertReceived(200, 100, master);
  }
  assert.equal(inst.state.state, 'BACKUP');
  assert.ok(armed <= 8, `timers armed: ${armed} for 20 adverts`);
  assert.equal(inner.pending(), 1, 'one pending timer');
  h.clock.advance(3414);
  assert.equal(inst.state.state, 'BACKUP', 'not before the interval since the last advert');
  h.clock.advance(0.1);
  assert.equal(inst.state.state, 'MASTER');
});

test('a deadline that moves earlier replaces the pending timer', () => {
  const h = harness();
  h.inst.start();
  h.clock.advance(1000);
  h.inst.advertReceived(200, 100, Uint8Array.of(192, 0, 2, 12));
  // Priority 0: master down after skew time only (≈ 414 ms), well before the pending timer.
  h.clock.advance(10);
  h.inst.advertReceived(0, 100, Uint8Array.of(192, 0, 2, 12));
  h.clock.advance(415);
  assert.equal(h.inst.state.state, 'MASTER');
});
