// LVS compiler: virtual_server / real_server / virtual_server_group / SSL defaults, derived
// defaults and every warning (keepalived.conf(5), keepalived's validate_check_config), plus the
// service-expansion helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryReader } from '../../test-kit/memory-reader.js';
import { parseConfigText, type LoadResult } from '../parse-config.js';
import { expandServices, expandVsgRange, ipvsDestPort, parseVsgAddress, vsgRangeContains, vsgRangeSize } from './services.js';
import type { RealServerConfig, VirtualServerConfig } from './model.js';

export const loadLvs = (text: string, scriptExists?: (p: string) => boolean): LoadResult =>
  parseConfigText(text, 't.conf', { reader: memoryReader({}), configId: 'n1', ...(scriptExists ? { scriptExists } : {}) });

const FULL = 'lb_algo rr\nlb_kind NAT\nprotocol TCP\n';
const vs = (head: string, body: string, rs = 'real_server 192.0.2.20 80 {\n}\n'): string => `virtual_server ${head} {\n${body}${rs}}\n`;

interface Row {
  readonly name: string;
  readonly text: string;
  readonly expect: Partial<Record<keyof VirtualServerConfig, unknown>>;
  readonly rs?: Partial<Record<keyof RealServerConfig, unknown>>;
  readonly diags: readonly string[];
}

const rows: readonly Row[] = [
  {
    name: 'explicit settings, no diagnostics',
    text: vs('192.0.2.10 80', FULL),
    expect: { name: '[192.0.2.10]:tcp:80', protocol: 'TCP', scheduler: 'rr', forwarding: { type: 'NAT' }, persistenceTimeoutS: 0, delayLoopMs: 60000, connectTimeoutMs: 5000, quorum: 1, hysteresis: 0, weight: 1, smtpAlert: false, family: 4 },
    rs: { address: '192.0.2.20', port: 80, weight: 1, inhibitOnFailure: false, smtpAlert: true, upperThreshold: 0, lowerThreshold: 0, checkers: [] },
    diags: [],
  },
  {
    name: 'defaults: UDP, wlc, NAT with warnings; NAT RS port defaults to the VS port',
    text: vs('192.0.2.10 80', '', 'real_server 192.0.2.20 {\n}\n'),
    expect: { protocol: 'UDP', scheduler: 'wlc', forwarding: { type: 'NAT' }, name: '[192.0.2.10]:udp:80' },
    rs: { port: 80 },
    diags: [
      'Virtual server [192.0.2.10]:none:80: no protocol set - defaulting to UDP',
      "Virtual server [192.0.2.10]:udp:80: no scheduler set, setting default 'wlc'",
      'Virtual server [192.0.2.10]:udp:80: no forwarding method set, setting default NAT',
    ],
  },
  { name: 'NAT RS keeps its own port', text: vs('192.0.2.10 80', FULL, 'real_server 192.0.2.20 8080 {\n}\n'), expect: {}, rs: { port: 8080, configuredPort: 8080 }, diags: [] },
  {
    name: 'DR RS port forced to the VS port',
    text: vs('192.0.2.10 80', 'lb_algo rr\nlb_kind DR\nprotocol TCP\n', 'real_server 192.0.2.20 8080 {\n}\n'),
    expect: { forwarding: { type: 'DR' } },
    rs: { port: 80, forwarding: { type: 'DR' } },
    diags: ["WARNING - virtual server [192.0.2.10]:tcp:80 and real server [192.0.2.20]:tcp:8080 ports don't match - resetting"],
  },
  {
    name: 'TUN options, per-RS method overrides the VS one',
    text: vs('192.0.2.10 80', 'lb_algo rr\nlb_kind TUN type gue port 6080 remcsum\nprotocol TCP\n', 'real_server 192.0.2.20 80 {\n}\nreal_server 192.0.2.21 {\nlvs_method NAT\n}\n'),
    expect: { forwarding: { type: 'TUN', tunnelType: 'gue', tunnelPort: 6080, checksum: 'remcsum' } },
    diags: [],
  },
  {
    name: 'fwmark: RS port cleared unless NAT, protocol ignored with a warning',
    text: vs('fwmark 3', 'lb_algo rr\nlb_kind DR\nprotocol TCP\n', 'real_server 192.0.2.20 8080 {\n}\n'),
    expect: { name: 'FWM 3', address: { type: 'fwmark', fwmark: 3 }, protocol: undefined, family: 4 },
    rs: { port: 0 },
    diags: ['Warning: Virtual server FWM 3: protocol specified for fwmark - protocol will be ignored', 'WARNING - fwmark virtual server FWM 3, real server [192.0.2.20]:none:8080 has port specified - clearing'],
  },
  { name: 'fwmark NAT RS keeps its port', text: vs('fwmark 3', 'lb_algo rr\nlb_kind NAT\n', 'real_server 192.0.2.20 8080 {\n}\n'), expect: {}, rs: { port: 8080 }, diags: [] },
  {
    name: 'VS without port requires persistence (360)',
    text: vs('192.0.2.10', FULL),
    expect: { persistenceTimeoutS: 360, name: '[192.0.2.10]:tcp:0' },
    rs: { port: 80 },
    diags: ['Virtual server [192.0.2.10]:tcp:0: zero port only valid for persistent services - setting'],
  },
  { name: 'persistence_timeout alone = 360', text: vs('192.0.2.10 80', `${FULL}persistence_timeout\n`), expect: { persistenceTimeoutS: 360 }, diags: [] },
  { name: 'persistence_granularity implies persistence', text: vs('192.0.2.10 80', `${FULL}persistence_granularity 255.255.255.0\n`), expect: { persistenceTimeoutS: 360, persistenceGranularity: { family: 4, netmask: '255.255.255.0' } }, diags: [] },
  { name: 'non-solid netmask', text: vs('192.0.2.10 80', `${FULL}persistence_granularity 255.0.255.0\n`), expect: { persistenceTimeoutS: 0 }, diags: ['IPv4 persistence_granularity netmask is not solid - 255.0.255.0'] },
  { name: 'persistence_timeout range', text: vs('192.0.2.10 80', `${FULL}persistence_timeout 0\n`), expect: { persistenceTimeoutS: 0 }, diags: ["number '0' outside range [1, 2678400]"] },
  {
    name: 'quorum clamped to the RS weight sum, hysteresis below quorum',
    text: vs('192.0.2.10 80', `${FULL}quorum 10\nhysteresis 20\n`, 'real_server 192.0.2.20 80 {\nweight 3\n}\n'),
    expect: { quorum: 3, hysteresis: 2 },
    diags: ['Warning - quorum 10 for [192.0.2.10]:tcp:80 exceeds total weight of real servers 3, reducing quorum to 3', 'Virtual server [192.0.2.10]:tcp:80: hysteresis 20 >= quorum 3; setting hysteresis to 2'],
  },
  {
    name: 'duplicate RS removed',
    text: vs('192.0.2.10 80', FULL, 'real_server 192.0.2.20 80 {\n}\nreal_server 192.0.2.20 80 {\nweight 5\n}\n'),
    expect: { quorum: 1 },
    rs: { weight: 1 },
    diags: ['VS [192.0.2.10]:tcp:80: real server [192.0.2.20]:tcp:80 is duplicated - removing second rs'],
  },
  {
    name: 'VS weight/inhibit/alpha/virtualhost are RS defaults',
    text: vs('192.0.2.10 80', `${FULL}weight 7\ninhibit_on_failure\nalpha\nvirtualhost www.example.com\nsmtp_alert off\n`),
    expect: { weight: 7, inhibitOnFailure: true, alpha: true, smtpAlert: false },
    rs: { weight: 7, inhibitOnFailure: true, alpha: true, virtualhost: 'www.example.com', smtpAlert: true },
    diags: [],
  },
  {
    name: 'RS settings',
    text: vs('192.0.2.10 80', FULL, 'real_server 192.0.2.20 80 {\nweight 0\ninhibit_on_failure false\nuthreshold 100\nlthreshold 10\nsmtp_alert no\n}\n'),
    expect: { quorum: 0 },
    rs: { weight: 0, inhibitOnFailure: false, upperThreshold: 100, lowerThreshold: 10, smtpAlert: false },
    diags: ['Warning - quorum 1 for [192.0.2.10]:tcp:80 exceeds total weight of real servers 0, reducing quorum to 0'],
  },
  { name: 'RS weight range', text: vs('192.0.2.10 80', FULL, 'real_server 192.0.2.20 80 {\nweight -1\n}\n'), expect: {}, rs: { weight: 1 }, diags: ["number '-1' outside range [0, 2147483647]"] },
  { name: 'lthreshold not a number', text: vs('192.0.2.10 80', FULL, 'real_server 192.0.2.20 80 {\nlthreshold abc\n}\n'), expect: {}, rs: { lowerThreshold: 0 }, diags: ["Invalid real_server lthreshold 'abc' - ignoring"] },
  { name: 'scheduler is case-sensitive', text: vs('192.0.2.10 80', 'lb_algo RR\nlb_kind NAT\nprotocol TCP\n'), expect: { scheduler: 'wlc' }, diags: ["Invalid lvs_scheduler 'RR' - ignoring", "no scheduler set, setting default 'wlc'"] },
  { name: 'protocol is case-insensitive', text: vs('192.0.2.10 80', 'lb_algo sh\nlb_kind NAT\nprotocol sctp\nsh-port\nsh-fallback\nflag-3\n'), expect: { protocol: 'SCTP', schedulerFlags: { sched1: true, sched2: true, sched3: true } }, diags: [] },
  { name: 'unknown protocol', text: vs('192.0.2.10 80', 'lb_algo rr\nlb_kind NAT\nprotocol icmp\n'), expect: { protocol: 'UDP' }, diags: ['Unknown protocol icmp - ignoring', 'no protocol set - defaulting to UDP'] },
  { name: 'lb_kind is case-sensitive', text: vs('192.0.2.10 80', 'lb_algo rr\nlb_kind dr\nprotocol TCP\n'), expect: { forwarding: { type: 'NAT' } }, diags: ['PARSER : unknown [dr] routing method.', 'no forwarding method set, setting default NAT'] },
  { name: 'sh flag without sh', text: vs('192.0.2.10 80', `${FULL}sh-port\n`), expect: { schedulerFlags: { sched1: false, sched2: false, sched3: false } }, diags: ['sh-port only applies to sh scheduler - ignoring'] },
  { name: 'ops requires UDP', text: vs('192.0.2.10 80', `${FULL}ops\n`), expect: { onePacket: false }, diags: ['Virtual server [192.0.2.10]:tcp:80: one packet scheduling requires UDP - resetting'] },
  { name: 'ops with UDP', text: vs('192.0.2.10 80', 'lb_algo rr\nlb_kind NAT\nprotocol UDP\nops\n'), expect: { onePacket: true }, diags: [] },
  { name: 'ha_suspend with fwmark cleared', text: vs('fwmark 1', 'lb_algo rr\nlb_kind NAT\nha_suspend\n'), expect: { haSuspend: false }, diags: ['Virtual server FWM 1: cannot use ha_suspend with fwmarks - clearing ha_suspend'] },
  {
    name: 'sorry server: NAT port defaults to the VS port, inhibit, method',
    text: vs('192.0.2.10 80', `${FULL}sorry_server 192.0.2.99\nsorry_server_inhibit\nsorry_server_lvs_method NAT\n`),
    expect: { sorryServer: { family: 4, address: '192.0.2.99', port: 80, forwarding: { type: 'NAT' }, inhibit: true } },
    diags: [],
  },
  { name: 'sorry_server_inhibit before sorry_server', text: vs('192.0.2.10 80', `${FULL}sorry_server_inhibit\n`), expect: { sorryServer: undefined }, diags: ['Ignoring sorry_server inhibit used before or without sorry_server'] },
  { name: 'sorry server family mismatch', text: vs('192.0.2.10 80', `${FULL}sorry_server 2001:db8::9 80\n`), expect: { sorryServer: undefined }, diags: ["Address family of virtual server and sorry server 2001:db8::9 don't match - skipping sorry server."] },
  {
    name: 'RS family mismatch skipped (not TUN)',
    text: vs('192.0.2.10 80', FULL, 'real_server 192.0.2.20 80 {\n}\nreal_server 2001:db8::20 80 {\n}\n'),
    expect: {},
    diags: ["Address family of virtual server and real server [2001:db8::20]:80 don't match - skipping real server."],
  },
  {
    name: 'IPv6 VS; quorum scripts; timers in ms',
    text: vs('2001:db8::10 443', `${FULL}delay_loop 2.5\nconnect_timeout 0.25\nquorum_up "/bin/up arg"\nquorum_down /bin/down\nomega\n`, 'real_server 2001:db8::20 443 {\n}\n'),
    expect: { name: '[2001:db8::10]:tcp:443', family: 6, delayLoopMs: 2500, connectTimeoutMs: 250, quorumUp: { argv: ['/bin/up', 'arg'], text: '/bin/up arg' }, omega: true },
    diags: ['SECURITY VIOLATION - check scripts are being executed but script_security not enabled.'],
  },
  { name: 'VS retry 0 rejected', text: vs('192.0.2.10 80', `${FULL}retry 0\n`), expect: {}, diags: ["number '0' outside range [1, 4294967295]"] },
  { name: 'delay_loop 0 rejected', text: vs('192.0.2.10 80', `${FULL}delay_loop 0\n`), expect: { delayLoopMs: 60000 }, diags: ["number '0' outside range [0.000001, 18446744073709.000000]"] },
];

for (const r of rows) {
  test(`virtual_server: ${r.name}`, () => {
    const { config, diagnostics } = loadLvs(r.text);
    const v = config.virtualServers[0];
    assert.ok(v, diagnostics.map((d) => d.message).join(' | '));
    for (const [k, x] of Object.entries(r.expect)) assert.deepEqual(v[k as keyof VirtualServerConfig], x, k);
    for (const [k, x] of Object.entries(r.rs ?? {})) assert.deepEqual(v.realServers[0]![k as keyof RealServerConfig], x, `rs.${k}`);
    assert.equal(diagnostics.length, r.diags.length, diagnostics.map((d) => d.message).join(' | '));
    r.diags.forEach((s, i) => assert.ok(diagnostics[i]!.message.includes(s), `${diagnostics[i]!.message} ∌ ${s}`));
  });
}

test('virtual_server without real servers is dropped', () => {
  const { config, diagnostics } = loadLvs(vs('192.0.2.10 80', FULL, ''));
  assert.deepEqual(config.virtualServers, []);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.message]), [['KA_CFG_VS_NO_RS', 'Virtual server [192.0.2.10]:tcp:80 has no real servers - ignoring']]);
});

test('script security: existing checker scripts need enable_script_security (class security); missing ones do not', () => {
  const text = vs('192.0.2.10 80', FULL, 'real_server 192.0.2.20 80 {\nnotify_up /bin/up\n}\n');
  const d = loadLvs(text).diagnostics;
  assert.deepEqual(d.map((x) => [x.code, x.class]), [['KA_CFG_SCRIPT_SECURITY', 'security']]);
  assert.deepEqual(loadLvs(text, () => false).diagnostics, []);
  assert.deepEqual(loadLvs(`global_defs {\nenable_script_security\n}\n${text}`).diagnostics, []);
});

test('hasChecker-relevant: SSL block and virtual server groups in the model', () => {
  const text = `SSL {\npassword secret\nca /etc/ca.pem\ncertificate /etc/c.pem\nkey /etc/k.pem\n}
virtual_server_group G {\n192.0.2.1-3 80\n2001:db8::1/126 80\nfwmark 7 inet\n}\n${vs('group G', FULL)}`;
  const { config, diagnostics } = loadLvs(text);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(config.ssl, { password: 'secret', caFile: '/etc/ca.pem', certFile: '/etc/c.pem', keyFile: '/etc/k.pem' });
  const g = config.virtualServerGroups[0]!;
  assert.deepEqual(g.entries.map((e) => (e.type === 'range' ? [e.first, e.last, e.port] : [e.fwmark, e.family])), [['192.0.2.1', '192.0.2.3', 80], ['2001:db8::', '2001:db8::3', 80], [7, 4]]);
  const v = config.virtualServers[0]!;
  assert.equal(v.name, '[G]:0');
  assert.equal(v.identity, 'group|G|TCP|4');
  const services = [...expandServices(v, config.virtualServerGroups)];
  assert.equal(services.length, 3 + 4 + 1);
  assert.deepEqual(services[0], { type: 'ip', family: 4, protocol: 'TCP', address: '192.0.2.1', port: 80 });
  assert.deepEqual(services[7], { type: 'fwmark', family: 4, fwmark: 7 });
});

const groupRows: ReadonlyArray<[string, string, readonly string[]]> = [
  ['empty group removed', 'virtual_server_group E {\n}\n', ['virtual server group E has no entries - removing']],
  ['IPv4 + IPv6 + family-less fwmark', 'virtual_server_group M {\n192.0.2.1 80\n2001:db8::1 80\nfwmark 1\n}\n', ['virtual server group M cannot have IPv4, IPv6 and fwmark without family - removing']],
  ['backwards range', 'virtual_server_group B {\n192.0.2.7-3 80\n}\n', ['Address range end is not greater than address range start - 192.0.2.7-3 - skipping', 'virtual server group B has no entries - removing']],
  ['bad address', 'virtual_server_group B {\n192.0.2.300 80\n}\n', ['Invalid virtual server group IP address 192.0.2.300 /port/80 - skipping', 'virtual server group B has no entries - removing']],
  ['unknown group', vs('group NOPE', FULL), ['virtual server group NOPE does not exist - ignoring virtual server']],
  ['group without port needs persistence', `virtual_server_group P {\n192.0.2.1\n}\n${vs('group P', FULL)}`, ['Virtual server [P]:0: zero port only valid for persistent services - setting']],
  ['DR RS port differs from a group entry', `virtual_server_group P {\n192.0.2.1 80\n}\n${vs('group P', 'lb_algo rr\nlb_kind DR\nprotocol TCP\n', 'real_server 192.0.2.20 81 {\n}\n')}`, ["virtual server [P]:0:[192.0.2.1 80] and real server [192.0.2.20]:tcp:81 ports don't match"]],
];
for (const [name, text, msgs] of groupRows) {
  test(`virtual_server_group: ${name}`, () => {
    const { diagnostics } = loadLvs(text);
    assert.deepEqual(diagnostics.map((d) => d.message), msgs);
  });
}

test('VSG ranges: forms, sizes, lazy expansion, containment', () => {
  const p = (s: string): unknown => {
    const r = parseVsgAddress(s);
    return r.ok ? [r.value.first, r.value.last] : r.reason;
  };
  assert.deepEqual(p('192.0.2.5'), ['192.0.2.5', '192.0.2.5']);
  assert.deepEqual(p('192.0.2.5-9'), ['192.0.2.5', '192.0.2.9']);
  assert.deepEqual(p('192.0.2.250-198.51.100.1'), ['192.0.2.250', '198.51.100.1']);
  assert.deepEqual(p('192.0.2.77/28'), ['192.0.2.64', '192.0.2.79']);
  assert.deepEqual(p('2001:db8::1-ff'), ['2001:db8::1', '2001:db8::ff']);
  assert.equal(p('192.0.2.9-5'), 'Address range end is not greater than address range start');
  assert.equal(p('192.0.2.1-300'), 'invalid range end');
  const huge = { family: 6 as const, first: '2001:db8::', last: '2001:db8::ffff:ffff:ffff:ffff' };
  assert.equal(vsgRangeSize(huge), 2n ** 64n);
  const it = expandVsgRange(huge);
  assert.deepEqual([it.next().value, it.next().value], ['2001:db8::', '2001:db8::1']);
  assert.ok(vsgRangeContains(huge, '2001:db8::abcd'));
  assert.ok(!vsgRangeContains(huge, '2001:db9::'));
});

test('ipvsDestPort: NAT keeps the RS port, DR/TUN take the service port, fwmark 0', () => {
  const nat = { port: 8080, forwarding: { type: 'NAT' as const } };
  const dr = { port: 8080, forwarding: { type: 'DR' as const } };
  const svc = { type: 'ip' as const, family: 4 as const, protocol: 'TCP' as const, address: '192.0.2.1', port: 80 };
  const fwm = { type: 'fwmark' as const, family: 4 as const, fwmark: 1 };
  assert.equal(ipvsDestPort(nat, svc), 8080);
  assert.equal(ipvsDestPort(dr, svc), 80);
  assert.equal(ipvsDestPort(dr, fwm), 0);
  assert.equal(ipvsDestPort({ ...nat, port: 0 }, svc), 80);
});
