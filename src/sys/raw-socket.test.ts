// RawSocket over loopback UDP (root namespace loopback only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { RawSocket } from './raw-socket.js';
import { nio, type RecvResult } from './nio.js';
import { decodeInt32, decodeSockaddr, sockaddrIn } from './sockaddr.js';

const K = nio().constants;
const LO = Uint8Array.of(127, 0, 0, 1);

function udpPair(opts: { maxBatch?: number; controlLen?: number } = {}): { rx: RawSocket; tx: RawSocket; to: Uint8Array } {
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

test('receiveMeta reads the sockaddr and cmsgs in place; receive hands the same as copies', async () => {
  const { rx, tx, to } = udpPair({ controlLen: 256 });
  rx.setsockopts([[K.IPPROTO_IP, K.IP_PKTINFO, 1], [K.IPPROTO_IP, K.IP_RECVTTL, 1]]);
  tx.send(Uint8Array.of(7), to);
  tx.send(Uint8Array.of(8), to);
  const seen: { byte: number | undefined; addr: number[]; cmsgs: string[] }[] = [];
  const addrViews: Uint8Array[] = [];
  await new Promise<void>((resolve, reject) => {
    rx.receiveMeta((data, meta) => {
      const cmsgs: string[] = [];
      meta.forEachCmsg((level, type, d) => {
        if (level === K.IPPROTO_IP && type === K.IP_PKTINFO) cmsgs.push(`pktinfo ${[...d.subarray(8, 12)].join('.')}`);
        else if (level === K.IPPROTO_IP && type === K.IP_TTL) cmsgs.push(`ttl ${decodeInt32(d)}`);
      });
      const a = decodeSockaddr(meta.addr());
      assert.ok(a.ok && a.value.type === 'in');
      assert.equal(meta.bytes, 1);
      seen.push({ byte: data[0], addr: [...a.value.addr], cmsgs });
      addrViews.push(meta.addr());
      if (seen.length === 2) resolve();
    }, reject);
  });
  assert.deepEqual(seen, [
    { byte: 7, addr: [127, 0, 0, 1], cmsgs: ['pktinfo 127.0.0.1', 'ttl 64'] },
    { byte: 8, addr: [127, 0, 0, 1], cmsgs: ['pktinfo 127.0.0.1', 'ttl 64'] },
  ]);
  assert.equal(addrViews[0]?.buffer, addrViews[1]?.buffer, 'views into one reused buffer');
  tx.send(Uint8Array.of(9), to);
  const info = await new Promise<RecvResult>((resolve, reject) => rx.receive((_d, r) => resolve(r), reject));
  assert.deepEqual(info.cmsgs.map((c) => [c.level, c.type, c.data.length]), [[K.IPPROTO_IP, K.IP_PKTINFO, 12], [K.IPPROTO_IP, K.IP_TTL, 4]]);
  assert.deepEqual([...info.addr.subarray(4, 8)], [127, 0, 0, 1]);
  assert.equal(info.bytes, 1);
  assert.notEqual(info.addr.buffer, addrViews[0]?.buffer, 'receive copies');
  rx.close();
  tx.close();
});
