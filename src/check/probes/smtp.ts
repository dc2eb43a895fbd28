/**
 * SMTP_CHECK probe (checker child, keepalived.conf(5)): TCP connect to connect_ip:port
 * (optionally from bindto/bind_port), then banner 220 → HELO → 250 → QUIT → 221. The whole
 * attempt is bounded by connect_timeout; any other reply code, garbage, a closed
 * connection or silence fails it.
 */
import { connect, type Socket } from 'node:net';
import type { SmtpCheckConfig } from '../../config/lvs/model.js';
import type { Probe, ProbeAttempt, ProbeEnv, ProbeOutcome } from '../probe.js';
import { SmtpDialog } from './smtp-dialog.js';
import { socketErrorReason } from './socket-error.js';
import { guardAttempt, probeLifetime } from './attempt-guard.js';

export function createSmtpProbe(config: SmtpCheckConfig, _env: ProbeEnv): Probe {
  const c = config.connection;
  const lifetime = probeLifetime();
  return {
    run(attempt: ProbeAttempt): Promise<ProbeOutcome> {
      return new Promise((resolve) => {
        const dialog = new SmtpDialog(config.heloName);
        let sock: Socket | undefined;
        const guard = guardAttempt(resolve, {
          timeoutMs: c.connectTimeoutMs,
          onTimeout: () => ({ type: 'failure', reason: `timeout waiting for ${dialog.waitingFor}` }),
          signal: lifetime.signal(attempt.signal),
          release: () => sock?.destroy(),
        });
        const finish = guard.finish;
        if (guard.finished) return;
        try {
          const s = connect({
            host: c.connectIp,
            port: c.connectPort,
            family: c.family,
            ...(c.bindTo === undefined ? {} : { localAddress: c.bindTo }),
            ...(c.bindPort === undefined ? {} : { localPort: c.bindPort }),
          });
          sock = s;
          s.setEncoding('latin1');
          s.on('error', (e) => finish({ type: 'failure', reason: socketErrorReason(e) }));
          s.on('close', () => finish({ type: 'failure', reason: `connection closed while waiting for ${dialog.waitingFor}` }));
          s.on('data', (chunk: string) => {
            const step = dialog.feed(chunk);
            switch (step.type) {
              case 'wait':
                return;
              case 'send':
                s.write(step.data);
                return;
              case 'done':
                finish({ type: 'success' });
                return;
              case 'fail':
                finish({ type: 'failure', reason: step.reason });
                return;
            }
          });
        } catch (e) {
          finish({ type: 'failure', reason: socketErrorReason(e) });
        }
      });
    },
    close(): void {
      lifetime.close();
    },
  };
}
