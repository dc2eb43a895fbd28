/**
 * The dump formatters against a real Debian keepalived 2.2.7 run (test/fixtures/keepalived-dumps:
 * the config and the keepalived.data / keepalived.stats it wrote on SIGUSR1/SIGUSR2 in a netns).
 * Fields we have must appear with 2.2.7's text, in 2.2.7's order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIp } from '../core/ip.js';
import { parseConfigText } from '../config/parse-config.js';
import type { VrrpInstanceConfig } from '../config/model.js';
import { memoryReader } from '../test-kit/memory-reader.js';
import { assertSubsequence, dumpSection } from '../test-kit/dump-compare.js';
import { REPO_ROOT } from '../test-kit/vrrp-adverts.js';
import { countDrop, emptyDropCounters } from './drop-counters.js';
import { EXTENSION_HEADING, formatDataDump, formatStatsDump, parseStatsDump } from './dump.js';
import { NO_TRACKING, type DumpSnapshot, type InstanceSnapshot, type SocketSnapshot } from './dump-snapshot.js';
import { formatDumpTime } from './dump-text.js';
import { fsmParamsFromConfig, initialFsmState, type FsmState } from './fsm.js';

// The fixture's times are UTC (the VM that recorded it); the dumps print local time like ctime(3).
process.env['TZ'] = 'UTC';

const dir = join(REPO_ROOT, 'test', 'fixtures', 'keepalived-dumps');
const realData = readFileSync(join(dir, 'keepalived.data'), 'utf8');
const realStats = readFileSync(join(dir, 'keepalived.stats'), 'utf8');
const { config } = parseConfigText(readFileSync(join(dir, 'keepalived.conf'), 'utf8'), 'keepalived.conf', { reader: memoryReader({}), configId: 'n1' });
const src = parseIp('192.0.2.11')!.bytes;

function instance(name: string): VrrpInstanceConfig {
  const c = config.vrrpInstances.find((i) => i.name === name);
  assert.ok(c, name);
  return c;
}

/** The states of the fixture's run: both instances MASTER, with its counters. */
function masterState(cfg: VrrpInstanceConfig, sent: number, atMs: number, readAtMs: number): FsmState {
  const s = initialFsmState(fsmParamsFromConfig(cfg, src));
  return {
    ...s,
    state: 'MASTER',
    wantState: 'MASTER',
    lastTransitionAtMs: atMs,
    adverAtMs: readAtMs,
    counters: { ...s.counters, advertSent: sent, becameMaster: 1 },
  };
}

const clock = { nowMs: 10_000, wallMs: 1795691402_000 };
const snaps: InstanceSnapshot[] = [
  { cfg: instance('VI_1'), fsm: masterState(instance('VI_1'), 2, 9_916.93, 11_917.03), srcIp: src, drops: emptyDropCounters(), tracking: NO_TRACKING },
  { cfg: instance('VI_6'), fsm: masterState(instance('VI_6'), 6, 8_307.474, 11_307.985), srcIp: src, drops: emptyDropCounters(), tracking: NO_TRACKING },
];
const sockets: SocketSnapshot[] = [
  { ifname: 'eth0', family: 4, group: '224.0.0.18', instances: [{ name: 'VI_1', vrid: 51 }], rxDatagrams: 0, drops: emptyDropCounters() },
];

const snapshot = (over: Partial<DumpSnapshot> = {}): DumpSnapshot => ({
  globalDefs: config.globalDefs,
  scriptIds: { uid: 0, gid: 0 },
  clock,
  instances: snaps,
  sockets,
  interfaces: [],
  syncGroups: [],
  scripts: [],
  trackFiles: [],
  trackProcesses: [],
  ...over,
});



test('stats: the keepalived part is byte-identical to 2.2.7 for the same counters', () => {
  const text = formatStatsDump({ instances: snaps, sockets });
  const keepalivedPart = text.slice(0, text.indexOf(EXTENSION_HEADING));
  assert.equal(keepalivedPart, realStats);
});

test('stats: drops land under keepalived field names; the extension has the rest', () => {
  let drops = countDrop(emptyDropCounters(), 'ttl', 'ttl', 'packet-too-short', 'invalid-type', 'auth-failure', 'auth-type-mismatch', 'version');
  drops = countDrop(drops, 'length-mismatch');
  const sockDrops = countDrop(emptyDropCounters(), 'checksum', 'vrid-unknown', 'vrid-unknown');
  const text = formatStatsDump({ instances: [{ ...snaps[0]!, drops }], sockets: [{ ...sockets[0]!, rxDatagrams: 42, drops: sockDrops }] });
  const parsed = parseStatsDump(text);
  const vi = parsed['VI_1']!;
  assert.equal(vi['Packet Errors.TTL'], 2);
  assert.equal(vi['Packet Errors.Length'], 2);
  assert.equal(vi['Packet Errors.Invalid Type'], 1);
  assert.equal(vi['Authentication Errors.Failure'], 1);
  assert.equal(vi['Authentication Errors.Type Mismatch'], 1);
  assert.equal(vi['Authentication Errors.Invalid Type'], 0);
  assert.equal(vi['Advertisements.Sent'], 2);
  assert.equal(vi['Became master'], 1);
  assert.equal(vi['Priority Zero.Sent'], 0);
  assert.equal(parsed['ext:VI_1']!['version'], 1);
  assert.equal(parsed['ext:VI_1']!['ttl'], undefined, 'counted fields are not repeated in the extension');
  const sock = parsed['socket:eth0 IPv4']!;
  assert.equal(sock['checksum'], 1);
  assert.equal(sock['vrid-unknown'], 2);
  assert.equal(sock['Datagrams received'], 42);
  assert.ok(text.indexOf(EXTENSION_HEADING) > text.lastIndexOf('\n    Sent: '), 'extension comes last');
});

test('data: global definitions use 2.2.7 wording and defaults', () => {
  const ours = dumpSection(formatDataDump(snapshot()), 'Global definitions');
  const real = dumpSection(realData, 'Global definitions');
  assertSubsequence(ours, real, 'global');
  assert.ok(ours.length >= 20, `only ${ours.length} global lines`);
});

test('data: VRRP topology lines (v2 PASS multicast, v3 unicast 500 ms) match 2.2.7', () => {
  const ours = dumpSection(formatDataDump(snapshot()), 'VRRP Topology');
  const real = dumpSection(realData, 'VRRP Topology');
  assertSubsequence(ours, real, 'topology');
  for (const must of [
    '   Master down timer = 3414062 usecs',
    '   Master down timer = 1804687 usecs',
    '   Advert interval = 1 sec',
    '   Advert interval = 500 milli-sec',
    '   Authentication type = SIMPLE_PASSWORD',
    '     192.0.2.100/24 dev eth0 scope global set',
    '     192.0.2.12 min_ttl 0 max_ttl 255',
    '   Preempt = disabled',
    '   Last transition = 1795691401.916930 (Thu Nov 26 11:10:01.916930 2026)',
    '   Read timeout = 1795691403.307985 (Thu Nov 26 11:10:03.307985 2026)',
  ]) {
    assert.ok(ours.includes(must), `missing '${must}'`);
  }
});

test('data: a BACKUP does not mark its VIPs as set, FAULT has no read timeout', () => {
  const cfg = instance('VI_1');
  const s = initialFsmState(fsmParamsFromConfig(cfg, src));
  const backup: FsmState = { ...s, state: 'BACKUP', wantState: 'BACKUP', masterDownAtMs: 12_000 };
  const fault: FsmState = { ...s, state: 'FAULT', wantState: 'FAULT', faultSources: ['interface:eth0'] };
  const text = (fsm: FsmState): string =>
    formatDataDump(snapshot({ instances: [{ cfg, fsm, srcIp: src, drops: emptyDropCounters(), tracking: NO_TRACKING }], sockets: [] }));
  assert.match(text(backup), /^ {5}192\.0\.2\.100\/24 dev eth0 scope global$/m);
  assert.match(text(backup), /^ {3}Read timeout = 1795691404\.000000 /m);
  assert.doesNotMatch(text(fault), /Read timeout/);
  assert.match(text(fault), /^ {3}State = FAULT$/m);
  assert.match(text(fault), /^ {3}Number of interface and track script faults = 1$/m);
});

test('data: sockpool and interfaces sections', () => {
  const link = { ifindex: 3, name: 'eth0', mac: Uint8Array.of(0x8e, 0xe8, 0x7f, 0xd1, 0x07, 0x95), up: true, running: true, mtu: 1500, flags: 0, operState: 6 };
  const addr = { ifindex: 3, family: 4 as const, address: '192.0.2.11', bytes: src, prefixLen: 24, flags: 0, scope: 0 };
  const ll = { ...addr, family: 6 as const, address: 'fe80::8ce8:7fff:fed1:795', bytes: parseIp('fe80::8ce8:7fff:fed1:795')!.bytes, prefixLen: 64, scope: 253 };
  const text = formatDataDump(snapshot({ interfaces: [{ link, addrs: [addr, ll] }] }));
  const pool = dumpSection(text, 'VRRP Sockpool');
  assertSubsequence(pool.slice(2), dumpSection(realData, 'VRRP Sockpool'), 'sockpool');
  const ifs = dumpSection(text, 'Interfaces');
  assertSubsequence(ifs, dumpSection(realData, 'Interfaces'), 'interfaces');
  assert.ok(ifs.includes('   MAC = 8e:e8:7f:d1:07:95'));
});

test('formatDumpTime pads microseconds and days like ctime', () => {
  assert.equal(formatDumpTime(1795691401916.93), '1795691401.916930 (Thu Nov 26 11:10:01.916930 2026)');
  assert.match(formatDumpTime(Date.UTC(2026, 10, 6, 1, 2, 3, 4)), /^\d+\.004000 \(\w{3} Nov {2}6 \d\d:02:03\.004000 2026\)$/);
});

test('data: a configured source address is marked "(from configuration)" as 2.2.7 does', () => {
  const cfg: VrrpInstanceConfig = { ...instance('VI_6'), unicastSrcIp: '192.0.2.11' };
  const fsm = initialFsmState(fsmParamsFromConfig(cfg, src));
  const text = formatDataDump(snapshot({ instances: [{ cfg, fsm, srcIp: src, drops: emptyDropCounters(), tracking: NO_TRACKING }], sockets: [] }));
  assert.match(text, /^ {3}Using src_ip = 192\.0\.2\.11 \(from configuration\)$/m);
});

test('an AH instance\'s socket (IP protocol 51) is "Protocol = AH" in the sockpool, as 2.2.7 prints it, and its own block in the extension', () => {
  const ah: SocketSnapshot = { ...sockets[0]!, protocol: 'AH', drops: countDrop(emptyDropCounters(), 'packet-too-short') };
  const data = formatDataDump(snapshot({ sockets: [sockets[0]!, ah] }));
  assert.deepEqual(dumpSection(data, 'VRRP Sockpool').filter((l) => l.includes('Protocol')), ['   Protocol = VRRP', '   Protocol = AH']);
  const parsed = parseStatsDump(formatStatsDump({ instances: snaps, sockets: [sockets[0]!, ah] }));
  assert.equal(parsed['socket:eth0 IPv4']!['packet-too-short'], 0);
  assert.equal(parsed['socket:eth0 IPv4 AH']!['packet-too-short'], 1);
});

test('stats: keepalived 2.4\'s "Authentication Extension Errors" section only for an instance with auth_hmac', () => {
  const withHmac = { ...snaps[0]!, cfg: { ...snaps[0]!.cfg, authHmac: { keys: [{ id: 1, value: 'x'.repeat(32) }], antiReplay: 'time' as const, mode: 'enforce' as const } }, drops: countDrop(emptyDropCounters(), 'auth-ext-bad-hmac', 'auth-ext-replay', 'auth-ext-replay') };
  const parsed = parseStatsDump(formatStatsDump({ instances: [withHmac, snaps[1]!], sockets }));
  assert.equal(parsed['VI_1']!['Authentication Extension Errors.Invalid HMAC'], 1);
  assert.equal(parsed['VI_1']!['Authentication Extension Errors.Replay'], 2);
  assert.equal(parsed['VI_1']!['Authentication Extension Errors.Missing'], 0);
  assert.ok(!Object.keys(parsed['VI_6']!).some((k) => k.startsWith('Authentication Extension')), 'not for an instance without auth_hmac');
});
