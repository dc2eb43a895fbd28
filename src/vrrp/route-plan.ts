/**
 * From a route or rule line of the config to the rtnetlink requests keepalived 2.2.7 sends for
 * it (VRRP child; docs/data-plane.md "Routes and rules"): names resolved on this host (tables,
 * protocols, scopes, realms, dsfield values, interface groups, IP protocols, interfaces), the
 * add request with its flags, the delete request (scope nowhere and type unspec unless the
 * line gives them, as keepalived sends it), the identity under which the kernel reports the
 * item (to recognise a deletion by another program), and keepalived's text for its log lines.
 * Pure; a name that does not resolve is a `{ ok: false }` with keepalived's message.
 */
import { formatIp, ipBytes } from '../core/ip.js';
import { type Result, fail, ok } from '../core/result.js';
import type { HostNames } from '../config/ip-lines/host-names.js';
import type { RouteEncapSpec, RouteMetric, RouteSpec as RouteLine, RuleSpec as RuleLine } from '../config/ip-lines/model.js';
import {
  FIB_RULE_INVERT,
  RTAX_ADVMSS,
  RTAX_CC_ALGO,
  RTAX_CWND,
  RTAX_FASTOPEN_NO_COOKIE,
  RTAX_FEATURES,
  RTAX_HOPLIMIT,
  RTAX_INITCWND,
  RTAX_INITRWND,
  RTAX_MTU,
  RTAX_QUICKACK,
  RTAX_REORDERING,
  RTAX_RTO_MIN,
  RTAX_RTT,
  RTAX_RTTVAR,
  RTAX_SSTHRESH,
  RTAX_WINDOW,
  RTN_UNSPEC,
  RTPROT_KEEPALIVED,
  RT_SCOPE_NOWHERE,
} from '../netlink/constants.js';
import type { RuleMessage } from '../netlink/fib-rule.js';
import type { RouteMessage } from '../netlink/route.js';
import { routeOf, ruleOf, type NexthopSpec, type RouteAddMode, type RouteSpec, type RuleSpec } from '../netlink/route-model.js';
import type { RouteEncap, RouteMetrics } from '../netlink/route-nested.js';

/** What resolving needs from the host. */
export interface PlanEnv {
  readonly names: HostNames;
  ifindex(name: string): number | undefined;
}

interface Planned {
  /** How the kernel reports it: its identity in notifications and dumps. */
  readonly key: string;
  /** Reinstated, or its instance leaves MASTER, when another program deletes it. */
  readonly tracked: boolean;
  /** keepalived's text for "Restoring deleted static …". */
  readonly text: string;
  readonly trackGroup?: string;
}

export interface PlannedRoute extends Planned {
  readonly kind: 'route';
  readonly add: RouteMessage;
  readonly mode: RouteAddMode;
  readonly del: RouteMessage;
  /** The interface it goes out of (`dev`), for restoring static routes when it comes back up. */
  readonly dev?: string;
}

export interface PlannedRule extends Planned {
  readonly kind: 'rule';
  readonly add: RuleMessage;
}

const METRIC: Readonly<Record<string, { readonly field: keyof RouteMetrics; readonly rtax: number }>> = {
  mtu: { field: 'mtu', rtax: RTAX_MTU },
  window: { field: 'window', rtax: RTAX_WINDOW },
  rtt: { field: 'rtt', rtax: RTAX_RTT },
  rttvar: { field: 'rttvar', rtax: RTAX_RTTVAR },
  ssthresh: { field: 'ssthresh', rtax: RTAX_SSTHRESH },
  cwnd: { field: 'cwnd', rtax: RTAX_CWND },
  advmss: { field: 'advmss', rtax: RTAX_ADVMSS },
  reordering: { field: 'reordering', rtax: RTAX_REORDERING },
  hoplimit: { field: 'hoplimit', rtax: RTAX_HOPLIMIT },
  initcwnd: { field: 'initcwnd', rtax: RTAX_INITCWND },
  features: { field: 'features', rtax: RTAX_FEATURES },
  rto_min: { field: 'rtoMin', rtax: RTAX_RTO_MIN },
  initrwnd: { field: 'initrwnd', rtax: RTAX_INITRWND },
  quickack: { field: 'quickack', rtax: RTAX_QUICKACK },
  congctl: { field: 'congctl', rtax: RTAX_CC_ALGO },
  fastopen_no_cookie: { field: 'fastopenNoCookie', rtax: RTAX_FASTOPEN_NO_COOKIE },
};

function metricsOf(list: readonly RouteMetric[]): RouteMetrics | undefined {
  if (list.length === 0) return undefined;
  const out: Record<string, number | string> = {};
  let lock = 0;
  for (const m of list) {
    const def = METRIC[m.name];
    if (!def) continue;
    out[def.field] = m.name === 'congctl' ? (m.text ?? '') : m.value;
    if (m.lock) lock |= 1 << def.rtax;
  }
  if (lock !== 0) out['lock'] = lock >>> 0;
  return out as RouteMetrics;
}

function encapOf(e: RouteEncapSpec): RouteEncap {
  if (e.type === 'mpls') return { type: 'mpls', labels: e.labels };
  const base = { ...(e.id !== undefined ? { id: BigInt(e.id) } : {}), ...(e.dst !== undefined ? { dst: ipBytes(e.dst) } : {}), ...(e.src !== undefined ? { src: ipBytes(e.src) } : {}) };
  if (e.type === 'ip') return { type: 'ip', ...base, ...(e.tos !== undefined ? { tos: e.tos } : {}), ...(e.ttl !== undefined ? { ttl: e.ttl } : {}) };
  return { type: 'ip6', ...base, ...(e.tc !== undefined ? { tc: e.tc } : {}), ...(e.hoplimit !== undefined ? { hoplimit: e.hoplimit } : {}) };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Resolves `word` of `kind`, or says so in keepalived's words. */
function resolver(env: PlanEnv, what: 'route' | 'rule') {
  return {
    table: (w: string): Result<number> => {
      const n = env.names.lookup('tables', w);
      return n === null ? fail(`Routing table ${w} not found for ${what}`) : ok(n);
    },
    protocol: (w: string): Result<number> => {
      const n = env.names.lookup('protos', w);
      return n === null || n > 255 ? fail(`Protocol ${w} not found or invalid for ${what}`) : ok(n);
    },
    scope: (w: string): Result<number> => {
      const n = env.names.lookup('scopes', w);
      return n === null || n > 255 ? fail(`Scope ${w} not found or invalid for ${what}`) : ok(n);
    },
    realms: (w: string): Result<number> => {
      const n = env.names.realms(w);
      return n === null ? fail(`Invalid realms ${w} for ${what}`) : ok(n);
    },
    tos: (w: number | string): Result<number> => {
      const n = typeof w === 'number' ? w : env.names.lookup('dsfield', w);
      return n === null || n > 255 ? fail(`Invalid tos ${w} for ${what}`) : ok(n);
    },
    dev: (w: string, msg: string): Result<number> => {
      const n = env.ifindex(w);
      return n === undefined ? fail(`WARNING - interface ${w} for ${msg} doesn't exist`) : ok(n);
    },
  };
}

/** keepalived's request flags per route: blackhole and friends go exclusive. */
function addMode(r: RouteLine): RouteAddMode {
  if (r.mode === 'append') return 'append';
  if (r.mode === 'add' || ['local', 'blackhole', 'unreachable', 'prohibit', 'throw'].includes(r.type)) return 'add';
  return 'prepend';
}

/** How the kernel identifies a route: family, table, destination, tos, metric (IPv6: 1024 by default), source prefix. */
export function routeKey(m: RouteMessage): string {
  const h = m.header;
  const metric = m.priority ?? (h.family === 10 ? 1024 : 0);
  const dst = m.dst ? formatIp(m.dst) : '';
  const src = m.src ? `${formatIp(m.src)}/${h.srcLen}` : '';
  return `${h.family}|${m.table ?? h.table}|${dst}/${h.dstLen}|${h.tos}|${metric}|${src}`;
}

/**
 * How the kernel identifies a rule: every selector and the action. Of the flags only
 * FIB_RULE_INVERT is the rule's own: the kernel adds state bits (an iif that is gone, an
 * unresolved goto) to what it reports.
 */
export function ruleKey(m: RuleMessage): string {
  const h = m.header;
  const pfx = (b: Uint8Array | undefined, len: number): string => (b ? `${formatIp(b)}/${len}` : '');
  return [h.family, m.priority ?? 0, h.action, m.table ?? h.table, pfx(m.src, h.srcLen), pfx(m.dst, h.dstLen), h.tos, h.flags & FIB_RULE_INVERT, m.iifName ?? '', m.oifName ?? '', m.fwmark ?? '', m.goto ?? ''].join('|');
}

export function planRoute(r: RouteLine, env: PlanEnv, where: 'virtual' | 'static'): Result<PlannedRoute> {
  const res = resolver(env, 'route');
  const spec: Mutable<RouteSpec> = { type: r.type, dst: `${r.dst}/${r.dstLen}`, family: r.family };
  const resolved: [Result<number> | undefined, (n: number) => void][] = [
    [r.table === undefined ? undefined : res.table(r.table), (n) => (spec.table = n)],
    [r.protocol === undefined ? undefined : res.protocol(r.protocol), (n) => (spec.protocol = n)],
    [r.scope === undefined ? undefined : res.scope(r.scope), (n) => (spec.scope = n)],
    [r.realms === undefined ? undefined : res.realms(r.realms), (n) => (spec.realms = n)],
    [r.tos === undefined ? undefined : res.tos(r.tos), (n) => (spec.tos = n)],
  ];
  for (const [x, set] of resolved) {
    if (x === undefined) continue;
    if (!x.ok) return x;
    set(x.value);
  }
  if (r.dev !== undefined) {
    const d = res.dev(r.dev, 'VROUTE nexthop');
    if (!d.ok) return d;
    spec.oif = d.value;
  }
  if (r.vrf !== undefined) return fail(`VRF ${r.vrf} not found for route (vrf on routes is not supported yet)`);
  const nexthops: NexthopSpec[] = [];
  for (const n of r.nexthops) {
    const nh: Mutable<NexthopSpec> = {};
    if (n.via !== undefined) nh.via = n.via;
    if (n.weight !== undefined) nh.weight = n.weight;
    if (n.onlink === true) nh.onlink = true;
    if (n.dev !== undefined) {
      const d = res.dev(n.dev, 'VROUTE nexthop');
      if (!d.ok) return d;
      nh.oif = d.value;
    }
    if (n.realms !== undefined) {
      const x = res.realms(n.realms);
      if (!x.ok) return x;
      nh.realms = x.value;
    }
    nexthops.push(nh);
  }
  if (nexthops.length > 0) spec.nexthops = nexthops;
  if (r.from !== undefined) spec.from = r.from;
  if (r.src !== undefined) spec.src = r.src;
  if (r.via !== undefined) spec.via = r.via;
  if (r.onlink) spec.onlink = true;
  if (r.metric !== undefined) spec.metric = r.metric;
  if (r.pref !== undefined) spec.pref = r.pref;
  if (r.expires !== undefined) spec.expires = r.expires;
  if (r.ttlPropagate !== undefined) spec.ttlPropagate = r.ttlPropagate;
  if (r.encap !== undefined) spec.encap = encapOf(r.encap);
  const metrics = metricsOf(r.metrics);
  if (metrics) spec.metrics = metrics;
  const msg = routeOf(spec);
  if (!msg.ok) return msg;
  const add = msg.value;
  // keepalived deletes with scope nowhere and type unspec unless the line set them.
  const del: RouteMessage = { ...add, header: { ...add.header, scope: r.scope !== undefined ? add.header.scope : RT_SCOPE_NOWHERE, type: r.type === 'unicast' ? RTN_UNSPEC : add.header.type } };
  const mode = addMode(r);
  return ok({
    kind: 'route',
    add,
    del,
    mode,
    key: routeKey(add),
    tracked: !r.noTrack,
    text: routeText(r, mode, add),
    ...(r.dev !== undefined ? { dev: r.dev } : {}),
    ...(where === 'static' && r.trackGroup !== undefined ? { trackGroup: r.trackGroup } : {}),
  });
}

export function planRule(r: RuleLine, env: PlanEnv, where: 'virtual' | 'static'): Result<PlannedRule> {
  const res = resolver(env, 'rule');
  const spec: Mutable<RuleSpec> = { family: r.family, priority: r.preference };
  if (r.action === 'l3mdev') spec.l3mdev = true;
  else spec.action = r.action;
  if (r.table !== undefined) {
    const t = res.table(r.table);
    if (!t.ok) return t;
    spec.table = t.value;
  }
  if (r.realms !== undefined) {
    const x = res.realms(r.realms);
    if (!x.ok) return x;
    spec.realms = x.value;
  }
  if (r.tos !== undefined) {
    const x = res.tos(r.tos);
    if (!x.ok) return x;
    spec.tos = x.value;
  }
  for (const [word, field] of [
    [r.iif, 'iif'],
    [r.oif, 'oif'],
  ] as const) {
    if (word === undefined) continue;
    if (env.ifindex(word) === undefined) return fail(`WARNING - interface ${word} for rule doesn't exist`);
    spec[field] = word;
  }
  if (r.ipProto !== undefined) {
    const n = env.names.lookup('ipproto', r.ipProto);
    if (n === null || n > 255) return fail(`Invalid ipproto ${r.ipProto} for rule`);
    spec.ipProto = n;
  }
  if (r.suppressIfgroup !== undefined) {
    const n = env.names.lookup('group', r.suppressIfgroup);
    if (n === null) return fail(`Invalid suppress_ifgroup ${r.suppressIfgroup} for rule`);
    spec.suppressIfgroup = n;
  }
  if (r.from !== undefined) spec.from = r.from;
  if (r.to !== undefined) spec.to = r.to;
  if (r.not) spec.not = true;
  if (r.goto !== undefined) spec.goto = r.goto;
  if (r.fwmark !== undefined) spec.fwmark = r.fwmark;
  if (r.fwmask !== undefined) spec.fwmask = r.fwmask;
  if (r.uidrange !== undefined) spec.uidRange = r.uidrange;
  if (r.sport !== undefined) spec.sport = r.sport;
  if (r.dport !== undefined) spec.dport = r.dport;
  if (r.suppressPrefixLength !== undefined) spec.suppressPrefixLength = r.suppressPrefixLength;
  if (r.tunnelId !== undefined) spec.tunId = BigInt(r.tunnelId);
  // Tracked rules are `protocol keepalived`; an untracked one carries only a configured protocol.
  if (r.noTrack) {
    if (r.protocol !== undefined) spec.protocol = r.protocol;
  } else spec.protocol = RTPROT_KEEPALIVED;
  const msg = ruleOf(spec);
  if (!msg.ok) return msg;
  let add: RuleMessage = msg.value;
  if (r.noTrack && r.protocol === undefined) {
    const { protocol: _omitted, ...rest } = add;
    add = rest;
  }
  // keepalived tracks a static rule only when it names its input interface.
  const tracked = !r.noTrack && (where === 'virtual' || r.iif !== undefined);
  return ok({ kind: 'rule', add, key: ruleKey(add), tracked, text: ruleText(r, add), ...(where === 'static' && r.trackGroup !== undefined ? { trackGroup: r.trackGroup } : {}) });
}

// ---------- keepalived's text for its log lines ----------

function routeText(r: RouteLine, mode: RouteAddMode, m: RouteMessage): string {
  const w: string[] = [mode === 'add' && r.mode !== 'add' ? 'prepend' : mode];
  if (r.type !== 'unicast') w.push(r.type);
  w.push(`${r.dst}/${r.dstLen}`);
  if (r.from !== undefined) w.push('from', r.from);
  if (r.via !== undefined) w.push('via', r.family === 6 ? 'inet6' : 'inet', r.via);
  if (r.dev !== undefined) w.push('dev', r.dev);
  const table = m.table ?? m.header.table;
  if (table !== 254) w.push('table', String(table));
  w.push('proto', String(m.header.protocol));
  if (r.metric !== undefined) w.push('metric', String(r.metric));
  if (r.src !== undefined) w.push('src', r.src);
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  return w.join(' ');
}

function ruleText(r: RuleLine, m: RuleMessage): string {
  const host = (p: string): string => (p.endsWith('/32') || p.endsWith('/128') ? p.slice(0, p.lastIndexOf('/')) : p);
  const w: string[] = [];
  if (r.not) w.push('not');
  if (r.from !== undefined) w.push('from', host(r.from));
  if (r.to !== undefined) w.push('to', host(r.to));
  w.push('priority', String(r.preference), 'tos', `0x${m.header.tos.toString(16)}`);
  if (r.fwmark !== undefined) w.push('fwmark', `0x${r.fwmark.toString(16)}${r.fwmask !== undefined ? `/0x${r.fwmask.toString(16)}` : ''}`);
  if (r.iif !== undefined) w.push('iif', r.iif);
  if (r.oif !== undefined) w.push('oif', r.oif);
  if (m.protocol !== undefined) w.push('protocol', String(m.protocol));
  if (r.action === 'table') w.push('lookup', String(m.table ?? m.header.table));
  else if (r.action === 'goto') w.push('goto', String(r.goto));
  else if (r.action === 'l3mdev') w.push('l3mdev');
  else w.push(r.action);
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  return w.join(' ');
}
