import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { nullLogger } from '../../core/logger.js';
import type { TcpCheckConfig } from '../../config/lvs/model.js';
import { lvsConfig } from '../../test-kit/lvs-sim.js';
import { connectTcp, createTcpProbe } from './tcp.js';
import { nativeTcpConnector } from './tcp-native.js';

// Loopback only: a listener of this process, or a port nobody listens on (RST).
function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => s.on('error', () => undefined).resume());
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

function tcpConfig(port: number, connectTimeoutS = 1): TcpCheckConfig {
  const cfg = lvsConfig(
    `virtual_server 192.0.2.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 127.0.0.1 ${port} {\n TCP_CHECK {\n connect_timeout ${connectTimeoutS}\n }\n }\n}\n`,
  );
  const c = cfg.virtualServers[0]?.realServers[0]?.checkers[0];
  assert.ok(c && c.type === 'TCP_CHECK');
  return c;
}

const env = { log: nullLogger, random: Math.random };

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test('TCP probe: success on a listener, "connection refused" on a closed port', async () => {
  const { server, port } = await listen();
  try {
    assert.deepEqual(await createTcpProbe(tcpConfig(port), env).run({ urlIndex: 0 }), { type: 'success' });
  } finally {
    server.close();
  }
  assert.deepEqual(await createTcpProbe(tcpConfig(port), env).run({ urlIndex: 0 }), { type: 'failure', reason: 'connection refused' });
});

test('TCP probe: close() ends the attempt in flight and every later one with "aborted"', async () => {
  const { server, port } = await listen();
  try {
    const probe = createTcpProbe(tcpConfig(port), env);
    const pending = probe.run({ urlIndex: 0 });
    probe.close();
    assert.deepEqual(await pending, { type: 'failure', reason: 'aborted' });
    assert.deepEqual(await probe.run({ urlIndex: 0 }), { type: 'failure', reason: 'aborted' });
    const ac = new AbortController();
    const other = createTcpProbe(tcpConfig(port), env).run({ urlIndex: 0, signal: ac.signal });
    ac.abort();
    assert.deepEqual(await other, { type: 'failure', reason: 'aborted' });
  } finally {
    server.close();
  }
});

test('TCP probe: a deadline that expires while the event loop is busy lets the completed connect win', async () => {
  const { server, port } = await listen();
  try {
    const cfg = tcpConfig(port, 0.05);
    const pending = createTcpProbe(cfg, env).run({ urlIndex: 0 });
    // The kernel completes the handshake at once; the loop only sees it after the 50 ms
    // deadline has expired. A plain timer (run before the poll phase) would fail it.
    busyWait(150);
    assert.deepEqual(await pending, { type: 'success' });
    const viaConnect = connectTcp(cfg.connection);
    busyWait(150);
    const r = await viaConnect;
    assert.equal(r.ok, true);
    if (r.ok) r.value.destroy();
  } finally {
    server.close();
  }
});

test('native connect: the addon has connect(); success, "connection refused", cancel, and the probe uses it', async () => {
  const { server, port } = await listen();
  let accepted = 0;
  server.on('connection', () => accepted++);
  const cfg = tcpConfig(port);
  const connector = nativeTcpConnector(cfg.connection);
  assert.ok(connector, 'the native addon must be built with connect() (node scripts/build-native.mjs)');
  const run = (ms = 1000): Promise<string | null> => new Promise((resolve) => connector(ms, resolve));
  try {
    assert.equal(await run(), null);
    const cancelled = new Promise<string | null>((resolve) => connector(1000, resolve)());
    assert.equal(await cancelled, 'aborted');
    // Busy loop past the deadline: the completed connect still wins (ioDeadline).
    const late = run(50);
    busyWait(150);
    assert.equal(await late, null);
    assert.deepEqual(await createTcpProbe(cfg, env).run({ urlIndex: 0 }), { type: 'success' });
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(accepted >= 3, `backend saw ${accepted} connections`);
  } finally {
    server.close();
  }
  assert.equal(await run(), 'connection refused');
  // bind_if stays on the net.Socket path.
  assert.equal(nativeTcpConnector({ ...cfg.connection, bindIf: 'lo' }), null);
});
