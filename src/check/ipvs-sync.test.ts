import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpvsClient, IpvsDest, IpvsOp, IpvsServiceKey } from '../ipvs/ipvs-types.js';
import { memoryLogger } from '../core/logger.js';
import { IpvsSync } from './ipvs-sync.js';

/** A client whose answers the test releases by hand; records the order ops were sent in. */
class ManualClient implements IpvsClient {
  readonly sent: string[] = [];
  readonly answers: Array<{ op: IpvsOp; ok: () => void; fail: (e: Error) => void }> = [];
  apply(op: IpvsOp): Promise<void> {
    this.sent.push(label(op));
    return new Promise((ok, fail) => this.answers.push({ op, ok, fail }));
  }
  dump = (): Promise<never[]> => Promise.resolve([]);
  startDaemon = (): Promise<void> => Promise.resolve();
  stopDaemon = (): Promise<void> => Promise.resolve();
  setTimeouts = (): Promise<void> => Promise.resolve();
  close(): void {}
}

const key: IpvsServiceKey = { type: 'addr', family: 4, protocol: 6, address: '192.0.2.1', port: 80 };
const dest = (i: number): IpvsDest => ({ family: 4, address: `198.51.100.${i}`, port: 80, fwdMethod: 0, weight: 1, upperThreshold: 0, lowerThreshold: 0 });
const add = (i: number): IpvsOp => ({ type: 'add-dest', key, dest: dest(i) });
const label = (op: IpvsOp): string => (op.type === 'add-dest' || op.type === 'edit-dest' || op.type === 'del-dest' ? `${op.type} ${op.dest.address}` : op.type);
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function opened(): Promise<{ sync: IpvsSync; client: ManualClient; lines: { readonly msg: string }[] }> {
  const { logger, records: lines } = memoryLogger();
  const client = new ManualClient();
  const sync = new IpvsSync(logger);
  assert.equal(await sync.open(() => Promise.resolve(client)), true);
  return { sync, client, lines };
}

test('ops are pipelined in order, up to a window, without waiting for each answer', async () => {
  const { sync, client } = await opened();
  sync.apply(Array.from({ length: 100 }, (_, i) => add(i + 1)));
  assert.equal(client.sent.length, 64, 'a window of 64 in flight');
  assert.deepEqual(client.sent.slice(0, 3), ['add-dest 198.51.100.1', 'add-dest 198.51.100.2', 'add-dest 198.51.100.3']);
  let idle = false;
  void sync.idle().then(() => (idle = true));
  for (const a of client.answers.splice(0, 10)) a.ok();
  await tick();
  assert.equal(client.sent.length, 74, 'each answer lets one more go');
  while (client.answers.length > 0) {
    for (const a of client.answers.splice(0)) a.ok();
    await tick();
  }
  await tick();
  assert.equal(idle, true);
  assert.equal(sync.applied, 100);
  assert.deepEqual(client.sent, Array.from({ length: 100 }, (_, i) => `add-dest 198.51.100.${i + 1}`));
});

test('edit-dest and flush are barriers: sent alone, after everything before them was answered', async () => {
  const { sync, client } = await opened();
  sync.apply([add(1), add(2), { type: 'edit-dest', key, dest: dest(1) }, add(3)]);
  assert.deepEqual(client.sent, ['add-dest 198.51.100.1', 'add-dest 198.51.100.2']);
  for (const a of client.answers.splice(0)) a.ok();
  await tick();
  assert.deepEqual(client.sent.slice(2), ['edit-dest 198.51.100.1'], 'the barrier goes alone');
  client.answers.splice(0)[0]!.ok();
  await tick();
  assert.deepEqual(client.sent.slice(3), ['add-dest 198.51.100.3']);
});

test('a failed op is logged and the queue goes on; idle resolves at once when nothing is queued', async () => {
  const { sync, client, lines } = await opened();
  await sync.idle();
  sync.apply([add(1), add(2)]);
  client.answers[0]!.fail(new Error('EINVAL from the kernel'));
  client.answers[1]!.ok();
  await sync.idle();
  assert.equal(sync.applied, 1);
  assert.ok(lines.some((l) => /IPVS: add-dest failed: EINVAL from the kernel/.test(l.msg)));
});
