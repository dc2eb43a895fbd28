/**
 * The message builders reproduce Debian keepalived 2.2.7's captured mails byte for byte
 * (test/fixtures/smtp/*.raw, apart from the Date value), plus the pure helpers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SMTP_QUIT, smtpDialogue, type SmtpSettings } from './smtp-alert.js';
import {
  EmailStateDedupe,
  buildDataPayload,
  checkerAlertBody,
  dotStuff,
  quorumAlert,
  quorumShutdownAlert,
  realServerAlert,
  realServerShutdownAlert,
  rfc822Date,
  vrrpGroupAlert,
  vrrpInstanceAlert,
  type SmtpAlert,
} from './smtp-message.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/smtp/', import.meta.url));

const vrrpSettings: SmtpSettings = { host: '127.0.0.1', port: 2525, heloName: 'lb-test.example.com', from: 'keepalived@example.com', to: ['admin@example.com', 'ops@example.com'], timeoutMs: 5000 };
const chkSettings: SmtpSettings = { ...vrrpSettings, heloName: 'lb-chk.example.com', to: ['admin@example.com'] };

const VS100 = '[198.51.100.100]:tcp:80';
const VS101 = '[198.51.100.101]:tcp:80';
const VS102 = '[198.51.100.102]:udp:53';
const VS103 = '[198.51.100.103]:tcp:25';
const RS_WEB = '[198.51.100.2]:tcp:8080';
const R = 'LB_CHK';

/** Each captured mail and how our builders describe the same event. */
const CASES: Record<string, { settings: SmtpSettings; alert: SmtpAlert }> = {
  'vrrp-instance-backup.raw': { settings: vrrpSettings, alert: vrrpInstanceAlert('LB_TEST', 'VI_1', 'BACKUP') },
  'vrrp-instance-master.raw': { settings: vrrpSettings, alert: vrrpInstanceAlert('LB_TEST', 'VI_1', 'MASTER') },
  'vrrp-group-backup.raw': { settings: vrrpSettings, alert: vrrpGroupAlert('LB_TEST', 'SG1', 'BACKUP') },
  'vrrp-group-master.raw': { settings: vrrpSettings, alert: vrrpGroupAlert('LB_TEST', 'SG1', 'MASTER') },
  'vs-starting-quorum-up.raw': { settings: chkSettings, alert: quorumAlert(R, VS100, 'starting-up', { quorum: 1, hysteresis: 0, threshold: 1, liveWeight: 1 }) },
  'vs-starting-quorum-up-live2.raw': { settings: chkSettings, alert: quorumAlert(R, VS102, 'starting-up', { quorum: 1, hysteresis: 0, threshold: 1, liveWeight: 2 }) },
  'vs-lost-quorum.raw': { settings: chkSettings, alert: quorumAlert(R, VS101, 'lost', { quorum: 1, hysteresis: 0, threshold: 1, liveWeight: 0 }) },
  'vs-gained-quorum.raw': { settings: chkSettings, alert: quorumAlert(R, VS103, 'gained', { quorum: 1, hysteresis: 0, threshold: 1, liveWeight: 1 }) },
  'rs-tcp-up.raw': { settings: chkSettings, alert: realServerAlert(R, RS_WEB, VS100, true, checkerAlertBody('TCP_CHECK', { type: 'up' })) },
  'rs-tcp-down.raw': { settings: chkSettings, alert: realServerAlert(R, RS_WEB, VS100, false, checkerAlertBody('TCP_CHECK', { type: 'down' })) },
  'rs-http-up.raw': { settings: chkSettings, alert: realServerAlert(R, RS_WEB, VS101, true, checkerAlertBody('HTTP_GET', { type: 'up' })) },
  'rs-http-down.raw': { settings: chkSettings, alert: realServerAlert(R, RS_WEB, VS101, false, checkerAlertBody('HTTP_GET', { type: 'down' })) },
  'rs-misc-up.raw': { settings: chkSettings, alert: realServerAlert(R, '[198.51.100.3]:none:0', 'FWM 5', true, checkerAlertBody('MISC_CHECK', { type: 'up' })) },
  'rs-misc-down.raw': { settings: chkSettings, alert: realServerAlert(R, '[198.51.100.3]:none:0', 'FWM 5', false, checkerAlertBody('MISC_CHECK', { type: 'down' })) },
  'rs-ping-up.raw': { settings: chkSettings, alert: realServerAlert(R, '[198.51.100.2]:udp:53', VS102, true, checkerAlertBody('PING_CHECK', { type: 'up' })) },
  'rs-ping-down.raw': { settings: chkSettings, alert: realServerAlert(R, '[198.51.100.2]:udp:53', VS102, false, checkerAlertBody('PING_CHECK', { type: 'down' })) },
  'rs-dns-down.raw': { settings: chkSettings, alert: realServerAlert(R, '[198.51.100.4]:udp:53', VS102, false, checkerAlertBody('DNS_CHECK', { type: 'down' })) },
  'rs-smtp-up.raw': { settings: chkSettings, alert: realServerAlert(R, '[198.51.100.2]:tcp:2526', VS103, true, checkerAlertBody('SMTP_CHECK', { type: 'up' })) },
  'rs-smtp-down.raw': {
    settings: chkSettings,
    alert: realServerAlert(R, '[198.51.100.2]:tcp:2526', VS103, false, checkerAlertBody('SMTP_CHECK', { type: 'down', reason: 'Read timeout from server [198.51.100.2]:2526' })),
  },
};

const maskDate = (s: string): string => s.replace(/^Date: .*$/m, 'Date: X');

test('every captured keepalived 2.2.7 mail has a case, and our dialogue matches it byte for byte', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.raw')).sort();
  assert.deepEqual(files, Object.keys(CASES).sort());
  for (const f of files) {
    const c = CASES[f]!;
    const captured = readFileSync(FIXTURES + f, 'latin1');
    const ours = smtpDialogue(c.settings, c.alert, new Date()).map((st) => st.send ?? '').join('') + SMTP_QUIT;
    assert.equal(maskDate(ours), maskDate(captured), f);
  }
});

test('VRRP subjects and bodies for STOP, FAULT and DELETED', () => {
  assert.deepEqual(vrrpInstanceAlert('r', 'VI_1', 'STOP'), { subject: '[r] VRRP Instance VI_1 - Stopping', body: '=> VRRP Instance stopping <=' });
  assert.deepEqual(vrrpInstanceAlert('r', 'VI_1', 'FAULT'), { subject: '[r] VRRP Instance VI_1 - Entering FAULT state', body: '=> VRRP Instance is no longer owning VRRP VIPs <=' });
  assert.deepEqual(vrrpInstanceAlert('r', 'VI_1', 'DELETED'), { subject: '[r] VRRP Instance VI_1 - Deleted', body: '=> VRRP Deleted at reload <=' });
  assert.deepEqual(vrrpGroupAlert('r', 'SG', 'STOP'), { subject: '[r] VRRP Group SG - Stopping', body: '=> All VRRP group instances are now stopping <=' });
  assert.equal(vrrpGroupAlert('r', 'SG', 'FAULT').body, '=> All VRRP group instances are now in FAULT state <=');
});

test('checker bodies for the kinds not captured, and shutdown/removal mails', () => {
  assert.equal(checkerAlertBody('UDP_CHECK', { type: 'up' }), '=> UDP CHECK succeed on service <=');
  assert.equal(checkerAlertBody('UDP_CHECK', { type: 'down' }), '=> UDP CHECK failed on service <=');
  assert.equal(checkerAlertBody('DNS_CHECK', { type: 'up' }), '=> DNS_CHECK: succeed on service <=');
  assert.equal(checkerAlertBody('SSL_GET', { type: 'down' }), '=> CHECK failed on service : HTTP request failed <=');
  assert.equal(checkerAlertBody('SMTP_CHECK', { type: 'down' }), '=> CHECK failed on service <=');
  assert.equal(checkerAlertBody('MISC_CHECK', { type: 'down', timedOut: true }), '=> MISC CHECK timed out on service <=');
  assert.deepEqual(realServerShutdownAlert('r', '[192.0.2.1]:tcp:80', '[192.0.2.9]:tcp:80', true), {
    subject: '[r] Realserver [192.0.2.1]:tcp:80 of virtual server [192.0.2.9]:tcp:80 - DOWN',
    body: '=> Shutting down <=',
  });
  assert.equal(realServerShutdownAlert('r', 'a', 'b', false).body, '=> Removing <=');
  assert.deepEqual(quorumShutdownAlert('r', 'FWM 5'), { subject: '[r] Virtualserver FWM 5 - DOWN', body: '=> Shutting down <=' });
  assert.equal(quorumAlert('r', 'v', 'lost', { quorum: 3, hysteresis: 1, threshold: 2, liveWeight: 1 }).body, '=> Lost quorum 3+1=2 <= 1 <=');
  assert.equal(quorumAlert('r', 'v', 'starting-down', { quorum: 3, hysteresis: 1, threshold: 4, liveWeight: 0 }).subject, '[r] Virtualserver v - DOWN');
});

test('rfc822Date: strftime %a, %d %b %Y %H:%M:%S %z in local time, parseable back', () => {
  const d = new Date(Date.UTC(2026, 0, 5, 3, 4, 5));
  const s = rfc822Date(d);
  assert.match(s, /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/);
  assert.equal(Date.parse(s), d.getTime());
});

test('dot-stuffing and header safety in the DATA payload', () => {
  assert.equal(dotStuff('.a\r\nb\r\n..c\r\n'), '..a\r\nb\r\n...c\r\n');
  const p = buildDataPayload({ from: 'f@x', to: ['a@x'] }, { subject: 'S\r\nBcc: evil@x', body: 'line\n.\nend' }, new Date(0));
  assert.ok(p.includes('Subject: S Bcc: evil@x\r\n'));
  assert.ok(p.endsWith('\r\n\r\nline\r\n..\r\nend\r\n\r\n.\r\n'));
});

test('last-emailed-state dedupe and no_email_faults', () => {
  const d = new EmailStateDedupe(false);
  assert.equal(d.shouldSend('VI_1', 'BACKUP'), true);
  assert.equal(d.shouldSend('VI_1', 'BACKUP'), false);
  assert.equal(d.shouldSend('VI_2', 'BACKUP'), true);
  assert.equal(d.shouldSend('VI_1', 'MASTER'), true);
  assert.equal(d.shouldSend('VI_1', 'FAULT'), true);
  const nf = new EmailStateDedupe(true);
  assert.equal(nf.shouldSend('VI_1', 'BACKUP'), true);
  assert.equal(nf.shouldSend('VI_1', 'FAULT'), false);
  assert.equal(nf.shouldSend('VI_1', 'BACKUP'), false, 'FAULT was not mailed, so BACKUP is not a change');
  nf.forget('VI_1');
  assert.equal(nf.shouldSend('VI_1', 'BACKUP'), true);
});
