import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNftFixture, phaseOf } from '../test-kit/nft-fixtures.js';
import type { NftOp } from './nft-codec.js';
import { encodeBatch, encodeGetTable } from './nft-codec.js';
import { NFPROTO_IPV4 } from './nft-constants.js';
import { NftFirewall, type NftTransport } from './nft-firewall.js';
import { DEFAULT_NFT_RULESET_OPTIONS, type NftVip } from './nft-ruleset.js';

/** Records transactions; refuses the ones `refuse` picks, like a kernel that says no. */
class RecordingTransport implements NftTransport {
  readonly sent: (readonly NftOp[])[] = [];
  readonly probes: [number, string][] = [];
  constructor(
    private readonly existing: ReadonlySet<number> = new Set(),
    private readonly refuse: (ops: readonly NftOp[]) => boolean = () => false,
  ) {}
  async apply(ops: readonly NftOp[]): Promise<void> {
    await Promise.resolve();
    if (this.refuse(ops)) throw new Error('refused');
    if (ops.length > 0) this.sent.push(ops);
  }
  async tableExists(family: number, name: string): Promise<boolean> {
    this.probes.push([family, name]);
    return this.existing.has(family);
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const v4 = (a: number, b: number, c: number, d: number): NftVip => ({ address: Uint8Array.of(a, b, c, d), ifindex: 2, ifname: 'eth0' });

test("keepalived's existing-table run: probe once, replace the stale table, then add; stop deletes it", async () => {
  const f = loadNftFixture('existing-table');
  const t = new RecordingTransport(new Set([NFPROTO_IPV4]));
  const fw = new NftFirewall(t, DEFAULT_NFT_RULESET_OPTIONS);
  const vips = [v4(192, 0, 2, 100), v4(198, 51, 100, 5)];
  await fw.addVips(4, vips);
  assert.equal(t.probes.length, 2);
  const master = phaseOf(f, 'master').sent;
  assert.equal(hex(encodeGetTable(t.probes[0]?.[0] ?? 0, 'keepalived')), master[0]?.[0]);
  assert.deepEqual(encodeBatch(t.sent[0] ?? []).map(hex), master[2]);
  assert.ok(fw.hasTable(4) && !fw.hasTable(6));
  await fw.deleteVips(4, vips);
  await fw.deleteTables();
  assert.deepEqual(t.sent.slice(1).map((ops) => encodeBatch(ops).map(hex)), phaseOf(f, 'stopped').sent);
  assert.equal(t.probes.length, 2, 'probed once per daemon');
  assert.ok(!fw.hasTable(4));
});

test('changes run one at a time in call order; a refused transaction leaves the state as it was', async () => {
  let refuseNext = true;
  const t = new RecordingTransport(new Set(), (ops) => {
    if (refuseNext && ops.some((o) => o.op === 'newtable')) {
      refuseNext = false;
      return true;
    }
    return false;
  });
  const fw = new NftFirewall(t, DEFAULT_NFT_RULESET_OPTIONS);
  const first = fw.addVips(4, [v4(192, 0, 2, 100)]);
  const second = fw.addVips(4, [v4(192, 0, 2, 101)]);
  await assert.rejects(first, /refused/);
  await second;
  // The second call set the table up, since the first one never happened in the kernel.
  assert.equal(t.sent.length, 1);
  assert.ok(t.sent[0]?.some((o) => o.op === 'newtable'));
  assert.ok(fw.hasTable(4));
});

test('VMAC then VIPs of both families, then stop: one DELTABLE per family', async () => {
  const t = new RecordingTransport();
  const fw = new NftFirewall(t, DEFAULT_NFT_RULESET_OPTIONS);
  await fw.addVmac({ family: 6, ifindex: 5, baseIfindex: 2 });
  await fw.addVips(4, [v4(192, 0, 2, 100)]);
  await fw.deleteVmac({ family: 6, ifindex: 5, baseIfindex: 2 });
  await fw.deleteTables();
  const last = t.sent[t.sent.length - 1] ?? [];
  assert.deepEqual(
    last.map((o) => o.op),
    ['deltable', 'deltable'],
  );
});
