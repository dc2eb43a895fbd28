/**
 * A minimal TCP_CHECK probe (connect within connect_timeout, then close) so the checker
 * child works on its own; the probe registry prefers src/check/probes/tcp.ts when the
 * integrator registers it (bind_to, bind_if, fwmark and friends live there).
 */
import { connect } from 'node:net';
import type { TcpCheckConfig } from '../config/model-lvs.js';
import type { Probe, ProbeOutcome } from './probe.js';

export function createFallbackTcpProbe(config: TcpCheckConfig): Probe {
  const c = config.connection;
  return {
    run: (attempt) =>
      new Promise<ProbeOutcome>((resolve) => {
        let done = false;
        const sock = connect({ host: c.connectIp, port: c.connectPort, family: c.family, ...(c.bindTo !== undefined ? { localAddress: c.bindTo } : {}) });
        const finish = (o: ProbeOutcome): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          attempt.signal?.removeEventListener('abort', onAbort);
          sock.destroy();
          resolve(o);
        };
        const onAbort = (): void => finish({ type: 'failure', reason: 'aborted' });
        const timer = setTimeout(() => finish({ type: 'failure', reason: 'connection timeout' }), c.connectTimeoutMs);
        attempt.signal?.addEventListener('abort', onAbort);
        sock.once('connect', () => finish({ type: 'success' }));
        sock.once('error', (e: NodeJS.ErrnoException) => finish({ type: 'failure', reason: e.code === 'ECONNREFUSED' ? 'connection refused' : e.message }));
      }),
    close: () => undefined,
  };
}
