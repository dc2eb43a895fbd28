/**
 * PING_CHECK probe (checker child, keepalived.conf(5)): one ICMP/ICMPv6 echo request
 * per attempt with the checker's identifier and its own sequence numbers; success = the
 * matching echo reply from connect_ip within connect_timeout.
 *
 * Socket: an unprivileged ping socket (SOCK_DGRAM + IPPROTO_ICMP/ICMPV6, which keepalived
 * uses) when net.ipv4.ping_group_range allows it; otherwise (EACCES — the default range
 * "1 0" of a fresh network namespace excludes even root) a raw socket, which needs
 * CAP_NET_RAW. A ping socket's kernel picks the identifier (its local "port") and only
 * hands us replies carrying it, so there only the sequence and payload are matched.
 */
import type { PingCheckConfig } from '../../config/lvs/model.js';
import { bytesEqual, parseIp } from '../../core/ip.js';
import { isSyscallError, errorMessage } from '../../core/errors.js';
import { K } from '../../sys/nio.js';
import { RawSocket } from '../../sys/raw-socket.js';
import { decodeSockaddr, sockaddrIn, sockaddrIn6 } from '../../sys/sockaddr.js';
import type { Probe, ProbeAttempt, ProbeEnv, ProbeOutcome } from '../probe.js';
import { decodeEchoReply, encodeEchoRequest } from './ping-codec.js';
import { guardAttempt, probeLifetime } from './attempt-guard.js';

export type PingSocketKind = 'dgram' | 'raw';

export const PING_PAYLOAD_LEN = 16;

/** Opens a ping socket, falling back to raw on EACCES/EPERM. */
export function openPingSocket(family: 4 | 6, prefer: PingSocketKind = 'dgram'): { sock: RawSocket; kind: PingSocketKind } {
  const k = K();
  const domain = family === 4 ? k.AF_INET : k.AF_INET6;
  const proto = family === 4 ? k.IPPROTO_ICMP : k.IPPROTO_ICMPV6;
  if (prefer === 'dgram') {
    try {
      return { sock: RawSocket.open(domain, k.SOCK_DGRAM, proto, { bufSize: 2048, maxBatch: 16 }), kind: 'dgram' };
    } catch (e) {
      if (!isSyscallError(e, 'EACCES') && !isSyscallError(e, 'EPERM')) throw e;
    }
  }
  return { sock: RawSocket.open(domain, k.SOCK_RAW, proto, { bufSize: 2048, maxBatch: 16 }), kind: 'raw' };
}

export function createPingProbe(config: PingCheckConfig, env: ProbeEnv, opts: { prefer?: PingSocketKind } = {}): Probe {
  const c = config.connection;
  const family = c.family;
  const target = parseIp(c.connectIp);
  const id = Math.floor(env.random() * 0x10000) & 0xffff;
  let seq = Math.floor(env.random() * 0x10000) & 0xffff;
  const lifetime = probeLifetime();
  return {
    run(attempt: ProbeAttempt): Promise<ProbeOutcome> {
      return new Promise((resolve) => {
        if (!target || target.family !== family) {
          resolve({ type: 'failure', reason: `bad target address ${c.connectIp}` });
          return;
        }
        seq = (seq + 1) & 0xffff;
        const mySeq = seq;
        const payload = Uint8Array.from({ length: PING_PAYLOAD_LEN }, () => Math.floor(env.random() * 256));
        let sock: RawSocket | undefined;
        const guard = guardAttempt(resolve, {
          timeoutMs: c.connectTimeoutMs,
          onTimeout: () => ({ type: 'failure', reason: 'timeout' }),
          signal: lifetime.signal(attempt.signal),
          release: () => sock?.close(),
        });
        const finish = guard.finish;
        if (guard.finished) return;
        try {
          const opened = openPingSocket(family, opts.prefer);
          const s = opened.sock;
          sock = s;
          const k = K();
          if (c.fwmark !== undefined) s.setsockopt(k.SOL_SOCKET, k.SO_MARK, c.fwmark);
          if (c.bindIf !== undefined) s.setsockopt(k.SOL_SOCKET, k.SO_BINDTODEVICE, Buffer.from(`${c.bindIf}\0`));
          const bindAddr = c.bindTo === undefined ? undefined : parseIp(c.bindTo);
          if (bindAddr) s.bind(family === 4 ? sockaddrIn(bindAddr.bytes) : sockaddrIn6(bindAddr.bytes));
          const dst = family === 4 ? sockaddrIn(target.bytes) : sockaddrIn6(target.bytes);
          const rawV4 = opened.kind === 'raw' && family === 4;
          s.receive(
            (data, info) => {
              const from = decodeSockaddr(info.addr);
              if (!from.ok || (from.value.type !== 'in' && from.value.type !== 'in6') || !bytesEqual(from.value.addr, target.bytes)) return;
              const echo = decodeEchoReply(family, data, rawV4);
              if (!echo || echo.seq !== mySeq || !bytesEqual(echo.payload, payload)) return;
              if (opened.kind === 'raw' && echo.id !== id) return;
              finish({ type: 'success' });
            },
            (err) => finish({ type: 'failure', reason: err.message }),
          );
          const req = encodeEchoRequest(family, { id, seq: mySeq, payload });
          const out = s.trySend(req, dst);
          if (out.type === 'error') finish({ type: 'failure', reason: out.error.message });
          else if (out.type === 'dropped') finish({ type: 'failure', reason: 'send queue full' });
        } catch (e) {
          finish({ type: 'failure', reason: errorMessage(e) });
        }
      });
    },
    close(): void {
      lifetime.close();
    },
  };
}
