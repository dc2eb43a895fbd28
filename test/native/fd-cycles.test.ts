// Open/close cycles of every socket kind leave the fd table flat (Poller closed before fd).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createLab, type Lab } from '../lab/netns.js';
import { inNetns } from '../lab/netns.js';
import { VrrpSocket } from '../../src/vrrp/vrrp-socket.js';
import { openGarpSender } from '../../src/netlink/garp-sender.js';
import { RawSocket } from '../../src/sys/raw-socket.js';
import { nio } from '../../src/sys/nio.js';

let lab: Lab;
before(() => {
  lab = createLab(1, 'fdc');
});
after(() => lab.down());

const fdCount = (): number => readdirSync('/proc/self/fd').length;

test('2000 Poller + fd cycles, and VRRP/GARP socket cycles, do not leak fds', async () => {
  const K = nio().constants;
  const ns = lab.host(1).ns;
  // Warm up lazy loaders so they do not count as growth.
  inNetns(ns, () => VrrpSocket.open({ ifname: 'eth0', family: 6, join: true })).close();
  const before = fdCount();
  for (let i = 0; i < 2000; i++) {
    const s = inNetns(ns, () => RawSocket.open(K.AF_INET6, K.SOCK_RAW, 112));
    s.receive(() => undefined, () => undefined);
    if (i % 2 === 0) s.ref(false);
    s.close();
  }
  for (let i = 0; i < 200; i++) {
    const v4 = inNetns(ns, () => VrrpSocket.open({ ifname: 'eth0', family: 4, join: true }));
    const v6 = inNetns(ns, () => VrrpSocket.open({ ifname: 'eth0', family: 6, join: true }));
    v4.onDatagram(() => undefined);
    v6.onDatagram(() => undefined);
    const g = inNetns(ns, () => openGarpSender('eth0'));
    v4.close();
    v6.close();
    g.close();
  }
  // Let the uv_close callbacks run, then collect the wrappers.
  await new Promise((r) => setImmediate(r));
  assert.ok(fdCount() - before <= 1, `fd count grew from ${before} to ${fdCount()}`);
});
