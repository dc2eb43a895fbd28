/**
 * The whole VRRP child (vrrp/daemon.ts) through its seam on a fake clock, for unit tests: the
 * config compiled from text, eth0 (192.0.2.11/24) and eth1 as links, a peer (192.0.2.12) whose
 * adverts arrive as datagrams, and what the child sent, asked netlink for and ran.
 */
import assert from 'node:assert/strict';
import { memoryLogger } from '../core/logger.js';
import type { ScriptHost } from '../notify/script-pass.js';
import type { ChildHandle } from '../process/child-api.js';
import { DEFAULT_OPTIONS, type CliOptions } from '../process/options.js';
import { VrrpDaemon } from '../vrrp/daemon.js';
import { decodeIpv4Datagram } from '../vrrp/ip-header.js';
import { decodeAdvert } from '../vrrp/packet.js';
import { FakeClock } from './fake-clock.js';
import { fakeAddr, fakeLink, FakeVrrpWorld } from './fake-vrrp-io.js';
import { compileTestConfig } from './fsm-params.js';
import { advert, ip, ipv4Datagram } from './vrrp-adverts.js';

export const RIG_PEER = ip('192.0.2.12');

export interface PeerAdvert {
  readonly ttl?: number;
  readonly vrid?: number;
  /** The VIPs it lists (default 192.0.2.100). */
  readonly addresses?: readonly string[];
}

export interface Rig {
  readonly clock: FakeClock;
  readonly world: FakeVrrpWorld;
  readonly handle: ChildHandle;
  readonly lines: () => string[];
  /** Address requests so far, as text. */
  readonly requests: () => string[];
  /** Priorities of the adverts sent so far (all VRIDs). */
  readonly advertPriorities: () => number[];
  /** VRID and priority of the adverts sent so far, as `vrid:priority`. */
  readonly adverts: () => string[];
  /** A v2 advert from the peer arrives on eth0. */
  peer(priority: number, over?: PeerAdvert): void;
  /** Moves the clock on and lets the VIP chain and scripts run. */
  run(ms: number): Promise<void>;
}

export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Moves the fake clock on by `ms`, timer by timer, letting promises run after each. */
export async function runClock(clock: FakeClock, ms: number): Promise<void> {
  const end = clock.nowMs() + ms;
  for (let next = clock.nextAtMs(); next !== null && next <= end; next = clock.nextAtMs()) {
    clock.advanceTo(next);
    await settle();
  }
  clock.advanceTo(end);
  await settle();
}

/**
 * @param options the child's command-line options.
 * @param linksDown links without carrier when the child starts ('eth0', 'eth1').
 * @param scriptHost what the script checks see (default: every configured script exists, root-owned).
 */
export async function vrrpChildRig(conf: string, options: Partial<CliOptions> = {}, linksDown: readonly string[] = [], scriptHost?: ScriptHost): Promise<Rig> {
  const clock = new FakeClock();
  const { logger, records } = memoryLogger('Keepalived_vrrp', 'info');
  const world = new FakeVrrpWorld({
    clock,
    config: compileTestConfig(conf),
    links: [fakeLink(1, 'lo'), fakeLink(2, 'eth0', !linksDown.includes('eth0')), fakeLink(3, 'eth1', !linksDown.includes('eth1'))],
    addrs: [fakeAddr(1, '127.0.0.1/8'), fakeAddr(2, '192.0.2.11/24')],
  });
  world.scriptHost = scriptHost;
  const d = new VrrpDaemon({ configPath: 'keepalived.conf', options: { ...DEFAULT_OPTIONS, ...options }, log: logger, ipc: { send: () => undefined, connected: false } }, world.deps);
  await d.start();
  await settle();
  const run = (ms: number): Promise<void> => runClock(clock, ms);
  const sent = (): { vrid: number; priority: number }[] =>
    world.socket('eth0').sent.map((s) => {
      const ipd = decodeIpv4Datagram(s.bytes);
      assert.ok(ipd.ok);
      const adv = decodeAdvert(ipd.value.payload, { family: 4, src: ipd.value.src, dst: ipd.value.dst });
      assert.ok(adv.ok, 'our adverts decode');
      return adv.value;
    });
  return {
    clock,
    world,
    handle: d.handle(),
    lines: () => records.map((r) => r.msg),
    requests: () => world.rtnl.requests.map((r) => r.text),
    advertPriorities: () => sent().map((a) => a.priority),
    adverts: () => sent().map((a) => `${a.vrid}:${a.priority}`),
    peer: (priority, over = {}) =>
      world.socket('eth0').deliver(
        ipv4Datagram(advert({ version: 2, vrid: over.vrid ?? 51, priority, authData: new Uint8Array(8), addresses: (over.addresses ?? ['192.0.2.100']).map(ip) }), {
          src: RIG_PEER,
          ...(over.ttl !== undefined ? { ttl: over.ttl } : {}),
        }),
      ),
    run,
  };
}
