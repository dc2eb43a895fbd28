import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryReader } from '../test-kit/memory-reader.js';
import type { Diagnostic } from './diagnostics.js';
import { parseConfigText } from './parse-config.js';
import type { VrrpInstanceConfig } from './model.js';

function load(text: string): { diagnostics: Diagnostic[]; vi: VrrpInstanceConfig | undefined; all: ReturnType<typeof parseConfigText> } {
  const all = parseConfigText(text, 't.conf', { reader: memoryReader({}), configId: 'n1' });
  return { diagnostics: all.diagnostics, vi: all.config.vrrpInstances[0], all };
}

/** One instance with the given body lines (interface, VRID and a VIP are supplied unless overridden). */
function instance(body: string, globals = '', vips = '192.0.2.1'): string {
  const base = /virtual_router_id/.test(body) ? '' : 'virtual_router_id 7\n';
  const iface = /^interface |unicast_src_ip/m.test(body) ? '' : 'interface eth0\n';
  const vip = vips ? `virtual_ipaddress {\n${vips}\n}\n` : '';
  return `${globals ? `global_defs {\n${globals}\n}\n` : ''}vrrp_instance VI_1 {\n${iface}${base}${body}\n${vip}}\n`;
}

interface Row {
  readonly name: string;
  readonly body: string;
  readonly globals?: string;
  readonly vips?: string;
  readonly expect: Partial<Record<keyof VrrpInstanceConfig, unknown>>;
  /** Substrings of the expected diagnostics, in order ([] = clean). */
  readonly diags: readonly string[];
}

const rows: readonly Row[] = [
  { name: 'defaults', body: '', expect: { priority: 100, initialState: 'BACKUP', version: 2, advertIntCs: 100, accept: true, mcastDstIp: '224.0.0.18', family: 4, nopreempt: false, preemptDelayMs: 0, downTimerAdverts: 3 }, diags: [] },
  { name: 'state MASTER without priority ⇒ 255', body: 'state MASTER', expect: { priority: 255, initialState: 'MASTER' }, diags: [] },
  { name: 'state MASTER with priority keeps it', body: 'state MASTER\npriority 100', expect: { priority: 100, initialState: 'MASTER' }, diags: [] },
  { name: 'priority 255 ⇒ MASTER', body: 'priority 255', expect: { initialState: 'MASTER' }, diags: [] },
  { name: 'state is case-sensitive', body: 'state master', expect: { initialState: 'BACKUP', priority: 100 }, diags: ["(VI_1) unknown state 'master', defaulting to BACKUP"] },
  { name: 'IPv6 VIPs ⇒ v3 and ff02::12', body: '', vips: '2001:db8::1', expect: { version: 3, family: 6, mcastDstIp: 'ff02::12' }, diags: [] },
  { name: 'global vrrp_version 3', body: '', globals: 'vrrp_version 3', expect: { version: 3, advertIntCs: 100 }, diags: [] },
  { name: 'instance version beats global', body: 'version 2', globals: 'vrrp_version 3', expect: { version: 2 }, diags: [] },
  { name: 'global mcast group', body: '', globals: 'vrrp_mcast_group4 224.0.0.19', expect: { mcastDstIp: '224.0.0.19' }, diags: [] },
  { name: 'mcast_dst_ip overrides', body: 'mcast_dst_ip 224.0.0.20', expect: { mcastDstIp: '224.0.0.20' }, diags: [] },
  { name: 'v2 advert_int rounds', body: 'advert_int 1.5', expect: { advertIntCs: 200 }, diags: ['VRRPv2 advertisement interval 1.500000s must be an integer. rounding'] },
  { name: 'v2 advert_int min 1 s', body: 'advert_int 0.3', expect: { advertIntCs: 100 }, diags: ['must be an integer'] },
  { name: 'v3 advert_int in cs', body: 'version 3\nadvert_int 0.25', expect: { advertIntCs: 25 }, diags: [] },
  { name: 'v3 advert_int capped', body: 'version 3\nadvert_int 50', expect: { advertIntCs: 4095 }, diags: ['Setting to 40.95s'] },
  { name: 'advert_int range', body: 'advert_int 300', expect: { advertIntCs: 100 }, diags: ["number '300' outside range [0.010000, 255.000000]"] },
  { name: 'nopreempt with state MASTER cleared', body: 'state MASTER\npriority 100\nnopreempt', expect: { nopreempt: false }, diags: ['nopreempt will not work with initial state MASTER - clearing'] },
  { name: 'nopreempt with priority 255 cleared', body: 'priority 255\nnopreempt', expect: { nopreempt: false }, diags: ['nopreempt is incompatible with priority 255'] },
  { name: 'nopreempt kept for BACKUP', body: 'state BACKUP\nnopreempt', expect: { nopreempt: true }, diags: [] },
  { name: 'preempt_delay', body: 'preempt_delay 2.5', expect: { preemptDelayMs: 2500 }, diags: [] },
  { name: 'preempt_delay range', body: 'preempt_delay 2000', expect: { preemptDelayMs: 0 }, diags: ["number '2000' outside range [0.000000, 1000.000000]"] },
  { name: 'no_accept', body: 'no_accept', expect: { accept: false }, diags: [] },
  { name: 'strict: accept only owner', body: '', globals: 'vrrp_strict', expect: { accept: false, strict: true, lowerPrioNoAdvert: true }, diags: [] },
  { name: 'strict: owner accepts', body: 'priority 255', globals: 'vrrp_strict', expect: { accept: true }, diags: [] },
  { name: 'strict: MASTER must be owner', body: 'state MASTER\npriority 100', globals: 'vrrp_strict', expect: { initialState: 'BACKUP' }, diags: ['State MASTER must match being address owner'] },
  { name: 'strict: no auth', body: 'authentication {\nauth_type PASS\nauth_pass x\n}', globals: 'vrrp_strict', expect: { auth: undefined }, diags: ['Strict mode does not support authentication. Ignoring.'] },
  { name: 'PASS auth truncated to 8', body: 'authentication {\nauth_type PASS\nauth_pass 123456789\n}', expect: { auth: { type: 'PASS', pass: '12345678' } }, diags: ['Truncating auth_pass to 8 characters'] },
  { name: 'auth ignored for v3', body: 'version 3\nauthentication {\nauth_type AH\nauth_pass x\n}', expect: { auth: undefined }, diags: ['VRRP version 3 does not support authentication. Ignoring.'] },
  { name: 'auth_type case-sensitive', body: 'authentication {\nauth_type pass\n}', expect: { auth: undefined }, diags: ["unknown authentication type 'pass'"] },
  { name: 'AH + non-owner MASTER ⇒ BACKUP', body: 'state MASTER\npriority 100\nauthentication {\nauth_type AH\nauth_pass x\n}', expect: { initialState: 'BACKUP' }, diags: ['Initial state master is incompatible with AH authentication - clearing'] },
  { name: 'garp from global, instance overrides', body: 'garp_master_repeat 2', globals: 'vrrp_garp_master_delay 3\nvrrp_garp_interval 0.001', expect: { garp: { masterDelayMs: 3000, masterRepeat: 2, masterRefreshMs: 0, masterRefreshRepeat: 1, lowerPrioDelayMs: 3000, lowerPrioRepeat: 2, intervalMs: 1, gnaIntervalMs: 0 } }, diags: [] },
  { name: 'unicast', body: 'unicast_src_ip 192.0.2.2\nunicast_peer {\n192.0.2.3\n192.0.2.4 min_ttl 250 max_ttl 255\n}', expect: { unicastSrcIp: '192.0.2.2', unicastPeers: [{ address: '192.0.2.3', family: 4 }, { address: '192.0.2.4', family: 4, minTtl: 250, maxTtl: 255 }], checkUnicastSrc: true }, diags: [] },
  { name: 'track_interface', body: 'track_interface {\neth1\neth2 weight -10 reverse\n}', expect: { trackInterfaces: [{ name: 'eth1', weight: 0, reverse: false }, { name: 'eth2', weight: -10, reverse: true }] }, diags: [] },
  { name: 'track_interface weight range', body: 'track_interface {\neth1 weight 254\n}', expect: { trackInterfaces: [] }, diags: ['weight 254 for eth1 must be between [-253..253] inclusive. Ignoring...'] },
  { name: 'notify: one script word, then user', body: 'notify_master "/bin/x a b"\nnotify /bin/y arg', expect: { notify: { master: { argv: ['/bin/x', 'a', 'b'], text: '/bin/x a b' }, generic: { argv: ['/bin/y'], text: '/bin/y', user: 'arg' } } }, diags: ["'arg' is taken as the user name to run '/bin/y' as"] },
  { name: 'VIP line options', body: '', vips: '192.0.2.10/24 brd 192.0.2.255 dev eth1 scope link label eth1:1 no_track', expect: { vips: [{ family: 4, address: '192.0.2.10', prefixLen: 24, broadcast: '192.0.2.255', dev: 'eth1', scope: 'link', label: 'eth1:1', noTrack: true, text: '192.0.2.10/24 brd 192.0.2.255 dev eth1 scope link label eth1:1 no_track', loc: { file: 't.conf', line: 6, col: 1 } }] }, diags: [] },
  { name: 'no VIP v2 warns', body: '', vips: '', expect: { vips: [] }, diags: ['No VIP specified; at least one is sensible'] },
];

for (const r of rows) {
  test(`derivation: ${r.name}`, () => {
    const { vi, diagnostics } = load(instance(r.body, r.globals ?? '', r.vips ?? '192.0.2.1'));
    assert.ok(vi, 'instance compiled');
    for (const [k, v] of Object.entries(r.expect)) assert.deepEqual(vi[k as keyof VrrpInstanceConfig], v, k);
    assert.equal(diagnostics.length, r.diags.length, diagnostics.map((d) => d.message).join(' | '));
    r.diags.forEach((s, i) => assert.ok(diagnostics[i]!.message.includes(s), `${diagnostics[i]!.message} ∌ ${s}`));
  });
}

const fatalRows: ReadonlyArray<[string, string, string]> = [
  ['missing VRID', 'vrrp_instance A {\ninterface eth0\nvirtual_ipaddress {\n192.0.2.1\n}\n}\n', '(A) the virtual router id must be set'],
  ['no VIP with v3', instance('version 3', '', ''), '(VI_1) No VIP specified; at least one is required'],
  ['no VIP with strict', instance('', 'vrrp_strict', ''), '(VI_1) No VIP specified; at least one is required'],
  ['strict + unicast', instance('unicast_peer {\n192.0.2.9\n}', 'vrrp_strict'), '(VI_1) Unicast peers are not supported in strict mode'],
  ['no interface', 'vrrp_instance A {\nvirtual_router_id 1\nvirtual_ipaddress {\n192.0.2.1\n}\n}\n', '(A) Unknown interface!'],
  ['duplicate VRID', instance('') + instance('').replace('VI_1', 'VI_2'), 'VI_1 and VI_2 both use VRID 7 with IPv4 on interface eth0'],
];
for (const [name, text, message] of fatalRows) {
  test(`fatal: ${name}`, () => {
    const { diagnostics } = load(text);
    const d = diagnostics.find((x) => x.message === message);
    assert.ok(d, diagnostics.map((x) => x.message).join(' | '));
    assert.equal(d.class, 'fatal');
  });
}

test('unicast instance may omit interface with unicast_src_ip', () => {
  const { vi, diagnostics } = load(instance('unicast_src_ip 192.0.2.2\nunicast_peer {\n192.0.2.3\n}'));
  assert.deepEqual(diagnostics, []);
  assert.equal(vi!.interface, undefined);
});

test('duplicate VRID allowed on another interface or family', () => {
  const two = instance('') + instance('interface eth1').replace('VI_1', 'VI_2') + instance('', '', '2001:db8::1').replace('VI_1', 'VI_3');
  assert.deepEqual(load(two).diagnostics, []);
});

test('sync groups: members resolved, unknown and doubly-used members reported', () => {
  const text = `${instance('')}${instance('virtual_router_id 8').replace('VI_1', 'VI_2')}
vrrp_sync_group G1 {\ngroup {\nVI_1 VI_2\n}\nnotify "/bin/n x"\n}
vrrp_sync_group G2 {\ngroup {\nVI_1\nVI_9\n}\n}\n`;
  const { all } = load(text);
  assert.deepEqual(all.config.vrrpSyncGroups[0]!.members, ['VI_1', 'VI_2']);
  assert.deepEqual(all.config.vrrpSyncGroups[0]!.notify.generic?.argv, ['/bin/n', 'x']);
  assert.deepEqual(all.config.vrrpSyncGroups[1]!.members, []);
  assert.deepEqual(all.diagnostics.map((d) => d.code), ['KA_CFG_SYNC_GROUP_MEMBER', 'KA_CFG_SYNC_GROUP_MEMBER', 'KA_CFG_SYNC_GROUP_SIZE']);
});

test('global_defs values and static_ipaddress', () => {
  const text = `global_defs {\nrouter_id R1\nnotification_email {\na@b\n"Name <c@d>"\n}\nsmtp_server 192.0.2.25 2525\nsmtp_connect_timeout 10\nscript_user nobody nogroup\nenable_script_security\nvrrp_notify_fifo /run/f root\n}
static_ipaddress {\n192.0.2.50/24 dev eth1 scope global\n2001:db8::5/64\n}\n`;
  const { all } = load(text);
  assert.deepEqual(all.diagnostics, []);
  const g = all.config.globalDefs;
  assert.equal(g.routerId, 'R1');
  assert.deepEqual(g.notificationEmail, ['a@b', 'Name <c@d>']);
  assert.deepEqual(g.smtpServer, { host: '192.0.2.25', port: 2525 });
  assert.equal(g.smtpConnectTimeoutMs, 10000);
  assert.equal(g.scriptUser, 'nobody');
  assert.equal(g.scriptGroup, 'nogroup');
  assert.equal(g.enableScriptSecurity, true);
  assert.deepEqual(g.vrrpNotifyFifo, { argv: ['/run/f'], text: '/run/f', user: 'root' });
  assert.deepEqual(all.config.staticIpAddresses.map((a) => [a.address, a.prefixLen, a.dev, a.noDad]), [['192.0.2.50', 24, 'eth1', undefined], ['2001:db8::5', 64, undefined, undefined]]);
});

test('garp_group: an instance on one of its interfaces takes its garp_interval / gna_interval over the global ones', () => {
  const cfg = load(`global_defs {
  vrrp_garp_interval 1
}
garp_group {
  garp_interval 0.1
  gna_interval 0.2
  interfaces {
    eth1
    vrrp.52
  }
}
vrrp_instance A {
  interface eth0
  virtual_router_id 51
  virtual_ipaddress {
    192.0.2.100/32
  }
}
vrrp_instance B {
  interface eth1
  virtual_router_id 52
  virtual_ipaddress {
    192.0.2.101/32
  }
}
vrrp_instance C {
  interface eth0
  virtual_router_id 52
  use_vmac
  virtual_ipaddress {
    192.0.2.102/32
  }
}
`);
  assert.deepEqual(
    cfg.all.config.vrrpInstances.map((c) => `${c.name} ${c.garp.intervalMs} ${c.garp.gnaIntervalMs}`),
    ['A 1000 0', 'B 100 200', 'C 100 200'],
  );
});
