import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReplies, smtpSettingsFrom } from './smtp-alert.js';
import type { GlobalDefs } from '../config/model.js';

test('parseReplies: multi-line replies yield one final code; partial lines stay buffered', () => {
  assert.deepEqual(parseReplies('220 hi\r\n'), { codes: [220], rest: '' });
  assert.deepEqual(parseReplies('250-a\r\n250-b\r\n250 c\r\n354 go'), { codes: [250], rest: '354 go' });
  assert.deepEqual(parseReplies('250\r\n221 bye\n'), { codes: [250, 221], rest: '' });
  assert.deepEqual(parseReplies('garbage\r\n550 no\r\n'), { codes: [550], rest: '' });
});

test('smtpSettingsFrom: nothing without a server or recipients; keepalived defaults otherwise', () => {
  const base = { notificationEmail: ['a@x', 'b@x'], smtpConnectTimeoutMs: 30_000 } as unknown as GlobalDefs;
  assert.equal(smtpSettingsFrom(base), null);
  assert.equal(smtpSettingsFrom({ ...base, notificationEmail: [], smtpServer: { host: '192.0.2.25', port: 25 } }), null);
  const s = smtpSettingsFrom({ ...base, smtpServer: { host: '192.0.2.25', port: 2525 } }, { hostname: 'lb1', user: 'root' });
  assert.deepEqual(s, { host: '192.0.2.25', port: 2525, heloName: 'lb1', from: 'root@lb1', to: ['a@x', 'b@x'], timeoutMs: 30_000 });
  const t = smtpSettingsFrom({ ...base, smtpServer: { host: 'h', port: 25 }, notificationEmailFrom: 'ka@x', smtpHeloName: 'helo.x' }, { hostname: '', user: 'u' });
  assert.equal(t?.heloName, 'helo.x');
  assert.equal(t?.from, 'ka@x');
  assert.equal(smtpSettingsFrom({ ...base, smtpServer: { host: 'h', port: 25 } }, { hostname: '', user: 'u' })?.heloName, 'localhost');
});
