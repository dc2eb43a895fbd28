/**
 * Routes and policy rules as the VRRP process describes them (keepalived.conf(5)
 * virtual_routes / static_routes / virtual_rules / static_rules after names are resolved to
 * numbers: tables, protocols, scopes, realms, interface indexes) and their mapping onto
 * RTM_NEWROUTE / RTM_NEWRULE bodies as keepalived 2.2.7 builds them (docs/data-plane.md
 * "Routes and rules"); plus the route/rule notifications of the monitor. Pure; validation of
 * caller input returns Result.
 */
import { type Family, parseIp, parsePrefix } from '../core/ip.js';
import { type Result, fail, ok } from '../core/result.js';
import { compact } from './attr.js';
import {
  AF_INET,
  AF_INET6,
  FIB_RULE_INVERT,
  FR_ACT_BLACKHOLE,
  FR_ACT_GOTO,
  FR_ACT_NOP,
  FR_ACT_PROHIBIT,
  FR_ACT_TO_TBL,
  FR_ACT_UNREACHABLE,
  ICMPV6_ROUTER_PREF_HIGH,
  ICMPV6_ROUTER_PREF_LOW,
  ICMPV6_ROUTER_PREF_MEDIUM,
  RTM_DELROUTE,
  RTM_DELRULE,
  RTM_NEWROUTE,
  RTM_NEWRULE,
  RTNH_F_ONLINK,
  RTN_ANYCAST,
  RTN_BLACKHOLE,
  RTN_BROADCAST,
  RTN_LOCAL,
  RTN_MULTICAST,
  RTN_NAT,
  RTN_PROHIBIT,
  RTN_THROW,
  RTN_UNICAST,
  RTN_UNREACHABLE,
  RTPROT_KEEPALIVED,
  RT_SCOPE_UNIVERSE,
  RT_TABLE_MAIN,
} from './constants.js';
import { type RuleMessage, decodeRuleMessage } from './fib-rule.js';
import type { NlMessage } from './message.js';
import { type RouteMessage, decodeRouteMessage } from './route.js';
import type { RouteEncap, RouteMetrics, RouteNexthop } from './route-nested.js';

export type RouteType = 'unicast' | 'local' | 'broadcast' | 'anycast' | 'multicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw' | 'nat';

export const RTN: Readonly<Record<RouteType, number>> = {
  unicast: RTN_UNICAST,
  local: RTN_LOCAL,
  broadcast: RTN_BROADCAST,
  anycast: RTN_ANYCAST,
  multicast: RTN_MULTICAST,
  nat: RTN_NAT,
  blackhole: RTN_BLACKHOLE,
  unreachable: RTN_UNREACHABLE,
  prohibit: RTN_PROHIBIT,
  throw: RTN_THROW,
};

export interface NexthopSpec {
  readonly via?: string;
  readonly oif?: number;
  /** 1 … 256 (default 1). */
  readonly weight?: number;
  readonly onlink?: boolean;
  readonly realms?: number;
  readonly encap?: RouteEncap;
}

/** One route, names already resolved to numbers. */
export interface RouteSpec {
  readonly type?: RouteType;
  /** `PREFIX` or `ADDR` (host route) or `default`; IPv6 `default` needs `family: 6`. */
  readonly dst: string;
  /** Only to tell IPv6 `default` apart. */
  readonly family?: Family;
  /** ip-route(8) `from`: source prefix (IPv6). */
  readonly from?: string;
  /** ip-route(8) `src`: preferred source address. */
  readonly src?: string;
  readonly via?: string;
  readonly oif?: number;
  readonly onlink?: boolean;
  /** Default RT_TABLE_MAIN. */
  readonly table?: number;
  readonly metric?: number;
  /** Default RTPROT_KEEPALIVED (keepalived marks every route it tracks so). */
  readonly protocol?: number;
  /** Default RT_SCOPE_UNIVERSE (keepalived's default, also for device routes). */
  readonly scope?: number;
  readonly tos?: number;
  /** RTA_FLOW (from << 16 | to). */
  readonly realms?: number;
  readonly metrics?: RouteMetrics;
  readonly nexthops?: readonly NexthopSpec[];
  readonly encap?: RouteEncap;
  readonly pref?: 'low' | 'medium' | 'high';
  readonly expires?: number;
  readonly ttlPropagate?: boolean;
}

/** keepalived's request flags: prepend (the default, NLM_F_CREATE), `add` (+EXCL), `append` (+APPEND). */
export type RouteAddMode = 'prepend' | 'add' | 'append' | 'replace';

const PREF = { low: ICMPV6_ROUTER_PREF_LOW, medium: ICMPV6_ROUTER_PREF_MEDIUM, high: ICMPV6_ROUTER_PREF_HIGH } as const;

function address(text: string, family: Family, what: string): Result<Uint8Array> {
  const a = parseIp(text);
  if (!a) return fail(`invalid ${what} '${text}'`);
  if (a.family !== family) return fail(`${what} ${text} is not IPv${family}`);
  return ok(a.bytes);
}

function nexthopOf(n: NexthopSpec, family: Family): Result<RouteNexthop> {
  const weight = n.weight ?? 1;
  if (!Number.isInteger(weight) || weight < 1 || weight > 256) return fail(`nexthop weight ${weight} out of 1..256`);
  let gateway: Uint8Array | undefined;
  if (n.via !== undefined) {
    const g = address(n.via, family, 'nexthop gateway');
    if (!g.ok) return g;
    gateway = g.value;
  }
  return ok({
    oif: n.oif ?? 0,
    weight,
    ...(n.onlink ? { flags: RTNH_F_ONLINK } : {}),
    ...(gateway !== undefined ? { gateway } : {}),
    ...(n.realms !== undefined ? { flow: n.realms } : {}),
    ...(n.encap !== undefined ? { encap: n.encap } : {}),
  });
}

function optionalAddress(text: string | undefined, family: Family, what: string): Result<Uint8Array | undefined> {
  return text === undefined ? ok(undefined) : address(text, family, what);
}

/** Validates a route (caller input) and maps it to the request's header and attributes. */
export function routeOf(spec: RouteSpec): Result<RouteMessage> {
  const dstText = spec.dst === 'default' ? (spec.family === 6 ? '::/0' : '0.0.0.0/0') : spec.dst;
  const dst = parsePrefix(dstText);
  if (!dst.ok) return fail(`route destination: ${dst.reason}`);
  const family = dst.value.family;
  if (spec.family !== undefined && spec.family !== family) return fail(`route ${spec.dst} is not IPv${spec.family}`);
  let from: { bytes: Uint8Array; prefixLen: number } | undefined;
  if (spec.from !== undefined) {
    const p = parsePrefix(spec.from);
    if (!p.ok || p.value.family !== family) return fail(`route source prefix '${spec.from}' is not an IPv${family} prefix`);
    from = p.value;
  }
  const prefsrc = optionalAddress(spec.src, family, 'preferred source');
  if (!prefsrc.ok) return prefsrc;
  const gateway = optionalAddress(spec.via, family, 'gateway');
  if (!gateway.ok) return gateway;
  let multipath: RouteNexthop[] | undefined;
  if (spec.nexthops !== undefined && spec.nexthops.length > 0) {
    multipath = [];
    for (const n of spec.nexthops) {
      const r = nexthopOf(n, family);
      if (!r.ok) return r;
      multipath.push(r.value);
    }
  }
  const table = spec.table ?? RT_TABLE_MAIN;
  if (!Number.isInteger(table) || table < 1 || table > 0xffffffff) return fail(`invalid table ${table}`);
  return ok({
    header: {
      family: family === 4 ? AF_INET : AF_INET6,
      dstLen: dst.value.prefixLen,
      srcLen: from?.prefixLen ?? 0,
      tos: spec.tos ?? 0,
      table: table > 255 ? 0 : table,
      protocol: spec.protocol ?? RTPROT_KEEPALIVED,
      scope: spec.scope ?? RT_SCOPE_UNIVERSE,
      type: RTN[spec.type ?? 'unicast'],
      flags: spec.onlink ? RTNH_F_ONLINK : 0,
    },
    table,
    ...compact({
      dst: dst.value.prefixLen > 0 ? dst.value.bytes : undefined,
      src: from?.bytes,
      prefsrc: prefsrc.value,
      gateway: gateway.value,
      oif: spec.oif,
      priority: spec.metric,
      flow: spec.realms,
      metrics: spec.metrics,
      multipath,
      encap: spec.encap,
      pref: spec.pref !== undefined ? PREF[spec.pref] : undefined,
      expires: spec.expires,
      ttlPropagate: spec.ttlPropagate === undefined ? undefined : spec.ttlPropagate ? 1 : 0,
    }),
  });
}

// ---------- rules ----------

export type RuleAction = 'table' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

const FR_ACT: Readonly<Record<RuleAction, number>> = {
  table: FR_ACT_TO_TBL,
  goto: FR_ACT_GOTO,
  nop: FR_ACT_NOP,
  blackhole: FR_ACT_BLACKHOLE,
  unreachable: FR_ACT_UNREACHABLE,
  prohibit: FR_ACT_PROHIBIT,
};

/** One policy rule, names already resolved to numbers (ip-rule(8) selectors and actions). */
export interface RuleSpec {
  readonly family: Family;
  /** `PREFIX` or `ADDR`; absent = all. */
  readonly from?: string;
  readonly to?: string;
  readonly not?: boolean;
  /** Default 'table' (with `l3mdev` and no table: the VRF's table). */
  readonly action?: RuleAction;
  readonly table?: number;
  readonly goto?: number;
  readonly priority?: number;
  readonly iif?: string;
  readonly oif?: string;
  readonly tos?: number;
  readonly fwmark?: number;
  readonly fwmask?: number;
  /** FRA_FLOW (from << 16 | to). */
  readonly realms?: number;
  readonly uidRange?: { readonly start: number; readonly end: number };
  readonly l3mdev?: boolean;
  /** Default RTPROT_KEEPALIVED. */
  readonly protocol?: number;
  readonly ipProto?: number;
  readonly sport?: { readonly start: number; readonly end: number };
  readonly dport?: { readonly start: number; readonly end: number };
  readonly suppressPrefixLength?: number;
  readonly suppressIfgroup?: number;
  readonly tunId?: bigint;
}

/** Validates a rule (caller input) and maps it to the request's header and attributes. */
export function ruleOf(spec: RuleSpec): Result<RuleMessage> {
  const prefixes: { src?: Uint8Array; dst?: Uint8Array; srcLen: number; dstLen: number } = { srcLen: 0, dstLen: 0 };
  for (const [which, text] of [
    ['src', spec.from],
    ['dst', spec.to],
  ] as const) {
    if (text === undefined) continue;
    const p = parsePrefix(text);
    if (!p.ok || p.value.family !== spec.family) return fail(`rule ${which === 'src' ? 'from' : 'to'} '${text}' is not an IPv${spec.family} prefix`);
    prefixes[which] = p.value.bytes;
    prefixes[which === 'src' ? 'srcLen' : 'dstLen'] = p.value.prefixLen;
  }
  const action = spec.action ?? 'table';
  if (action === 'goto' && spec.goto === undefined) return fail('a goto rule needs its target priority');
  const table = action === 'table' ? (spec.table ?? (spec.l3mdev ? 0 : undefined)) : undefined;
  if (action === 'table' && table === undefined) return fail('a lookup rule needs a table (or l3mdev)');
  return ok({
    header: {
      family: spec.family === 4 ? AF_INET : AF_INET6,
      dstLen: prefixes.dstLen,
      srcLen: prefixes.srcLen,
      tos: spec.tos ?? 0,
      table: table !== undefined && table <= 255 ? table : 0,
      action: FR_ACT[action],
      flags: spec.not ? FIB_RULE_INVERT : 0,
    },
    protocol: spec.protocol ?? RTPROT_KEEPALIVED,
    ...compact({
      table: table !== undefined && table > 0 ? table : undefined,
      src: prefixes.src,
      dst: prefixes.dst,
      priority: spec.priority,
      fwmark: spec.fwmark,
      fwmask: spec.fwmask,
      flow: spec.realms,
      tunId: spec.tunId,
      suppressIfgroup: spec.suppressIfgroup,
      suppressPrefixlen: spec.suppressPrefixLength,
      iifName: spec.iif,
      oifName: spec.oif,
      l3mdev: spec.l3mdev ? 1 : undefined,
      uidRange: spec.uidRange,
      ipProto: spec.ipProto,
      sportRange: spec.sport,
      dportRange: spec.dport,
      goto: action === 'goto' ? spec.goto : undefined,
    }),
  });
}

// ---------- notifications ----------

/** RTNLGRP_IPV4/IPV6_ROUTE and _RULE notifications (keepalived's tracking of deleted routes/rules). */
export type RouteRuleEvent =
  | { readonly type: 'route'; readonly deleted: boolean; readonly route: RouteMessage }
  | { readonly type: 'rule'; readonly deleted: boolean; readonly rule: RuleMessage }
  /** Notifications were lost (ENOBUFS) or unreadable: re-dump routes and rules. */
  | { readonly type: 'resync'; readonly reason: string };

/** A monitor notification as an event; null for other message types and families. */
export function decodeRouteRuleEvent(msg: NlMessage): RouteRuleEvent | null {
  const fam = msg.payload[0];
  if (fam !== AF_INET && fam !== AF_INET6) return null;
  switch (msg.type) {
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
      return { type: 'route', deleted: msg.type === RTM_DELROUTE, route: decodeRouteMessage(msg.payload) };
    case RTM_NEWRULE:
    case RTM_DELRULE:
      return { type: 'rule', deleted: msg.type === RTM_DELRULE, rule: decodeRuleMessage(msg.payload) };
    default:
      return null;
  }
}
