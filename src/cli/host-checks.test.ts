// The -t host pass over compiled configs, against a fake host (the real host and Debian's
// keepalived are compared in test/config/host-checks.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../config/parse-config.js';
import { memoryReader } from '../test-kit/memory-reader.js';
import { checkHost, withHostChecks, type HostProbe } from './host-checks.js';

const host = (o: { interfaces?: string[]; programs?: string[]; users?: string[]; groups?: string[]; namespaces?: string[] } = {}): HostProbe => ({
  interfaceExists: (n) => (o.interfaces ?? ['lo', 'eth0']).includes(n),
  programExists: (w) => (o.programs ?? ['/bin/true']).includes(w),
  userExists: (n) => (o.users ?? ['root']).includes(n),
  groupExists: (n) => (o.groups ?? ['root']).includes(n),
  netNamespaceExists: (n) => (o.namespaces ?? []).includes(n),
});

function run(text: string, probe = host()): { messages: string[]; exitCode: number } {
  const r = parseConfigText(text, 'h.conf', { reader: memoryReader({}), configId: 'n1', scriptExists: (p) => probe.programExists(p) });
  const out = withHostChecks(r.diagnostics, checkHost(r.config, probe));
  return { messages: out.diagnostics.map((d) => d.message), exitCode: out.exitCode };
}

const INSTANCE = (body = '', iface = 'eth0'): string =>
  `vrrp_instance VI_1 {\n interface ${iface}\n virtual_router_id 51\n virtual_ipaddress {\n  192.0.2.100/24\n }\n${body}}\n`;
const SECURE = 'global_defs {\n enable_script_security\n script_user root\n}\n';

test('a clean config on a host that has everything: nothing added, exit 0', () => {
  assert.deepEqual(run(`${SECURE}${INSTANCE(' notify_master /bin/true\n')}`), { messages: [], exitCode: 0 });
});

test("every place an interface is named, in keepalived's words, then the summary line (exit 5)", () => {
  const text = `static_ipaddress {\n 192.0.2.50/24 dev s1\n}\nstatic_routes {\n 198.51.100.0/24 via 192.0.2.1 dev s2\n}\n` +
    `vrrp_sync_group G1 {\n group {\n  VI_1\n  VI_2\n }\n track_interface {\n  g1\n }\n}\n` +
    INSTANCE(' track_interface {\n  t1\n }\n virtual_ipaddress_excluded {\n  192.0.2.101/24 dev x1\n }\n virtual_routes {\n  198.51.100.0/24 dev r1\n }\n virtual_rules {\n  from 192.0.2.1 table 100 iif ru1 preference 100\n }\n', 'if1') +
    INSTANCE('', 'eth0').replace('VI_1', 'VI_2').replace('virtual_router_id 51', 'virtual_router_id 52');
  const r = run(text);
  assert.equal(r.exitCode, 5);
  assert.deepEqual(r.messages.filter((m) => /interface/.test(m)), [
    "WARNING - interface s1 for ip address 192.0.2.50/24 doesn't exist",
    "WARNING - interface s2 for VROUTE nexthop doesn't exist",
    "(G1) tracked interface g1 doesn't exist",
    "WARNING - interface if1 for vrrp_instance VI_1 doesn't exist",
    "(VI_1) tracked interface t1 doesn't exist",
    "WARNING - interface x1 for ip address 192.0.2.101/24 doesn't exist",
    "WARNING - interface r1 for VROUTE nexthop doesn't exist",
    "WARNING - interface ru1 for rule doesn't exist",
    'Non-existent interface specified in configuration',
  ]);
});

test("a missing interface ends keepalived's test before the VRRP script-security check, not the checker's", () => {
  const vrrpOnly = `vrrp_script chk {\n script /bin/true\n}\n${INSTANCE(' track_script {\n  chk\n }\n', 'if1')}`;
  assert.equal(run(vrrpOnly, host({ interfaces: ['lo', 'if1'] })).exitCode, 6, 'security violation when the interface exists');
  const missing = run(vrrpOnly);
  assert.equal(missing.exitCode, 5);
  assert.ok(!missing.messages.some((m) => m.startsWith('SECURITY VIOLATION')));
  const withChecker = `${vrrpOnly}virtual_server 198.51.100.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 198.51.100.2 80 {\n  MISC_CHECK {\n   misc_path /bin/true\n  }\n }\n}\n`;
  const both = run(withChecker);
  assert.equal(both.exitCode, 6);
  assert.deepEqual(both.messages.filter((m) => m.startsWith('SECURITY VIOLATION')), ['SECURITY VIOLATION - check scripts are being executed but script_security not enabled.']);
});

test('script programs, users and groups that the host does not have', () => {
  const missing = run(`${SECURE}vrrp_script chk {\n script "/nonexistent/check.sh"\n}\nvrrp_script redirect {\n script "</dev/tcp/127.0.0.1/80"\n}\n${INSTANCE(' track_script {\n  chk\n }\n notify_master /nonexistent/notify.sh\n')}`, {
    ...host(),
    programExists: (w) => w.startsWith('<'),
  });
  assert.deepEqual(missing, { messages: ['Disabling track script chk since not found/accessible'], exitCode: 5 }, 'notify scripts are not looked up');

  const users = run(`global_defs {\n enable_script_security\n script_user nobody1 nogroup1\n}\nvrrp_script chk {\n script /bin/true\n user nobody2\n}\n${INSTANCE(' track_script {\n  chk\n }\n')}` +
    `virtual_server 198.51.100.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 198.51.100.2 80 {\n  MISC_CHECK {\n   misc_path /bin/true\n   user root nogroup3\n  }\n }\n}\n`);
  assert.equal(users.exitCode, 5);
  assert.deepEqual(users.messages, [
    'Error setting global script uid/gid',
    "Failed to set uid/gid for misc checker script '/bin/true' - removing",
    "Unable to set uid/gid for script '/bin/true'",
    '(VI_1) track script chk not found, ignoring...',
  ]);

  const defaultUser = run(`global_defs {\n enable_script_security\n}\nvirtual_server 198.51.100.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 198.51.100.2 80 {\n  MISC_CHECK {\n   misc_path /bin/true\n  }\n }\n}\n`);
  assert.deepEqual(defaultUser, { messages: ['Unable to set default user keepalived_script for script', "Unable to set default user for misc script '/bin/true' - removing"], exitCode: 5 });
  assert.deepEqual(run(`global_defs {\n enable_script_security\n}\nvirtual_server 198.51.100.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 198.51.100.2 80 {\n  MISC_CHECK {\n   misc_path /bin/true\n  }\n }\n}\n`, host({ users: ['root', 'keepalived_script'] })).exitCode, 0);
});

test('a net_namespace this host does not have: keepalived checks nothing and exits 0; the file is still reported', () => {
  const text = `net_namespace blue\n${INSTANCE('', 'if1')}bogus_keyword\n`;
  const r = run(text);
  assert.equal(r.exitCode, 0);
  assert.match(r.messages[0]!, /^net_namespace blue does not exist on this host: keepalived checks nothing more here and exits 0/);
  assert.ok(r.messages.some((m) => m.includes("Unknown keyword 'bogus_keyword'")));
  assert.ok(!r.messages.some((m) => m.includes('if1')), 'the host is not checked');
  assert.equal(run(text, host({ namespaces: ['blue'] })).exitCode, 5, 'an existing namespace is checked (here: from where we run)');
});
