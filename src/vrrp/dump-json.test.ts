/**
 * keepalived.json against Debian keepalived 2.2.7's own for the same config and state
 * (test/fixtures/keepalived-dumps/trackers): byte for byte, but for the virtual routes this
 * child does not install; read by the exporter as it reads keepalived's; json_version 2 as
 * newer keepalived documents it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExporterJson } from '../test-kit/keepalived-exporter.js';
import { jsonCaptureStates, readTrackerFixture, snapshotAt, trackersConfig } from '../test-kit/tracker-dumps.js';
import { formatG, formatJsonDump, JSON_STATE } from './dump-json.js';
import { NO_TRACKER_STATES } from './dump-snapshot.js';

const real = readTrackerFixture('keepalived.json');
const config = trackersConfig();
const snap = snapshotAt(config, jsonCaptureStates());

test('%g as C prints it', () => {
  assert.deepEqual(
    [1, 0.5, 0.1, 2, 100, 2.5, 255, 0.01, 123456.7, 1e6, 0.0001, 0.00001, 0].map(formatG),
    ['1', '0.5', '0.1', '2', '100', '2.5', '255', '0.01', '123457', '1e+06', '0.0001', '1e-05', '0'],
  );
});

test('json_version 1: byte-identical to 2.2.7 but for the virtual routes', () => {
  const theirs = real.replace(/,"vroutes":\[[^\]]*\]/g, '');
  assert.notEqual(theirs, real, 'the capture has virtual routes');
  assert.equal(formatJsonDump(snap), theirs);
  assert.equal(formatJsonDump({ ...snap, globalDefs: { ...snap.globalDefs, jsonVersion: 1 } }), theirs);
});

test('json_version 1: the exporter decodes ours as it decodes keepalived 2.2.7s', () => {
  const mine = parseExporterJson(formatJsonDump(snap));
  assert.deepEqual(mine, parseExporterJson(real));
  assert.deepEqual(
    mine.map((v) => [v.iname, v.state, v.intf, v.vrid, v.garpDelay, v.vips.length]),
    [
      ['VI_1', 2, 'eth0', 51, 5, 1],
      ['VI_2', 2, 'eth0', 52, 5, 1],
      ['VI_3', 2, 'eth0', 53, 5, 1],
      ['VI_4', 1, 'eth0', 54, 5, 2],
      ['VI_5', 2, 'eth0', 55, 5, 1],
    ],
  );
  assert.throws(() => parseExporterJson('[{"data":{"iname":"x","garp_delay":5.5},"stats":{}}]'), /cannot unmarshal/, 'the rule is strict where Go is');
});

test('json_version 2: {"vrrp": [...], "track_process": [...]}, tracked process names in each instance', () => {
  const v2 = JSON.parse(formatJsonDump({ ...snap, globalDefs: { ...snap.globalDefs, jsonVersion: 2 } })) as {
    vrrp: { data: Record<string, unknown>; stats: Record<string, number> }[];
    track_process: Record<string, unknown>[];
  };
  assert.deepEqual(Object.keys(v2), ['vrrp', 'track_process']);
  assert.equal(v2.vrrp.length, 5);
  assert.deepEqual(v2.vrrp.find((v) => v.data['iname'] === 'VI_3')?.data['track_process'], ['tp']);
  assert.equal(v2.vrrp.find((v) => v.data['iname'] === 'VI_1')?.data['track_process'], undefined);
  assert.deepEqual(v2.track_process, [
    {
      process: 'sleep',
      param_match: 'none',
      min_processes: 1,
      current_processes: 0,
      have_quorum: false,
      weight: 5,
      terminate_delay: 1,
      fork_delay: 1,
      fork_delay_timer_running: false,
      terminate_delay_timer_running: false,
      full_command: false,
    },
  ]);
  const bare = JSON.parse(formatJsonDump({ ...snapshotAt(config, jsonCaptureStates(), NO_TRACKER_STATES), globalDefs: { ...snap.globalDefs, jsonVersion: 2 } })) as { track_process: Record<string, unknown>[] };
  assert.deepEqual(Object.keys(bare.track_process[0] ?? {}), ['process', 'param_match', 'min_processes', 'weight', 'terminate_delay', 'fork_delay', 'full_command'], 'counts only once the tracker runtime reports them');
  const none = JSON.parse(formatJsonDump({ ...snap, trackProcesses: [], globalDefs: { ...snap.globalDefs, jsonVersion: 2 } })) as object;
  assert.deepEqual(Object.keys(none), ['vrrp'], 'no track_process list without a tracked process');
});

test("states are keepalived's numbers; a STOP instance is 98", () => {
  assert.deepEqual(JSON_STATE, { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3, STOP: 98 });
  const stop = { ...snap, instances: snap.instances.slice(0, 1).map((i) => ({ ...i, fsm: { ...i.fsm, state: 'STOP' as const } })) };
  assert.match(formatJsonDump(stop), /"state":98,/);
});

test('strings are escaped as keepalived writes them: / as \\/, quotes and controls as JSON does', () => {
  const cfg = snap.instances[0]!.cfg;
  const odd = { ...snap, instances: [{ ...snap.instances[0]!, cfg: { ...cfg, name: 'a"b\\c/d\te' } }] };
  const text = formatJsonDump(odd);
  assert.match(text, /"iname":"a\\"b\\\\c\\\/d\\te"/);
  assert.equal((JSON.parse(text) as { data: { iname: string } }[])[0]?.data.iname, 'a"b\\c/d\te');
});
