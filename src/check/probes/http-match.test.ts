import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpUrlConfig } from '../../config/lvs/model.js';
import { compileUrlRegex, judgeHttpResponse, regexMatches, statusAccepted } from './http-match.js';
import type { HttpResponse } from './http-response.js';

const LOC = { file: 'k.conf', line: 1, col: 1 };
const url = (over: Partial<HttpUrlConfig> = {}): HttpUrlConfig => ({
  path: '/',
  statusCodes: [[200, 299]],
  regexNoMatch: false,
  tlsCompliant: false,
  loc: LOC,
  ...over,
});
const response = (status: number | undefined, body: string, md5 = '0'.repeat(32)): HttpResponse => ({
  head: { raw: Buffer.from(''), statusCode: status },
  bodyBytes: body.length,
  md5,
  regexWindow: Buffer.from(body, 'latin1'),
});

test('status code ranges', () => {
  assert.equal(statusAccepted(200, [[200, 299]]), true);
  assert.equal(statusAccepted(404, [[200, 299], [400, 404]]), true);
  assert.equal(statusAccepted(503, [[200, 299], [400, 404]]), false);
});

test('verdict order: status, then digest, then regex', () => {
  assert.deepEqual(judgeHttpResponse(url(), response(503, 'x'), undefined), { type: 'failure', reason: 'HTTP status code 503' });
  assert.deepEqual(judgeHttpResponse(url(), response(undefined, 'x'), undefined), { type: 'failure', reason: 'invalid HTTP status line' });
  const d = 'a'.repeat(32);
  assert.deepEqual(judgeHttpResponse(url({ digest: d }), response(200, 'x', 'b'.repeat(32)), undefined), {
    type: 'failure',
    reason: `digest mismatch: got ${'b'.repeat(32)}, expected ${d}`,
  });
  assert.deepEqual(judgeHttpResponse(url({ digest: d }), response(200, 'x', d), undefined), { type: 'success' });
  const re = compileUrlRegex('al+ive', undefined);
  assert.ok(re.ok);
  assert.deepEqual(judgeHttpResponse(url(), response(200, 'I am alive'), re.value.re), { type: 'success' });
  assert.deepEqual(judgeHttpResponse(url(), response(200, 'I am dead'), re.value.re), { type: 'failure', reason: 'regex did not match' });
  assert.deepEqual(judgeHttpResponse(url({ regexNoMatch: true }), response(200, 'I am alive'), re.value.re), {
    type: 'failure',
    reason: 'regex matched (regex_no_match)',
  });
  assert.deepEqual(judgeHttpResponse(url({ regexNoMatch: true }), response(200, 'I am dead'), re.value.re), { type: 'success' });
});

test('regex options map to flags; unknown ones are reported', () => {
  const c = compileUrlRegex('^ok$', 'caseless multiline never_utf');
  assert.ok(c.ok);
  assert.equal(c.value.re.flags, 'gim');
  assert.deepEqual(c.value.ignoredOptions, ['never_utf']);
  assert.equal(regexMatches(c.value.re, Buffer.from('status\nOK\n')), true);
  assert.equal(compileUrlRegex('(', undefined).ok, false);
});

test('regex min/max offsets bound where a match may start', () => {
  const c = compileUrlRegex('ok', undefined);
  assert.ok(c.ok);
  const body = Buffer.from('ok......ok');
  assert.equal(regexMatches(c.value.re, body, 1), true); // the second one at 8
  assert.equal(regexMatches(c.value.re, body, 9), false);
  assert.equal(regexMatches(c.value.re, body, 1, 7), false);
  assert.equal(regexMatches(c.value.re, body, 0, 0), true);
  // lastIndex is reset: a second call gives the same answer.
  assert.equal(regexMatches(c.value.re, body), true);
});
