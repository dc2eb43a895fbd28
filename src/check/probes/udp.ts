/**
 * UDP_CHECK probe (checker child, keepalived.conf(5)): sends the payload (random when
 * none is configured) on a connected UDP socket. Without require_reply the attempt
 * succeeds unless an ICMP unreachable comes back within connect_timeout (a reply also
 * counts as success); with require_reply a reply must arrive whose length is within
 * [min_reply_length, max_reply_length] and whose first bytes match the reply pattern
 * (`x` nibbles are wildcards; only min(reply, pattern) bytes are compared, as keepalived).
 */
import type { UdpCheckConfig } from '../../config/lvs/model.js';
import type { Probe, ProbeAttempt, ProbeEnv, ProbeOutcome } from '../probe.js';
import { udpExchange } from './udp-exchange.js';
import { probeLifetime } from './attempt-guard.js';

/** Random payload length when none is configured. */
export const UDP_RANDOM_PAYLOAD_LEN = 16;

export interface ReplyPattern {
  readonly data: Uint8Array;
  /** 1 bits = compared. */
  readonly mask: Uint8Array;
}

/** Compiles lowercase hex with `x` wildcards (an odd trailing nibble is padded with a wildcard). */
export function compileReplyPattern(hex: string): ReplyPattern {
  const n = Math.ceil(hex.length / 2);
  const data = new Uint8Array(n);
  const mask = new Uint8Array(n);
  for (let i = 0; i < hex.length; i++) {
    const ch = hex[i]!.toLowerCase();
    const shift = i % 2 === 0 ? 4 : 0;
    if (ch === 'x') continue;
    const v = parseInt(ch, 16);
    if (Number.isNaN(v)) continue;
    const b = i >> 1;
    data[b] = data[b]! | (v << shift);
    mask[b] = mask[b]! | (0xf << shift);
  }
  return { data, mask };
}

/** The reply check (pure): undefined = accepted, else the reason it fails. */
export function checkUdpReply(reply: Uint8Array, cfg: { minReplyLength: number; maxReplyLength: number }, pattern?: ReplyPattern): string | undefined {
  if (reply.length < cfg.minReplyLength || reply.length > cfg.maxReplyLength) {
    return `reply length ${reply.length} outside [${cfg.minReplyLength}, ${cfg.maxReplyLength}]`;
  }
  if (!pattern) return undefined;
  const n = Math.min(reply.length, pattern.data.length);
  for (let i = 0; i < n; i++) {
    if (((reply[i]! ^ pattern.data[i]!) & pattern.mask[i]!) !== 0) return 'reply data mismatch';
  }
  return undefined;
}

export function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.length % 2 === 0 ? hex : `${hex}0`, 'hex'));
}

export function createUdpProbe(config: UdpCheckConfig, env: ProbeEnv): Probe {
  const pattern = config.replyPattern === undefined ? undefined : compileReplyPattern(config.replyPattern);
  const fixed = config.payload === undefined ? undefined : hexToBytes(config.payload);
  const lifetime = probeLifetime();
  return {
    async run(attempt: ProbeAttempt): Promise<ProbeOutcome> {
      const payload = fixed ?? Uint8Array.from({ length: UDP_RANDOM_PAYLOAD_LEN }, () => Math.floor(env.random() * 256));
      return udpExchange({
        connection: config.connection,
        payload,
        signal: lifetime.signal(attempt.signal),
        onReply: (data) => {
          if (!config.requireReply) return { type: 'success' };
          const bad = checkUdpReply(data, config, pattern);
          return bad === undefined ? { type: 'success' } : { type: 'failure', reason: bad };
        },
        onTimeout: () => (config.requireReply ? { type: 'failure', reason: 'timeout waiting for reply' } : { type: 'success' }),
      });
    },
    close(): void {
      lifetime.close();
    },
  };
}
