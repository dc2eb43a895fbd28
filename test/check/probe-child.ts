/**
 * Runs ONE probe attempt in this process and prints the outcome as JSON (one line). Used by
 * the netns probe tests: started with `ip netns exec NS node probe-child.js JSON`, so the
 * probe's sockets live in that namespace. JSON: { kind, config, prefer? }.
 */
import type { CheckerConnection, DnsCheckConfig, PingCheckConfig, SmtpCheckConfig, UdpCheckConfig } from '../../src/config/lvs/model.js';
import { nullLogger } from '../../src/core/logger.js';
import type { Probe, ProbeEnv } from '../../src/check/probe.js';
import { createDnsProbe } from '../../src/check/probes/dns.js';
import { createPingProbe, openPingSocket, type PingSocketKind } from '../../src/check/probes/ping.js';
import { createSmtpProbe } from '../../src/check/probes/smtp.js';
import { createUdpProbe } from '../../src/check/probes/udp.js';

export interface ProbeChildRequest {
  readonly kind: 'SMTP_CHECK' | 'DNS_CHECK' | 'UDP_CHECK' | 'PING_CHECK';
  readonly connection: CheckerConnection;
  readonly extra?: Readonly<Record<string, unknown>>;
  readonly prefer?: PingSocketKind;
  /** Attempts to run back to back (PING sequence numbers); the last outcome is printed. */
  readonly attempts?: number;
  /** PING_CHECK: print which socket kind openPingSocket gets here instead of probing. */
  readonly reportPingSocket?: boolean;
}

const TIMING = { retry: 1, delayBeforeRetryMs: 1000, delayLoopMs: 1000, warmupMs: 0, alpha: false, logAllFailures: false };
const LOC = { file: 'test', line: 1, col: 1 };

function build(req: ProbeChildRequest, env: ProbeEnv): Probe {
  const base = { ...TIMING, loc: LOC, connection: req.connection, ...req.extra };
  switch (req.kind) {
    case 'SMTP_CHECK':
      return createSmtpProbe({ type: 'SMTP_CHECK', heloName: 'smtpchecker.keepalived.org', fromHostBlock: false, ...base } as SmtpCheckConfig, env);
    case 'DNS_CHECK':
      return createDnsProbe({ type: 'DNS_CHECK', queryType: 'SOA', name: '.', ...base } as DnsCheckConfig, env);
    case 'UDP_CHECK':
      return createUdpProbe({ type: 'UDP_CHECK', requireReply: false, minReplyLength: 0, maxReplyLength: 255, ...base } as UdpCheckConfig, env);
    case 'PING_CHECK':
      return createPingProbe({ type: 'PING_CHECK', ...base } as PingCheckConfig, env, req.prefer === undefined ? {} : { prefer: req.prefer });
  }
}

const req = JSON.parse(process.argv[2] ?? '{}') as ProbeChildRequest;
if (req.reportPingSocket === true) {
  const { sock, kind } = openPingSocket(req.connection.family, req.prefer);
  sock.close();
  process.stdout.write(`${JSON.stringify({ kind })}\n`);
  process.exit(0);
}
const probe = build(req, { log: nullLogger, random: Math.random });
let outcome;
for (let i = 0; i < (req.attempts ?? 1); i++) outcome = await probe.run({ urlIndex: 0 });
probe.close();
process.stdout.write(`${JSON.stringify(outcome)}\n`);
