// NftClient against the real kernel in a lab namespace: keepalived 2.2.7's rulesets
// (test/fixtures/nft) rebuilt by our planner and applied by our client must give the same
// `nft list ruleset`, phase by phase, down to the table's removal; the drop set must stop
// traffic to a VIP; transactions are all or nothing. The client's socket is opened with the
// main thread inside h1 (inNetns), `nft` runs there through `ip netns exec`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSecondInterface, createLab, inNetns, requireCommands, type Lab, type LabHost } from '../lab/netns.js';
import { NetlinkNftClient } from '../../src/netlink/nft-client.js';
import { NetlinkRequestError } from '../../src/netlink/netlink-socket.js';
import { NFPROTO_IPV4, NFPROTO_IPV6, NFT_META_OIF } from '../../src/netlink/nft-constants.js';
import { DEFAULT_NFT_RULESET_OPTIONS, addVips, deleteTables, deleteVips, initialNftState, type NftRulesetOptions, type NftVip } from '../../src/netlink/nft-ruleset.js';
import { loadNftFixture, nftFixtureNames, nftFixtureScript } from '../../src/test-kit/nft-fixtures.js';
import { parseIp, type Family } from '../../src/core/ip.js';

let lab: Lab;
let h1: LabHost;
let h2: LabHost;
let nft: NetlinkNftClient;

const VMACS = [
  ['vrrp.51', '00:00:5e:00:01:33'],
  ['vrrp.53', '00:00:5e:00:01:35'],
  ['vrrp.52', '00:00:5e:00:02:34'],
  ['vrrp.54', '00:00:5e:00:02:36'],
] as const;

before(() => {
  requireCommands({ nft: 'nftables', ping: 'iputils-ping' });
  lab = createLab(2, 'nft');
  h1 = lab.host(1);
  h2 = lab.host(2);
  addSecondInterface(lab, h1);
  for (const [name, mac] of VMACS) lab.exec(h1, ['ip', 'link', 'add', 'link', 'eth0', 'name', name, 'address', mac, 'type', 'macvlan', 'mode', 'private']);
  nft = inNetns(h1.ns, () => NetlinkNftClient.open());
});

after(() => {
  nft?.close();
  lab?.down();
});

const ruleset = (): string => lab.exec(h1, ['nft', 'list', 'ruleset']);
/** Counter values depend on traffic; everything else must match. */
const normalise = (s: string): string => s.replace(/counter packets \d+ bytes \d+/g, 'counter packets 0 bytes 0');

function links(): Record<string, number> {
  const l = JSON.parse(lab.exec(h1, ['ip', '-j', 'link', 'show'])) as { ifindex: number; ifname: string }[];
  return Object.fromEntries(l.map((x) => [x.ifname, x.ifindex]));
}

for (const name of nftFixtureNames()) {
  test(`keepalived ${name}: our planner and client give keepalived's \`nft list ruleset\` in every phase`, async () => {
    const f = loadNftFixture(name);
    lab.exec(h1, ['nft', 'flush', 'ruleset']);
    for (const cmd of f.before ?? []) lab.exec(h1, cmd);
    const script = nftFixtureScript(f, links());
    const opts: NftRulesetOptions = { ...DEFAULT_NFT_RULESET_OPTIONS, ...script.options };
    let state = initialNftState();
    for (const phase of f.phases) {
      for (const s of script.phases[phase.phase] ?? []) {
        if ('probe' in s) {
          // keepalived's GETTABLE probe: a table left over is deleted by the first setup.
          if (await nft.tableExists(s.probe === 4 ? NFPROTO_IPV4 : NFPROTO_IPV6, opts.table)) state = { ...state, staleTables: [...state.staleTables, s.probe] };
          continue;
        }
        const step = s.step(state, opts);
        state = step.state;
        await nft.apply(step.ops);
      }
      assert.equal(normalise(ruleset()), normalise(phase.ruleset), `phase ${phase.phase}`);
    }
    assert.equal(ruleset(), '', 'nothing left after the stop');
  });
}

function vip(address: string, ifname = 'eth0'): NftVip {
  const p = parseIp(address);
  assert.ok(p);
  return { address: p.bytes, ifname, ifindex: links()[ifname] ?? 0 };
}

const pings = (host: LabHost, addr: string): boolean => {
  try {
    lab.exec(host, ['ping', '-c', '1', '-W', '1', addr]);
    return true;
  } catch {
    return false;
  }
};

test('traffic: a VIP in the drop set does not answer ping from h2; removed from the set, it does', async () => {
  lab.exec(h1, ['nft', 'flush', 'ruleset']);
  lab.exec(h1, ['ip', 'addr', 'add', '192.0.2.100/32', 'dev', 'eth0']);
  lab.exec(h1, ['ip', 'addr', 'add', '2001:db8::100/64', 'dev', 'eth0', 'nodad']);
  lab.exec(h2, ['ip', 'route', 'add', '192.0.2.100/32', 'dev', 'eth0']);
  const opts = DEFAULT_NFT_RULESET_OPTIONS;
  try {
    assert.ok(pings(h2, '192.0.2.100') && pings(h2, '2001:db8::100'), 'both VIPs answer before');
    let state = initialNftState();
    const groups: [Family, NftVip[]][] = [
      [4, [vip('192.0.2.100')]],
      [6, [vip('2001:db8::100')]],
    ];
    for (const [f, g] of groups) {
      const s = addVips(state, opts, f, g);
      state = s.state;
      await nft.apply(s.ops);
    }
    assert.ok(!pings(h2, '192.0.2.100'), 'IPv4 VIP dropped');
    assert.ok(!pings(h2, '2001:db8::100'), 'IPv6 VIP dropped (neighbour discovery still answered)');
    assert.ok(pings(h2, h1.ip4), "h1's own address still answers");
    assert.match(lab.exec(h2, ['ip', '-6', 'neigh', 'show', '2001:db8::100']), /lladdr/, 'NS/NA for the VIP still pass');
    for (const [f, g] of groups) {
      const s = deleteVips(state, opts, f, g);
      state = s.state;
      await nft.apply(s.ops);
    }
    assert.ok(pings(h2, '192.0.2.100') && pings(h2, '2001:db8::100'), 'both VIPs answer again');
    await nft.apply(deleteTables(state, opts).ops);
    assert.equal(ruleset(), '');
  } finally {
    lab.exec(h1, ['ip', 'addr', 'del', '192.0.2.100/32', 'dev', 'eth0']);
    lab.exec(h1, ['ip', 'addr', 'del', '2001:db8::100/64', 'dev', 'eth0']);
    lab.exec(h2, ['ip', 'route', 'del', '192.0.2.100/32', 'dev', 'eth0']);
  }
});

test('list(): tables, base chains, sets with their elements and rules decoded from the kernel', async () => {
  lab.exec(h1, ['nft', 'flush', 'ruleset']);
  const opts: NftRulesetOptions = { ...DEFAULT_NFT_RULESET_OPTIONS, counters: true, priority: -5 };
  const step = addVips(initialNftState(), opts, 6, [vip('2001:db8::100'), vip('fe80::52')]);
  await nft.apply(step.ops);
  const r = await nft.list(NFPROTO_IPV6);
  assert.deepEqual(
    r.tables.map((t) => [t.family, t.name]),
    [[NFPROTO_IPV6, 'keepalived']],
  );
  assert.deepEqual(
    r.chains.map((c) => [c.name, c.hook?.hooknum, c.hook?.priority, c.type]),
    [
      ['out', 3, -5, 'filter'],
      ['in', 1, -5, 'filter'],
      ['in_link_local', undefined, undefined, undefined],
      ['out_link_local', undefined, undefined, undefined],
    ],
  );
  const vips = r.sets.find((s) => s.name === 'vips');
  assert.deepEqual(vips?.elements.map((e) => Buffer.from(e.key).toString('hex')), ['20010db8000000000000000000000100']);
  const ll = r.sets.find((s) => s.name === 'vips_link_local');
  assert.equal(ll?.elements.length, 1);
  assert.equal(r.rules.length, 8);
  // What we sent comes back, chain by chain, expression for expression (counters now carry values).
  const sent = step.ops.flatMap((o) => (o.op === 'newrule' ? [o.rule] : []));
  for (const chain of ['out', 'in', 'in_link_local', 'out_link_local']) {
    const got = r.rules.filter((x) => x.chain === chain).map((x) => x.exprs.map((e) => (e.type === 'counter' ? { type: 'counter' } : e)));
    assert.deepEqual(got, sent.filter((x) => x.chain === chain).map((x) => x.exprs), `chain ${chain}`);
  }
  assert.ok(r.rules.some((x) => x.exprs.some((e) => e.type === 'meta' && e.key === NFT_META_OIF)));
  await nft.apply(deleteTables(step.state, opts).ops);
});

test('element outcomes: EEXIST and ENOENT are results; a missing table is "absent"', async () => {
  lab.exec(h1, ['nft', 'flush', 'ruleset']);
  const opts = DEFAULT_NFT_RULESET_OPTIONS;
  const s = addVips(initialNftState(), opts, 4, [vip('192.0.2.100')]);
  await nft.apply(s.ops);
  const elems = { family: NFPROTO_IPV4, table: 'keepalived', set: 'vips', elements: [{ key: Uint8Array.of(192, 0, 2, 100) }] };
  assert.equal(await nft.addElements(elems), 'exists');
  assert.equal(await nft.addElements(elems, false), 'added');
  assert.equal(await nft.deleteElements(elems), 'deleted');
  assert.equal(await nft.deleteElements(elems), 'absent');
  assert.equal(await nft.addElements(elems), 'added');
  assert.match(ruleset(), /elements = \{ 192\.0\.2\.100 \}/);
  assert.equal(await nft.deleteTable(NFPROTO_IPV4, 'keepalived'), 'deleted');
  assert.equal(await nft.deleteTable(NFPROTO_IPV4, 'keepalived'), 'absent');
  assert.equal(await nft.tableExists(NFPROTO_IPV4, 'keepalived'), false);
});

test('a transaction is all or nothing: a failing message leaves no trace and names the errno', async () => {
  lab.exec(h1, ['nft', 'flush', 'ruleset']);
  const opts = DEFAULT_NFT_RULESET_OPTIONS;
  const s = addVips(initialNftState(), opts, 4, [vip('192.0.2.100')]);
  const broken = [...s.ops, { op: 'newrule' as const, rule: { family: NFPROTO_IPV4, table: 'keepalived', chain: 'in', exprs: [{ type: 'lookup' as const, sreg: 1, set: 'no-such-set' }] } }];
  await assert.rejects(nft.apply(broken), (e: unknown) => e instanceof NetlinkRequestError && e.errnoCode === 'ENOENT' && /NFT_MSG_NEWRULE/.test(e.message));
  assert.equal(ruleset(), '', 'nothing of the transaction was applied');
  await nft.apply(s.ops);
  assert.match(ruleset(), /192\.0\.2\.100/);
  lab.exec(h1, ['nft', 'flush', 'ruleset']);
});
