/**
 * Model of the lines in ip(8) syntax that keepalived.conf uses for `static_routes` /
 * `virtual_routes` (ip-route) and `static_rules` / `virtual_rules` (ip-rule). Address
 * lines (`IpAddressSpec`) are in common.ts: the VRRP child installs them.
 */
import type { Family } from '../../core/ip.js';
import type { SourceLoc } from '../common.js';

export type RouteType = 'unicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw';

export interface NexthopSpec {
  readonly via?: string;
  readonly dev?: string;
  readonly weight?: number;
  readonly onlink?: boolean;
}

export interface RouteMetric {
  readonly name: string;
  /** Numeric value (RTAX_*); `features ecn` is 1; 0 for `congctl`, whose value is `text`. */
  readonly value: number;
  readonly lock: boolean;
  /** `congctl NAME`: the congestion control algorithm. */
  readonly text?: string;
}

/** One line of `static_routes` / `virtual_routes` (ip-route syntax, ip-route(8)). */
export interface RouteSpec {
  readonly family: Family;
  readonly type: RouteType;
  /** Destination prefix, canonical (`0.0.0.0/0` for `default`). */
  readonly dst: string;
  readonly dstLen: number;
  readonly src?: string;
  readonly via?: string;
  readonly dev?: string;
  readonly scope?: string;
  readonly table?: string;
  readonly protocol?: string;
  readonly metric?: number;
  readonly realms?: string;
  readonly tos?: number;
  readonly vrf?: string;
  readonly pref?: 'low' | 'medium' | 'high';
  readonly nexthops: readonly NexthopSpec[];
  readonly metrics: readonly RouteMetric[];
  readonly onlink: boolean;
  readonly append: boolean;
  readonly noTrack: boolean;
  readonly trackGroup?: string;
  readonly text: string;
  readonly loc: SourceLoc;
}

/** `l3mdev`: no explicit action, the lookup is the l3mdev (VRF) table. */
export type RuleAction = 'table' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit' | 'l3mdev';

/** One line of `static_rules` / `virtual_rules` (ip-rule syntax, ip-rule(8)). */
export interface RuleSpec {
  readonly family: Family;
  readonly from?: string;
  readonly to?: string;
  readonly not: boolean;
  readonly action: RuleAction;
  readonly table?: string;
  readonly goto?: number;
  /** Configured or assigned (16384 counting down, with a warning). */
  readonly preference: number;
  readonly iif?: string;
  readonly oif?: string;
  readonly tos?: number;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly realms?: string;
  readonly uidrange?: string;
  readonly l3mdev: boolean;
  readonly protocol?: string;
  readonly ipProto?: string;
  readonly sport?: string;
  readonly dport?: string;
  readonly suppressPrefixLength?: number;
  readonly suppressIfgroup?: string;
  readonly tunnelId?: string;
  readonly noTrack: boolean;
  readonly trackGroup?: string;
  readonly text: string;
  readonly loc: SourceLoc;
}
