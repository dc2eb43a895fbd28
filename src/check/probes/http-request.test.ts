import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHttpRequest, hostHeader } from './http-request.js';

test('HTTP/1.0 request: no Connection header, ip:port host', () => {
  const host = hostHeader(undefined, '192.0.2.10', 8080, 4);
  assert.equal(buildHttpRequest({ path: '/health', protocol: '1.0', host }), 'GET /health HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 192.0.2.10:8080\r\n\r\n');
});

test('HTTP/1.0C adds Connection: close before Host', () => {
  assert.equal(
    buildHttpRequest({ path: '/x', protocol: '1.0C', host: '192.0.2.1:80' }),
    'GET /x HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: 192.0.2.1:80\r\n\r\n',
  );
});

test('HTTP/1.1 with a virtualhost: no port appended', () => {
  const host = hostHeader('www.example.com', '192.0.2.1', 8443, 4);
  assert.equal(
    buildHttpRequest({ path: '/a?b=c', protocol: '1.1', host }),
    'GET /a?b=c HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.com\r\n\r\n',
  );
});

test('IPv6 host is bracketed', () => {
  assert.equal(hostHeader(undefined, '2001:db8::1', 80, 6), '[2001:db8::1]:80');
});
