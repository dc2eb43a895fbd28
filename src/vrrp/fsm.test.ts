import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clampEffectivePriority,
  forceState,
  fsmParamsFromConfig,
  initialFsmState,
  nextDeadline,
  step,
  type FsmAction,
  type FsmEvent,
  type FsmParams,
  type FsmState,
  type StepResult,
} from './fsm.js';
import { testFsmParams, testInstanceConfig, type TestInstanceSettings } from '../test-kit/fsm-params.js';
import { FSM_CONFIG_FIELDS } from './fsm-types.js';

const ME = new Uint8Array([192, 0, 2, 10]);
const LOWER_IP = new Uint8Array([192, 0, 2, 5]);
const HIGHER_IP = new Uint8Array([192, 0, 2, 20]);

function params(over: TestInstanceSettings = {}): FsmParams {
  return testFsmParams(0, { name: 'VI_1', priority: 150, ...over });
}

/** Run one step and check the funnel contract: one Transition iff the state changed. */
function run(p: FsmParams, s: FsmState, ev: FsmEvent, now: number): StepResult {
  const r = step(p, s, ev, now);
  const transitions = r.actions.filter((a) => a.type === 'Transition');
  assert.equal(transitions.length, r.state.state === s.state ? 0 : 1, `one Transition per change (${s.state} → ${r.state.state})`);
  return r;
}

function kinds(actions: readonly FsmAction[]): string[] {
  return actions
    .filter((a) => a.type !== 'LogEvent')
    .map((a) => {
      switch (a.type) {
        case 'SendAdvert':
          return `SendAdvert(${a.priority})`;
        case 'SendGarpBurst':
          return `Garp(${a.reason})`;
        case 'Transition':
          return `${a.from}->${a.to}:${a.reason}`;
        default:
          return a.type;
      }
    });
}

function logs(actions: readonly FsmAction[]): string[] {
  return actions.flatMap((a) => (a.type === 'LogEvent' ? [a.msg] : []));
}

const advert = (priority: number, src: Uint8Array = LOWER_IP, advertIntCs = 100): FsmEvent => ({ type: 'AdvertReceived', priority, advertIntCs, src });

/** A BACKUP that started at t=0 (down timer at 3414.062 ms for prio 150, v2, 1 s). */
function backup(p: FsmParams): FsmState {
  return run(p, initialFsmState(p), { type: 'Startup' }, 0).state;
}

/** A MASTER that took over at t=master-down. */
function master(p: FsmParams): FsmState {
  const b = backup(p);
  return run(p, b, { type: 'TimerFired' }, b.masterDownAtMs!).state;
}

test('startup: non-owner → BACKUP with the full master-down timer, also with state MASTER', () => {
  for (const initialState of ['BACKUP', 'MASTER'] as const) {
    const p = params({ initialState });
    const r = run(p, initialFsmState(p), { type: 'Startup' }, 1000);
    assert.equal(r.state.state, 'BACKUP');
    assert.deepEqual(kinds(r.actions), ['INIT->BACKUP:startup']);
    assert.equal(r.state.masterDownAtMs, 1000 + 3414.062);
    assert.equal(nextDeadline(r.state), 1000 + 3414.062);
    assert.ok(logs(r.actions).includes('Entering BACKUP STATE (init)'));
  }
});

test('startup: the address owner with state MASTER goes MASTER at once (advert first, VIPs, GARP)', () => {
  const p = params({ priority: 255, initialState: 'MASTER' });
  const r = run(p, initialFsmState(p), { type: 'Startup' }, 0);
  assert.equal(r.state.state, 'MASTER');
  assert.deepEqual(kinds(r.actions), ['SendAdvert(255)', 'AddVips', 'Garp(became-master)', 'INIT->MASTER:startup']);
  assert.deepEqual(logs(r.actions), ['Receive advertisement timeout', 'Entering MASTER STATE'], 'the log lines of keepalived 2.2.7 (checked in a netns run)');
  assert.equal(nextDeadline(r.state), 1000);
  assert.equal(r.state.counters.becameMaster, 1);
});

test('startup: owner with state BACKUP waits the timer (skew of 255)', () => {
  const p = params({ priority: 255, initialState: 'BACKUP' });
  const r = run(p, initialFsmState(p), { type: 'Startup' }, 0);
  assert.equal(r.state.state, 'BACKUP');
  assert.equal(r.state.masterDownAtMs, 3003.906);
});

test('startup while a fault source is active → FAULT, no timer', () => {
  const p = params();
  let s = run(p, initialFsmState(p), { type: 'FaultChanged', source: 'interface:eth0', active: true }, 0).state;
  assert.equal(s.state, 'INIT');
  const r = run(p, s, { type: 'Startup' }, 0);
  s = r.state;
  assert.equal(s.state, 'FAULT');
  assert.deepEqual(kinds(r.actions), ['INIT->FAULT:fault']);
  assert.equal(nextDeadline(s), null);
});

test('BACKUP: master-down expiry → MASTER; the advert goes out before VIPs and GARP', () => {
  const p = params();
  const s = backup(p);
  const early = run(p, s, { type: 'TimerFired' }, 3000);
  assert.deepEqual(early.actions, []);
  assert.equal(early.state, early.state);
  const r = run(p, s, { type: 'TimerFired' }, 3414.062);
  assert.equal(r.state.state, 'MASTER');
  assert.deepEqual(kinds(r.actions), ['SendAdvert(150)', 'AddVips', 'Garp(became-master)', 'BACKUP->MASTER:master-down-timer']);
  assert.ok(logs(r.actions).includes('Receive advertisement timeout'));
  assert.equal(r.state.adverAtMs, 3414.062 + 1000);
  assert.equal(r.state.masterDownAtMs, null);
  assert.equal(r.state.counters.advertSent, 1);
});

test('BACKUP: priority-0 advert ⇒ down timer = Skew_Time; expiry reason priority-0-advert', () => {
  const p = params();
  const s = backup(p);
  const r = run(p, s, advert(0), 2000);
  assert.equal(r.state.masterDownAtMs, 2000 + 414.062);
  assert.equal(r.state.counters.priZeroRcvd, 1);
  assert.ok(logs(r.actions).includes('Backup received priority 0 advertisement'));
  const m = run(p, r.state, { type: 'TimerFired' }, 2414.062);
  assert.equal(m.state.state, 'MASTER');
  assert.deepEqual(kinds(m.actions).at(-1), 'BACKUP->MASTER:priority-0-advert');
});

test('BACKUP receive rules (table): accept resets the down timer, discard lets it run', () => {
  const cases: { name: string; over: TestInstanceSettings; prio: number; accept: boolean }[] = [
    { name: 'higher priority', over: {}, prio: 200, accept: true },
    { name: 'equal priority', over: {}, prio: 150, accept: true },
    { name: 'lower priority, preempt', over: {}, prio: 100, accept: false },
    { name: 'lower priority, nopreempt', over: { nopreempt: true }, prio: 100, accept: true },
    { name: 'lower priority, preempt_delay not started', over: { preemptDelayMs: 5000 }, prio: 100, accept: true },
  ];
  for (const c of cases) {
    const p = params(c.over);
    const s = backup(p);
    const r = run(p, s, advert(c.prio), 2000);
    assert.equal(r.state.state, 'BACKUP', c.name);
    assert.equal(r.state.masterDownAtMs, c.accept ? 2000 + 3414.062 : s.masterDownAtMs, c.name);
    assert.equal(r.state.nextMasterReason, c.accept ? 'master-down-timer' : 'preempt', c.name);
    assert.deepEqual(r.state.lastMasterAddress, LOWER_IP, c.name);
    const discardLog = `received lower priority (${c.prio}) advert from 192.0.2.5 - discarding`;
    assert.equal(logs(r.actions).includes(discardLog), !c.accept, c.name);
  }
});

test('BACKUP preempting: discarding a lower master ⇒ timer expiry is a preempt', () => {
  const p = params();
  let s = backup(p);
  s = run(p, s, advert(100), 1000).state;
  s = run(p, s, advert(100), 2000).state;
  const r = run(p, s, { type: 'TimerFired' }, 3414.062);
  assert.equal(r.state.state, 'MASTER');
  assert.equal(kinds(r.actions).at(-1), 'BACKUP->MASTER:preempt');
});

test('BACKUP preempt_delay: first lower advert starts the delay, adverts accepted until it expires', () => {
  const p = params({ preemptDelayMs: 5000 });
  let s = backup(p);
  let r = run(p, s, advert(100), 1000);
  assert.equal(r.state.preemptDelayAtMs, 6000);
  assert.ok(logs(r.actions).includes('start preempt delay(5)'));
  s = r.state;
  for (const t of [2000, 3000, 4000, 5000, 5999]) {
    s = run(p, s, advert(100), t).state;
    assert.equal(s.masterDownAtMs, t + 3414.062, `accepted at ${t}`);
    assert.equal(s.preemptDelayAtMs, 6000, 'the delay is not restarted');
  }
  r = run(p, s, advert(100), 6000);
  assert.equal(r.state.masterDownAtMs, 5999 + 3414.062, 'discarded once the delay expired');
  const m = run(p, r.state, { type: 'TimerFired' }, 5999 + 3414.062);
  assert.equal(m.state.state, 'MASTER');
  assert.equal(m.state.preemptDelayAtMs, null);
});

test('BACKUP preempt_delay: a higher/equal advert stops the delay', () => {
  const p = params({ preemptDelayMs: 5000 });
  let s = backup(p);
  s = run(p, s, advert(100), 1000).state;
  const r = run(p, s, advert(200, HIGHER_IP), 2000);
  assert.equal(r.state.preemptDelayAtMs, null);
  assert.ok(logs(r.actions).includes('stop preempt delay'));
});

test('BACKUP v3 adopts the master advert interval; v2 keeps its own', () => {
  const p3 = params({ version: 3 });
  const r3 = run(p3, backup(p3), advert(200, HIGHER_IP, 50), 1000);
  assert.equal(r3.state.masterAdverIntervalCs, 50);
  assert.equal(r3.state.masterDownAtMs, 1000 + 1500 + 207.031);
  assert.ok(logs(r3.actions).includes('advertisement interval updated to 500 milli-sec from 1000 milli-sec'));
  const p2 = params({ version: 2 });
  const r2 = run(p2, backup(p2), advert(200, HIGHER_IP, 50), 1000);
  assert.equal(r2.state.masterAdverIntervalCs, 100);
  // A v3 lower-priority advert that is discarded does not change the interval.
  const d = run(p3, backup(p3), advert(100, LOWER_IP, 50), 1000);
  assert.equal(d.state.masterAdverIntervalCs, 100);
});

test('MASTER: advert timer sends and re-arms; early fire does nothing', () => {
  const p = params();
  const s = master(p);
  const at = s.adverAtMs!;
  assert.deepEqual(run(p, s, { type: 'TimerFired' }, at - 1).actions, []);
  const r = run(p, s, { type: 'TimerFired' }, at);
  assert.deepEqual(kinds(r.actions), ['SendAdvert(150)']);
  assert.equal(r.state.adverAtMs, at + 1000);
  assert.equal(nextDeadline(r.state), at + 1000);
});

test('MASTER: priority-0 advert ⇒ advert at once, timer reset', () => {
  const p = params();
  const s = master(p);
  const r = run(p, s, advert(0), 4000);
  assert.deepEqual(kinds(r.actions), ['SendAdvert(150)']);
  assert.equal(r.state.adverAtMs, 5000);
  assert.equal(r.state.state, 'MASTER');
});

test('MASTER: lower priority (or equal with lower address) ⇒ forcing new election', () => {
  const p = params();
  const s = master(p);
  for (const [prio, src] of [
    [100, HIGHER_IP],
    [150, LOWER_IP],
  ] as const) {
    const r = run(p, s, advert(prio, src), 4000);
    assert.equal(r.state.state, 'MASTER');
    assert.deepEqual(kinds(r.actions), ['SendAdvert(150)', 'Garp(lower-prio-seen)', 'NotifyMasterRxLowerPri']);
    const ip = src === LOWER_IP ? '192.0.2.5' : '192.0.2.20';
    assert.deepEqual(logs(r.actions), [`Received advert from ${ip} with lower priority ${prio}, ours 150, forcing new election`]);
  }
  const q = params({ lowerPrioNoAdvert: true });
  const r = run(q, master(q), advert(100), 4000);
  assert.deepEqual(kinds(r.actions), ['Garp(lower-prio-seen)', 'NotifyMasterRxLowerPri']);
  assert.deepEqual(logs(r.actions), ['Received advert from 192.0.2.5 with lower priority 100, ours 150']);
});

test('MASTER: higher priority (or equal with higher address) ⇒ RemoveVips, BACKUP, down timer = master-down', () => {
  const p = params();
  const s = master(p);
  for (const prio of [200, 150]) {
    const r = run(p, s, advert(prio, HIGHER_IP), 5000);
    assert.equal(r.state.state, 'BACKUP');
    assert.deepEqual(kinds(r.actions), ['RemoveVips', 'MASTER->BACKUP:higher-priority-advert']);
    assert.equal(r.state.masterDownAtMs, 5000 + 3414.062);
    assert.equal(r.state.adverAtMs, null);
    assert.equal(r.state.counters.releasedMaster, 1);
    assert.deepEqual(r.state.lastMasterAddress, HIGHER_IP);
  }
  const q = params({ higherPrioSendAdvert: true });
  const r = run(q, master(q), advert(200, HIGHER_IP), 5000);
  assert.deepEqual(kinds(r.actions), ['SendAdvert(150)', 'RemoveVips', 'MASTER->BACKUP:higher-priority-advert']);
});

test('MASTER v3: leaving for a higher master uses its advert interval for the down timer', () => {
  const p = params({ version: 3 });
  const r = run(p, master(p), advert(200, HIGHER_IP, 200), 5000);
  assert.equal(r.state.masterAdverIntervalCs, 200);
  assert.equal(r.state.masterDownAtMs, 5000 + 6000 + 828.125);
});

test('MASTER: equal priority from our own address ⇒ warning only', () => {
  const p = params();
  const s = master(p);
  const r = run(p, s, advert(150, ME), 4000);
  assert.equal(r.state.state, 'MASTER');
  assert.deepEqual(kinds(r.actions), []);
  assert.equal(r.actions[0]?.type === 'LogEvent' && r.actions[0].level, 'warn');
});

test('FAULT: from MASTER sends priority 0 and removes VIPs; from BACKUP only transitions', () => {
  const p = params();
  const fault: FsmEvent = { type: 'FaultChanged', source: 'interface:eth0', active: true };
  const m = run(p, master(p), fault, 5000);
  assert.equal(m.state.state, 'FAULT');
  assert.deepEqual(kinds(m.actions), ['SendAdvert(0)', 'RemoveVips', 'MASTER->FAULT:fault']);
  assert.equal(m.state.counters.priZeroSent, 1);
  assert.equal(nextDeadline(m.state), null);
  const b = run(p, backup(p), fault, 1000);
  assert.deepEqual(kinds(b.actions), ['BACKUP->FAULT:fault']);
  // Adverts and timers are ignored in FAULT.
  assert.deepEqual(run(p, b.state, advert(0), 1200).actions, []);
  assert.deepEqual(run(p, b.state, { type: 'TimerFired' }, 9000).actions, []);
});

test('FAULT: stays while any source is active; the last one clearing ⇒ BACKUP with the timer restarted', () => {
  const p = params({ version: 3 });
  let s = run(p, backup(p), advert(200, HIGHER_IP, 50), 500).state;
  s = run(p, s, { type: 'FaultChanged', source: 'a', active: true }, 1000).state;
  s = run(p, s, { type: 'FaultChanged', source: 'b', active: true }, 1100).state;
  assert.deepEqual(s.faultSources, ['a', 'b']);
  s = run(p, s, { type: 'FaultChanged', source: 'a', active: false }, 1200).state;
  assert.equal(s.state, 'FAULT');
  const r = run(p, s, { type: 'FaultChanged', source: 'b', active: false }, 2000);
  assert.equal(r.state.state, 'BACKUP');
  assert.deepEqual(kinds(r.actions), ['FAULT->BACKUP:fault-cleared']);
  assert.equal(r.state.masterAdverIntervalCs, 100, 'own interval again');
  assert.equal(r.state.masterDownAtMs, 2000 + 3414.062);
});

test('Shutdown: MASTER sends priority 0 and removes VIPs, then STOP ignores everything', () => {
  const p = params();
  const r = run(p, master(p), { type: 'Shutdown' }, 5000);
  assert.equal(r.state.state, 'STOP');
  assert.deepEqual(kinds(r.actions), ['SendAdvert(0)', 'RemoveVips', 'MASTER->STOP:shutdown']);
  assert.equal(nextDeadline(r.state), null);
  for (const ev of [advert(200), { type: 'TimerFired' } as const, { type: 'Startup' } as const, { type: 'Shutdown' } as const]) {
    assert.deepEqual(run(p, r.state, ev, 6000).actions, []);
  }
  const b = run(p, backup(p), { type: 'Shutdown' }, 1000);
  assert.deepEqual(kinds(b.actions), ['BACKUP->STOP:shutdown']);
});

test('priority: clamped to [1,254]; the owner never changes', () => {
  assert.equal(clampEffectivePriority(100, 300), 254);
  assert.equal(clampEffectivePriority(100, -20), 1);
  assert.equal(clampEffectivePriority(100, 0), 1);
  assert.equal(clampEffectivePriority(255, 100), 255);
  const p = params();
  const s = run(p, backup(p), { type: 'PriorityChanged', effectivePriority: 999 }, 10).state;
  assert.equal(s.effectivePriority, 254);
  const o = params({ priority: 255, initialState: 'MASTER' });
  const os = run(o, initialFsmState(o), { type: 'Startup' }, 0).state;
  const r = run(o, os, { type: 'PriorityChanged', effectivePriority: 100 }, 10);
  assert.equal(r.state.effectivePriority, 255);
  assert.deepEqual(r.actions, []);
});

test('priority change in BACKUP moves the down timer at once (skew difference)', () => {
  const p = params();
  const s = backup(p); // 150: deadline 3414.062
  const r = run(p, s, { type: 'PriorityChanged', effectivePriority: 110 }, 100);
  assert.equal(r.state.effectivePriority, 110);
  assert.ok(Math.abs(r.state.masterDownAtMs! - 3570.312) < 1e-9);
  assert.ok(logs(r.actions).includes('Changing effective priority from 150 to 110'));
  // A lower master now gets discarded against the new priority.
  const d = run(p, r.state, advert(120, LOWER_IP), 200);
  assert.equal(d.state.masterDownAtMs, 200 + 3570.312, '120 ≥ 110: accepted, down timer from the new skew');
});

test('priority change in MASTER is advertised by the next advert', () => {
  const p = params();
  let s = master(p);
  s = run(p, s, { type: 'PriorityChanged', effectivePriority: 90 }, 3500).state;
  const r = run(p, s, { type: 'TimerFired' }, s.adverAtMs!);
  assert.deepEqual(kinds(r.actions), ['SendAdvert(90)']);
});

test('forceState goes through the same funnel (sync-group layering)', () => {
  const p = params();
  const r = forceState(p, backup(p), 'MASTER', 'sync-group', 500);
  assert.deepEqual(kinds(r.actions), ['SendAdvert(150)', 'AddVips', 'Garp(became-master)', 'BACKUP->MASTER:sync-group']);
  assert.equal(r.state.wantState, 'MASTER');
  const same = forceState(p, r.state, 'MASTER', 'sync-group', 600);
  assert.deepEqual(same.actions, []);
});

test('step never mutates its input state', () => {
  const p = params();
  const s = master(p);
  const copy = structuredClone(s);
  run(p, s, advert(200, HIGHER_IP), 5000);
  run(p, s, { type: 'Shutdown' }, 5000);
  assert.deepEqual(s, copy);
});

test('FsmParams are the compiled instance: keepalived clears nopreempt and preempt_delay for the owner and state MASTER', () => {
  const cfg = testInstanceConfig(0, { nopreempt: true, higherPrioSendAdvert: true, version: 3, advertIntCs: 50 });
  const a = fsmParamsFromConfig(cfg, ME);
  for (const k of FSM_CONFIG_FIELDS) assert.equal(a[k], cfg[k], k);
  assert.deepEqual([a.addressOwner, a.nopreempt, a.higherPrioSendAdvert, a.advertIntCs, a.primaryAddress], [false, true, true, 50, ME]);
  assert.equal(testFsmParams(0, { preemptDelayMs: 3000 }).preemptDelayMs, 3000);
  const owner = testFsmParams(0, { priority: 255, nopreempt: true });
  assert.deepEqual([owner.addressOwner, owner.initialState, owner.nopreempt], [true, 'MASTER', false]);
  assert.equal(testFsmParams(0, { priority: 255, preemptDelayMs: 3000 }).preemptDelayMs, 0);
  const master = testFsmParams(0, { initialState: 'MASTER', nopreempt: true });
  assert.deepEqual([master.addressOwner, master.nopreempt], [false, false]);
  assert.equal(testFsmParams(0, { initialState: 'MASTER', preemptDelayMs: 3000 }).preemptDelayMs, 0);
});

test('vrrp_startup_delay: BACKUP at once, its master-down timer counts from the delay’s end, also after an advert', () => {
  const p = params();
  let s = run(p, initialFsmState(p), { type: 'Startup', delayUntilMs: 2000 }, 0).state;
  assert.equal(s.state, 'BACKUP');
  assert.equal(s.masterDownAtMs, 2000 + 3414.062);
  s = run(p, s, advert(200), 500).state;
  assert.equal(s.masterDownAtMs, 2000 + 3414.062, 'an advert during the delay re-arms from the delay’s end');
  s = run(p, s, advert(200), 2500).state;
  assert.equal(s.masterDownAtMs, 2500 + 3414.062, 'after the delay: from now');
  assert.equal(run(p, s, { type: 'TimerFired' }, 2500 + 3414.062).state.state, 'MASTER');
});

test('vrrp_startup_delay: the address owner stays in INIT until the delay ends, then MASTER (no BACKUP entry)', () => {
  const p = params({ priority: 255, initialState: 'MASTER' });
  const r = run(p, initialFsmState(p), { type: 'Startup', delayUntilMs: 1500 }, 0);
  assert.equal(r.state.state, 'INIT');
  assert.deepEqual(kinds(r.actions), []);
  assert.equal(nextDeadline(r.state), 1500);
  const m = run(p, r.state, { type: 'TimerFired' }, 1500);
  assert.deepEqual(kinds(m.actions), ['SendAdvert(255)', 'AddVips', 'Garp(became-master)', 'INIT->MASTER:startup']);
  assert.deepEqual(logs(m.actions), ['Receive advertisement timeout', 'Entering MASTER STATE']);
  const faulted = run(p, r.state, { type: 'FaultChanged', source: 'interface:eth0', active: true }, 100).state;
  assert.equal(run(p, faulted, { type: 'TimerFired' }, 1500).state.state, 'FAULT', 'a fault during the delay wins');
});
