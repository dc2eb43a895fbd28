import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpDialog } from './smtp-dialog.js';

test('full dialogue with multi-line replies and split chunks', () => {
  const d = new SmtpDialog('helo.example');
  assert.deepEqual(d.feed('220-mail.example ESMTP\r\n220'), { type: 'wait' });
  assert.deepEqual(d.feed(' ready\r\n'), { type: 'send', data: 'HELO helo.example\r\n' });
  assert.deepEqual(d.feed('250-first\r\n250-second\r\n'), { type: 'wait' });
  assert.deepEqual(d.feed('250 ok\n'), { type: 'send', data: 'QUIT\r\n' });
  assert.deepEqual(d.feed('221 bye\r\n'), { type: 'done' });
});

test('wrong codes and garbage fail', () => {
  assert.deepEqual(new SmtpDialog('h').feed('554 go away\r\n'), { type: 'fail', reason: 'banner: expected 220, got 554' });
  const d = new SmtpDialog('h');
  d.feed('220 hi\r\n');
  assert.deepEqual(d.feed('550 no\r\n'), { type: 'fail', reason: 'helo: expected 250, got 550' });
  assert.equal(new SmtpDialog('h').feed('HTTP/1.1 200 OK\r\n').type, 'fail');
  assert.deepEqual(new SmtpDialog('h').feed('x'.repeat(20000)), { type: 'fail', reason: 'reply line too long' });
  assert.deepEqual(new SmtpDialog('h').feed('220'), { type: 'wait' }, 'a bare code without newline waits');
});
