import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { HttpResponseReader, parseStatusLine } from './http-response.js';

const md5 = (s: string | Buffer): string => createHash('md5').update(s).digest('hex');
const RESPONSE = 'HTTP/1.0 200 OK\r\nContent-Length: 11\r\n\r\nhello world';

function feed(r: HttpResponseReader, s: string | Buffer, sizes: readonly number[]): void {
  const b = Buffer.from(s);
  let off = 0;
  for (const n of sizes) {
    assert.equal(r.push(b.subarray(off, off + n)).type, 'more');
    off += n;
  }
  if (off < b.length) assert.equal(r.push(b.subarray(off)).type, 'more');
}

test('status line parsing', () => {
  assert.equal(parseStatusLine(Buffer.from('HTTP/1.1 503 Service Unavailable\r\n')), 503);
  assert.equal(parseStatusLine(Buffer.from('HTTP/1.0 200\r\n')), 200);
  assert.equal(parseStatusLine(Buffer.from('HTTP/2 204 No Content\r\n')), 204);
  assert.equal(parseStatusLine(Buffer.from('garbage 200\r\n')), undefined);
  assert.equal(parseStatusLine(Buffer.from('HTTP/1.1 20\r\n')), undefined);
});

test('whole response in one chunk', () => {
  const r = new HttpResponseReader();
  feed(r, RESPONSE, []);
  const res = r.finish();
  assert.ok(res.ok);
  assert.equal(res.value.head.statusCode, 200);
  assert.equal(res.value.head.raw.toString(), 'HTTP/1.0 200 OK\r\nContent-Length: 11\r\n\r\n');
  assert.equal(res.value.bodyBytes, 11);
  assert.equal(res.value.md5, md5('hello world'));
  assert.equal(res.value.regexWindow.toString(), 'hello world');
});

test('every split point, including inside CRLFCRLF, gives the same result', () => {
  for (let i = 1; i < RESPONSE.length; i++) {
    for (const sizes of [[i], [1, i], Array.from({ length: i }, () => 1)]) {
      const r = new HttpResponseReader();
      feed(r, RESPONSE, sizes);
      const res = r.finish();
      assert.ok(res.ok, `split ${sizes.join(',')}`);
      assert.equal(res.value.md5, md5('hello world'), `split ${sizes.join(',')}`);
      assert.equal(res.value.head.statusCode, 200);
    }
  }
});

test('chunked body is hashed raw (no decoding), like genhash', () => {
  const body = '5\r\nhello\r\n0\r\n\r\n';
  const r = new HttpResponseReader();
  feed(r, `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body}`, [20, 31]);
  const res = r.finish();
  assert.ok(res.ok);
  assert.equal(res.value.md5, md5(body));
});

test('EOF before any byte and before the header end are failures', () => {
  const empty = new HttpResponseReader().finish();
  assert.deepEqual(empty, { ok: false, reason: 'connection closed without a response' });
  const r = new HttpResponseReader();
  feed(r, 'HTTP/1.0 200 OK\r\nX: y\r\n', []);
  assert.deepEqual(r.finish(), { ok: false, reason: 'connection closed before the end of the HTTP header' });
});

test('limits: header, body, regex window', () => {
  const limits = { maxHeaderBytes: 32, maxBodyBytes: 100, maxRegexBytes: 10 };
  const h = new HttpResponseReader(limits);
  assert.equal(h.push(Buffer.from('HTTP/1.0 200 OK\r\n')).type, 'more');
  const over = h.push(Buffer.from('X-Long: aaaaaaaaaaaaaaaaaaaaaa'));
  assert.equal(over.type, 'error');
  assert.equal(h.finish().ok, false);

  const b = new HttpResponseReader(limits);
  assert.equal(b.push(Buffer.from('HTTP/1.0 200 OK\r\n\r\n')).type, 'more');
  assert.equal(b.push(Buffer.alloc(60, 0x61)).type, 'more');
  assert.deepEqual(b.push(Buffer.alloc(60, 0x61)), { type: 'error', reason: 'body too large (> 100 bytes)' });

  const w = new HttpResponseReader(limits);
  feed(w, 'HTTP/1.0 200 OK\r\n\r\n0123456789abcdef', [22]);
  const res = w.finish();
  assert.ok(res.ok);
  assert.equal(res.value.regexWindow.toString(), '0123456789');
  assert.equal(res.value.md5, md5('0123456789abcdef'));
});

test('hooks: onHead once, then onBody sees exactly the body bytes', () => {
  const seen: Buffer[] = [];
  const heads: string[] = [];
  const r = new HttpResponseReader(undefined, { onHead: (h) => heads.push(h.raw.toString()), onBody: (c) => seen.push(Buffer.from(c)) });
  feed(r, RESPONSE, [30, 5]);
  assert.equal(Buffer.concat(seen).toString(), 'hello world');
  assert.deepEqual(heads, ['HTTP/1.0 200 OK\r\nContent-Length: 11\r\n\r\n']);
});
