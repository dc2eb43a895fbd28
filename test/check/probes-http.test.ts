/**
 * TCP_CHECK, HTTP_GET and SSL_GET against real servers in a lab: h1 runs
 * http-test-server.js (plain + TLS with a self-signed cert made by openssl now), h2 runs
 * the probes (probe-driver.js). 203.0.113.0/24 is routed from h2 to h1, which does not
 * forward: packets vanish silently, so connects there time out.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckerConnection, HttpCheckConfig, HttpUrlConfig, TcpCheckConfig } from '../../src/config/lvs/model.js';
import type { Lab } from '../lab/netns.js';
import type { ProbeJob, ProbeJobResult } from './probe-driver.js';
import { PAGES } from './http-test-server.js';
import { startServerLab, type ServerLab, type TestServer } from './test-server-proc.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const md5 = (s: string): string => createHash('md5').update(s, 'latin1').digest('hex');
const LOC = { file: 'test.conf', line: 1, col: 1 };
const TIMING = { retry: 1, delayBeforeRetryMs: 1000, delayLoopMs: 1000, warmupMs: 0, alpha: false, logAllFailures: false };
const TIMEOUT_MS = 1500;
const MARKED_IP = '198.51.100.1';

let fx: ServerLab;
let lab: Lab;
let server: TestServer;
let dir: string;
let SERVER4: string;
let SERVER6: string;

const conn = (over: Partial<CheckerConnection> = {}): CheckerConnection => ({
  connectIp: SERVER4,
  family: 4,
  connectPort: 8080,
  connectTimeoutMs: TIMEOUT_MS,
  ...over,
});
const tcp = (over: Partial<CheckerConnection> = {}): TcpCheckConfig => ({ type: 'TCP_CHECK', loc: LOC, ...TIMING, connection: conn(over) });
const url = (path: string, over: Partial<HttpUrlConfig> = {}): HttpUrlConfig => ({
  path,
  statusCodes: [[200, 299]],
  regexNoMatch: false,
  tlsCompliant: false,
  loc: LOC,
  ...over,
});
const http = (urls: HttpUrlConfig[], over: Partial<HttpCheckConfig> = {}, c: Partial<CheckerConnection> = {}): HttpCheckConfig => ({
  type: 'HTTP_GET',
  loc: LOC,
  ...TIMING,
  connection: conn(c),
  urls,
  httpProtocol: '1.0',
  fastRecovery: false,
  enableSni: false,
  tlsCompliant: false,
  ...over,
});
const ssl = (urls: HttpUrlConfig[], over: Partial<HttpCheckConfig> = {}, c: Partial<CheckerConnection> = {}): HttpCheckConfig =>
  http(urls, { type: 'SSL_GET', ...over }, { connectPort: 8443, ...c });

/** Runs the jobs in h2; a probe leaking a socket would keep the driver alive past the timeout. */
async function runJobs(jobs: readonly ProbeJob[]): Promise<Map<string, ProbeJobResult>> {
  const { stdout: out } = await promisify(execFile)('ip', ['netns', 'exec', lab.host(2).ns, process.execPath, join(HERE, 'probe-driver.js'), JSON.stringify(jobs)], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  const results = JSON.parse(out) as ProbeJobResult[];
  return new Map(results.map((r) => [r.name, r]));
}

function expectOutcome(results: Map<string, ProbeJobResult>, name: string, expected: 'success' | RegExp): ProbeJobResult {
  const r = results.get(name);
  assert.ok(r, `no result for ${name}`);
  if (expected === 'success') assert.deepEqual(r.outcome, { type: 'success' }, name);
  else {
    assert.equal(r.outcome.type, 'failure', `${name}: ${JSON.stringify(r.outcome)}`);
    if (r.outcome.type === 'failure') assert.match(r.outcome.reason, expected, name);
  }
  return r;
}

before(() => {
  fx = startServerLab('prh');
  ({ lab, server, dir } = fx);
  SERVER4 = lab.host(1).ip4;
  SERVER6 = lab.host(1).ip6;
  lab.exec(lab.host(2), ['ip', 'route', 'add', '203.0.113.0/24', 'via', SERVER4]);
  lab.exec(lab.host(1), ['sysctl', '-qw', 'net.ipv4.ip_forward=0']);
  // 198.51.100.1 lives on h1 but h2 reaches it only with fwmark 7 (policy routing).
  lab.exec(lab.host(1), ['ip', 'addr', 'add', `${MARKED_IP}/32`, 'dev', 'lo']);
  lab.exec(lab.host(2), ['ip', 'route', 'add', `${MARKED_IP}/32`, 'via', SERVER4, 'table', '100']);
  lab.exec(lab.host(2), ['ip', 'rule', 'add', 'fwmark', '7', 'table', '100']);
});

after(() => fx?.down());

test('fwmark (SO_MARK) and bind_if (SO_BINDTODEVICE)', async () => {
  await server.ready;
  const r = await runJobs([
    { name: 'marked', config: tcp({ connectIp: MARKED_IP, fwmark: 7 }) },
    { name: 'unmarked', config: tcp({ connectIp: MARKED_IP }) },
    { name: 'http-marked', config: http([url('/ok', { digest: md5(PAGES.ok) })], {}, { connectIp: MARKED_IP, fwmark: 7 }) },
    { name: 'bind-if', config: tcp({ bindIf: 'eth0' }) },
    { name: 'bind-if-lo', config: tcp({ bindIf: 'lo' }) },
    { name: 'bind-if-missing', config: tcp({ bindIf: 'nosuch0' }) },
  ]);
  expectOutcome(r, 'marked', 'success');
  expectOutcome(r, 'unmarked', /^network unreachable$/);
  expectOutcome(r, 'http-marked', 'success');
  expectOutcome(r, 'bind-if', 'success');
  expectOutcome(r, 'bind-if-lo', /unreachable|timeout|refused/);
  expectOutcome(r, 'bind-if-missing', /^cannot set bind_if nosuch0: /);
});

test('TCP_CHECK: connect, refused, timeout, bind, IPv6', async () => {
  await server.ready;
  const r = await runJobs([
    { name: 'ok', config: tcp() },
    { name: 'refused', config: tcp({ connectPort: 9 }) },
    { name: 'timeout', config: tcp({ connectIp: '203.0.113.5', connectPort: 80 }) },
    { name: 'bind', config: tcp({ bindTo: lab.host(2).ip4, bindPort: 40123 }) },
    { name: 'bind-bad', config: tcp({ bindTo: '198.51.100.1' }) },
    { name: 'ipv6', config: tcp({ connectIp: SERVER6, family: 6 }) },
    { name: 'port0', config: tcp({ connectPort: 0 }) },
    { name: 'aborted', config: tcp({ connectIp: '203.0.113.5', connectPort: 80 }), abortAfterMs: 100 },
  ]);
  expectOutcome(r, 'ok', 'success');
  expectOutcome(r, 'refused', /^connection refused$/);
  const t = expectOutcome(r, 'timeout', /^timeout after 1500 ms \(connect\)$/);
  assert.ok(t.elapsedMs >= 1400 && t.elapsedMs < 3000, `timeout took ${t.elapsedMs} ms`);
  expectOutcome(r, 'bind', 'success');
  expectOutcome(r, 'bind-bad', /^cannot bind the local address$/);
  expectOutcome(r, 'ipv6', 'success');
  expectOutcome(r, 'port0', /port 0/);
  const a = expectOutcome(r, 'aborted', /^aborted$/);
  assert.ok(a.elapsedMs < 1000, `abort took ${a.elapsedMs} ms`);
});

test('HTTP_GET: status codes, digest, regex, url selection', async () => {
  await server.ready;
  const r = await runJobs([
    { name: 'ok', config: http([url('/ok', { digest: md5(PAGES.ok) })]) },
    { name: 'ok-no-digest', config: http([url('/ok')]) },
    { name: 'wrong-digest', config: http([url('/ok', { digest: 'f'.repeat(32) })]) },
    { name: '503', config: http([url('/503')]) },
    { name: '503-accepted', config: http([url('/503', { statusCodes: [[200, 299], [500, 599]] })]) },
    { name: '404', config: http([url('/missing')]) },
    { name: 'regex', config: http([url('/regex', { regex: 'alive( and well)?' })]) },
    { name: 'regex-miss', config: http([url('/regex', { regex: 'dead' })]) },
    { name: 'regex-no-match', config: http([url('/regex', { regex: 'alive', regexNoMatch: true })]) },
    { name: 'regex-caseless', config: http([url('/regex', { regex: 'ALIVE', regexOptions: 'caseless' })]) },
    { name: 'regex-offset', config: http([url('/regex', { regex: 'alive', regexMinOffset: 10 })]) },
    { name: 'url-1', config: http([url('/503'), url('/ok')]), urlIndex: 1 },
    { name: 'url-0', config: http([url('/503'), url('/ok')]), urlIndex: 0 },
    { name: 'chunked', config: http([url('/chunked', { digest: md5(PAGES.chunkedRaw) })], { httpProtocol: '1.1' }) },
    { name: 'big', config: http([url('/big', { digest: md5(PAGES.big) })]) },
    { name: 'ipv6', config: http([url('/ok', { digest: md5(PAGES.ok) })], {}, { connectIp: SERVER6, family: 6 }) },
    { name: 'vhost', config: http([url('/ok', { effectiveVirtualhost: 'www.example.test' })], { httpProtocol: '1.0C' }) },
  ]);
  expectOutcome(r, 'ok', 'success');
  expectOutcome(r, 'ok-no-digest', 'success');
  expectOutcome(r, 'wrong-digest', new RegExp(`^digest mismatch: got ${md5(PAGES.ok)}, expected f{32}$`));
  expectOutcome(r, '503', /^HTTP status code 503$/);
  expectOutcome(r, '503-accepted', 'success');
  expectOutcome(r, '404', /^HTTP status code 404$/);
  expectOutcome(r, 'regex', 'success');
  expectOutcome(r, 'regex-miss', /^regex did not match$/);
  expectOutcome(r, 'regex-no-match', /^regex matched \(regex_no_match\)$/);
  expectOutcome(r, 'regex-caseless', 'success');
  expectOutcome(r, 'regex-offset', /^regex did not match$/);
  expectOutcome(r, 'url-1', 'success');
  expectOutcome(r, 'url-0', /503/);
  expectOutcome(r, 'chunked', 'success');
  expectOutcome(r, 'big', 'success');
  expectOutcome(r, 'ipv6', 'success');
  expectOutcome(r, 'vhost', 'success');
  // What went on the wire (the server echoes each request on stderr, read asynchronously).
  await new Promise((res) => setTimeout(res, 200));
  const reqs = server.requests();
  assert.ok(reqs.includes('GET /ok HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 192.0.2.11:8080\r\n\r\n'), reqs.join('\n'));
  assert.ok(reqs.includes(`GET /ok HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: [${SERVER6}]:8080\r\n\r\n`), reqs.join('\n'));
  assert.ok(reqs.includes('GET /ok HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.test\r\n\r\n'));
  assert.ok(reqs.includes('GET /chunked HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: 192.0.2.11:8080\r\n\r\n'));
});

test('HTTP_GET: misbehaving servers are failures within the deadline', async () => {
  await server.ready;
  const r = await runJobs([
    { name: 'slow', config: http([url('/slow')]) },
    { name: 'trickle', config: http([url('/trickle')]) },
    { name: 'rst', config: http([url('/rst')]) },
    { name: 'garbage', config: http([url('/garbage')]) },
    { name: 'nohead', config: http([url('/nohead')]) },
    { name: 'huge', config: http([url('/huge')]) },
    { name: 'refused', config: http([url('/ok')], {}, { connectPort: 9 }) },
    { name: 'blackhole', config: http([url('/ok')], {}, { connectIp: '203.0.113.7' }) },
    { name: 'bad-url-index', config: http([url('/ok')]), urlIndex: 3 },
    { name: 'bad-regex', config: http([url('/ok', { regex: '(' })]) },
    { name: 'aborted', config: http([url('/slow')]), abortAfterMs: 200 },
  ]);
  const slow = expectOutcome(r, 'slow', /^timeout after 1500 ms waiting for the HTTP header \(0 bytes received\)$/);
  assert.ok(slow.elapsedMs < 2500, `slow took ${slow.elapsedMs}`);
  // Each byte arrives well within the timeout; the whole-response deadline still ends it (#1822).
  const trickle = expectOutcome(r, 'trickle', /^timeout after 1500 ms waiting for the end of the response \(\d+ bytes received\)$/);
  assert.ok(trickle.elapsedMs < 2500, `trickle took ${trickle.elapsedMs}`);
  expectOutcome(r, 'rst', /^connection reset$/);
  expectOutcome(r, 'garbage', /^invalid HTTP status line$/);
  expectOutcome(r, 'nohead', /^connection closed before the end of the HTTP header$/);
  expectOutcome(r, 'huge', /^body too large \(> 16777216 bytes\)$/);
  expectOutcome(r, 'refused', /^connection refused$/);
  expectOutcome(r, 'blackhole', /^timeout after 1500 ms \(connect\)$/);
  expectOutcome(r, 'bad-url-index', /^no url #3$/);
  const bad = expectOutcome(r, 'bad-regex', /^invalid regex/);
  assert.ok(bad.logs.some((l) => l.startsWith('error: invalid regex')), bad.logs.join('\n'));
  const ab = expectOutcome(r, 'aborted', /^aborted$/);
  assert.ok(ab.elapsedMs < 1000, `abort took ${ab.elapsedMs}`);
});

test('SSL_GET: handshake without verification, SNI, SSL block, TLS errors', async () => {
  await server.ready;
  const sniUrl = url('/sni', { effectiveVirtualhost: 'www.example.test', regex: '^www\\.example\\.test$', regexOptions: 'multiline' });
  const r = await runJobs([
    { name: 'ok', config: ssl([url('/ok', { digest: md5(PAGES.ok) })]) },
    { name: 'sni', config: ssl([sniUrl], { enableSni: true }) },
    { name: 'sni-name', config: ssl([url('/sni', { regex: '^sni\\.example\\.test$', regexOptions: 'multiline' })], { enableSni: true, sniName: 'sni.example.test' }) },
    { name: 'no-sni', config: ssl([sniUrl]) },
    { name: 'ssl-block', config: ssl([url('/ok')]), ssl: { caFile: server.certFile, certFile: server.certFile, keyFile: server.keyFile } },
    { name: 'ssl-block-missing', config: ssl([url('/ok')]), ssl: { certFile: join(dir, 'nope.pem') } },
    { name: 'plain-port', config: ssl([url('/ok')], {}, { connectPort: 8080 }) },
    { name: 'trickle', config: ssl([url('/trickle')]) },
    { name: 'ipv6', config: ssl([url('/ok')], {}, { connectIp: SERVER6, family: 6 }) },
  ]);
  expectOutcome(r, 'ok', 'success');
  expectOutcome(r, 'sni', 'success');
  expectOutcome(r, 'sni-name', 'success');
  expectOutcome(r, 'no-sni', /^regex did not match$/);
  expectOutcome(r, 'ssl-block', 'success');
  expectOutcome(r, 'ssl-block-missing', /^SSL: cannot read cert file /);
  expectOutcome(r, 'plain-port', /^(TLS: |timeout)/);
  expectOutcome(r, 'trickle', /^timeout after 1500 ms waiting for the end of the response/);
  expectOutcome(r, 'ipv6', 'success');
});
