import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../test-kit/fake-clock.js';
import { memoryLogger } from '../core/logger.js';
import { DEFAULT_GARP } from '../config/model.js';
import { testFsmParams } from '../test-kit/fsm-params.js';
import type { FsmParams } from './fsm.js';
import { VrrpInstance, type InstancePorts } from './instance.js';

const params: FsmParams = testFsmParams(1, { name: 'VI_1', version: 3, basePriority: 150, primaryAddress: Uint8Array.of(192, 0, 2, 11) });

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function harness(): { clock: FakeClock; events: string[]; inst: VrrpInstance; release: () => void } {
  const clock = new FakeClock();
  const events: string[] = [];
  let releaseAdd: () => void = () => undefined;
  const { logger } = memoryLogger();
  const ports: InstancePorts = {
    clock,
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
  const inst = new VrrpInstance(params, { ...DEFAULT_GARP, masterDelayMs: 2000 }, ports);
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
