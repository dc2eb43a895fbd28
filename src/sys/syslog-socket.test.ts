import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AF_UNIX, SOCK_DGRAM, encodeSockaddrUn, openSyslogTransport, type UnixDgramNative } from './syslog-socket.js';

test('sockaddr_un encoding', () => {
  assert.deepEqual([...encodeSockaddrUn('/dev/log')], [1, 0, ...Buffer.from('/dev/log'), 0]);
  assert.throws(() => encodeSockaddrUn(`/${'x'.repeat(120)}`), RangeError);
});

test('transport sends each record as one datagram through the native calls', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-syslog-'));
  const path = join(dir, 'log');
  writeFileSync(path, '');
  const calls: string[] = [];
  const fake: UnixDgramNative = {
    socket: (d, t, p) => (calls.push(`socket ${d} ${t} ${p}`), 7),
    sendto: (fd, data, addr) => (calls.push(`sendto ${fd} ${Buffer.from(data).toString()} ${Buffer.from(addr).subarray(2, -1).toString()}`), data.length),
    close: (fd) => void calls.push(`close ${fd}`),
  };
  try {
    const t = openSyslogTransport(fake, path);
    assert.ok(t);
    assert.equal(t.send('<30>hello'), true);
    t.close();
    assert.deepEqual(calls, ['socket 1 2 0', `sendto 7 <30>hello ${path}`, 'close 7']);
    assert.equal(openSyslogTransport(fake, join(dir, 'absent')), undefined, 'no socket file: no transport');
    const failing: UnixDgramNative = { ...fake, sendto: () => { throw new Error('ECONNREFUSED'); } };
    assert.equal(openSyslogTransport(failing, path)?.send('x'), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('real unix datagram socket: a syslog line arrives at a bound receiver', async () => {
  const { nio } = await import('./nio.js');
  const { loadUnixDgramNative } = await import('./syslog-socket.js');
  const n = nio();
  const dir = mkdtempSync(join(tmpdir(), 'kts-syslog-'));
  const path = join(dir, 'log');
  const rx = n.socket(AF_UNIX, SOCK_DGRAM, 0);
  try {
    n.bind(rx, encodeSockaddrUn(path));
    const t = openSyslogTransport(loadUnixDgramNative(), path);
    assert.ok(t, 'transport opened');
    assert.equal(t.send('<30>Nov 26 11:00:00 Keepalived_vrrp[1]: (VI_1) Entering MASTER STATE'), true);
    const buf = new Uint8Array(512);
    const got = n.recvmsg(rx, buf);
    assert.ok(got, 'datagram received');
    assert.equal(Buffer.from(buf.subarray(0, got.bytes)).toString(), '<30>Nov 26 11:00:00 Keepalived_vrrp[1]: (VI_1) Entering MASTER STATE');
    t.close();
  } finally {
    n.close(rx);
    rmSync(dir, { recursive: true, force: true });
  }
});
