/**
 * The SMTP alert client against real servers on loopback: Python 3.11's smtpd (via
 * smtp-recorder.py, which records every byte we send) for the exact dialogue and the
 * queue; small node:net servers for refusals, silence and error replies. Nothing here
 * ever throws out of the client; failures are logged in keepalived's words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SmtpAlerter, sendSmtpAlert, type SmtpSettings } from '../../src/notify/smtp-alert.js';
import { quorumAlert, realServerAlert, checkerAlertBody, vrrpInstanceAlert } from '../../src/notify/smtp-message.js';
import { createLab } from '../lab/netns.js';
import { SMTP_RECORDER, captureLogger, recorderReady, tempDir } from './helpers.js';
import { waitFor } from '../lab/wait.js';

function requirePythonSmtpd(): void {
  const r = spawnSync('python3', ['-W', 'ignore', '-c', 'import smtpd'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 with the smtpd module (Python ≤ 3.11) is required: ${r.stderr}`);
}

async function startRecorder(dir: string): Promise<{ port: number; proc: ChildProcess }> {
  requirePythonSmtpd();
  const proc = spawn('python3', [SMTP_RECORDER, dir, '127.0.0.1', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await recorderReady(proc);
  return { port, proc };
}

const settings = (port: number, extra: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: '127.0.0.1',
  port,
  heloName: 'lb1.example.com',
  from: 'keepalived@example.com',
  to: ['admin@example.com', 'ops@example.com'],
  timeoutMs: 3000,
  ...extra,
});

test('real smtpd server: exact dialogue, headers and body', async (t) => {
  const tmp = tempDir('smtp');
  t.after(tmp.remove);
  const { port, proc } = await startRecorder(tmp.dir);
  t.after(() => proc.kill('SIGTERM'));
  const cap = captureLogger();
  const alert = vrrpInstanceAlert('LB1', 'VI_1', 'MASTER');
  const date = new Date(Date.UTC(2026, 10, 26, 12, 0, 0));
  const r = await sendSmtpAlert(settings(port), alert, { log: cap.log, now: () => date });
  assert.deepEqual(r, { ok: true });
  await waitFor(() => existsSync(tmp.path('conn-1.closed')), 5000, 'the server to see the connection close');
  const raw = readFileSync(tmp.path('conn-1.raw'), 'latin1');
  const dateLine = /^Date: (.*)\r$/m.exec(raw)?.[1];
  assert.equal(Date.parse(dateLine ?? ''), date.getTime());
  assert.equal(
    raw.replace(/^Date: .*\r$/m, 'Date: X\r'),
    [
      'HELO lb1.example.com',
      'MAIL FROM:<keepalived@example.com>',
      'RCPT TO:<admin@example.com>',
      'RCPT TO:<ops@example.com>',
      'DATA',
      'Date: X',
      'From: keepalived@example.com',
      'Subject: [LB1] VRRP Instance VI_1 - Entering MASTER state',
      'X-Mailer: Keepalived',
      'To: admin@example.com, ops@example.com',
      '',
      '=> VRRP Instance is now owning VRRP VIPs <=',
      '',
      '.',
      'QUIT',
      '',
    ].join('\r\n'),
  );
  assert.match(cap.text(), /Remote SMTP server \[127\.0\.0\.1\]:\d+ connected\.\nSMTP alert successfully sent\./);
});

test('queue: alerts go out one at a time, in order, without blocking the caller', async (t) => {
  const tmp = tempDir('smtp');
  t.after(tmp.remove);
  const { port, proc } = await startRecorder(tmp.dir);
  t.after(() => proc.kill('SIGTERM'));
  const cap = captureLogger();
  const alerter = new SmtpAlerter(settings(port, { to: ['admin@example.com'] }), { log: cap.log });
  const subjects = [
    quorumAlert('LB1', '[192.0.2.10]:tcp:80', 'lost', { quorum: 1, hysteresis: 0, threshold: 1, liveWeight: 0 }),
    realServerAlert('LB1', '[198.51.100.2]:tcp:80', '[192.0.2.10]:tcp:80', false, checkerAlertBody('TCP_CHECK', { type: 'down' })),
    vrrpInstanceAlert('LB1', 'VI_1', 'BACKUP'),
  ];
  for (const a of subjects) assert.equal(alerter.send(a), undefined);
  // send() only queues: no alert can have completed before this test yields to the event loop.
  assert.deepEqual(alerter.stats(), { sent: 0, failed: 0, dropped: 0 }, 'send() returns before any I/O');
  await alerter.idle();
  assert.deepEqual(alerter.stats(), { sent: 3, failed: 0, dropped: 0 });
  await waitFor(() => existsSync(tmp.path('conn-3.closed')), 5000, 'three connections');
  for (let i = 0; i < 3; i++) {
    const raw = readFileSync(tmp.path(`conn-${i + 1}.raw`), 'latin1');
    assert.ok(raw.includes(`Subject: ${subjects[i]!.subject}\r\n`), `connection ${i + 1} carries alert ${i + 1}`);
    assert.ok(raw.includes(`\r\n\r\n${subjects[i]!.body}\r\n\r\n.\r\n`));
  }
});

async function listen(onConn: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onConn);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

test('server down (connection refused): logged failure, no throw', async () => {
  const { server, port } = await listen(() => undefined);
  await new Promise<void>((r) => server.close(() => r()));
  const cap = captureLogger();
  const r = await sendSmtpAlert(settings(port), vrrpInstanceAlert('r', 'VI_1', 'MASTER'), { log: cap.log });
  assert.equal(r.ok, false);
  assert.match(cap.text(), new RegExp(`SMTP connection ERROR to \\[127\\.0\\.0\\.1\\]:${port}\\.`));
  const alerter = new SmtpAlerter(settings(port), { log: cap.log });
  alerter.send(vrrpInstanceAlert('r', 'VI_1', 'BACKUP'));
  await alerter.idle();
  assert.deepEqual(alerter.stats(), { sent: 0, failed: 1, dropped: 0 });
});

test('silent server: the wait for the greeting times out after smtp_connect_timeout', async (t) => {
  const sockets: Socket[] = [];
  const { server, port } = await listen((s) => sockets.push(s));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const cap = captureLogger();
  const started = Date.now();
  const r = await sendSmtpAlert(settings(port, { timeoutMs: 400 }), vrrpInstanceAlert('r', 'VI_1', 'MASTER'), { log: cap.log });
  const took = Date.now() - started;
  assert.equal(r.ok, false);
  assert.ok(took >= 400 && took < 3000, `took ${took} ms`);
  assert.match(cap.text(), /Timeout reading data to remote SMTP server \[127\.0\.0\.1\]:\d+\./);
});

test('connect that never completes (netns, no one at the address): times out after smtp_connect_timeout', async (t) => {
  const lab = createLab(1, 'smtp');
  t.after(() => lab.down());
  // Inside the lab host 192.0.2.99 is on-link but absent: ARP never resolves, the SYN never leaves.
  const code = `
    import { sendSmtpAlert } from ${JSON.stringify(new URL('../../src/notify/smtp-alert.js', import.meta.url).href)};
    import { createLogger } from ${JSON.stringify(new URL('../../src/core/logger.js', import.meta.url).href)};
    const msgs = [];
    const log = createLogger({ ident: 't', level: 'debug', sinks: [(r) => msgs.push(r.msg)] });
    const t0 = Date.now();
    const r = await sendSmtpAlert({ host: '192.0.2.99', port: 25, heloName: 'h', from: 'f@x', to: ['a@x'], timeoutMs: 400 }, { subject: 's', body: 'b' }, { log });
    console.log(JSON.stringify({ r, msgs, ms: Date.now() - t0 }));`;
  const child = lab.spawn(lab.host(1), [process.execPath, '--input-type=module', '-e', code]);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(exit, 0, out);
  const res = JSON.parse(out) as { r: { ok: boolean }; msgs: string[]; ms: number };
  assert.equal(res.r.ok, false);
  assert.deepEqual(res.msgs, ['Timeout connecting SMTP server [192.0.2.99]:25.']);
  assert.ok(res.ms >= 400 && res.ms < 2000, `took ${res.ms} ms`);
});

test('an error reply stops the dialogue with keepalived\'s log line, QUIT is still sent', async (t) => {
  const seen: string[] = [];
  const { server, port } = await listen((s) => {
    s.write('220 hi\r\n');
    s.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\r\n').filter(Boolean)) {
        seen.push(line);
        if (line.startsWith('HELO')) s.write('250 ok\r\n');
        else if (line.startsWith('MAIL')) s.write('250 ok\r\n');
        else if (line.startsWith('RCPT')) s.write('550 no such user\r\n');
        else if (line === 'QUIT') s.end('221 bye\r\n');
      }
    });
  });
  t.after(() => server.close());
  const cap = captureLogger();
  const r = await sendSmtpAlert(settings(port), vrrpInstanceAlert('r', 'VI_1', 'MASTER'), { log: cap.log });
  assert.equal(r.ok, false);
  assert.match(cap.text(), new RegExp(`Error processing RCPT cmd on SMTP server \\[127\\.0\\.0\\.1\\]:${port}\\. SMTP status code = 550`));
  assert.deepEqual(seen, ['HELO lb1.example.com', 'MAIL FROM:<keepalived@example.com>', 'RCPT TO:<admin@example.com>', 'QUIT']);
});

test('a server that closes mid-dialogue is a logged failure', async (t) => {
  const { server, port } = await listen((s) => {
    s.write('220 hi\r\n');
    s.once('data', () => s.destroy());
  });
  t.after(() => server.close());
  const cap = captureLogger();
  const r = await sendSmtpAlert(settings(port), vrrpInstanceAlert('r', 'VI_1', 'MASTER'), { log: cap.log });
  assert.equal(r.ok, false);
  assert.match(cap.text(), /Remote SMTP server \[127\.0\.0\.1\]:\d+ has closed the connection\./);
});
