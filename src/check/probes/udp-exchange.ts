/**
 * One request/reply exchange on a connected UDP socket (node:dgram), shared by DNS_CHECK
 * and UDP_CHECK. Connecting the socket is what makes the kernel report an ICMP port/host
 * unreachable for our datagram: libuv surfaces it as an 'error' (ECONNREFUSED,
 * EHOSTUNREACH, …) on the socket, which ends the exchange as a failure.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { CheckerConnection } from '../../config/lvs/model.js';
import type { ProbeOutcome } from '../probe.js';
import { guardAttempt } from './attempt-guard.js';
import { socketErrorReason } from './socket-error.js';

/** What a received datagram means: keep waiting (stray), or the attempt's outcome. */
export type ReplyVerdict = { readonly type: 'wait' } | ProbeOutcome;

export interface UdpExchangeOptions {
  readonly connection: CheckerConnection;
  readonly payload: Uint8Array;
  readonly onReply: (data: Buffer) => ReplyVerdict;
  /** Outcome when nothing decisive arrived within connectTimeoutMs. */
  readonly onTimeout: () => ProbeOutcome;
  readonly signal?: AbortSignal;
}


/** Runs the exchange; always resolves and always closes the socket. */
export function udpExchange(opts: UdpExchangeOptions): Promise<ProbeOutcome> {
  const c = opts.connection;
  return new Promise((resolve) => {
    let sock: Socket | undefined;
    const guard = guardAttempt(resolve, {
      timeoutMs: c.connectTimeoutMs,
      onTimeout: opts.onTimeout,
      signal: opts.signal,
      release: () => {
        try {
          sock?.close();
        } catch {
          /* already closed */
        }
      },
    });
    const finish = guard.finish;
    if (guard.finished) return;
    try {
      const s = createSocket({ type: c.family === 6 ? 'udp6' : 'udp4' });
      sock = s;
      s.on('error', (e) => finish({ type: 'failure', reason: socketErrorReason(e, 'udp') }));
      s.on('message', (data) => {
        const v = opts.onReply(data);
        if (v.type !== 'wait') finish(v);
      });
      const connect = (): void => {
        s.connect(c.connectPort, c.connectIp, () => {
          if (guard.finished) return;
          s.send(opts.payload, (err) => {
            if (err) finish({ type: 'failure', reason: socketErrorReason(err, 'udp') });
          });
        });
      };
      if (c.bindTo !== undefined || c.bindPort !== undefined) {
        s.bind({ port: c.bindPort ?? 0, ...(c.bindTo === undefined ? {} : { address: c.bindTo }) }, connect);
      } else connect();
    } catch (e) {
      finish({ type: 'failure', reason: socketErrorReason(e, 'udp') });
    }
  });
}
