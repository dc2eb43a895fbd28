// Checker compiler: each checker's defaults (per-checker retry / delay_before_retry),
// the checker → real_server → virtual_server inheritance, and every warning
// (keepalived.conf(5), keepalived's validate_check_config).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryReader } from '../../test-kit/memory-reader.js';
import { parseConfigText } from '../parse-config.js';
import type { CheckerConfig } from './model.js';

const SECURE = 'global_defs {\nenable_script_security\n}\n';

function load(checker: string, rsExtra = '', vsExtra = ''): { checkers: readonly CheckerConfig[]; messages: string[] } {
  const text = `${SECURE}virtual_server 192.0.2.10 80 {\nlb_algo rr\nlb_kind NAT\nprotocol TCP\n${vsExtra}real_server 192.0.2.20 8080 {\n${rsExtra}${checker}}\n}\n`;
  const r = parseConfigText(text, 't.conf', { reader: memoryReader({}), configId: 'n1' });
  return { checkers: r.config.virtualServers[0]?.realServers[0]?.checkers ?? [], messages: r.diagnostics.map((d) => d.message) };
}

const conn = (o: Record<string, unknown> = {}): Record<string, unknown> => ({ connectIp: '192.0.2.20', family: 4, connectPort: 8080, connectTimeoutMs: 5000, ...o });
const timing = (retry: number, delayBeforeRetryMs: number, o: Record<string, unknown> = {}): Record<string, unknown> => ({
  retry,
  delayBeforeRetryMs,
  delayLoopMs: 60000,
  warmupMs: 60000,
  alpha: false,
  logAllFailures: false,
  ...o,
});

interface Row {
  readonly name: string;
  readonly checker: string;
  readonly rs?: string;
  readonly vs?: string;
  /** Expected fields of the first checker (undefined = no checker). */
  readonly expect: Record<string, unknown> | undefined;
  readonly count?: number;
  readonly diags: readonly string[];
}

const rows: readonly Row[] = [
  { name: 'TCP_CHECK defaults (retry 1, 1 s)', checker: 'TCP_CHECK {\n}\n', expect: { type: 'TCP_CHECK', connection: conn(), ...timing(1, 1000) }, diags: [] },
  { name: 'PING_CHECK defaults', checker: 'PING_CHECK {\n}\n', expect: { type: 'PING_CHECK', ...timing(1, 1000) }, diags: [] },
  { name: 'UDP_CHECK defaults', checker: 'UDP_CHECK {\n}\n', expect: { type: 'UDP_CHECK', ...timing(1, 1000), requireReply: false, minReplyLength: 0, maxReplyLength: 255 }, diags: [] },
  { name: 'SMTP_CHECK defaults', checker: 'SMTP_CHECK {\n}\n', expect: { type: 'SMTP_CHECK', ...timing(1, 1000), heloName: 'smtpchecker.keepalived.org', fromHostBlock: false }, diags: [] },
  { name: 'DNS_CHECK defaults (retry 3, delay_before_retry = delay_loop)', checker: 'DNS_CHECK {\n}\n', vs: 'delay_loop 7\n', expect: { type: 'DNS_CHECK', ...timing(3, 7000, { delayLoopMs: 7000, warmupMs: 7000 }), queryType: 'SOA', name: '.' }, diags: [] },
  { name: 'MISC_CHECK defaults (retry 0, timeout = delay_loop)', checker: 'MISC_CHECK {\nmisc_path "/bin/chk a"\n}\n', expect: { type: 'MISC_CHECK', ...timing(0, 1000), script: { argv: ['/bin/chk', 'a'], text: '/bin/chk a' }, timeoutMs: 60000, dynamic: false }, diags: [] },
  {
    name: 'HTTP_GET defaults (retry 1, 3 s, 200-299, HTTP/1.0)',
    checker: 'HTTP_GET {\nurl {\npath /health\n}\n}\n',
    expect: { type: 'HTTP_GET', ...timing(1, 3000), httpProtocol: '1.0', fastRecovery: false, enableSni: false, urls: [{ path: '/health', statusCodes: [[200, 299]], regexNoMatch: false, tlsCompliant: false, loc: { file: 't.conf', line: 10, col: 1 } }] },
    diags: [],
  },
  {
    name: 'checker → RS → VS inheritance',
    checker: 'TCP_CHECK {\nretry 4\n}\n',
    rs: 'delay_before_retry 2\nconnect_timeout 3\nalpha\n',
    vs: 'delay_loop 10\nwarmup 0\nretry 9\n',
    expect: { connection: conn({ connectTimeoutMs: 3000 }), ...timing(4, 2000, { delayLoopMs: 10000, warmupMs: 0, alpha: true }) },
    diags: [],
  },
  { name: 'VS retry is the RS default', checker: 'MISC_CHECK {\nmisc_path /bin/chk\n}\n', vs: 'retry 5\n', expect: { retry: 5 }, diags: [] },
  {
    name: 'connection options',
    checker: 'TCP_CHECK {\nconnect_ip 192.0.2.30\nconnect_port 81\nbindto 192.0.2.2\nbind_port 5000\nbind_if eth1\nfwmark 9\nconnect_timeout 1.5\nlog_all_failures\n}\n',
    expect: { connection: conn({ connectIp: '192.0.2.30', connectPort: 81, bindTo: '192.0.2.2', bindPort: 5000, bindIf: 'eth1', fwmark: 9, connectTimeoutMs: 1500 }), logAllFailures: true },
    diags: [],
  },
  { name: 'bindto of another family', checker: 'TCP_CHECK {\nbindto 2001:db8::1\n}\n', expect: { connection: conn() }, diags: ['bindto address 2001:db8::1 does not match address family of connect_ip - skipping'] },
  { name: 'connect_port range', checker: 'TCP_CHECK {\nconnect_port 70000\n}\n', expect: { connection: conn() }, diags: ["number '70000' outside range [1, 65535]"] },
  { name: 'nb_get_retry is HTTP only', checker: 'TCP_CHECK {\nnb_get_retry 2\n}\n', expect: { retry: 1 }, diags: ["Unknown keyword 'nb_get_retry'"] },
  { name: 'invalid alpha', checker: 'TCP_CHECK {\nalpha maybe\n}\n', expect: { alpha: false }, diags: ['Invalid alpha parameter maybe'] },
  {
    name: 'HTTP url options, virtualhost precedence url > checker > RS > VS',
    checker:
      'HTTP_GET {\nurl {\npath /a\ndigest 0123456789ABCDEF0123456789abcdef\nstatus_code 200 301-302\nregex "ok.*"\nregex_no_match\n}\nurl {\npath /b\nvirtualhost u.example\n}\nvirtualhost c.example\nhttp_protocol 1.1\nfast_recovery\nnb_get_retry 2\n}\n',
    vs: 'virtualhost v.example\n',
    expect: { httpProtocol: '1.1', fastRecovery: true, retry: 2, virtualhost: 'c.example' },
    diags: ["nb_get_retry is deprecated - please use 'retry'"],
  },
  { name: 'digest length', checker: 'HTTP_GET {\nurl {\npath /\ndigest abc\n}\n}\n', expect: { urls: [{ path: '/', statusCodes: [[200, 299]], regexNoMatch: false, tlsCompliant: false, loc: { file: 't.conf', line: 10, col: 1 } }] }, diags: ["digest 'abc' character length should be 32 rather than 3"] },
  { name: 'status codes out of range', checker: 'HTTP_GET {\nurl {\npath /\nstatus_code 99 200-299 700 300-200\n}\n}\n', expect: { type: 'HTTP_GET' }, diags: ["Invalid HTTP_GET status code '99'", "Invalid HTTP_GET status code '700'", "Invalid HTTP_GET status code '300-200'"] },
  { name: 'url without path dropped, checker without url dropped', checker: 'HTTP_GET {\nurl {\ndigest 0123456789abcdef0123456789abcdef\n}\n}\n', expect: undefined, diags: ['HTTP/SSL_GET checker url has no path - ignoring', 'HTTP/SSL_GET checker has no urls specified - ignoring'] },
  { name: 'bad http_protocol', checker: 'HTTP_GET {\nurl {\npath /\n}\nhttp_protocol 2.0\n}\n', expect: { httpProtocol: '1.0' }, diags: ['Invalid http_protocol version 2.0'] },
  { name: 'SSL_GET SNI', checker: 'SSL_GET {\nurl {\npath /\n}\nenable_sni\nsni_name s.example\ntls_compliant\n}\n', expect: { type: 'SSL_GET', enableSni: true, sniName: 's.example', tlsCompliant: true, retry: 1, delayBeforeRetryMs: 3000 }, diags: [] },
  { name: 'enable_sni is SSL only', checker: 'HTTP_GET {\nurl {\npath /\n}\nenable_sni\n}\n', expect: { enableSni: false }, diags: ["Unknown keyword 'enable_sni'"] },
  {
    name: 'SMTP host blocks: one checker per host, host options over the checker ones',
    checker: 'SMTP_CHECK {\nhelo_name me.example\nconnect_timeout 9\nhost {\nconnect_ip 192.0.2.40\nconnect_port 25\n}\nhost {\nconnect_ip 192.0.2.41\n}\n}\n',
    expect: { heloName: 'me.example', fromHostBlock: true, connection: conn({ connectIp: '192.0.2.40', connectPort: 25, connectTimeoutMs: 9000 }) },
    count: 2,
    diags: [],
  },
  { name: 'DNS type and name', checker: 'DNS_CHECK {\ntype aaaa\nname example.com\n}\n', expect: { queryType: 'AAAA', name: 'example.com' }, diags: [] },
  { name: 'DNS unknown type', checker: 'DNS_CHECK {\ntype XX\n}\n', expect: { queryType: 'SOA' }, diags: ['Unknown DNS check type XX - ignoring'] },
  { name: 'UDP payload and reply pattern', checker: 'UDP_CHECK {\npayload 0A0b\nrequire_reply 00xX\nmin_reply_length 2\nmax_reply_length 10\n}\n', expect: { payload: '0a0b', requireReply: true, replyPattern: '00xx', minReplyLength: 2, maxReplyLength: 10 }, diags: [] },
  { name: 'UDP bad payload, impossible lengths', checker: 'UDP_CHECK {\npayload zz\nmin_reply_length 300\n}\n', expect: { minReplyLength: 300 }, diags: ['Invalid hex string for UDP_CHECK payload', 'UDP_CHECK min_reply length 300 > max_reply_length 255 - will always fail'] },
  {
    name: 'MISC_CHECK options',
    checker: 'MISC_CHECK {\nuser nobody nogroup\nmisc_path /bin/chk\nmisc_timeout 4\nmisc_dynamic\n}\n',
    expect: { script: { argv: ['/bin/chk'], text: '/bin/chk', user: 'nobody', group: 'nogroup' }, timeoutMs: 4000, dynamic: true },
    diags: [],
  },
  { name: 'MISC_CHECK without misc_path dropped', checker: 'MISC_CHECK {\n}\n', expect: undefined, diags: ['No script path has been specified for MISC_CHECKER - skipping'] },
  { name: 'FILE_CHECK', checker: 'FILE_CHECK {\ntrack_file TF\nweight -5 reverse\ndynamic\n}\n', expect: { type: 'FILE_CHECK', trackFile: 'TF', weight: -5, reverse: true, dynamic: true }, diags: [] },
  { name: 'FILE_CHECK without weight leaves it unset (track_file block decides)', checker: 'FILE_CHECK {\ntrack_file TF\n}\n', expect: { type: 'FILE_CHECK', trackFile: 'TF', weight: undefined, reverse: false }, diags: [] },
  { name: 'FILE_CHECK without track_file dropped', checker: 'FILE_CHECK {\n}\n', expect: undefined, diags: ['FILE_CHECK has no track_file specified - ignoring'] },
  { name: 'BFD_CHECK', checker: 'BFD_CHECK {\nname B1\n}\n', rs: 'alpha\n', expect: { type: 'BFD_CHECK', name: 'B1', alpha: true }, diags: [] },
  { name: 'BFD_CHECK without name dropped', checker: 'BFD_CHECK {\n}\n', expect: undefined, diags: ['([192.0.2.20]:tcp:8080) No name has been specified for BFD_CHECKER - skipping'] },
  { name: 'unknown checker keyword', checker: 'TCP_CHECK {\nconect_port 80\n}\n', expect: { type: 'TCP_CHECK' }, diags: ["Unknown keyword 'conect_port'"] },
];

for (const r of rows) {
  test(`checker: ${r.name}`, () => {
    const { checkers, messages } = load(r.checker, r.rs, r.vs);
    if (r.expect === undefined) assert.equal(checkers.length, 0);
    else {
      assert.equal(checkers.length, r.count ?? 1, messages.join(' | '));
      for (const [k, v] of Object.entries(r.expect)) assert.deepEqual((checkers[0] as unknown as Record<string, unknown>)[k], v, k);
    }
    assert.deepEqual(messages, r.diags);
  });
}

test('HTTP url fields and effective virtualhost', () => {
  const { checkers } = load('HTTP_GET {\nurl {\npath /a\ndigest 0123456789ABCDEF0123456789abcdef\nstatus_code 200 301-302\nregex "ok.*"\nregex_no_match\n}\nurl {\npath /b\nvirtualhost u.example\n}\n}\n', 'virtualhost r.example\n', 'virtualhost v.example\n');
  const c = checkers[0]!;
  assert.ok(c.type === 'HTTP_GET');
  assert.equal(c.urls[0]!.digest, '0123456789abcdef0123456789abcdef');
  assert.deepEqual(c.urls[0]!.statusCodes, [[200, 200], [301, 302]]);
  assert.equal(c.urls[0]!.regex, 'ok.*');
  assert.equal(c.urls[0]!.regexNoMatch, true);
  assert.equal(c.urls[0]!.effectiveVirtualhost, 'r.example');
  assert.equal(c.urls[1]!.effectiveVirtualhost, 'u.example');
});

test('several checkers of any mix on one RS', () => {
  const { checkers } = load('TCP_CHECK {\n}\nPING_CHECK {\n}\nMISC_CHECK {\nmisc_path /bin/x\n}\n');
  assert.deepEqual(checkers.map((c) => c.type), ['TCP_CHECK', 'PING_CHECK', 'MISC_CHECK']);
});

test('the checker connects to the real server port as written, before the DR/TUN port rules (keepalived 2.2.7 under qemu)', () => {
  const rows: ReadonlyArray<readonly [kind: string, rsPort: string, check: string, ipvsPort: number, connectPort: number]> = [
    ['DR', ' 8080', 'TCP_CHECK {\n}\n', 443, 8080],
    ['TUN', ' 8080', 'TCP_CHECK {\n}\n', 443, 8080],
    ['DR', ' 8080', 'TCP_CHECK {\nconnect_port 9090\n}\n', 443, 9090],
    ['NAT', ' 8080', 'TCP_CHECK {\n}\n', 8080, 8080],
    ['DR', '', 'TCP_CHECK {\n}\n', 443, 0],
    ['NAT', '', 'TCP_CHECK {\n}\n', 443, 0],
    ['DR', ' 8080', 'HTTP_GET {\nurl {\npath /\n}\n}\n', 443, 8080],
  ];
  for (const [kind, rsPort, check, ipvsPort, connectPort] of rows) {
    const text = `${SECURE}virtual_server 192.0.2.10 443 {\nlb_algo rr\nlb_kind ${kind}\nprotocol TCP\nreal_server 192.0.2.20${rsPort} {\n${check}}\n}\n`;
    const rs = parseConfigText(text, 't.conf', { reader: memoryReader({}), configId: 'n1' }).config.virtualServers[0]?.realServers[0];
    const c = rs?.checkers[0];
    assert.ok(rs && c && 'connection' in c, `${kind}${rsPort}`);
    assert.deepEqual([rs.port, c.connection.connectPort], [ipvsPort, connectPort], `${kind} real_server 192.0.2.20${rsPort} ${check.split(' ')[0]}`);
  }
});
