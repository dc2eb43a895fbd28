import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { CheckerConnection } from '../../config/lvs/model.js';
import { lvsConfig } from '../../test-kit/lvs-sim.js';
import { httpGet } from './http.js';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test('httpGet: a response already received when the deadline expires under a busy event loop still counts', async () => {
  // Loopback only. The server answers and then blocks the loop past the client's 50 ms
  // response deadline (as thousands of checks do at start-up): the answer is in the
  // kernel before the deadline, so the check must not fail with a timeout.
  const server = createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', () => {
      s.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
      busyWait(200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  try {
    const cfg = lvsConfig(
      `virtual_server 192.0.2.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 127.0.0.1 ${port} {\n HTTP_GET {\n url {\n path /\n status_code 200\n }\n connect_timeout 1\n }\n }\n}\n`,
    );
    const c = cfg.virtualServers[0]?.realServers[0]?.checkers[0];
    assert.ok(c && c.type === 'HTTP_GET');
    const conn: CheckerConnection = c.connection;
    const r = await httpGet({ connection: conn, request: 'GET / HTTP/1.0\r\n\r\n', responseTimeoutMs: 50 });
    assert.equal(r.ok, true, r.ok ? '' : r.reason);
    if (r.ok) assert.deepEqual([r.value.head.statusCode, r.value.bodyBytes], [200, 2]);
  } finally {
    server.close();
  }
});
