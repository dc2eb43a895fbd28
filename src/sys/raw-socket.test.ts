// RawSocket over loopback UDP (root namespace loopback only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { RawSocket } from './raw-socket.js';
import { nio } from './nio.js';
import { decodeSockaddr, sockaddrIn } from './sockaddr.js';

const K = nio().constants;
const LO = Uint8Array.of(127, 0, 0, 1);

function udpPair(opts: { maxBatch?: number } = {}): { rx: RawSocket; tx: RawSocket; to: Uint8Array } {
  const rx = RawSocket.open(K.AF_INET, K.SOCK_DGRAM, 0, opts);
  rx.bind(sockaddrIn(LO, 0));
  const a = decodeSockaddr(rx.getsockname());
  assert.ok(a.ok && a.value.type === 'in');
  const tx = RawSocket.open(K.AF_INET, K.SOCK_DGRAM, 0);
  return { rx, tx, to: sockaddrIn(LO, a.value.port) };
}

test('drains queued datagrams in bounded batches, each a private copy', async () => {
  const { rx, tx, to } = udpPair({ maxBatch: 3 });
  for (let i = 0; i < 10; i++) assert.equal(tx.send(Uint8Array.of(i), to), 1);
  const got: Uint8Array[] = [];
  await new Promise<void>((resolve, reject) => {
    rx.receive((data) => {
      got.push(data);
      if (got.length === 10) resolve();
    }, reject);
  });
  rx.close();
  tx.close();
  assert.deepEqual(got.map((d) => d[0]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('stops draining when a handler closes the socket, and close is idempotent', async () => {
  const { rx, tx, to } = udpPair();
  for (let i = 0; i < 5; i++) tx.send(Uint8Array.of(i), to);
  let calls = 0;
  const errors: Error[] = [];
  await new Promise<void>((resolve) => {
    rx.receive(() => {
      calls++;
      rx.close();
      setTimeout(resolve, 20);
    }, (e) => errors.push(e));
  });
  rx.close();
  tx.close();
  assert.equal(calls, 1);
  assert.deepEqual(errors, []);
  assert.throws(() => rx.send(Uint8Array.of(1), to), /closed/);
});

test('open/receive/close cycles leave the fd count flat', () => {
  const count = (): number => readdirSync('/proc/self/fd').length;
  const before = count();
  for (let i = 0; i < 2000; i++) {
    const s = RawSocket.open(K.AF_INET, K.SOCK_DGRAM, 0);
    s.receive(() => undefined, () => undefined);
    s.close();
  }
  assert.ok(count() - before <= 2, `fd count grew from ${before} to ${count()}`);
});
