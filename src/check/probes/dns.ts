/**
 * DNS_CHECK probe (checker child, keepalived.conf(5) DNS_CHECK): one UDP query (RD set,
 * random id) for the configured type/name to connect_ip:connect_port; success = a reply
 * with QR set, the same id and RCODE 0 (answers are not inspected). Replies with another id
 * are strays and ignored; an ICMP unreachable or the timeout fails the attempt.
 */
import type { DnsCheckConfig } from '../../config/lvs/model.js';
import type { Probe, ProbeAttempt, ProbeEnv, ProbeOutcome } from '../probe.js';
import { checkDnsReply, encodeDnsQuery } from './dns-codec.js';
import { udpExchange } from './udp-exchange.js';
import { probeLifetime } from './attempt-guard.js';

export function createDnsProbe(config: DnsCheckConfig, env: ProbeEnv): Probe {
  const lifetime = probeLifetime();
  return {
    async run(attempt: ProbeAttempt): Promise<ProbeOutcome> {
      const id = Math.floor(env.random() * 0x10000) & 0xffff;
      const query = encodeDnsQuery(id, config.name, config.queryType);
      if (!query.ok) return { type: 'failure', reason: query.reason };
      return udpExchange({
        connection: config.connection,
        payload: query.value,
        signal: lifetime.signal(attempt.signal),
        onReply: (data) => {
          if (data.length >= 2 && data.readUInt16BE(0) !== id) return { type: 'wait' };
          const r = checkDnsReply(data, id);
          return r.ok ? { type: 'success' } : { type: 'failure', reason: r.reason };
        },
        onTimeout: () => ({ type: 'failure', reason: 'timeout' }),
      });
    },
    close(): void {
      lifetime.close();
    },
  };
}
