/**
 * A vrrp_sync_group in the whole VRRP child (test-kit/vrrp-child-rig.ts: fake clock, netlink,
 * sockets, scripts): the log lines, notifications (scripts, FIFO/mail events), adverts and
 * address requests keepalived 2.2.7 produces for the same config, phase by phase, as the lab
 * runs of Debian's keepalived showed them (docs/compatibility.md "Sync groups at run time").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTestConfig } from '../test-kit/fsm-params.js';
import { vrrpChildRig, type Rig } from '../test-kit/vrrp-child-rig.js';

interface Member {
  readonly name: string;
  readonly vrid: number;
  readonly vip: string;
  readonly priority: number;
  readonly lines?: readonly string[];
}

const VI_1: Member = { name: 'VI_1', vrid: 51, vip: '192.0.2.100', priority: 150, lines: ['track_interface {', ' eth1', '}'] };
const VI_2: Member = { name: 'VI_2', vrid: 52, vip: '192.0.2.101', priority: 150 };
const VI_3: Member = { name: 'VI_3', vrid: 53, vip: '192.0.2.102', priority: 150 };

function conf(members: readonly Member[], group: readonly string[] | null = members.map((m) => m.name), groupLines: readonly string[] = []): string {
  const g =
    group === null
      ? ''
      : `vrrp_sync_group G1 {
 group {
${group.map((n) => `  ${n}`).join('\n')}
 }
 notify_master "/x/g.sh master"
 notify_backup "/x/g.sh backup"
 notify_fault "/x/g.sh fault"
 notify_stop "/x/g.sh stop"
 notify "/x/g.sh notify"
${groupLines.map((l) => ` ${l}`).join('\n')}
}
`;
  const inst = members.map(
    (m) => `vrrp_instance ${m.name} {
 interface eth0
 virtual_router_id ${m.vrid}
 priority ${m.priority}
 advert_int 1
 notify "/x/i.sh"
${(m.lines ?? []).map((l) => ` ${l}`).join('\n')}
 virtual_ipaddress {
  ${m.vip}/24
 }
}
`,
  );
  return g + inst.join('');
}

/** What happened since `mark`: log lines, scripts, FIFO/mail events. */
function since(r: Rig, mark: { lines: number; scripts: number; effects: number }): { lines: string[]; scripts: string[]; effects: string[] } {
  return { lines: r.lines().slice(mark.lines), scripts: r.world.scripts.slice(mark.scripts), effects: r.world.effects.slice(mark.effects) };
}
const markOf = (r: Rig): { lines: number; scripts: number; effects: number } => ({ lines: r.lines().length, scripts: r.world.scripts.length, effects: r.world.effects.length });
const vipLines = (lines: readonly string[]): string[] => lines.filter((l) => /Entering|entering|VRRP_Group|setting VIPs|removing VIPs|sent 0|timeout/.test(l));
const states = (r: Rig): string => ['VI_1', 'VI_2', 'VI_3'].map((n) => r.world.transitions.filter((t) => t.name === n).at(-1)?.to ?? '-').join(' ');

test('start-up: group BACKUP notified first; the first timeout waits for the other member, the second makes both MASTER', async () => {
  const r = await vrrpChildRig(conf([VI_1, VI_2]));
  assert.deepEqual(r.world.scripts, ['/x/g.sh backup', '/x/g.sh notify GROUP G1 BACKUP 0', '/x/i.sh INSTANCE VI_1 BACKUP 150', '/x/i.sh INSTANCE VI_2 BACKUP 150']);
  assert.deepEqual(r.world.effects, ['GROUP G1 BACKUP', 'VI_1 BACKUP 150', 'VI_2 BACKUP 150']);
  const m = markOf(r);
  await r.run(3500);
  const s = since(r, m);
  // Same priority, same timer: VI_1 times out first and waits; VI_2's timeout takes both.
  assert.deepEqual(vipLines(s.lines), [
    '(VI_1) Receive advertisement timeout',
    '(VI_2) Receive advertisement timeout',
    '(VI_2) Entering MASTER STATE',
    '(VI_2) setting VIPs.',
    'VRRP_Group(G1) Syncing instances to MASTER state',
    '(VI_1) Entering MASTER STATE',
    '(VI_1) setting VIPs.',
  ]);
  assert.deepEqual(s.scripts, ['/x/i.sh INSTANCE VI_2 MASTER 150', '/x/i.sh INSTANCE VI_1 MASTER 150', '/x/g.sh master', '/x/g.sh notify GROUP G1 MASTER 0']);
  assert.deepEqual(s.effects, ['VI_2 MASTER 150', 'VI_1 MASTER 150', 'GROUP G1 MASTER']);
  assert.ok(r.world.rtnl.has('192.0.2.100') && r.world.rtnl.has('192.0.2.101'));
});

test('one member faults (its track_interface): the group goes FAULT, both resign with priority 0; recovery brings both back', async () => {
  const r = await vrrpChildRig(conf([VI_1, VI_2]));
  await r.run(4000);
  assert.equal(states(r), 'MASTER MASTER -');
  const adverts = r.adverts().length;
  let m = markOf(r);
  r.world.rtnl.setRunning('eth1', false);
  await r.run(1);
  let s = since(r, m);
  assert.deepEqual(vipLines(s.lines), [
    '(VI_1) Entering FAULT STATE',
    '(VI_1) sent 0 priority',
    '(VI_1) removing VIPs.',
    'VRRP_Group(G1) Syncing instances to FAULT state',
    '(VI_2) Entering FAULT STATE',
    '(VI_2) removing VIPs.',
  ]);
  assert.deepEqual(r.adverts().slice(adverts), ['51:0', '52:0'], 'the moved member resigns too');
  assert.ok(!r.world.rtnl.has('192.0.2.100') && !r.world.rtnl.has('192.0.2.101'));
  assert.deepEqual(s.scripts, ['/x/i.sh INSTANCE VI_1 FAULT 150', '/x/i.sh INSTANCE VI_2 FAULT 150', '/x/g.sh fault', '/x/g.sh notify GROUP G1 FAULT 0']);
  assert.deepEqual(s.effects, ['VI_1 FAULT 150', 'VI_2 FAULT 150', 'GROUP G1 FAULT']);
  // A peer's adverts do not move a group in FAULT.
  r.peer(100, { vrid: 52, addresses: ['192.0.2.101'] });
  await r.run(5000);
  assert.equal(states(r), 'FAULT FAULT -');

  m = markOf(r);
  r.world.rtnl.setRunning('eth1', true);
  await r.run(1);
  s = since(r, m);
  assert.deepEqual(vipLines(s.lines), ['(VI_1) Entering BACKUP STATE', 'VRRP_Group(G1) Syncing instances to BACKUP state', '(VI_2) Entering BACKUP STATE']);
  assert.deepEqual(s.effects, ['VI_1 BACKUP 150', 'VI_2 BACKUP 150', 'GROUP G1 BACKUP']);
  await r.run(3500);
  assert.equal(states(r), 'MASTER MASTER -');
});

test('both members fault (their interface): the group leaves FAULT only when the last one recovers, which moves the other', async () => {
  const r = await vrrpChildRig(conf([VI_1, VI_2]));
  await r.run(4000);
  r.world.rtnl.setRunning('eth0', false);
  await r.run(1);
  assert.equal(states(r), 'FAULT FAULT -');
  r.world.rtnl.setRunning('eth1', false);
  await r.run(1);
  const m = markOf(r);
  r.world.rtnl.setRunning('eth0', true);
  await r.run(1);
  // VI_2's faults are gone, VI_1 still has eth1: both stay in FAULT, silently.
  assert.deepEqual(since(r, m), { lines: [], scripts: [], effects: [] });
  r.world.rtnl.setRunning('eth1', true);
  await r.run(1);
  assert.deepEqual(vipLines(since(r, m).lines), ['(VI_1) Entering BACKUP STATE', 'VRRP_Group(G1) Syncing instances to BACKUP state', '(VI_2) Entering BACKUP STATE']);
});

test('a higher priority on one member only: the master group goes BACKUP; the other member waits, wanting MASTER, while that master lives', async () => {
  const r = await vrrpChildRig(conf([VI_1, VI_2]));
  await r.run(4000);
  const m = markOf(r);
  r.peer(200, { vrid: 51 });
  await r.run(1);
  assert.deepEqual(vipLines(since(r, m).lines), [
    '(VI_1) Entering BACKUP STATE',
    '(VI_1) removing VIPs.',
    'VRRP_Group(G1) Syncing instances to BACKUP state',
    '(VI_2) Entering BACKUP STATE',
    '(VI_2) removing VIPs.',
  ]);
  assert.ok(!r.world.rtnl.has('192.0.2.101'), 'VI_2 had no higher master, yet released its VIP');
  for (let i = 0; i < 12; i++) {
    r.peer(200, { vrid: 51 });
    await r.run(1000);
  }
  assert.equal(states(r), 'BACKUP BACKUP -');
  assert.ok(since(r, m).lines.filter((l) => l === '(VI_2) Receive advertisement timeout').length >= 3, 'VI_2 keeps timing out every Master_Down_Interval');
  // The higher master stops: VI_1 times out too, and the group takes both.
  await r.run(4000);
  assert.equal(states(r), 'MASTER MASTER -');
});

test('start-up with a member faulted: the whole group starts in FAULT, in keepalived words and order', async () => {
  const r = await vrrpChildRig(conf([VI_1, VI_2]), {}, ['eth1']);
  assert.deepEqual(vipLines(r.lines()), [
    '(VI_1): entering FAULT state (interface eth1 down)',
    'VRRP_Group(G1): Syncing VI_1 to FAULT state',
    '(VI_1) entering FAULT state',
    '(VI_2) entering FAULT state',
  ]);
  assert.deepEqual(r.world.scripts, ['/x/i.sh INSTANCE VI_1 FAULT 150', '/x/i.sh INSTANCE VI_2 FAULT 150', '/x/g.sh fault', '/x/g.sh notify GROUP G1 FAULT 0']);
  assert.deepEqual(r.world.effects, ['VI_1 FAULT 150', 'VI_2 FAULT 150', 'GROUP G1 FAULT']);
  await r.run(5000);
  assert.equal(states(r), 'FAULT FAULT -');
});

test('shutdown: each member STOP, then the group STOP (notify_stop and notify … STOP)', async () => {
  const r = await vrrpChildRig(conf([VI_1, VI_2]));
  await r.run(4000);
  const m = markOf(r);
  const done = r.handle.shutdown();
  await r.run(1000);
  await done;
  const s = since(r, m);
  assert.deepEqual(s.scripts, ['/x/i.sh INSTANCE VI_1 STOP 150', '/x/i.sh INSTANCE VI_2 STOP 150', '/x/g.sh stop', '/x/g.sh notify GROUP G1 STOP 0']);
  assert.deepEqual(s.effects, ['VI_1 STOP 150', 'VI_2 STOP 150', 'GROUP G1 STOP']);
  assert.ok(!s.lines.some((l) => l.startsWith('VRRP_Group')), 'no group transition line at shutdown');
});

test('reload: the same config changes nothing; a member out of the group and back keeps the state', async () => {
  const r = await vrrpChildRig(conf([VI_1, VI_2]));
  await r.run(4000);
  const m = markOf(r);
  const transitions = r.world.transitions.length;
  for (const text of [conf([VI_1, VI_2]), conf([VI_1, VI_2], ['VI_1']), conf([VI_1, VI_2]), conf([VI_1, VI_2], null), conf([VI_1, VI_2])]) {
    r.world.config = compileTestConfig(text);
    await r.handle.reload();
    await r.run(2000);
  }
  assert.equal(r.world.transitions.length, transitions, 'no state change');
  assert.deepEqual(since(r, m).scripts, []);
  assert.equal(states(r), 'MASTER MASTER -');
  // Still one group: a fault moves both.
  r.world.rtnl.setRunning('eth1', false);
  await r.run(1);
  assert.equal(states(r), 'FAULT FAULT -');
});

test('reload: a new member starts the group again — the masters go back through INIT without priority 0, then all three become MASTER', async () => {
  const r = await vrrpChildRig(conf([VI_1, VI_2]));
  await r.run(4000);
  const adverts = r.adverts().length;
  const m = markOf(r);
  // VI_1 also changes its VIP: the one it held goes with the restart.
  r.world.config = compileTestConfig(conf([{ ...VI_1, vip: '192.0.2.110' }, VI_2, VI_3]));
  await r.handle.reload();
  await r.run(1);
  const s = since(r, m);
  assert.deepEqual(s.scripts, ['/x/g.sh backup', '/x/g.sh notify GROUP G1 BACKUP 0', '/x/i.sh INSTANCE VI_1 BACKUP 150', '/x/i.sh INSTANCE VI_2 BACKUP 150', '/x/i.sh INSTANCE VI_3 BACKUP 150']);
  assert.deepEqual(vipLines(s.lines), ['(VI_1) Entering BACKUP STATE (init)', '(VI_2) Entering BACKUP STATE (init)', '(VI_3) Entering BACKUP STATE (init)']);
  assert.ok(!r.world.rtnl.has('192.0.2.100') && !r.world.rtnl.has('192.0.2.101'));
  assert.ok(!r.adverts().slice(adverts).some((a) => a.endsWith(':0')), 'no priority-0 advert');
  assert.ok(!r.world.rtnl.has('192.0.2.110'));
  await r.run(4000);
  assert.equal(states(r), 'MASTER MASTER MASTER');
  assert.ok(r.world.rtnl.has('192.0.2.110') && !r.world.rtnl.has('192.0.2.100'));
  assert.deepEqual(r.world.effects.slice(-1), ['GROUP G1 MASTER']);
});

test('reload: a group made of a MASTER and a BACKUP instance starts the MASTER one again; the BACKUP one is left alone', async () => {
  const low: Member = { ...VI_2, priority: 50 };
  const r = await vrrpChildRig(conf([VI_1, low], null));
  for (let i = 0; i < 5; i++) {
    r.peer(100, { vrid: 52, addresses: ['192.0.2.101'] });
    await r.run(1000);
  }
  assert.equal(states(r), 'MASTER BACKUP -');
  const m = markOf(r);
  r.world.config = compileTestConfig(conf([VI_1, low]));
  await r.handle.reload();
  await r.run(1);
  assert.deepEqual(since(r, m).scripts, ['/x/g.sh backup', '/x/g.sh notify GROUP G1 BACKUP 0', '/x/i.sh INSTANCE VI_1 BACKUP 150']);
  for (let i = 0; i < 8; i++) {
    r.peer(100, { vrid: 52, addresses: ['192.0.2.101'] });
    await r.run(1000);
  }
  assert.equal(states(r), 'BACKUP BACKUP -', 'VI_1 wants MASTER but VI_2 follows the peer');
});

test('nopreempt on one member: it follows a lower-priority master, so the preempting member times out again and again and the group stays BACKUP', async () => {
  const r = await vrrpChildRig(conf([VI_1, { ...VI_2, lines: ['nopreempt'] }]));
  for (let i = 0; i < 12; i++) {
    r.peer(100, { vrid: 51 });
    r.peer(100, { vrid: 52, addresses: ['192.0.2.101'] });
    await r.run(1000);
  }
  assert.equal(states(r), 'BACKUP BACKUP -');
  assert.ok(r.lines().filter((l) => l === '(VI_1) Receive advertisement timeout').length >= 3);
  assert.ok(r.lines().includes('(VI_1) received lower priority (100) advert from 192.0.2.12 - discarding'));
  assert.ok(!r.lines().some((l) => l.startsWith('(VI_2) received lower priority')), 'VI_2 accepts it');
});

test('start-up with every member faulted: each fault logged first (own interface first), the group names the first faulted member; it leaves FAULT when the last fault clears', async () => {
  const r = await vrrpChildRig(conf([VI_1, VI_2]), {}, ['eth0', 'eth1']);
  assert.deepEqual(vipLines(r.lines()), [
    '(VI_1): entering FAULT state (interface eth0 down)',
    '(VI_1): entering FAULT state (interface eth1 down)',
    '(VI_2): entering FAULT state (interface eth0 down)',
    'VRRP_Group(G1): Syncing VI_1 to FAULT state',
    '(VI_1) entering FAULT state',
    '(VI_2) entering FAULT state',
  ]);
  r.world.rtnl.setRunning('eth0', true);
  await r.run(1000);
  assert.equal(states(r), 'FAULT FAULT -', 'VI_1 still has eth1');
  r.world.rtnl.setRunning('eth1', true);
  await r.run(1);
  assert.equal(states(r), 'BACKUP BACKUP -');
});
