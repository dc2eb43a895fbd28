// The process events connector against the real kernel. Subscribing works only from the initial
// network namespace (this test process's): a listen-only socket there, which changes nothing on
// the host, sees a child of ours fork, exec and exit. From a lab namespace the subscription is
// refused, as keepalived reports it ("Failed to set/clear process event listen"), and the
// VRRP child falls back to /proc scans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openProcConnector } from '../../src/netlink/proc-connector-client.js';
import type { ProcConnectorEvent } from '../../src/netlink/proc-connector.js';
import { createLab, inNetns, requireRoot } from '../lab/netns.js';
import { waitFor } from '../lab/wait.js';

test('root namespace: a child of ours forks, execs and exits, and the connector says so', async () => {
  requireRoot();
  const events: ProcConnectorEvent[] = [];
  const conn = openProcConnector((evs) => events.push(...evs), () => undefined);
  assert.ok(conn.ok, `subscription refused: ${conn.ok ? '' : conn.reason}`);
  try {
    const child = spawn('/bin/sleep', ['0.2'], { stdio: 'ignore' });
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    await waitFor(() => events.some((e) => e.type === 'exit' && e.tgid === pid), 5000, `the exit of ${pid}`);
    assert.ok(events.some((e) => e.type === 'fork' && e.childTgid === pid && e.parentTgid === process.pid), 'its fork from us');
    assert.ok(events.some((e) => e.type === 'exec' && e.tgid === pid), 'its exec');
    const order = events.filter((e) => ('tgid' in e ? e.tgid : e.childTgid) === pid).map((e) => e.type);
    assert.deepEqual(order.filter((t) => t !== 'comm'), ['fork', 'exec', 'exit']);
  } finally {
    if (conn.ok) conn.handle.close();
  }
});

test('a lab namespace: the subscription is refused (ECONNREFUSED), never a crash', () => {
  const lab = createLab(1, 'pcn');
  try {
    const r = inNetns(lab.host(1).ns, () => openProcConnector(() => undefined, () => undefined));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.reason, 'ECONNREFUSED');
  } finally {
    lab.down();
  }
});
