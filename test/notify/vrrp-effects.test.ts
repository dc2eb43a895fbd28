/**
 * VRRP daemon notification side effects end to end, in a lab namespace: one node goes
 * BACKUP → MASTER → STOP. Both FIFOs are created by the daemon: notify_fifo is read by
 * a plain reader the test starts, vrrp_notify_fifo by the vrrp_notify_fifo_script (which
 * gets the FIFO path appended and is terminated at stop). The SMTP server (Python smtpd
 * recorder on the namespace's loopback) receives the BACKUP and MASTER alerts. Runs
 * against keepalived-ts, or Debian keepalived 2.2.7 with DEMO_DAEMON=keepalived: the
 * same expectations hold for both.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import type { LabDaemon } from '../lab/lab-daemon.js';
import { E2e } from '../e2e/kit.js';
import { waitFor } from '../lab/wait.js';
import { isAlive } from '../lab/proc.js';
import { SMTP_RECORDER, recorderReady } from './helpers.js';

let e: E2e;
let d: LabDaemon;
let smtpd: ChildProcess;
let mailDir: string;
let allFifo: string;
let vrrpFifo: string;

before(async () => {
  e = E2e.create(1, 'nfy');
  mailDir = join(e.runDir, 'mail');
  e.lab.exec(e.host(1), ['mkdir', '-p', mailDir]);
  e.lab.exec(e.host(1), ['ip', 'link', 'set', 'lo', 'up']);
  smtpd = e.lab.spawn(e.host(1), ['python3', SMTP_RECORDER, mailDir, '127.0.0.1', '2525']);
  await recorderReady(smtpd);
  const reader = join(e.runDir, 'fifo-reader.sh');
  writeFileSync(reader, '#!/bin/sh\necho $$ > "$1.pid"\nexec cat "$1" >> "$1.log"\n');
  chmodSync(reader, 0o755);
  allFifo = join(e.runDir, 'all.fifo');
  vrrpFifo = join(e.runDir, 'vrrp.fifo');
  d = e.daemon(
    e.host(1),
    keepalivedConf({
      routerId: 'LAB1',
      vrrpVersion: 3,
      extraGlobal: [
        'notification_email {',
        '    admin@example.com',
        '}',
        'notification_email_from keepalived@example.com',
        'smtp_server 127.0.0.1 2525',
        'smtp_helo_name lab1.example.com',
        'smtp_alert',
        `notify_fifo ${allFifo}`,
        `vrrp_notify_fifo ${vrrpFifo}`,
        `vrrp_notify_fifo_script ${reader}`,
      ],
      instances: [{ name: 'VI_1', iface: 'eth0', vrid: 61, priority: 120, advertInt: 0.2, vips: ['192.0.2.161/24'] }],
    }),
  );
});

after(async () => {
  await e.teardown();
  smtpd.kill('SIGTERM');
});

const lines = (p: string): string[] => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : []);

test('FIFO lines and SMTP alerts for BACKUP, MASTER and STOP', async () => {
  d.start();
  await waitFor(() => existsSync(allFifo), 10_000, () => `the daemon to create ${allFifo}\n${e.logTails()}`);
  const cat = e.lab.spawn(e.host(1), ['sh', '-c', `exec cat ${allFifo} > ${allFifo}.log`]);
  const catExit = new Promise<number | null>((r) => cat.on('exit', (c) => r(c)));
  await e.waitHolders('192.0.2.161', ['h1'], 15_000);
  const want = ['INSTANCE "VI_1" BACKUP 120', 'INSTANCE "VI_1" MASTER 120'];
  for (const f of [allFifo, vrrpFifo]) {
    await waitFor(() => lines(`${f}.log`).length >= 2, 5000, () => `${f}: ${lines(`${f}.log`).join(' / ')}\n${e.logTails()}`);
    assert.deepEqual(lines(`${f}.log`), want, f);
  }
  const scriptPid = Number(readFileSync(`${vrrpFifo}.pid`, 'utf8'));
  assert.ok(isAlive(scriptPid), 'the fifo script runs while the daemon does');
  const subjects = (): string[] =>
    readdirSync(mailDir)
      .filter((n) => n.endsWith('.closed'))
      .map((n) => readFileSync(join(mailDir, n.replace('.closed', '.raw')), 'latin1'))
      .map((raw) => /^Subject: (.*)\r$/m.exec(raw)?.[1] ?? '')
      .sort();
  await waitFor(() => subjects().length >= 2, 10_000, () => `two mails, got ${subjects().join(' / ')}\n${e.logTails()}`);
  assert.deepEqual(subjects(), ['[LAB1] VRRP Instance VI_1 - Entering BACKUP state', '[LAB1] VRRP Instance VI_1 - Entering MASTER state']);
  const raw = readFileSync(join(mailDir, 'conn-2.raw'), 'latin1');
  assert.match(raw, /^HELO lab1\.example\.com\r\nMAIL FROM:<keepalived@example\.com>\r\nRCPT TO:<admin@example\.com>\r\nDATA\r\n/);

  await d.stop();
  // The plain reader sees the STOP line, then EOF when the daemon has closed the FIFO.
  assert.equal(await catExit, 0);
  assert.deepEqual(lines(`${allFifo}.log`), [...want, 'INSTANCE "VI_1" STOP 120']);
  await waitFor(() => !isAlive(scriptPid), 5000, () => 'the fifo script to be terminated at stop');
  for (const f of [allFifo, vrrpFifo]) assert.equal(existsSync(f), false, `${f}: a FIFO the daemon created is removed at stop`);
});
