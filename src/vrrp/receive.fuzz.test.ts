/**
 * Fuzzing the receive pipeline (docs/reliability.md): ≈ 10⁶ datagrams per run — valid
 * adverts for seven instances (VRRPv2/v3, IPv4/IPv6, multicast/unicast, PASS auth,
 * skip_check_adv_addr, check_unicast_src) put through structure-aware mutations
 * (truncation, padding, bit flips, header fields, address counts and lists, auth data,
 * checksums and their variants, IPv4 header, source, destination, TTL, an IPsec AH header,
 * an auth_hmac trailer). For every datagram,
 * against an oracle written apart from the pipeline (src/test-kit/advert-fuzz.ts):
 * nothing throws; it is delivered exactly when no RFC 3768 §7.1 / RFC 5798 §7.1 property is
 * violated; a drop is counted once, where keepalived counts it (socket or instance), with a
 * reason that is one of the violations. Seeded; a failure prints its replay command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { nullLogger } from '../core/logger.js';
import { AdvertFuzzWorld, fuzzConfigText, type Expectation } from '../test-kit/advert-fuzz.js';
import { compileTestConfig } from '../test-kit/fsm-params.js';
import { formatFuzzStats, fuzzPlan, runFuzz } from '../test-kit/fuzz.js';
import { hex } from '../test-kit/hex.js';
import type { DropCounters } from './drop-counters.js';
import { MCAST_GROUP4_BYTES, MCAST_GROUP6_BYTES } from './packet.js';
import { emptySocketReceiveState, receiveDatagram, receiveState, type ReceiveEnv, type ReceiveState, type ReceiveTarget, type SocketReceiveState } from './receive.js';
import { DROP_REASONS, type DropReason, type RawVrrpDatagram } from './types.js';

const FILE = fileURLToPath(import.meta.url);
/** Cases of 1–3 datagrams each: ≥ 10⁶ datagrams at the default scale. */
const CASES = 510_000;
const MIN_DATAGRAMS = 1_000_000;
/**
 * Drops this world cannot make: 'family' needs an instance filed under a socket of the other
 * family (the daemon never does that); the AH and auth_hmac verdicts need instances with
 * `auth_type AH` or `auth_hmac`, which it does not have yet (their own tests cover them:
 * ipsec-ah.test.ts, auth-hmac tests, receive.test.ts); 'ttl-range' needs a unicast_peer with
 * min_ttl/max_ttl, which this world's instances do not set (receive.test.ts covers it).
 */
const UNREACHABLE: ReadonlySet<DropReason> = new Set(['family', 'ah-next-header', 'auth-ext-missing', 'auth-ext-malformed', 'auth-ext-unknown-key', 'auth-ext-bad-hmac', 'auth-ext-stale', 'auth-ext-replay', 'ttl-range']);

class Target implements ReceiveTarget {
  delivered = 0;
  last: { priority: number; advertIntCs: number } | null = null;
  constructor(
    readonly name: string,
    readonly receive: ReceiveState,
  ) {}
  advertReceived(priority: number, advertIntCs: number): void {
    this.delivered++;
    this.last = { priority, advertIntCs };
  }
}

/** Reasons whose counter moved between two snapshots, with their deltas. */
function moved(before: DropCounters, after: DropCounters): [DropReason, number][] {
  if (before === after) return [];
  const out: [DropReason, number][] = [];
  for (const r of DROP_REASONS) if (after[r] !== before[r]) out.push([r, after[r] - before[r]]);
  return out;
}

function describe(d: RawVrrpDatagram, exp: Expectation): string {
  const v = exp.where === 'socket' ? `socket drop, one of ${exp.reasons.join('|')}` : [...exp.verdicts].map(([n, r]) => `${n}: ${r.length === 0 ? 'deliver' : r.join('|')}`).join('; ');
  return `datagram IPv${d.family} ${hex(d.data)} src ${hex(d.src)} dst ${d.dst ? hex(d.dst) : '-'} ttl ${d.ttl ?? '-'}\n  oracle: ${v}`;
}

test('receive pipeline fuzz: ≥ 10⁶ mutated datagrams, delivered exactly when valid, every drop counted once with a true reason', (t) => {
  const world = new AdvertFuzzWorld();
  const config = compileTestConfig(fuzzConfigText());
  const sockets: Record<4 | 6, SocketReceiveState<Target>> = { 4: emptySocketReceiveState<Target>(MCAST_GROUP4_BYTES), 6: emptySocketReceiveState<Target>(MCAST_GROUP6_BYTES) };
  const targets: Target[] = [];
  for (const c of config.vrrpInstances) {
    const target = new Target(c.name, receiveState(c, 2));
    targets.push(target);
    const sock = sockets[c.family];
    sock.byVrid.set(c.vrid, [...(sock.byVrid.get(c.vrid) ?? []), target]);
  }
  assert.equal(targets.length, world.instances.length);
  const env: ReceiveEnv = { log: nullLogger, ownAddresses: (_ifindex, family) => world.own(family) };
  const seen = new Map<DropReason | 'delivered', number>();
  const bump = (k: DropReason | 'delivered'): void => void seen.set(k, (seen.get(k) ?? 0) + 1);
  let datagrams = 0;

  const check = (d: RawVrrpDatagram): void => {
    const exp = world.expect(d);
    const sock = sockets[d.family];
    const sockBefore = sock.drops;
    const before = targets.map((x) => ({ drops: x.receive.drops, delivered: x.delivered }));
    receiveDatagram(sock, d, env);
    datagrams++;
    // Messages are built only on failure: a million template strings would double the run.
    const fail = (msg: string): never => assert.fail(`${msg}\n${describe(d, exp)}`);
    const sockMoved = moved(sockBefore, sock.drops);
    if (exp.where === 'socket') {
      const [reason, delta] = sockMoved[0] ?? ['none', 0];
      if (sockMoved.length !== 1 || delta !== 1 || !exp.reasons.includes(reason as DropReason)) fail(`expected one socket drop, counters moved: ${JSON.stringify(sockMoved)}`);
      bump(reason as DropReason);
    } else if (sockMoved.length !== 0) {
      fail(`socket counted ${JSON.stringify(sockMoved)} for a datagram that names an instance`);
    }
    for (let i = 0; i < targets.length; i++) {
      const x = targets[i]!;
      const b = before[i]!;
      const drops = moved(b.drops, x.receive.drops);
      const delivered = x.delivered - b.delivered;
      const verdict = exp.where === 'instances' && sock.byVrid.get(exp.vrid)?.includes(x) === true ? exp.verdicts.get(x.name) : undefined;
      if (verdict === undefined) {
        if (drops.length !== 0 || delivered !== 0) fail(`${x.name} was touched (drops ${JSON.stringify(drops)}, delivered ${delivered})`);
      } else if (verdict.length === 0) {
        if (delivered !== 1 || drops.length !== 0) fail(`${x.name} must accept it: delivered ${delivered}, drops ${JSON.stringify(drops)}`);
        if (exp.where === 'instances' && (x.last?.priority !== exp.priority || x.last.advertIntCs !== exp.advertIntCs)) fail(`${x.name} got ${JSON.stringify(x.last)}`);
        world.accepted(x.name, d.family === 4 ? d.data.subarray(12, 16) : d.src);
        bump('delivered');
      } else {
        if (delivered !== 0) fail(`${x.name} accepted a datagram that violates ${verdict.join(', ')}`);
        if (drops.length !== 1 || drops[0]![1] !== 1 || !verdict.includes(drops[0]![0])) fail(`${x.name} counted ${JSON.stringify(drops)}`);
        bump(drops[0]![0]);
      }
    }
  };

  const plan = fuzzPlan('receive', CASES);
  const stats = runFuzz(plan, FILE, (rng) => {
    world.reset();
    for (const x of targets) x.receive.check.lastMasterSrc = null;
    const n = rng.int(1, 3);
    let src: Uint8Array | null = null;
    for (let k = 0; k < n; k++) {
      const d = world.mutate(rng, world.base(rng, src));
      check(d);
      // Later adverts of a case often repeat the first one's source (skip_check_adv_addr).
      if (k === 0 && rng.chance(0.6)) src = d.family === 4 && d.data.length >= 16 ? d.data.slice(12, 16) : d.src;
    }
  });
  t.diagnostic(`${formatFuzzStats(stats)}; ${datagrams} datagrams (${Math.round((datagrams * 1000) / stats.ms)}/s)`);
  t.diagnostic(`outcomes: ${[...seen].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (plan.first !== 0 || !plan.active) return; // a replay checks one case, not the coverage
  assert.ok(datagrams >= MIN_DATAGRAMS, `${datagrams} datagrams < ${MIN_DATAGRAMS}`);
  assert.ok((seen.get('delivered') ?? 0) >= datagrams / 20, `only ${seen.get('delivered') ?? 0} of ${datagrams} delivered: the generator makes too few valid adverts`);
  for (const r of DROP_REASONS) if (!UNREACHABLE.has(r)) assert.ok((seen.get(r) ?? 0) > 0, `no datagram was dropped for ${r}`);
});
