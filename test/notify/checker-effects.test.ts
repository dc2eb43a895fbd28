/**
 * CheckerNotifyEffects with a real lvs_notify_fifo (read by a `head` process) and the
 * Python smtpd recorder on loopback: the RS/VS lines and the mails of one RS failure that
 * costs the VS its quorum, in keepalived's order, then an omega shutdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { CheckerNotifyEffects } from '../../src/notify/checker-effects.js';
import { checkerAlertBody } from '../../src/notify/smtp-message.js';
import { createScriptRunner } from '../../src/notify/runner.js';
import type { GlobalDefs } from '../../src/config/model.js';
import { SMTP_RECORDER, captureLogger, recorderReady, tempDir } from './helpers.js';
import { waitFor } from '../lab/wait.js';

test('RS down, quorum lost, omega shutdown: FIFO lines and mails', async (t) => {
  const tmp = tempDir('chk');
  t.after(tmp.remove);
  const smtpd = spawn('python3', [SMTP_RECORDER, tmp.dir, '127.0.0.1', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => smtpd.kill('SIGTERM'));
  const port = await recorderReady(smtpd);
  const { log } = captureLogger();
  const fifo = tmp.path('lvs.fifo');
  const g = {
    routerId: 'LB1',
    notificationEmail: ['admin@example.com'],
    notificationEmailFrom: 'ka@example.com',
    smtpServer: { host: '127.0.0.1', port },
    smtpConnectTimeoutMs: 3000,
    lvsNotifyFifo: { argv: [fifo], text: fifo },
    smtpHeloName: 'lb1',
  } as unknown as GlobalDefs;
  const fx = await CheckerNotifyEffects.open(g, { log, runner: createScriptRunner(log) });
  const head = spawn('head', ['-n', '4', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  head.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const vs = '[192.0.2.10]:tcp:80';
  const rs = '[198.51.100.2]:tcp:8080';
  fx.realServerLine(vs, rs, false);
  fx.quorum(vs, 'lost', { quorum: 1, hysteresis: 0, threshold: 1, liveWeight: 0 }, true);
  fx.realServerMail(vs, rs, false, checkerAlertBody('TCP_CHECK', { type: 'down' }));
  fx.realServerShutdown(vs, '[198.51.100.3]:tcp:8080', true, true);
  fx.quorumShutdown(vs, false);
  await new Promise((r) => head.on('exit', r));
  assert.equal(out, `RS ${rs} ${vs} DOWN\nVS ${vs} DOWN\nRS [198.51.100.3]:tcp:8080 ${vs} DOWN\nVS ${vs} DOWN\n`);
  await fx.idle();
  await waitFor(() => existsSync(tmp.path('conn-3.closed')), 5000, 'three mails');
  const subjects = readdirSync(tmp.dir)
    .filter((n) => /^conn-\d+\.raw$/.test(n))
    .sort()
    .map((n) => readFileSync(tmp.path(n), 'latin1'))
    .map((raw) => `${/^Subject: (.*)\r$/m.exec(raw)?.[1] ?? ''} | ${/\r\n\r\n(.*)\r\n\r\n\.\r\n/.exec(raw)?.[1] ?? ''}`);
  assert.deepEqual(subjects, [
    `[LB1] Virtualserver ${vs} - DOWN | => Lost quorum 1+0=1 <= 0 <=`,
    `[LB1] Realserver ${rs} of virtual server ${vs} - DOWN | => TCP CHECK failed on service <=`,
    `[LB1] Realserver [198.51.100.3]:tcp:8080 of virtual server ${vs} - DOWN | => Shutting down <=`,
  ]);
  fx.close();
  assert.equal(existsSync(fifo), false);
});
