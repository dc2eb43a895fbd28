// RtnlClient against the real kernel inside a lab namespace. The client's sockets are
// created with the main thread switched into host h1's namespace (inNetns in test/lab/netns.ts), so the
// test process itself stays in the root namespace and checks results with `ip -n`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLab, type Lab, type LabHost } from '../lab/netns.js';
import { inNetns } from '../lab/netns.js';
import { NetlinkRtnlClient, type RtnlEvent } from '../../src/netlink/rtnl-client.js';
import { NetlinkRequestError } from '../../src/netlink/netlink-socket.js';
import { KaError } from '../../src/core/errors.js';
import { IFA_F_NODAD, IFA_F_NOPREFIXROUTE } from '../../src/netlink/constants.js';
import { waitFor } from '../lab/wait.js';

let lab: Lab;
let h1: LabHost;
let client: NetlinkRtnlClient;
let eth0 = 0;

const ipAddr = (): string => lab.exec(h1, ['ip', '-o', 'addr', 'show', 'dev', 'eth0']);

before(async () => {
  lab = createLab(1, 'nl');
  h1 = lab.host(1);
  client = inNetns(h1.ns, () => NetlinkRtnlClient.open());
  const links = await client.listLinks();
  eth0 = links.find((l) => l.name === 'eth0')?.ifindex ?? 0;
  assert.ok(eth0 > 0, 'eth0 found in h1');
});

after(() => {
  client?.close();
  lab?.down();
});

/** Collects monitor events; `next(pred)` resolves with the first matching one (past or future). */
interface Collector {
  readonly events: RtnlEvent[];
  /** First event matching `pred` at index >= `from` (already seen or still to come), with its index. */
  next(pred: (e: RtnlEvent) => boolean, from?: number, timeoutMs?: number): Promise<{ ev: RtnlEvent; index: number }>;
  close(): void;
}

function collector(): Collector {
  const events: RtnlEvent[] = [];
  const waiters: { pred: (e: RtnlEvent) => boolean; from: number; resolve: (r: { ev: RtnlEvent; index: number }) => void }[] = [];
  const sub = inNetns(h1.ns, () =>
    client.monitor((ev) => {
      const index = events.push(ev) - 1;
      for (const w of [...waiters]) {
        if (index >= w.from && w.pred(ev)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve({ ev, index });
        }
      }
    }),
  );
  return {
    events,
    next: (pred, from = 0, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const i = events.findIndex((e, k) => k >= from && pred(e));
        if (i >= 0) return resolve({ ev: events[i]!, index: i });
        const t = setTimeout(() => reject(new Error(`no matching monitor event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.type))}`)), timeoutMs);
        waiters.push({ pred, from, resolve: (r) => (clearTimeout(t), resolve(r)) });
      }),
    close: () => sub.close(),
  };
}

test('listLinks: lo and eth0 with MAC, flags, MTU, kind', async () => {
  const links = await client.listLinks();
  const lo = links.find((l) => l.name === 'lo');
  const e = links.find((l) => l.ifindex === eth0);
  assert.ok(lo && e);
  assert.equal(e.name, 'eth0');
  assert.equal(Buffer.from(e.mac).toString('hex').match(/../g)?.join(':'), h1.mac);
  assert.deepEqual([e.up, e.running, e.mtu, e.kind], [true, true, 1500, 'veth']);
  assert.deepEqual([lo.up, lo.running, lo.mtu], [true, true, 65536]);
});

test('listAddresses: the lab addresses, filtered by family', async () => {
  const all = await client.listAddresses();
  const v4 = await client.listAddresses(4);
  const v6 = await client.listAddresses(6);
  assert.ok(all.some((a) => a.ifindex === eth0 && a.address === h1.ip4 && a.prefixLen === 24 && a.label === 'eth0'));
  assert.ok(v6.some((a) => a.ifindex === eth0 && a.address === h1.ip6 && a.prefixLen === 64 && (a.flags & IFA_F_NODAD) !== 0));
  assert.ok(v4.every((a) => a.family === 4) && v6.every((a) => a.family === 6));
  assert.equal(v4.length + v6.length, all.length);
});

test('IPv4 VIP: add, EEXIST as "exists", delete, delete again as "absent"', async () => {
  const spec = { ifindex: eth0, address: '192.0.2.100', prefixLen: 32, label: 'eth0:vip' };
  assert.equal(await client.addAddress(spec), 'added');
  assert.match(ipAddr(), /inet 192\.0\.2\.100\/32 scope global eth0:vip/);
  assert.equal(await client.addAddress(spec), 'exists');
  assert.equal(await client.deleteAddress(spec), 'deleted');
  assert.doesNotMatch(ipAddr(), /192\.0\.2\.100/);
  assert.equal(await client.deleteAddress(spec), 'absent');
});

test('IPv4 address with broadcast', async () => {
  const spec = { ifindex: eth0, address: '198.51.100.7', prefixLen: 24, broadcast: '198.51.100.255' };
  assert.equal(await client.addAddress(spec), 'added');
  assert.match(ipAddr(), /inet 198\.51\.100\.7\/24 brd 198\.51\.100\.255 /);
  const listed = (await client.listAddresses(4)).find((a) => a.address === '198.51.100.7');
  assert.equal(listed?.broadcast, '198.51.100.255');
  assert.equal(await client.deleteAddress(spec), 'deleted');
});

test('IPv6 VIP: nodad, noprefixroute, preferred_lft 0', async () => {
  const spec = { ifindex: eth0, address: '2001:db8::100', prefixLen: 64, noDad: true, noPrefixRoute: true, preferredLftZero: true };
  assert.equal(await client.addAddress(spec), 'added');
  const line = ipAddr().split('\n').find((l) => l.includes('2001:db8::100/64')) ?? '';
  assert.match(line, /nodad/);
  assert.match(line, /noprefixroute/);
  assert.match(line, /preferred_lft 0sec/);
  const listed = (await client.listAddresses(6)).find((a) => a.address === '2001:db8::100');
  assert.ok(listed);
  assert.equal(listed.flags & (IFA_F_NODAD | IFA_F_NOPREFIXROUTE), IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
  assert.equal(listed.preferredLft, 0);
  assert.equal(await client.addAddress(spec), 'exists');
  assert.equal(await client.deleteAddress(spec), 'deleted');
  assert.equal(await client.deleteAddress(spec), 'absent');
  assert.doesNotMatch(ipAddr(), /2001:db8::100\//);
});

test('kernel refusals reject with KA_ERR_NL_REQUEST, the errno name and the ext-ack text', async () => {
  await assert.rejects(client.addAddress({ ifindex: 9999, address: '192.0.2.101', prefixLen: 32 }), (e: unknown) => {
    assert.ok(e instanceof NetlinkRequestError);
    assert.equal(e.code, 'KA_ERR_NL_REQUEST');
    assert.equal(e.errnoCode, 'ENODEV');
    assert.equal(e.errno, 19);
    assert.match(e.message, /RTM_NEWADDR failed with ENODEV/);
    assert.ok((e.extAckMessage ?? '').length > 0, 'NETLINK_EXT_ACK message present');
    return true;
  });
  await assert.rejects(client.addAddress({ ifindex: eth0, address: 'not-an-ip', prefixLen: 32 }), (e: unknown) => e instanceof KaError && e.errnoCode === 'EINVAL');
});

test('batch: 200 adds in flight at once, then 200 deletes; then sequential round trips', async () => {
  // Timing of these paths is bench/rtnl.ts's; here every request must have done its work.
  const specs = Array.from({ length: 200 }, (_, i) => ({ ifindex: eth0, address: `203.0.113.${i + 1}`, prefixLen: 32 }));
  const added = await Promise.all(specs.map((s) => client.addAddress(s)));
  assert.ok(added.every((r) => r === 'added'));
  assert.equal((ipAddr().match(/inet 203\.0\.113\./g) ?? []).length, 200);
  const deleted = await Promise.all(specs.map((s) => client.deleteAddress(s)));
  assert.ok(deleted.every((r) => r === 'deleted'));
  assert.doesNotMatch(ipAddr(), /203\.0\.113\./);
  const s = { ifindex: eth0, address: '203.0.113.250', prefixLen: 32 };
  for (let i = 0; i < 20; i++) {
    assert.equal(await client.addAddress(s), 'added');
    assert.equal(await client.addAddress(s), 'exists', 'EEXIST is an outcome, not an error');
    assert.equal(await client.deleteAddress(s), 'deleted');
  }
  assert.doesNotMatch(ipAddr(), /203\.0\.113\.250/);
});

test('monitor: address added and removed by someone else', async () => {
  const mon = collector();
  try {
    lab.exec(h1, ['ip', 'addr', 'add', '192.0.2.200/32', 'dev', 'eth0']);
    const added = await mon.next((e) => e.type === 'addr' && e.address === '192.0.2.200' && !e.deleted);
    assert.ok(added.ev.type === 'addr' && added.ev.ifindex === eth0 && added.ev.prefixLen === 32);
    lab.exec(h1, ['ip', 'addr', 'del', '192.0.2.200/32', 'dev', 'eth0']);
    await mon.next((e) => e.type === 'addr' && e.address === '192.0.2.200' && e.deleted);
    lab.exec(h1, ['ip', '-6', 'addr', 'add', '2001:db8::200/64', 'dev', 'eth0', 'nodad']);
    await mon.next((e) => e.type === 'addr' && e.address === '2001:db8::200' && !e.deleted);
    lab.exec(h1, ['ip', '-6', 'addr', 'del', '2001:db8::200/64', 'dev', 'eth0']);
    await mon.next((e) => e.type === 'addr' && e.address === '2001:db8::200' && e.deleted);
  } finally {
    mon.close();
  }
});

test('monitor: our own adds are seen too', async () => {
  const mon = collector();
  try {
    await client.addAddress({ ifindex: eth0, address: '192.0.2.201', prefixLen: 32 });
    await mon.next((e) => e.type === 'addr' && e.address === '192.0.2.201' && !e.deleted);
    await client.deleteAddress({ ifindex: eth0, address: '192.0.2.201', prefixLen: 32 });
    await mon.next((e) => e.type === 'addr' && e.address === '192.0.2.201' && e.deleted);
  } finally {
    mon.close();
  }
});

test('monitor: carrier loss from the switch side and admin down inside the host, in order', async () => {
  // How fast these arrive is bench/rtnl.ts's; here: the right events, in the order they happened.
  const mon = collector();
  const isEth0 = (e: RtnlEvent): boolean => e.type === 'link' && e.ifindex === eth0;
  try {
    // Carrier loss: the switch side goes down; eth0 stays admin up but stops running.
    let from = mon.events.length;
    lab.setLink(h1, false);
    const carrierDown = await mon.next((e) => isEth0(e) && e.type === 'link' && e.up && !e.running, from);
    from = mon.events.length;
    lab.setLink(h1, true);
    const carrierUp = await mon.next((e) => isEth0(e) && e.type === 'link' && e.running, from);
    // Admin down inside the host.
    from = mon.events.length;
    lab.exec(h1, ['ip', 'link', 'set', 'eth0', 'down']);
    const adminDown = await mon.next((e) => isEth0(e) && e.type === 'link' && !e.up, from);
    assert.ok(adminDown.ev.type === 'link' && !adminDown.ev.running);
    from = mon.events.length;
    lab.exec(h1, ['ip', 'link', 'set', 'eth0', 'up']);
    const adminUp = await mon.next((e) => isEth0(e) && e.type === 'link' && e.up && e.running, from);
    const order = [carrierDown, carrierUp, adminDown, adminUp].map((r) => r.index);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'delivered in the order the changes were made');
    const links = await client.listLinks();
    assert.equal(links.find((l) => l.ifindex === eth0)?.running, true);
  } finally {
    mon.close();
    lab.exec(h1, ['ip', 'link', 'set', 'eth0', 'up']);
  }
});

test('monitor: ENOBUFS becomes a resync event, and the monitor keeps working', async () => {
  // A tiny receive buffer, and the event loop blocked while `ip -batch` makes 300 changes.
  const small = inNetns(h1.ns, () => NetlinkRtnlClient.open({ monitorRcvbufBytes: 4096 }));
  const events: RtnlEvent[] = [];
  const sub = inNetns(h1.ns, () => small.monitor((e) => events.push(e)));
  try {
    const batch = (op: string): string => Array.from({ length: 150 }, (_, i) => `address ${op} 198.51.100.${i + 1}/32 dev eth0`).join('\n') + '\n';
    const file = `/tmp/${lab.prefix}-batch`;
    const { writeFileSync, rmSync } = await import('node:fs');
    writeFileSync(file, batch('add') + batch('del'));
    try {
      lab.exec(h1, ['ip', '-batch', file]);
    } finally {
      rmSync(file, { force: true });
    }
    const resync = await waitFor(() => events.find((e) => e.type === 'resync'), 5000, `a resync event (${events.length} events)`).catch(() => undefined);
    assert.ok(resync && resync.type === 'resync' && /ENOBUFS/.test(resync.reason), `resync event seen (${events.length} events)`);
    // After the overrun the socket still delivers. Let the backlog drain first (quiet for
    // 300 ms): on a loaded machine the 4 KiB buffer can overrun again while it drains, and a
    // second overrun is a resync, not a failure. Up to 3 tries (add, delete, add).
    const seen202 = (): boolean => events.some((e) => e.type === 'addr' && e.address === '192.0.2.202');
    for (let quiet = 0, last = events.length; quiet < 3; ) {
      await new Promise((r) => setTimeout(r, 100));
      quiet = events.length === last ? quiet + 1 : 0;
      last = events.length;
    }
    for (let attempt = 0; attempt < 3 && !seen202(); attempt++) {
      lab.exec(h1, ['ip', 'addr', attempt % 2 === 0 ? 'add' : 'del', '192.0.2.202/32', 'dev', 'eth0']);
      await waitFor(seen202, 2000, 'an event for 192.0.2.202').catch(() => undefined);
    }
    assert.ok(seen202(), 'an address event arrives after the overrun');
  } finally {
    sub.close();
    small.close();
    lab.exec(h1, ['ip', 'addr', 'flush', 'dev', 'eth0', 'to', '192.0.2.202/32']);
  }
});
