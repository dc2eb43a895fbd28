/**
 * Tracker and sync-group state in keepalived.data, against Debian keepalived 2.2.7's own dump
 * of the same config (test/fixtures/keepalived-dumps/trackers): the same lines, in the same
 * order, for the same state; the exporter reads them as it reads keepalived's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSubsequence, dumpSection } from '../test-kit/dump-compare.js';
import { parseExporterData, parseExporterScripts } from '../test-kit/keepalived-exporter.js';
import { CAPTURED_TRACKER_STATES, readTrackerFixture, snapshotAt, trackersConfig, type CapturedInstance } from '../test-kit/tracker-dumps.js';
import { formatDataDump } from './dump.js';
import { NO_TRACKER_STATES, instanceTracking, membersState } from './dump-snapshot.js';

process.env['TZ'] = 'UTC';

const real = readTrackerFixture('keepalived.data');
const config = trackersConfig();
const ms = (s: number): number => s * 1000;

/** The states of keepalived.data's run (its Last transition / Read timeout lines). */
const AT: Readonly<Record<string, CapturedInstance>> = {
  VI_1: { state: 'MASTER', lastTransitionMs: ms(1796683290.317695), readTimeoutMs: ms(1796683296.36845) },
  VI_2: { state: 'MASTER', lastTransitionMs: ms(1796683290.314672), readTimeoutMs: ms(1796683296.40494) },
  VI_3: { state: 'MASTER', lastTransitionMs: ms(1796683290.198308), readTimeoutMs: ms(1796683297.228424), effectivePriority: 132 },
  VI_4: { state: 'BACKUP', lastTransitionMs: ms(1796683286.698791), readTimeoutMs: ms(1796683297.862739), masterPriority: 200 },
  VI_5: { state: 'MASTER', lastTransitionMs: ms(1796683293.352874), readTimeoutMs: ms(1796683297.358488) },
};



const ours = formatDataDump(snapshotAt(config, AT));

test("what an instance tracks: keepalived's lists, its own interface left out", () => {
  const vi = (n: string): ReturnType<typeof instanceTracking> => instanceTracking(config.vrrpInstances.find((i) => i.name === n)!, config);
  assert.deepEqual(vi('VI_1').scripts, [], 'the compiler drops chk_up: it has a weight and VI_1 is in a sync group');
  assert.deepEqual(vi('VI_3').interfaces, [], 'eth0 is its own interface');
  assert.deepEqual(vi('VI_3').scripts, [{ name: 'chk_up', weight: -20, reverse: false }, { name: 'chk_down', weight: 3, reverse: true }]);
  assert.deepEqual(vi('VI_3').files, [{ name: 'tf', weight: 4, reverse: false }]);
  assert.deepEqual(vi('VI_3').processes, [{ name: 'tp', weight: 5, reverse: false }]);
  assert.deepEqual(vi('VI_4').interfaces, [{ name: 'dum0', weight: -30, reverse: true }]);
});

test('data: every instance block is a subsequence of 2.2.7 with its Tracked … lists whole', () => {
  const mine = dumpSection(ours, 'VRRP Topology');
  const theirs = dumpSection(real, 'VRRP Topology');
  assertSubsequence(mine, theirs, 'topology');
  for (const block of [
    ['   Tracked scripts :', '     chk_up weight -20', '     chk_down weight 3 reverse', '   Tracked files :', '     tf, weight 4', '   Tracked processes :', '     tp, weight 5'],
    ['   Tracked interfaces :', '     dum0 weight -30 reverse'],
    ['   Master router = 192.0.2.12', '   Master priority = 200', '   Master advert int = 0.50 sec'],
    ['   Virtual IP Excluded :', '     198.51.100.104/24 dev eth0 scope global'],
    ['     192.0.2.105 dev eth0 scope global'],
    ["   Backup state transition script = '/run/kts-capture/ok.sh' 'VI_4' 'backup', uid:gid 0:0"],
    ['   Preempt delay = 3 secs', '   Master advert interval = 500 milli-sec'],
  ]) {
    for (const line of block) assert.ok(mine.includes(line), `missing '${line}'`);
  }
  assert.ok(!mine.some((l) => l.startsWith('   Tracked scripts') && mine.indexOf(l) < mine.indexOf(' VRRP Instance = VI_3')), 'VI_1 lists no tracked script');
});

test('data: sync group, scripts, track file and track process sections read like 2.2.7 for the same state', () => {
  // The one difference: a script without `timeout` shows 0 in keepalived (its "unset") and the
  // timeout in force (the interval) in ours; and we leave out its empty "VRRP instances :".
  const defaultTimeout = (l: string): boolean => /^ {3}Timeout = /.test(l) && l !== '   Timeout = 2 sec';
  for (const h of ['VRRP Sync groups', 'VRRP Scripts', 'VRRP Track files', 'VRRP Track processes']) {
    const mine = dumpSection(ours, h);
    const theirs = dumpSection(real, h);
    assertSubsequence(mine.filter((l) => !defaultTimeout(l)), theirs, h);
    const missing = theirs.filter((l) => !mine.includes(l));
    assert.deepEqual(missing.filter((l) => !/^ {3}(Timeout = 0 sec|VRRP instances :)$/.test(l)), [], `${h}: lines of 2.2.7 we do not write`);
  }
  assert.ok(dumpSection(ours, 'VRRP Scripts').includes('   Timeout = 2 sec'), 'a configured timeout as keepalived shows it');
  assert.deepEqual(dumpSection(ours, 'VRRP Sync groups'), dumpSection(real, 'VRRP Sync groups'));
  assert.deepEqual(dumpSection(ours, 'VRRP Track files'), dumpSection(real, 'VRRP Track files'));
  assert.deepEqual(dumpSection(ours, 'VRRP Track processes'), dumpSection(real, 'VRRP Track processes'));
});

test('data: run-time tracker lines are left out until the tracker runtime reports them', () => {
  const bare = formatDataDump(snapshotAt(config, AT, NO_TRACKER_STATES));
  const scripts = dumpSection(bare, 'VRRP Scripts');
  assert.ok(!scripts.some((l) => /^ {3}(Status|Result|State|Insecure) = /.test(l)), scripts.join('\n'));
  assert.ok(scripts.includes('   Rise = 2'));
  assert.ok(!dumpSection(bare, 'VRRP Track files').some((l) => l.startsWith('   Status = ')));
  assert.ok(!dumpSection(bare, 'VRRP Track processes').some((l) => /Current processes|Have quorum|timer/.test(l)));
  assert.ok(dumpSection(bare, 'VRRP Sync groups').includes(' VRRP Sync Group = G1, MASTER'), 'the group state read from its members');
});

test("a group's state read from its members: FAULT if any is, their common state, else BACKUP", () => {
  assert.equal(membersState(['MASTER', 'MASTER']), 'MASTER');
  assert.equal(membersState(['MASTER', 'FAULT']), 'FAULT');
  assert.equal(membersState(['MASTER', 'BACKUP']), 'BACKUP');
  assert.equal(membersState([]), 'BACKUP');
});

test('data: the exporter reads our instances and scripts as it reads keepalived 2.2.7s', () => {
  const theirs = parseExporterData(real);
  const mine = parseExporterData(ours);
  assert.deepEqual([...mine.keys()], [...theirs.keys()]);
  for (const [name, t] of theirs) assert.deepEqual(mine.get(name), t, name);
  assert.deepEqual(parseExporterScripts(ours), parseExporterScripts(real));
  assert.deepEqual(parseExporterScripts(ours), [
    { name: 'chk_up', status: 'GOOD', state: 'idle' },
    { name: 'chk_down', status: 'BAD', state: 'idle' },
  ]);
  assert.equal(CAPTURED_TRACKER_STATES.group('G1'), undefined);
});
