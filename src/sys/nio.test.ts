// Addon smoke tests on loopback only (127.0.0.1, root namespace loopback is allowed by the rules).
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { nio } from './nio.js';
import { decodeInPktinfo, decodeSockaddr, sockaddrIn, sockaddrNl } from './sockaddr.js';
import { isSyscallError } from '../core/errors.js';

const n = nio();
const K = n.constants;
const LO = Uint8Array.of(127, 0, 0, 1);

test('syscall errors carry code, negative errno and syscall', () => {
  try {
    n.setsockopt(-1, K.SOL_SOCKET, K.SO_RCVBUF, 1);
    assert.fail('expected a throw');
  } catch (e) {
    assert.ok(isSyscallError(e, 'EBADF'));
    assert.equal((e as { errno?: number }).errno, -9);
    assert.equal((e as { syscall?: string }).syscall, 'setsockopt');
  }
  assert.throws(() => n.ifNameToIndex('no-such-if0'), (e: unknown) => isSyscallError(e, 'ENODEV'));
  assert.equal(n.ifIndexToName(n.ifNameToIndex('lo')), 'lo');
});

test('sockets are non-blocking and close-on-exec; recvmsg returns null on EAGAIN', () => {
  const fd = n.socket(K.AF_INET, K.SOCK_DGRAM, 0);
  try {
    assert.equal(n.recvmsg(fd, new Uint8Array(16)), null);
    const t = new Uint8Array(4);
    assert.equal(n.getsockopt(fd, K.SOL_SOCKET, K.SO_TYPE, t), 4);
    assert.equal(new DataView(t.buffer).getInt32(0, true), K.SOCK_DGRAM);
  } finally {
    n.close(fd);
  }
});

test('loopback UDP round trip through Poller, sendmsg iovecs and recvmsg cmsgs', async () => {
  const rx = n.socket(K.AF_INET, K.SOCK_DGRAM, 0);
  const tx = n.socket(K.AF_INET, K.SOCK_DGRAM, 0);
  n.bind(rx, sockaddrIn(LO, 0));
  n.setsockopt(rx, K.IPPROTO_IP, K.IP_PKTINFO, 1);
  const bound = decodeSockaddr(n.getsockname(rx));
  assert.ok(bound.ok && bound.value.type === 'in');
  const port = bound.ok && bound.value.type === 'in' ? bound.value.port : 0;
  assert.ok(port > 0);
  let ticked = false;
  const got = await new Promise<{ data: string; pktinfoIf: number | undefined; flags: number }>((resolve, reject) => {
    const p = new n.Poller(rx, (err) => {
      if (err) return reject(err);
      const buf = new Uint8Array(64);
      const r = n.recvmsg(rx, buf, 256);
      if (!r) return;
      p.close();
      const c = r.cmsgs.find((m) => m.level === K.IPPROTO_IP && m.type === K.IP_PKTINFO);
      // make_callback: a nextTick queued inside the event runs before the next loop turn.
      process.nextTick(() => (ticked = true));
      resolve({ data: Buffer.from(buf.subarray(0, r.bytes)).toString(), pktinfoIf: c ? decodeInPktinfo(c.data)?.ifindex : undefined, flags: r.flags });
    });
    p.start(K.POLLIN);
    assert.equal(n.sendmsg(tx, [Buffer.from('hel'), Buffer.from('lo')], sockaddrIn(LO, port)), 5);
  });
  n.close(rx);
  n.close(tx);
  assert.equal(got.data, 'hello');
  assert.equal(got.pktinfoIf, n.ifNameToIndex('lo'));
  assert.equal(got.flags, 0);
  assert.equal(ticked, true);
});

test('a throwing Poller callback surfaces as uncaughtException', async () => {
  const fd = n.socket(K.AF_INET, K.SOCK_DGRAM, 0);
  const seen = await new Promise<unknown>((resolve) => {
    const handlers = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.once('uncaughtException', (e) => {
      for (const h of handlers) process.on('uncaughtException', h);
      resolve(e);
    });
    const p = new n.Poller(fd, () => {
      p.close();
      throw new Error('boom');
    });
    p.start(K.POLLOUT);
  });
  n.close(fd);
  assert.equal((seen as Error).message, 'boom');
});

test('netlink sockets bind and report their port id through getsockname', () => {
  const fd = n.socket(K.AF_NETLINK, K.SOCK_RAW, K.NETLINK_ROUTE);
  try {
    n.setsockopt(fd, K.SOL_NETLINK, K.NETLINK_EXT_ACK, 1);
    n.bind(fd, sockaddrNl(0, 0));
    const a = decodeSockaddr(n.getsockname(fd));
    assert.ok(a.ok && a.value.type === 'nl' && a.value.pid > 0);
  } finally {
    n.close(fd);
  }
});

test('SignalWatcher: a real-time signal is caught (not fatal) until close() restores the default action', () => {
  // In a child process: the default action of SIGRTMIN+2 would end this test runner.
  const script = `
    const { nio } = await import(${JSON.stringify(new URL('./nio.js', import.meta.url).href)});
    const a = nio();
    const seen = [];
    const ws = [a.constants.SIGRTMIN + 2, a.constants.SIGRTMAX].map((s) => new a.SignalWatcher(s, (n) => seen.push(n)));
    process.kill(process.pid, a.constants.SIGRTMIN + 2);
    process.kill(process.pid, a.constants.SIGRTMAX);
    setTimeout(() => {
      process.stdout.write(JSON.stringify(seen) + '\\n');
      for (const w of ws) w.close();
      process.kill(process.pid, a.constants.SIGRTMAX);
      setTimeout(() => process.stdout.write('survived\\n'), 200);
    }, 200);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.stdout, `[${K.SIGRTMIN + 2},${K.SIGRTMAX}]\n`, r.stderr);
  assert.equal(r.status, null, 'after close() SIGRTMAX kills again');
  assert.equal(K.SIGRTMIN, 34);
  assert.equal(K.SIGRTMAX, 64);
});
