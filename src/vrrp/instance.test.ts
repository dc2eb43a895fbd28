import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../core/clock.js';
import { FakeClock } from '../test-kit/fake-clock.js';
import { memoryLogger } from '../core/logger.js';
import { testInstanceConfig, testRouterAddress, type TestInstanceSettings } from '../test-kit/fsm-params.js';
import { fsmParamsFromConfig } from './fsm.js';
import { TIMER_SLACK_MS, VrrpInstance, type InstancePorts, type InstanceSetup } from './instance.js';
import { ahSequenceOf, receiveState } from './receive.js';
import { vipTargets } from './vip-addresses.js';

const HIGHER = Uint8Array.of(192, 0, 2, 12);

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** VI_1: v3, priority 150, 1 s adverts (master down 3414.0625 ms). */
function setup(over: TestInstanceSettings = {}): InstanceSetup {
  const cfg = testInstanceConfig(1, { name: 'VI_1', version: 3, priority: 150, ...over });
  return { params: fsmParamsFromConfig(cfg, testRouterAddress(1)), garp: cfg.garp, vips: vipTargets(cfg), receive: receiveState(cfg, 2) };
}

interface Harness {
  readonly clock: FakeClock;
  /** What the instance did, in order; consecutive GARPs for one VIP are one `garp <vip> xN` entry. */
  readonly events: string[];
  /** [time, VIP] of every GARP/NA. */
  readonly garps: [number, string][];
  readonly inst: VrrpInstance;
  /** Completes the pending VIP add (when `manualAdd`). */
  release(): void;
}

/**
 * `earlyMs`: timers fire that much before their deadline (at most half their delay), as Node's
 * sometimes do. `manualAdd`: the VIP add stays pending until release(), like a slow netlink.
 */
function harness(opts: { earlyMs?: number; manualAdd?: boolean; settings?: TestInstanceSettings } = {}): Harness {
  const clock = new FakeClock();
  const earlyMs = opts.earlyMs ?? 0;
  const early: Clock = { nowMs: () => clock.nowMs(), wallMs: () => clock.wallMs(), setTimer: (at, cb) => clock.setTimer(at - Math.min(earlyMs, (at - clock.nowMs()) / 2), cb) };
  const events: string[] = [];
  const garps: [number, string][] = [];
  let releaseAdd: () => void = () => undefined;
  const { logger } = memoryLogger();
  const ports: InstancePorts = {
    clock: early,
    log: logger,
    sendAdvert: (p) => events.push(`advert ${p}`),
    addVips: () =>
      new Promise<void>((resolve) => {
        events.push('add-start');
        const done = (): void => {
          events.push('add-done');
          resolve();
        };
        if (opts.manualAdd === true) releaseAdd = done;
        else done();
      }),
    removeVips: async () => void events.push('remove'),
    announce: (vip) => {
      garps.push([clock.nowMs(), vip.spec.address]);
      const last = events.at(-1);
      const m = last === undefined ? null : /^garp (\S+) x(\d+)$/.exec(last);
      if (m && m[1] === vip.spec.address) events[events.length - 1] = `garp ${m[1]} x${Number(m[2]) + 1}`;
      else events.push(`garp ${vip.spec.address} x1`);
    },
    transitioned: () => undefined,
    notify: (s, p) => events.push(`notify ${s} ${p}`),
  };
  const inst = new VrrpInstance(setup({ lines: ['garp_master_delay 2'], ...opts.settings }), ports);
  return { clock, events, garps, inst, release: () => releaseAdd() };
}

test('becoming master: advert first, then VIPs, GARPs only once the VIPs are in place, delayed burst later', async () => {
  const h = harness({ manualAdd: true });
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
  assert.deepEqual(h.events, ['advert 150', 'add-start', 'add-done', 'garp 192.0.2.100 x5', 'notify MASTER 150']);
  h.events.length = 0;
  h.clock.advance(2000);
  assert.equal(h.events.filter((e) => e === 'garp 192.0.2.100 x5').length, 1, 'second burst after garp_master_delay');
  assert.equal(h.events.filter((e) => e === 'advert 150').length, 2, 'adverts every second meanwhile');
});

test('shutdown of a master sends priority 0 and removes the VIPs; no timers fire afterwards', async () => {
  const h = harness({ manualAdd: true });
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

/** Master-down of VI_1 in ms (keepalived's whole microseconds): 3 s + (256 − 150) × 1 s / 256. */
const MASTER_DOWN_MS = 3414.062;

/** Runs until VI_1 is MASTER at `atMs` and its VIP chain has run; returns the election time. */
async function electAt(h: Harness, atMs: number): Promise<number> {
  h.clock.advanceTo(atMs);
  await flush();
  assert.equal(h.inst.state.state, 'MASTER');
  assert.equal(h.inst.state.lastTransitionAtMs, atMs);
  return atMs;
}

test('preempted while its VIPs are still being added: the burst that waited for them never goes out', async () => {
  const h = harness({ manualAdd: true });
  h.inst.start();
  await electAt(h, MASTER_DOWN_MS);
  assert.equal(h.events.at(-1), 'add-start');
  // A higher-priority master appears before netlink answered: BACKUP, the removal queues behind the add.
  h.inst.advertReceived(200, 100, HIGHER);
  assert.equal(h.inst.state.state, 'BACKUP');
  h.release();
  await flush();
  h.clock.advance(3000); // past garp_master_delay (2 s), short of a re-election
  await flush();
  assert.equal(h.inst.state.state, 'BACKUP');
  assert.equal(h.garps.length, 0, `a BACKUP announced the VIPs it is removing: ${JSON.stringify(h.garps)}`);
  assert.deepEqual(h.events.filter((e) => e === 'add-done' || e === 'remove'), ['add-done', 'remove']);
});

test('re-elected within garp_master_delay: only the new term schedules GARPs (the old delayed burst is cancelled)', async () => {
  const h = harness({ settings: { lines: ['garp_master_delay 5'] } });
  h.inst.start();
  const first = await electAt(h, MASTER_DOWN_MS);
  h.clock.advance(100);
  h.inst.advertReceived(200, 100, HIGHER);
  assert.equal(h.inst.state.state, 'BACKUP');
  await flush();
  // The higher master goes silent: MASTER again one master-down later, before first + 5 s.
  const second = await electAt(h, first + 100 + MASTER_DOWN_MS);
  assert.ok(second < first + 5000);
  h.clock.advance(8000);
  await flush();
  const times = [...new Set(h.garps.map(([t]) => t))];
  assert.deepEqual(times, [first, second, second + 5000], `GARP times ${JSON.stringify(times)}`);
});

test('garp_master_refresh: one refresh burst per period while MASTER, none while BACKUP, not doubled after re-election', async () => {
  const h = harness({ settings: { lines: ['garp_master_delay 0', 'garp_master_refresh 1', 'garp_master_refresh_repeat 2'] } });
  h.inst.start();
  const first = await electAt(h, MASTER_DOWN_MS);
  h.clock.advance(2500);
  assert.deepEqual(h.garps.map(([t]) => t - first), [0, 0, 0, 0, 0, 1000, 1000, 2000, 2000], 'five at election, then two per second');
  h.inst.advertReceived(200, 100, HIGHER);
  await flush();
  h.garps.length = 0;
  h.clock.advance(3000);
  assert.equal(h.garps.length, 0, 'no refresh as BACKUP');
  const second = await electAt(h, first + 2500 + MASTER_DOWN_MS);
  h.garps.length = 0;
  h.clock.advance(3500);
  assert.deepEqual(h.garps.map(([t]) => t - second), [1000, 1000, 2000, 2000, 3000, 3000], 'one refresh of two per period');
});

test('vrrp_garp_interval / vrrp_gna_interval space the packets of each family on the clock; leaving MASTER drops the rest', async () => {
  const settings: TestInstanceSettings = {
    global: ['vrrp_garp_interval 0.1', 'vrrp_gna_interval 0.25'],
    vips: ['192.0.2.100/24', '192.0.2.101/24'],
    lines: ['garp_master_delay 0', 'garp_master_repeat 2', 'virtual_ipaddress_excluded {', ' 2001:db8::100/64', '}'],
  };
  const h = harness({ settings });
  h.inst.start();
  const t0 = await electAt(h, MASTER_DOWN_MS);
  h.clock.advance(900);
  const paced = ['0 192.0.2.100', '0 2001:db8::100', '100 192.0.2.101', '200 192.0.2.100', '250 2001:db8::100', '300 192.0.2.101'];
  assert.deepEqual(h.garps.map(([t, vip]) => `${Math.round(t - t0)} ${vip}`), paced);
  // A lower-priority advert starts a burst of its own (garp_lower_prio_repeat = garp_master_repeat);
  // a higher one preempts us in its middle.
  h.garps.length = 0;
  h.inst.advertReceived(100, 100, HIGHER);
  await flush();
  const t1 = h.clock.nowMs();
  h.clock.advance(150);
  assert.deepEqual(h.garps.map(([t, vip]) => `${Math.round(t - t1)} ${vip}`), paced.slice(0, 3));
  h.inst.advertReceived(200, 100, HIGHER);
  assert.equal(h.inst.state.state, 'BACKUP');
  h.clock.advance(1000);
  assert.equal(h.garps.length, 3, `nothing after leaving MASTER: ${JSON.stringify(h.garps)}`);
});

test('a timer firing within the slack before its deadline is due: master-down and adverts act at once', () => {
  const h = harness({ earlyMs: 0.4 });
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
  const h = harness({ earlyMs: TIMER_SLACK_MS + 2 });
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
  const inst = new VrrpInstance(setup(), { clock: counting, log: logger, sendAdvert: () => undefined, addVips: async () => undefined, removeVips: async () => undefined, announce: () => undefined, transitioned: () => undefined, notify: () => undefined });
  inst.start();
  // A higher-priority master every second for 20 s: master-down (3414.0625 ms) keeps moving.
  for (let i = 0; i < 20; i++) {
    h.clock.advance(1000);
    inst.advertReceived(200, 100, HIGHER);
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
  h.inst.advertReceived(200, 100, HIGHER);
  // Priority 0: master down after skew time only (≈ 414 ms), well before the pending timer.
  h.clock.advance(10);
  h.inst.advertReceived(0, 100, HIGHER);
  h.clock.advance(415);
  assert.equal(h.inst.state.state, 'MASTER');
});

test('AH: a MASTER answering a lower-priority advert continues above its number; a cycled counter restarts on becoming master', async () => {
  const clock = new FakeClock();
  const { logger, records } = memoryLogger('test', 'info');
  const cfg = testInstanceConfig(1, { name: 'VI_1', version: 2, priority: 150, lines: ['authentication {', ' auth_type AH', ' auth_pass secretpw', '}'] });
  const receive = receiveState(cfg, 2);
  const seq = ahSequenceOf(receive);
  assert.ok(seq);
  const sent: string[] = [];
  const ports: InstancePorts = {
    clock,
    log: logger,
    // What InstanceAdvert does first when it sends: take the next number.
    sendAdvert: (p) => void sent.push(`advert ${p} seq ${seq.nextToSend()}`),
    addVips: async () => undefined,
    removeVips: async () => undefined,
    announce: () => undefined,
    transitioned: () => undefined,
    notify: () => undefined,
  };
  const inst = new VrrpInstance({ params: fsmParamsFromConfig(cfg, testRouterAddress(1)), garp: cfg.garp, vips: vipTargets(cfg), receive }, ports);
  inst.start();
  seq.seq = 0xfffffffe;
  seq.cycled = true;
  clock.advance(4000);
  await flush();
  assert.equal(inst.state.state, 'MASTER');
  assert.deepEqual(sent, ['advert 150 seq 1'], 'the cycled counter restarted before the first advert');
  // A lower-priority advert numbered 40 was accepted by the checks (seq = 40): answer with 42.
  assert.ok(seq.accept(40));
  inst.advertReceived(100, 100, HIGHER);
  assert.deepEqual(sent, ['advert 150 seq 1', 'advert 150 seq 42']);
  const msgs = records.map((r) => r.msg);
  const lower = msgs.findIndex((m) => m.includes('with lower priority 100, ours 150'));
  assert.ok(lower >= 0);
  assert.equal(msgs[lower + 1], '(VI_1) IPSEC-AH : Syncing seq_num - Increment seq');
  await inst.shutdown();
});
