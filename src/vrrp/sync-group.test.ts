/**
 * The sync group's state machine (sync-group.ts) and what it asks of a member's FSM step
 * (fsm.ts with a SyncGroupView): the rules keepalived 2.2.7 follows, one by one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testFsmParams } from '../test-kit/fsm-params.js';
import { forceState, initialFsmState, step, type FsmAction, type FsmEvent, type FsmParams, type FsmState, type SyncGroupView } from './fsm.js';
import { canGoMaster, memberTransitioned, othersFaulted, reloadGroup, startGroup, type SyncMember } from './sync-group.js';

const member = (name: string, state: FsmState['state'], wantState: FsmState['wantState'] = state === 'MASTER' || state === 'FAULT' ? state : 'BACKUP', faultSources: string[] = []): SyncMember => ({
  name,
  fsm: { state, wantState, faultSources },
});

test('canGoMaster: only when the group is MASTER or every other member wants MASTER', () => {
  const wanting = [member('VI_1', 'BACKUP', 'MASTER'), member('VI_2', 'BACKUP', 'MASTER'), member('VI_3', 'BACKUP', 'BACKUP')];
  assert.equal(canGoMaster('BACKUP', 'VI_1', wanting), false, 'VI_3 does not want MASTER');
  assert.equal(canGoMaster('BACKUP', 'VI_3', wanting), true, 'its own wantState does not count');
  assert.equal(canGoMaster('MASTER', 'VI_1', wanting), true);
  assert.equal(canGoMaster('BACKUP', 'VI_1', [member('VI_1', 'BACKUP')]), true, 'a group of one');
});

test('othersFaulted: another member with a fault of its own; a member moved to FAULT by the group does not count', () => {
  const members = [member('VI_1', 'FAULT', 'FAULT', ['interface:eth1']), member('VI_2', 'FAULT')];
  assert.equal(othersFaulted('VI_2', members), true);
  assert.equal(othersFaulted('VI_1', members), false);
});

test('a member entering MASTER moves the others to MASTER, logs once, notifies after the members', () => {
  const members = [member('VI_1', 'BACKUP', 'MASTER'), member('VI_2', 'MASTER'), member('VI_3', 'BACKUP', 'MASTER')];
  const r = memberTransitioned('G1', 'BACKUP', 'VI_2', 'BACKUP', 'MASTER', members);
  assert.equal(r.state, 'MASTER');
  assert.deepEqual(r.actions, [
    { type: 'Log', msg: 'VRRP_Group(G1) Syncing instances to MASTER state' },
    { type: 'Force', member: 'VI_1', to: 'MASTER' },
    { type: 'Force', member: 'VI_3', to: 'MASTER' },
    { type: 'Notify', state: 'MASTER', afterMembers: true },
  ]);
  // The moved members' own transitions find the group there already.
  assert.deepEqual(memberTransitioned('G1', 'MASTER', 'VI_1', 'BACKUP', 'MASTER', members).actions, []);
});

test('FAULT moves MASTER and BACKUP members alike; BACKUP (a higher priority seen, or the last fault gone) moves them back', () => {
  const fault = memberTransitioned('G1', 'MASTER', 'VI_1', 'MASTER', 'FAULT', [member('VI_1', 'FAULT', 'FAULT', ['interface:eth1']), member('VI_2', 'MASTER')]);
  assert.equal(fault.state, 'FAULT');
  assert.deepEqual(fault.actions.map((a) => (a.type === 'Force' ? `${a.member}→${a.to}` : a.type)), ['Log', 'VI_2→FAULT', 'Notify']);
  const back = memberTransitioned('G1', 'FAULT', 'VI_2', 'FAULT', 'BACKUP', [member('VI_1', 'FAULT'), member('VI_2', 'BACKUP')]);
  assert.deepEqual(back.actions[0], { type: 'Log', msg: 'VRRP_Group(G1) Syncing instances to BACKUP state' });
  assert.deepEqual(back.actions[1], { type: 'Force', member: 'VI_1', to: 'BACKUP' });
  const lost = memberTransitioned('G1', 'MASTER', 'VI_1', 'MASTER', 'BACKUP', [member('VI_1', 'BACKUP'), member('VI_2', 'MASTER')]);
  assert.deepEqual([lost.state, lost.actions[1]], ['BACKUP', { type: 'Force', member: 'VI_2', to: 'BACKUP' }]);
});

test('start-up and shutdown transitions are not group changes (startGroup and the daemon order them)', () => {
  const members = [member('VI_1', 'BACKUP'), member('VI_2', 'INIT')];
  assert.deepEqual(memberTransitioned('G1', 'BACKUP', 'VI_1', 'INIT', 'BACKUP', members).actions, []);
  assert.deepEqual(memberTransitioned('G1', 'MASTER', 'VI_1', 'MASTER', 'STOP', members).actions, []);
});

test('startGroup: BACKUP notified before the members start; a faulted member puts the whole group in FAULT, named in the log', () => {
  assert.deepEqual(startGroup('G1', [member('VI_1', 'INIT'), member('VI_2', 'INIT')]), {
    state: 'BACKUP',
    actions: [{ type: 'Notify', state: 'BACKUP', afterMembers: false }, { type: 'StartMembers' }],
  });
  const faulted = startGroup('G1', [member('VI_1', 'INIT'), member('VI_2', 'INIT', 'BACKUP', ['interface:eth1']), member('VI_3', 'INIT', 'BACKUP', ['interface:eth0'])]);
  assert.deepEqual(faulted, {
    state: 'FAULT',
    actions: [{ type: 'Log', msg: 'VRRP_Group(G1): Syncing VI_2 to FAULT state' }, { type: 'StartMembers' }, { type: 'Notify', state: 'FAULT', afterMembers: true }],
  });
  // A reload that starts a group again with a running member and a faulted new one.
  const again = startGroup('G1', [member('VI_1', 'BACKUP'), member('VI_2', 'INIT', 'BACKUP', ['interface:eth1'])]);
  assert.deepEqual(again.actions[2], { type: 'Force', member: 'VI_1', to: 'FAULT' });
});

test('reloadGroup: agreeing members without a new one keep the state; a new member or a disagreement starts the group again', () => {
  const kept = (s: FsmState['state'], fresh = false) => ({ ...member('x', s), fresh });
  assert.deepEqual(reloadGroup([{ ...kept('MASTER'), name: 'VI_1' }, { ...kept('MASTER'), name: 'VI_2' }]), { type: 'keep', state: 'MASTER' });
  assert.deepEqual(reloadGroup([{ ...kept('FAULT'), name: 'VI_1' }]), { type: 'keep', state: 'FAULT' });
  assert.deepEqual(reloadGroup([{ ...kept('MASTER'), name: 'VI_1' }, { ...kept('MASTER'), name: 'VI_2' }, { ...kept('INIT', true), name: 'VI_3' }]), {
    type: 'restart',
    members: ['VI_1', 'VI_2'],
  });
  assert.deepEqual(reloadGroup([{ ...kept('MASTER'), name: 'VI_1' }, { ...kept('BACKUP'), name: 'VI_2' }]), { type: 'restart', members: ['VI_1'] });
  assert.deepEqual(reloadGroup([{ ...kept('BACKUP'), name: 'VI_1' }, { ...kept('INIT', true), name: 'VI_2' }]), { type: 'restart', members: [] });
});

// ---------------------------------------------------------------------------------------------
// A member's FSM step with its group's view

const view = (over: Partial<{ canGoMaster: boolean; othersFaulted: boolean }> = {}): SyncGroupView => ({
  canGoMaster: () => over.canGoMaster ?? true,
  othersFaulted: () => over.othersFaulted ?? false,
});
const params = (priority = 150): FsmParams => testFsmParams(0, { name: 'VI_1', priority });
const logs = (actions: readonly FsmAction[]): string[] => actions.flatMap((a) => (a.type === 'LogEvent' ? [a.msg] : []));
const transitions = (actions: readonly FsmAction[]): string[] => actions.flatMap((a) => (a.type === 'Transition' ? [`${a.from}->${a.to}:${a.reason}`] : []));

function started(p: FsmParams, g: SyncGroupView): FsmState {
  return step(p, initialFsmState(p), { type: 'Startup' }, 0, g).state;
}

test('member: its down timer runs out while another member does not want MASTER ⇒ BACKUP wanting MASTER, one more Master_Down_Interval', () => {
  const p = params();
  const blocked = view({ canGoMaster: false });
  const b = started(p, blocked);
  const r = step(p, b, { type: 'TimerFired' }, b.masterDownAtMs!, blocked);
  assert.equal(r.state.state, 'BACKUP');
  assert.equal(r.state.wantState, 'MASTER');
  assert.deepEqual(transitions(r.actions), []);
  assert.deepEqual(logs(r.actions), ['Receive advertisement timeout']);
  assert.equal(r.state.masterDownAtMs, b.masterDownAtMs! + 3414.062, '3 × advert_int + skew again');
  // A lower-priority advert is still discarded (it keeps wanting MASTER); an accepted one ends that.
  const lower = step(p, r.state, { type: 'AdvertReceived', priority: 100, advertIntCs: 100, src: Uint8Array.of(192, 0, 2, 99) }, 4000, blocked);
  assert.equal(lower.state.wantState, 'MASTER');
  const higher = step(p, lower.state, { type: 'AdvertReceived', priority: 200, advertIntCs: 100, src: Uint8Array.of(192, 0, 2, 99) }, 4100, blocked);
  assert.equal(higher.state.wantState, 'BACKUP');
  // Once the others want MASTER too, the next expiry makes it MASTER.
  const go = step(p, r.state, { type: 'TimerFired' }, r.state.masterDownAtMs!, view());
  assert.deepEqual(transitions(go.actions), ['BACKUP->MASTER:master-down-timer']);
});

test('member: its faults clearing leave it in FAULT while another member has a fault; the last one out goes BACKUP', () => {
  const p = params();
  const eth1Down: FsmEvent = { type: 'FaultChanged', source: 'interface:eth1', active: true };
  const eth1Up: FsmEvent = { type: 'FaultChanged', source: 'interface:eth1', active: false };
  const faulted = step(p, started(p, view()), eth1Down, 10, view()).state;
  const held = step(p, faulted, eth1Up, 20, view({ othersFaulted: true }));
  assert.deepEqual([held.state.state, held.state.faultSources, held.actions], ['FAULT', [], []], 'silently');
  const out = step(p, faulted, eth1Up, 20, view());
  assert.deepEqual(transitions(out.actions), ['FAULT->BACKUP:fault-cleared']);
});

test('member start-up: FAULT when another member has a fault ("entering FAULT state"); an address owner waits like the others', () => {
  const p = params();
  const r = step(p, initialFsmState(p), { type: 'Startup' }, 0, view({ othersFaulted: true }));
  assert.deepEqual(transitions(r.actions), ['INIT->FAULT:sync-group']);
  assert.deepEqual(logs(r.actions), ['entering FAULT state']);
  const own = step(p, { ...initialFsmState(p), faultSources: ['interface:eth1'] }, { type: 'Startup' }, 0);
  assert.deepEqual(logs(own.actions), ['entering FAULT state'], 'the same line for a fault of its own at start-up');
  const owner = testFsmParams(0, { name: 'VI_1', priority: 255, initialState: 'MASTER' });
  const o = step(owner, initialFsmState(owner), { type: 'Startup' }, 0, view());
  assert.deepEqual(transitions(o.actions), ['INIT->BACKUP:startup']);
  assert.deepEqual(transitions(step(owner, initialFsmState(owner), { type: 'Startup' }, 0).actions), ['INIT->MASTER:startup'], 'alone it skips the election');
});

test('member moved by its group: to FAULT from BACKUP silently; from MASTER with a priority-0 advert but no "sent 0 priority" line', () => {
  const p = params();
  const b = started(p, view());
  const quiet = forceState(p, b, 'FAULT', 'sync-group', 100);
  assert.deepEqual(logs(quiet.actions), []);
  assert.deepEqual(transitions(quiet.actions), ['BACKUP->FAULT:sync-group']);
  const m = step(p, b, { type: 'TimerFired' }, b.masterDownAtMs!, view()).state;
  const f = forceState(p, m, 'FAULT', 'sync-group', 5000);
  assert.deepEqual(logs(f.actions), ['Entering FAULT STATE']);
  assert.deepEqual(
    f.actions.filter((a) => a.type === 'SendAdvert' || a.type === 'RemoveVips').map((a) => (a.type === 'SendAdvert' ? `advert ${a.priority}` : a.type)),
    ['advert 0', 'RemoveVips'],
  );
  assert.deepEqual(logs(forceState(p, m, 'BACKUP', 'sync-group', 5000).actions), ['Entering BACKUP STATE']);
});
