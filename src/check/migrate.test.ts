import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lvsConfig, manyVirtualServers } from '../test-kit/lvs-sim.js';
import { buildState, checkerResult, desiredTable, evaluateQuorum, setCheckerState, startStep } from './lvs-state.js';
import { migratedTables, migrateState } from './migrate.js';
import { diffTables } from './table-diff.js';

const conf = (rss: string, extra = ''): string => `virtual_server 192.0.2.1 80 {\n lb_algo rr\n protocol TCP\n ${extra}\n${rss}}\nvirtual_server 192.0.2.2 80 {\n lb_algo rr\n protocol TCP\n real_server 192.0.2.30 80 {\n TCP_CHECK {\n }\n }\n}\n`;
const rs = (ip: string, check = 'TCP_CHECK {\n connect_timeout 2\n }'): string => ` real_server ${ip} 8080 {\n ${check}\n }\n`;

test('reload keeps checker/RS state by identity, not position; changed checker config starts fresh', () => {
  const old = buildState(lvsConfig(conf(rs('192.0.2.10') + rs('192.0.2.11') + rs('192.0.2.12'))));
  startStep(old);
  setCheckerState(old, { vs: 0, rs: 1, checker: 0 }, false); // .11 failed
  setCheckerState(old, { vs: 0, rs: 2, checker: 0 }, false); // .12 failed
  // New order (.11 first, .10 removed), .12's checker changed, .13 new.
  const m = migrateState(old, lvsConfig(conf(rs('192.0.2.11') + rs('192.0.2.12', 'TCP_CHECK {\n connect_timeout 3\n }') + rs('192.0.2.13'))));
  const alive = m.state.vss[0]!.rss.map((r) => `${r.cfg.address}:${r.alive}`);
  assert.deepEqual(alive, ['192.0.2.11:false', '192.0.2.12:true', '192.0.2.13:true']);
  assert.equal(m.carriedCheckers, 2, '.11 and the second VS’s checker');
  assert.equal(m.carriedVs, 2);
  assert.equal(m.state.vss[0]!.quorumUp, true, 'quorum state carried: no spurious Gained quorum');
  assert.deepEqual(evaluateQuorum(m.state).effects, []);
  // The IPVS difference is exactly: .10 gone, .11 stays out, .12/.13 in.
  const ops = diffTables(desiredTable(m.state), desiredTable(old)).map((o) => (o.type === 'add-dest' || o.type === 'del-dest' ? `${o.type} ${o.dest.address}` : o.type));
  assert.deepEqual(ops.sort(), ['add-dest 192.0.2.12', 'add-dest 192.0.2.13', 'del-dest 192.0.2.10']);
  assert.deepEqual(m.removedAlive.map((x) => `${x.vs.name} ${x.rs.name}`), ['[192.0.2.1]:tcp:80 [192.0.2.10]:tcp:8080']);
});

test('reload keeps a failed checker failed (#2318: no flap back into IPVS) and a removed VS is deleted', () => {
  const old = buildState(lvsConfig(conf(rs('192.0.2.10'))));
  startStep(old);
  checkerResult(old, { vs: 0, rs: 0, checker: 0 }, { type: 'failure', reason: 'x' });
  assert.equal(old.vss[0]!.rss[0]!.alive, false);
  const only = lvsConfig(`virtual_server 192.0.2.1 80 {\n lb_algo rr\n protocol TCP\n${rs('192.0.2.10')}}\n`);
  const m = migrateState(old, only);
  assert.equal(m.state.vss[0]!.rss[0]!.alive, false);
  const ops = diffTables(desiredTable(m.state), desiredTable(old));
  assert.deepEqual(ops.map((o) => o.type), ['del-service']);
});

/**
 * `root` seen through proxies that count every property read of it and of every plain object
 * or array reached from it: a count of the work done that, unlike a clock, does not depend
 * on how loaded the machine is.
 */
function counted<T extends object>(root: T, counter: { reads: number }, cache = new WeakMap<object, object>()): T {
  const wrap = (o: unknown): unknown => {
    if (typeof o !== 'object' || o === null || !(Array.isArray(o) || Object.getPrototypeOf(o) === Object.prototype)) return o;
    let p = cache.get(o);
    if (!p) {
      p = new Proxy(o, {
        get: (t, k, r) => {
          counter.reads++;
          return wrap(Reflect.get(t, k, r));
        },
      });
      cache.set(o, p);
    }
    return p;
  };
  return wrap(root) as T;
}

test('reload of 2,000 VS × 15 RS (30,000 RS) migrates in O(n): property reads grow 10× for 10× the servers', () => {
  /** Migrates nVs × 15 servers (every 7th VS with a failed checker); the reads it took. */
  const migrate = (nVs: number): { reads: number; m: ReturnType<typeof migrateState> } => {
    const old = buildState({ virtualServers: manyVirtualServers(nVs, 1), virtualServerGroups: [] });
    for (let v = 0; v < nVs; v += 7) setCheckerState(old, { vs: v, rs: v % 15, checker: 0 }, false);
    const counter = { reads: 0 };
    const m = migrateState(counted(old, counter), counted({ virtualServers: manyVirtualServers(nVs, 2).reverse(), virtualServerGroups: [] }, counter));
    return { reads: counter.reads, m };
  };
  const big = migrate(2000);
  assert.equal(big.m.carriedCheckers, 30_000);
  const failed = big.m.state.vss.reduce((n, vs) => n + vs.rss.filter((r) => !r.alive).length, 0);
  assert.equal(failed, Math.ceil(2000 / 7));
  // Linear: a tenth of the servers takes about a tenth of the reads; a quadratic match
  // (#2318's 130 s reload) would take ~100× (and a per-VS scan of the old list ~10× more).
  const small = migrate(200);
  const ratio = big.reads / small.reads;
  assert.ok(ratio > 8 && ratio < 12, `30,000 RS took ${big.reads} reads vs ${small.reads} for 3,000 (×${ratio.toFixed(2)}): not linear`);
});

test('reload reports weight changes of servers alive on both sides (keepalived logs "Changing weight …")', () => {
  const w = (ip: string, weight: number): string => ` real_server ${ip} 8080 {\n weight ${weight}\n TCP_CHECK {\n }\n }\n`;
  const old = buildState(lvsConfig(conf(w('192.0.2.10', 3) + w('192.0.2.11', 3))));
  startStep(old);
  setCheckerState(old, { vs: 0, rs: 1, checker: 0 }, false); // .11 down: no "active service" line for it
  const m = migrateState(old, lvsConfig(conf(w('192.0.2.10', 5) + w('192.0.2.11', 5))));
  assert.deepEqual(
    m.weightChanges.map((c) => `${c.rs.name} ${c.fromWeight}->${c.rs.cfg.weight}`),
    ['[192.0.2.10]:tcp:8080 3->5'],
  );
});

test('reload of one changed VS among 2,000: the others keep their state objects, nothing is rebuilt or compared for them', () => {
  /** nVs × 15 servers; the new config keeps every VS object but one, which it replaces. */
  const migrate = (nVs: number): { reads: number; m: ReturnType<typeof migrateState>; old: ReturnType<typeof buildState> } => {
    const cfgs = manyVirtualServers(nVs, 1);
    const old = buildState({ virtualServers: cfgs, virtualServerGroups: [] });
    setCheckerState(old, { vs: 0, rs: 3, checker: 0 }, false);
    const changed = { ...cfgs[1]!, realServers: cfgs[1]!.realServers.map((r, i) => (i === 0 ? { ...r, weight: 9 } : r)) };
    const next = [cfgs[0]!, changed, ...cfgs.slice(2)];
    const counter = { reads: 0 };
    // One proxy per object for both sides, so a kept config object is still the same object.
    const cache = new WeakMap<object, object>();
    const m = migrateState(counted(old, counter, cache), counted({ virtualServers: next, virtualServerGroups: [] }, counter, cache));
    return { reads: counter.reads, m, old };
  };
  const big = migrate(2000);
  assert.equal(big.m.unchangedVs, 1999);
  assert.deepEqual(big.m.rebuilt.map((v) => v.cfg.identity), [big.old.vss[1]!.cfg.identity]);
  assert.deepEqual(big.m.dropped.map((v) => v.cfg.identity), [big.old.vss[1]!.cfg.identity]);
  assert.equal(big.m.state.vss[0]!.cfg.identity, big.old.vss[0]!.cfg.identity);
  assert.equal(big.m.state.vss[0]!.rss[3]!.alive, false);
  assert.equal(big.m.carriedCheckers, 30_000, '29,985 kept + 15 matched in the rebuilt one');
  assert.equal(big.m.carriedFrom.size, 15, 'only the rebuilt server\'s checkers are matched');
  const t = migratedTables(big.m);
  assert.equal(t.to.length, 1);
  assert.equal(t.from.length, 1);
  assert.deepEqual(diffTables(t.to, t.from).map((o) => o.type), ['edit-dest'], 'one weight edit reaches IPVS');
  // Against the same 30,000 servers all sent anew (a full re-read): the kept ones cost a
  // walk over their slots (a few reads each), nothing is built or compared for them.
  const full = { reads: 0 };
  migrateState(counted(buildState({ virtualServers: manyVirtualServers(2000, 1), virtualServerGroups: [] }), full), counted({ virtualServers: manyVirtualServers(2000, 1), virtualServerGroups: [] }, full));
  assert.ok(big.reads * 5 < full.reads, `one change among 30,000 RS took ${big.reads} reads, all sent anew ${full.reads}`);
});

test('reload: a changed virtual_server_group rebuilds the group services even when their config object is kept', () => {
  const text = 'virtual_server_group G {\n 192.0.2.1 80\n}\nvirtual_server group G {\n lb_algo rr\n protocol TCP\n real_server 192.0.2.10 8080 {\n TCP_CHECK {\n }\n }\n}\n';
  const c = lvsConfig(text);
  const old = buildState(c);
  assert.equal(migrateState(old, c).unchangedVs, 1);
  const m = migrateState(old, c, { groupsChanged: true });
  assert.equal(m.unchangedVs, 0);
  assert.equal(m.carriedVs, 1, 'matched by identity: its checkers keep their state');
});
