/**
 * Model of the lines in ip(8) syntax that keepalived.conf uses for `static_routes` /
 * `virtual_routes` (ip-route) and `static_rules` / `virtual_rules` (ip-rule). Address
 * lines (`IpAddressSpec`) are in common.ts: the VRRP child installs them. Names (tables,
 * protocols, scopes, realms, dsfield values, interfaces) stay as written: the VRRP child
 * resolves them on the host it runs on (iproute2's files, its interfaces).
 */
import type { Family } from '../../core/ip.js';
import type { SourceLoc } from '../common.js';

export type RouteType = 'unicast' | 'local' | 'broadcast' | 'anycast' | 'multicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw' | 'nat';

export interface NexthopSpec {
  readonly via?: string;
  readonly dev?: string;
  readonly weight?: number;
  readonly onlink?: boolean;
  /** `[FROM/]TO`, names (rt_realms) or numbers. */
  readonly realms?: string;
}

export interface RouteMetric {
  readonly name: string;
  /**
   * Numeric value in the kernel's units (RTAX_*): rtt in 1/8 ms, rttvar in 1/4 ms, rto_min in
   * ms, as keepalived sends them; `features ecn` is 1; 0 for `congctl`, whose value is `text`.
   */
  readonly value: number;
  readonly lock: boolean;
  /** `congctl NAME`: the congestion control algorithm. */
  readonly text?: string;
}

/** ip-route(8) `encap` (lightweight tunnel): MPLS labels, or IP/IPv6 tunnel metadata (`id` decimal, a u64). */
export type RouteEncapSpec =
  | { readonly type: 'mpls'; readonly labels: readonly number[] }
  | { readonly type: 'ip'; readonly id?: string; readonly dst?: string; readonly src?: string; readonly tos?: number; readonly ttl?: number }
  | { readonly type: 'ip6'; readonly id?: string; readonly dst?: string; readonly src?: string; readonly tc?: number; readonly hoplimit?: number };

/** keepalived's request flags: prepend (the default), `add` (exclusive), `append`. */
export type RouteMode = 'prepend' | 'add' | 'append';

/** One line of `static_routes` / `virtual_routes` (ip-route syntax, ip-route(8)). */
export interface RouteSpec {
  readonly family: Family;
  readonly type: RouteType;
  /** Destination prefix, canonical (`0.0.0.0/0` for `default`). */
  readonly dst: string;
  readonly dstLen: number;
  /** `from PREFIX` (source-specific IPv6 route), as `ADDR/LEN`. */
  readonly from?: string;
  readonly src?: string;
  readonly via?: string;
  readonly dev?: string;
  /** Name (rt_scopes) or number. */
  readonly scope?: string;
  /** Name (rt_tables) or number. */
  readonly table?: string;
  /** Name (rt_protos) or number. */
  readonly protocol?: string;
  readonly metric?: number;
  /** `[FROM/]TO`, names (rt_realms) or numbers. */
  readonly realms?: string;
  /** A number, or an rt_dsfield name. */
  readonly tos?: number | string;
  readonly vrf?: string;
  readonly pref?: 'low' | 'medium' | 'high';
  /** Seconds (IPv6 only). */
  readonly expires?: number;
  readonly ttlPropagate?: boolean;
  readonly encap?: RouteEncapSpec;
  readonly nexthops: readonly NexthopSpec[];
  readonly metrics: readonly RouteMetric[];
  readonly onlink: boolean;
  readonly mode: RouteMode;
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
  /** Name (rt_tables) or number. */
  readonly table?: string;
  readonly goto?: number;
  /** Configured or assigned (16384 counting down, with a warning). */
  readonly preference: number;
  readonly iif?: string;
  readonly oif?: string;
  /** A number, or an rt_dsfield name. */
  readonly tos?: number | string;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly realms?: string;
  readonly uidrange?: { readonly start: number; readonly end: number };
  readonly l3mdev: boolean;
  /** A number (keepalived 2.2.7 takes no name here). */
  readonly protocol?: number;
  /** A number or a name of /etc/protocols. */
  readonly ipProto?: string;
  readonly sport?: { readonly start: number; readonly end: number };
  readonly dport?: { readonly start: number; readonly end: number };
  readonly suppressPrefixLength?: number;
  /** A number or a name of iproute2's `group` file. */
  readonly suppressIfgroup?: string;
  /** Decimal (a u64). */
  readonly tunnelId?: string;
  readonly noTrack: boolean;
  readonly trackGroup?: string;
  readonly text: string;
  readonly loc: SourceLoc;
}
