/**
 * The keepalived configs whose nftables rulesets are captured as fixtures
 * (test/lab/capture-keepalived-nft.ts → test/fixtures/nft/NAME.json). h1 has eth0
 * (192.0.2.11/24, 2001:db8::b/64) and eth1; instances start BACKUP with priority 150 and
 * become MASTER after the master-down interval. A peer config (priority 200 in h2) makes
 * them BACKUP again for the failover phases.
 */
export type { NftFixture, NftFixturePhase } from '../../src/test-kit/nft-fixtures.js';

export interface NftCaptureScenario {
  readonly name: string;
  readonly description: string;
  readonly config: string;
  /** Instances that must all be MASTER before the first snapshot. */
  readonly instances: number;
  readonly peerConfig?: string;
  readonly before?: readonly (readonly string[])[];
}

interface Inst {
  readonly name: string;
  readonly vrid: number;
  readonly vips: readonly string[];
  readonly extra?: readonly string[];
}

function conf(globals: readonly string[], insts: readonly Inst[], priority = 150, routerId = 'h1'): string {
  const out = ['global_defs {', `  router_id ${routerId}`, ...globals.map((g) => `  ${g}`), '}'];
  for (const i of insts) {
    out.push(
      `vrrp_instance ${i.name} {`,
      '  state BACKUP',
      '  interface eth0',
      `  virtual_router_id ${i.vrid}`,
      `  priority ${priority}`,
      '  advert_int 1',
      ...(i.extra ?? []).map((x) => `  ${x}`),
      '  virtual_ipaddress {',
      ...i.vips.map((v) => `    ${v}`),
      '  }',
      '}',
    );
  }
  return `${out.join('\n')}\n`;
}

const V4: Inst = { name: 'VI_1', vrid: 51, vips: ['192.0.2.100/32', '198.51.100.5/24'] };
const V6: Inst = { name: 'VI_6', vrid: 52, vips: ['fe80::52', '2001:db8::100/64'] };

const STRICT = ['vrrp_strict'];

export const NFT_CAPTURE_SCENARIOS: readonly NftCaptureScenario[] = [
  {
    name: 'strict-v4-v6',
    description: 'vrrp_strict, an IPv4 and an IPv6 instance (one link-local VIP); failover to a peer and back',
    config: conf(STRICT, [V4, V6]),
    instances: 2,
    peerConfig: conf(STRICT, [V4, V6], 200, 'h2'),
  },
  {
    name: 'strict-counters-priority',
    description: 'vrrp_strict with nftables katest, nftables_priority -5 (after nftables) and nftables_counters',
    config: conf([...STRICT, 'nftables katest', 'nftables_priority -5', 'nftables_counters'], [V4, V6]),
    instances: 2,
  },
  {
    name: 'strict-priority-reset',
    description: 'nftables_priority 7 before nftables TABLE: the table keyword resets the priority to -1',
    config: conf([...STRICT, 'nftables_priority 7', 'nftables katest'], [V4]),
    instances: 1,
  },
  {
    name: 'strict-positive-priority',
    description: 'nftables_priority 7',
    config: conf([...STRICT, 'nftables_priority 7'], [V4]),
    instances: 1,
  },
  {
    name: 'strict-ifname',
    description: 'dont_track_primary: link-local VIPs keyed by interface name',
    config: conf(STRICT, [{ ...V6, extra: ['dont_track_primary'] }]),
    instances: 1,
  },
  {
    name: 'strict-ifname-ifindex',
    description: 'dont_track_primary with nftables_ifindex: keyed by ifindex again',
    config: conf([...STRICT, 'nftables_ifindex'], [{ ...V6, extra: ['dont_track_primary'] }]),
    instances: 1,
  },
  {
    name: 'no-accept-two-interfaces',
    description: 'no_accept without vrrp_strict, VIPs on eth0 and eth1, IPv6 without a link-local VIP',
    config: conf(
      [],
      [
        { name: 'VI_1', vrid: 51, vips: ['192.0.2.100/32', '203.0.113.1/24 dev eth1'], extra: ['no_accept'] },
        { name: 'VI_6', vrid: 52, vips: ['2001:db8::100/64', '2001:db8:1::1/64 dev eth1'], extra: ['no_accept'] },
      ],
    ),
    instances: 2,
  },
  {
    name: 'no-accept-link-local-eth1',
    description: 'no_accept, IPv6 with a link-local VIP on eth1 and counters',
    config: conf(['nftables_counters'], [{ name: 'VI_6', vrid: 52, vips: ['2001:db8::100/64', 'fe80::99/64 dev eth1'], extra: ['no_accept'] }]),
    instances: 1,
  },
  {
    name: 'strict-accept-instance',
    description: 'vrrp_strict with an accept instance (nothing to drop) next to a strict one',
    config: conf(STRICT, [{ ...V4, extra: ['accept'] }, { name: 'VI_2', vrid: 53, vips: ['192.0.2.101/32'] }]),
    instances: 2,
  },
  {
    name: 'vmac',
    description: 'use_vmac on an IPv4 and an IPv6 instance, accept mode: only the IGMP/MLD/RS rules',
    config: conf([], [{ ...V4, extra: ['use_vmac'] }, { ...V6, vips: ['2001:db8::100/64'], extra: ['use_vmac'] }]),
    instances: 2,
    peerConfig: conf([], [{ ...V4, extra: ['use_vmac'] }, { ...V6, vips: ['2001:db8::100/64'], extra: ['use_vmac'] }], 200, 'h2'),
  },
  {
    name: 'vmac-v6-first',
    description: 'use_vmac with the IPv6 instance first: set ids in the order the VMACs come',
    config: conf([], [{ ...V6, vips: ['2001:db8::100/64'], extra: ['use_vmac'] }, { ...V4, extra: ['use_vmac'] }]),
    instances: 2,
  },
  {
    name: 'vmac-strict-counters',
    description: 'use_vmac with vrrp_strict and nftables_counters',
    config: conf([...STRICT, 'nftables_counters'], [{ ...V4, extra: ['use_vmac'] }, { ...V6, extra: ['use_vmac'] }]),
    instances: 2,
  },
  {
    name: 'vmac-two-instances',
    description: 'two IPv4 and two IPv6 instances with use_vmac and no_accept: the second VMAC and VIPs of each family join existing sets',
    config: conf(
      [],
      [
        { name: 'VI_1', vrid: 51, vips: ['192.0.2.100/32'], extra: ['use_vmac', 'no_accept'] },
        { name: 'VI_2', vrid: 53, vips: ['192.0.2.101/32'], extra: ['use_vmac', 'no_accept'] },
        { name: 'VI_6', vrid: 52, vips: ['2001:db8::100/64'], extra: ['use_vmac', 'no_accept'] },
        { name: 'VI_7', vrid: 54, vips: ['fe80::54', '2001:db8::101/64'], extra: ['use_vmac', 'no_accept'] },
      ],
    ),
    instances: 4,
  },
  {
    name: 'existing-table',
    description: 'a table ip keepalived exists before keepalived starts: keepalived deletes it first',
    config: conf(STRICT, [V4]),
    instances: 1,
    before: [
      ['nft', 'add', 'table', 'ip', 'keepalived'],
      ['nft', 'add', 'chain', 'ip', 'keepalived', 'foreign'],
    ],
  },
];
