/**
 * Which probe module handles which checker type (src/check/probes/). FILE_CHECK and
 * BFD_CHECK are event driven and have no probe: the daemon feeds their states through
 * CheckerDaemon.checkerEvent.
 */
import type { PolledCheckerConfig, Probe, ProbeEnv } from './probe.js';
import { createDnsProbe } from './probes/dns.js';
import { createHttpProbe } from './probes/http.js';
import { createMiscProbe } from './probes/misc.js';
import { createPingProbe } from './probes/ping.js';
import { createSmtpProbe } from './probes/smtp.js';
import { createTcpProbe } from './probes/tcp.js';
import { createUdpProbe } from './probes/udp.js';

export type CreateProbe = (config: PolledCheckerConfig, env: ProbeEnv) => Probe | undefined;

/** The real probes; tests inject their own CreateProbe instead. */
export const createProbe: CreateProbe = (config, env) => {
  switch (config.type) {
    case 'TCP_CHECK':
      return createTcpProbe(config, env);
    case 'HTTP_GET':
    case 'SSL_GET':
      return createHttpProbe(config, env);
    case 'SMTP_CHECK':
      return createSmtpProbe(config, env);
    case 'DNS_CHECK':
      return createDnsProbe(config, env);
    case 'UDP_CHECK':
      return createUdpProbe(config, env);
    case 'PING_CHECK':
      return createPingProbe(config, env);
    case 'MISC_CHECK':
      return createMiscProbe(config, env);
  }
};
