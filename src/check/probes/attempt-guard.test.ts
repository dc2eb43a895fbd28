import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProbeOutcome } from '../probe.js';
import { guardAttempt } from './attempt-guard.js';

test('first outcome wins, release runs once, timer and abort listener are dropped', async () => {
  let released = 0;
  const ac = new AbortController();
  const p = new Promise<ProbeOutcome>((resolve) => {
    const g = guardAttempt(resolve, { timeoutMs: 30, onTimeout: () => ({ type: 'failure', reason: 'timeout' }), signal: ac.signal, release: () => released++ });
    g.finish({ type: 'success' });
    g.finish({ type: 'failure', reason: 'late' });
    assert.equal(g.finished, true);
  });
  assert.deepEqual(await p, { type: 'success' });
  ac.abort();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(released, 1);
});

test('timeout and abort (also an already aborted signal)', async () => {
  const timeout = await new Promise<ProbeOutcome>((resolve) => guardAttempt(resolve, { timeoutMs: 10, onTimeout: () => ({ type: 'failure', reason: 'timeout' }), release: () => undefined }));
  assert.deepEqual(timeout, { type: 'failure', reason: 'timeout' });
  const ac = new AbortController();
  const p = new Promise<ProbeOutcome>((resolve) => guardAttempt(resolve, { timeoutMs: 5000, onTimeout: () => ({ type: 'success' }), signal: ac.signal, release: () => undefined }));
  ac.abort();
  assert.deepEqual(await p, { type: 'failure', reason: 'aborted' });
  const pre = await new Promise<ProbeOutcome>((resolve) => guardAttempt(resolve, { timeoutMs: 5000, onTimeout: () => ({ type: 'success' }), signal: AbortSignal.abort(), release: () => undefined }));
  assert.deepEqual(pre, { type: 'failure', reason: 'aborted' });
});

test('probe close() aborts attempts in flight (loopback UDP and SMTP against silent peers)', async () => {
  const { createSocket } = await import('node:dgram');
  const { createServer } = await import('node:net');
  const { createUdpProbe } = await import('./udp.js');
  const { createSmtpProbe } = await import('./smtp.js');
  const { nullLogger } = await import('../../core/logger.js');
  const silentUdp = createSocket('udp4');
  await new Promise<void>((r) => silentUdp.bind(0, '127.0.0.1', () => r()));
  const silentTcp = createServer(() => undefined);
  await new Promise<void>((r) => silentTcp.listen(0, '127.0.0.1', () => r()));
  try {
    const base = { loc: { file: 't', line: 1, col: 1 }, retry: 1, delayBeforeRetryMs: 1, delayLoopMs: 1, warmupMs: 0, alpha: false, logAllFailures: false };
    const conn = (port: number) => ({ connectIp: '127.0.0.1', family: 4 as const, connectPort: port, connectTimeoutMs: 5000 });
    const env = { log: nullLogger, random: Math.random };
    const udp = createUdpProbe({ ...base, type: 'UDP_CHECK', connection: conn(silentUdp.address().port), requireReply: true, minReplyLength: 0, maxReplyLength: 255 }, env);
    const addr = silentTcp.address();
    const smtp = createSmtpProbe({ ...base, type: 'SMTP_CHECK', connection: conn(typeof addr === 'object' && addr ? addr.port : 0), heloName: 'h', fromHostBlock: false }, env);
    const t0 = Date.now();
    const pending = [udp.run({ urlIndex: 0 }), smtp.run({ urlIndex: 0 })];
    await new Promise((r) => setTimeout(r, 50));
    udp.close();
    smtp.close();
    assert.deepEqual(await Promise.all(pending), [
      { type: 'failure', reason: 'aborted' },
      { type: 'failure', reason: 'aborted' },
    ]);
    assert.ok(Date.now() - t0 < 1000);
    assert.deepEqual(await udp.run({ urlIndex: 0 }), { type: 'failure', reason: 'aborted' }, 'a closed probe runs no more');
  } finally {
    silentUdp.close();
    silentTcp.close();
  }
});
