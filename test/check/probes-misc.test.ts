/**
 * SMTP_CHECK, DNS_CHECK, UDP_CHECK and PING_CHECK against real servers in a two-host lab
 * (h1 probes, h2 serves): python3's smtpd, dnsmasq, and the small node servers of
 * probe-servers.ts. Each probe attempt runs in a child process inside h1's namespace
 * (probe-child.ts), so its sockets live there. Needs root, iproute2, python3, dnsmasq.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, requireCommands, type Lab, type LabHost } from '../lab/netns.js';
import { sleep } from '../lab/proc.js';
import type { CheckerConnection } from '../../src/config/lvs/model.js';
import type { ProbeOutcome } from '../../src/check/probe.js';
import type { ProbeChildRequest } from './probe-child.js';

const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, 'probe-child.js');
const SERVERS = join(here, 'probe-servers.js');

let lab: Lab;
let h1: LabHost;
let h2: LabHost;
const procs: ChildProcess[] = [];

function runProbe(req: ProbeChildRequest, host: LabHost = h1): Promise<ProbeOutcome> {
  return runChild(req, host) as Promise<ProbeOutcome>;
}

function runChild(req: ProbeChildRequest, host: LabHost): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', host.ns, process.execPath, CHILD, JSON.stringify(req)], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`probe child failed: ${err.message} ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

function conn(family: 4 | 6, port: number, timeoutMs = 1500, extra: Partial<CheckerConnection> = {}): CheckerConnection {
  return { connectIp: family === 4 ? h2.ip4 : h2.ip6, family, connectPort: port, connectTimeoutMs: timeoutMs, ...extra };
}

function assertFailure(o: ProbeOutcome, re: RegExp): void {
  assert.equal(o.type, 'failure', JSON.stringify(o));
  if (o.type === 'failure') assert.match(o.reason, re);
}

/** Waits until `ss` in the host lists a listening socket on port (tcp or udp). */
async function waitListening(host: LabHost, proto: 't' | 'u', port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const out = lab.exec(host, ['ss', `-Hln${proto}`, `sport = :${port}`]);
    if (out.trim() !== '') return;
    await sleep(50);
  }
  throw new Error(`nothing listens on ${proto === 't' ? 'tcp' : 'udp'} port ${port} in ${host.name}`);
}

function start(host: LabHost, argv: readonly string[]): ChildProcess {
  const p = lab.spawn(host, argv);
  procs.push(p);
  p.stderr?.on('data', () => undefined);
  return p;
}

before(async () => {
  requireCommands({ python3: 'python3', dnsmasq: 'dnsmasq-base', ss: 'iproute2' });
  lab = createLab(2, 'prb');
  h1 = lab.host(1);
  h2 = lab.host(2);
  const servers = start(h2, [process.execPath, SERVERS, h2.ip4, h2.ip6]);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    servers.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    servers.on('exit', (code) => reject(new Error(`probe-servers exited with ${code}`)));
  });
  start(h2, ['python3', '-W', 'ignore', '-m', 'smtpd', '-n', '-c', 'DebuggingServer', `${h2.ip4}:2525`]);
  start(h2, ['dnsmasq', '-k', '-C', '/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces', `--listen-address=${h2.ip4}`, `--listen-address=${h2.ip6}`, '-p', '5300', '-u', 'root', '--pid-file=', '--address=/example.test/192.0.2.99', '--address=/example.test/2001:db8::99']);
  await waitListening(h2, 't', 2525);
  await waitListening(h2, 'u', 5300);
});

after(() => {
  for (const p of procs) if (p.pid !== undefined && p.exitCode === null) p.kill('SIGKILL');
  lab?.down();
});

describe('SMTP_CHECK', () => {
  test('python3 smtpd: banner, HELO, QUIT succeed', async () => {
    assert.deepEqual(await runProbe({ kind: 'SMTP_CHECK', connection: conn(4, 2525) }), { type: 'success' });
  });
  test('multi-line replies (IPv4 and IPv6), bindto/bind_port', async () => {
    assert.deepEqual(await runProbe({ kind: 'SMTP_CHECK', connection: conn(4, 2529, 1500, { bindTo: h1.ip4, bindPort: 40025 }) }), { type: 'success' });
    assert.deepEqual(await runProbe({ kind: 'SMTP_CHECK', connection: conn(6, 2529) }), { type: 'success' });
  });
  test('554 banner, garbage, silence and a closed port fail', async () => {
    assertFailure(await runProbe({ kind: 'SMTP_CHECK', connection: conn(4, 2526) }), /expected 220, got 554/);
    assertFailure(await runProbe({ kind: 'SMTP_CHECK', connection: conn(6, 2527) }), /malformed reply/);
    const t0 = Date.now();
    assertFailure(await runProbe({ kind: 'SMTP_CHECK', connection: conn(4, 2528, 700) }), /timeout waiting for banner/);
    assert.ok(Date.now() - t0 < 5000, 'bounded by connect_timeout');
    assertFailure(await runProbe({ kind: 'SMTP_CHECK', connection: conn(4, 2599) }), /connection refused/);
  });
});

describe('DNS_CHECK', () => {
  test('dnsmasq answers A/AAAA for a local name (IPv4 and IPv6)', async () => {
    assert.deepEqual(await runProbe({ kind: 'DNS_CHECK', connection: conn(4, 5300), extra: { queryType: 'A', name: 'example.test' } }), { type: 'success' });
    assert.deepEqual(await runProbe({ kind: 'DNS_CHECK', connection: conn(6, 5300), extra: { queryType: 'AAAA', name: 'example.test' } }), { type: 'success' });
    // No upstream configured: dnsmasq refuses other names (RCODE 5).
    assertFailure(await runProbe({ kind: 'DNS_CHECK', connection: conn(4, 5300), extra: { queryType: 'A', name: 'elsewhere.invalid' } }), /RCODE [1-9]/);
  });
  test('node responder: RCODE 0 passes; NXDOMAIN, QR unset, wrong id, closed port fail', async () => {
    assert.deepEqual(await runProbe({ kind: 'DNS_CHECK', connection: conn(4, 5301) }), { type: 'success' });
    assert.deepEqual(await runProbe({ kind: 'DNS_CHECK', connection: conn(6, 5301), extra: { queryType: 'MX', name: 'example.org' } }), { type: 'success' });
    assertFailure(await runProbe({ kind: 'DNS_CHECK', connection: conn(4, 5302) }), /RCODE 3/);
    assertFailure(await runProbe({ kind: 'DNS_CHECK', connection: conn(4, 5304) }), /QR bit not set/);
    assertFailure(await runProbe({ kind: 'DNS_CHECK', connection: conn(6, 5303, 600) }), /timeout/);
    assertFailure(await runProbe({ kind: 'DNS_CHECK', connection: conn(4, 5399) }), /port unreachable/);
  });
});

describe('UDP_CHECK', () => {
  test('echo service: plain, require_reply with a matching pattern, and a mismatch', async () => {
    assert.deepEqual(await runProbe({ kind: 'UDP_CHECK', connection: conn(4, 7007) }), { type: 'success' });
    const req = { payload: 'deadbeef01', requireReply: true };
    assert.deepEqual(await runProbe({ kind: 'UDP_CHECK', connection: conn(4, 7007), extra: { ...req, replyPattern: 'dexdbeef' } }), { type: 'success' });
    assert.deepEqual(await runProbe({ kind: 'UDP_CHECK', connection: conn(6, 7007), extra: { ...req, replyPattern: 'dead' } }), { type: 'success' });
    assertFailure(await runProbe({ kind: 'UDP_CHECK', connection: conn(4, 7007), extra: { ...req, replyPattern: 'deaf' } }), /mismatch/);
    assertFailure(await runProbe({ kind: 'UDP_CHECK', connection: conn(4, 7007), extra: { ...req, maxReplyLength: 4 } }), /reply length 5/);
  });
  test('closed port: ICMP port unreachable fails (IPv4 and IPv6)', async () => {
    assertFailure(await runProbe({ kind: 'UDP_CHECK', connection: conn(4, 7099) }), /port unreachable/);
    assertFailure(await runProbe({ kind: 'UDP_CHECK', connection: conn(6, 7099) }), /port unreachable/);
  });
  test('silent peer: success without require_reply, timeout with it', async () => {
    assert.deepEqual(await runProbe({ kind: 'UDP_CHECK', connection: conn(4, 7008, 500) }), { type: 'success' });
    assertFailure(await runProbe({ kind: 'UDP_CHECK', connection: conn(6, 7008, 500), extra: { requireReply: true } }), /timeout/);
  });
});

describe('PING_CHECK', () => {
  test('raw socket (default ping_group_range) and ping socket, IPv4 and IPv6', async () => {
    for (const family of [4, 6] as const) {
      assert.deepEqual(await runChild({ kind: 'PING_CHECK', connection: conn(family, 0), reportPingSocket: true }, h1), { kind: 'raw' }, 'fresh netns: ping sockets not allowed');
      assert.deepEqual(await runProbe({ kind: 'PING_CHECK', connection: conn(family, 0), attempts: 2 }), { type: 'success' }, `raw v${family}`);
    }
    lab.exec(h1, ['sysctl', '-qw', 'net.ipv4.ping_group_range=0 2147483647']);
    try {
      for (const family of [4, 6] as const) {
        assert.deepEqual(await runChild({ kind: 'PING_CHECK', connection: conn(family, 0), reportPingSocket: true }, h1), { kind: 'dgram' });
        assert.deepEqual(await runProbe({ kind: 'PING_CHECK', connection: conn(family, 0), attempts: 2, prefer: 'dgram' }), { type: 'success' }, `dgram v${family}`);
      }
    } finally {
      lab.exec(h1, ['sysctl', '-qw', 'net.ipv4.ping_group_range=1 0']);
    }
  });
  test('a host ignoring echo requests fails with a timeout', async () => {
    lab.exec(h2, ['sysctl', '-qw', 'net.ipv4.icmp_echo_ignore_all=1']);
    lab.exec(h2, ['sysctl', '-qw', 'net.ipv6.icmp.echo_ignore_all=1']);
    try {
      assertFailure(await runProbe({ kind: 'PING_CHECK', connection: conn(4, 0, 600) }), /timeout/);
      assertFailure(await runProbe({ kind: 'PING_CHECK', connection: conn(6, 0, 600) }), /timeout/);
    } finally {
      lab.exec(h2, ['sysctl', '-qw', 'net.ipv4.icmp_echo_ignore_all=0']);
      lab.exec(h2, ['sysctl', '-qw', 'net.ipv6.icmp.echo_ignore_all=0']);
    }
    assert.deepEqual(await runProbe({ kind: 'PING_CHECK', connection: conn(4, 0) }), { type: 'success' }, 'answers again');
  });
});
