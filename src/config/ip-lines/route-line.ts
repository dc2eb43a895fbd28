/**
 * The line grammar of `static_routes` / `virtual_routes` (keepalived.conf(5)): ip-route(8)
 * syntax without abbreviations, as keepalived 2.2.7 reads it (checked word by word against
 * its `-t` and against what it installs, docs/data-plane.md "Routes and rules"). A line with
 * an error is dropped with the word's location; `gw` and `or` are accepted with keepalived's
 * deprecation warnings; rtt/rttvar/rto_min are converted to the kernel's units with
 * keepalived's 200 ms floor.
 */
import { formatIp, parseIp } from '../../core/ip.js';
import type { ParseCtx } from '../diagnostics.js';
import type { ConfigNode } from '../source/tree.js';
import { Cursor, lineText, lineWords, parseUint, type Word } from './line-cursor.js';
import type { NexthopSpec, RouteEncapSpec, RouteMetric, RouteMode, RouteSpec, RouteType } from './model.js';

const ROUTE_TYPES: readonly RouteType[] = ['unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat'];
/** Metrics with a plain number (`NAME [lock] N`). */
const NUMERIC_METRICS = new Set(['mtu', 'advmss', 'hoplimit', 'reordering', 'window', 'cwnd', 'ssthresh', 'initcwnd', 'initrwnd']);
/** Metrics with a time: a unit (s, ms, us) or the kernel's raw units; kernel units per ms. */
const TIME_METRICS: Readonly<Record<string, number>> = { rtt: 8, rttvar: 4, rto_min: 1 };
/** keepalived raises rtt, rttvar and rto_min below this to it (with one message naming rtt). */
const TIME_METRIC_MIN_MS = 200;
const U32_MAX = 4294967295;
const U64_MAX = 18446744073709551615n;
const MPLS_LABEL_MAX = 1048575;

export type RouteContext = 'virtual' | 'static';

type Draft = { -readonly [K in keyof RouteSpec]?: RouteSpec[K] };

/** A time in ms: `N` (kernel units / perMs), `Ns`, `Nms`, `Nus` (fractions allowed). */
function timeMs(text: string, perMs: number): number | null {
  const m = /^(\d+(?:\.\d+)?)(s|sec|secs|ms|msec|msecs|us|usec|usecs)?$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2];
  if (unit === undefined) return n / perMs;
  if (unit.startsWith('s')) return n * 1000;
  if (unit.startsWith('m')) return n;
  return n / 1000;
}

function readMetric(c: Cursor, w: Word, metrics: RouteMetric[]): void {
  const kw = w.text;
  if (kw === 'quickack' || kw === 'fastopen_no_cookie') {
    const v = c.value(w);
    if (v === undefined) return;
    const n = parseUint(v.text);
    if (n === null || n > 1) c.fail(n === null ? `invalid number '${v.text}'` : `Invalid ${kw} value ${v.text} specified for route`, v.loc);
    else metrics.push({ name: kw, value: n, lock: false });
    return;
  }
  if (kw === 'features') {
    const v = c.value(w);
    if (v === undefined) return;
    if (v.text === 'ecn') metrics.push({ name: kw, value: 1, lock: false }); // RTAX_FEATURE_ECN
    else c.fail(`feature ${v.text} not supported`, v.loc);
    return;
  }
  let lock = false;
  if (c.peek() === 'lock') {
    lock = true;
    c.i++;
  }
  if (kw === 'congctl') {
    const v = c.value(w);
    if (v !== undefined) metrics.push({ name: kw, value: 0, lock, text: v.text });
    return;
  }
  const perMs = TIME_METRICS[kw];
  if (perMs !== undefined) {
    const v = c.value(w);
    if (v === undefined) return;
    let ms = timeMs(v.text, perMs);
    if (ms === null) {
      c.fail(`invalid ${kw} value ${v.text}`, v.loc);
      return;
    }
    if (ms < TIME_METRIC_MIN_MS) {
      c.ctx.diags.warn('KA_CFG_OUT_OF_RANGE', `rtt value ${v.text} below minimum ${TIME_METRIC_MIN_MS}ms, resetting`, v.loc);
      ms = TIME_METRIC_MIN_MS;
    }
    metrics.push({ name: kw, value: Math.round(ms * perMs), lock });
    return;
  }
  const n = c.int(w, 0, U32_MAX);
  if (n !== undefined) metrics.push({ name: kw, value: n, lock });
}

function readNexthop(c: Cursor): NexthopSpec {
  const nh: { -readonly [K in keyof NexthopSpec]?: NexthopSpec[K] } = {};
  for (let k = c.peek(); k === 'via' || k === 'dev' || k === 'weight' || k === 'onlink' || k === 'realms'; k = c.peek()) {
    const w = c.next();
    if (k === 'onlink') nh.onlink = true;
    else if (k === 'realms') {
      const v = c.value(w);
      if (v) nh.realms = v.text;
    }
    else if (k === 'weight') {
      const n = c.int(w, 1, 256);
      if (n !== undefined) nh.weight = n;
    } else if (k === 'dev') {
      const d = c.value(w);
      if (d) nh.dev = d.text;
    } else {
      const v = c.value(w);
      const a = v && (v.text === 'inet' || v.text === 'inet6' ? c.value(v) : v);
      const ip = a && c.addr(a, false);
      if (ip) nh.via = ip.address;
    }
  }
  return nh;
}

/** `encap mpls L[/L…]` or `encap ip|ip6 [id N] [dst A] [src A] [tos|tc N] [ttl|hoplimit N]`. */
function readEncap(c: Cursor, w: Word): RouteEncapSpec | undefined {
  const t = c.value(w);
  if (t === undefined) return undefined;
  if (t.text === 'mpls') {
    const v = c.value(t);
    if (v === undefined) return undefined;
    const labels = v.text.split('/').map(parseUint);
    if (labels.some((l) => l === null || l > MPLS_LABEL_MAX)) {
      c.fail(`Invalid mpls label stack ${v.text}`, v.loc);
      return undefined;
    }
    return { type: 'mpls', labels: labels as number[] };
  }
  if (t.text !== 'ip' && t.text !== 'ip6') {
    c.fail(`Unknown encap type ${t.text}`, t.loc, 'mpls|ip|ip6');
    return undefined;
  }
  const fam = t.text === 'ip' ? 4 : 6;
  const e: { id?: string; dst?: string; src?: string; tos?: number; ttl?: number; tc?: number; hoplimit?: number } = {};
  const tosWord = fam === 4 ? 'tos' : 'tc';
  const ttlWord = fam === 4 ? 'ttl' : 'hoplimit';
  for (let k = c.peek(); k === 'id' || k === 'dst' || k === 'src' || k === tosWord || k === ttlWord; k = c.peek()) {
    const kw = c.next();
    if (k === 'id') {
      const v = c.value(kw);
      if (v === undefined) return undefined;
      const ok = /^\d+$/.test(v.text) && BigInt(v.text) <= U64_MAX;
      if (!ok) {
        c.fail(`Invalid encap id ${v.text}`, v.loc);
        return undefined;
      }
      e.id = BigInt(v.text).toString();
    } else if (k === 'dst' || k === 'src') {
      const v = c.value(kw);
      if (v === undefined) return undefined;
      const a = parseIp(v.text);
      if (!a || a.family !== fam) {
        c.fail(`Invalid encap ${k} address ${v.text}`, v.loc);
        return undefined;
      }
      e[k] = formatIp(a);
    } else {
      const n = c.int(kw, 0, 255);
      if (n === undefined) return undefined;
      if (k === 'tos') e.tos = n;
      else if (k === 'tc') e.tc = n;
      else if (k === 'ttl') e.ttl = n;
      else e.hoplimit = n;
    }
  }
  return fam === 4 ? { type: 'ip', ...e } : { type: 'ip6', ...e };
}

/** Words with a plain value (names resolved by the VRRP child); numbers are range-checked here. */
function readNamed(c: Cursor, w: Word, r: Draft): void {
  const v = c.value(w);
  if (v === undefined) return;
  const n = parseUint(v.text);
  switch (w.text) {
    case 'scope':
      if (n !== null && n > 255) c.fail(`Scope ${v.text} not found or invalid for route`, v.loc);
      else r.scope = v.text;
      break;
    case 'table':
      if (n !== null && n > U32_MAX) c.fail(`Routing table ${v.text} not found for route`, v.loc);
      else r.table = v.text;
      break;
    case 'protocol':
      if (n !== null && n > 255) c.fail(`Protocol ${v.text} not found or invalid for route`, v.loc);
      else r.protocol = v.text;
      break;
    case 'realms':
      r.realms = v.text;
      break;
    default:
      r.vrf = v.text;
  }
}

function readTos(c: Cursor, w: Word): number | string | undefined {
  const v = c.value(w);
  if (v === undefined) return undefined;
  const n = parseUint(v.text);
  if (n !== null && n > 255) {
    c.fail(`number '${v.text}' outside range [0, 255]`, v.loc);
    return undefined;
  }
  return n ?? v.text;
}

export function parseRouteLine(line: ConfigNode, ctx: ParseCtx, where: RouteContext = 'static'): RouteSpec | undefined {
  const c = new Cursor(lineWords(line), ctx, 'route');
  let type: RouteType = 'unicast';
  let dst: { address: string; len: number } | undefined;
  let mode: RouteMode = 'prepend';
  let nexthopsStarted = false;
  const nexthops: NexthopSpec[] = [];
  const metrics: RouteMetric[] = [];
  const r: Draft = { onlink: false, noTrack: false };
  while (!c.done) {
    const w = c.next();
    const kw = w.text;
    if (nexthopsStarted && kw !== 'nexthop') {
      // keepalived takes nexthops as the end of the line: it says so and keeps the route.
      ctx.diags.error('KA_CFG_INVALID_VALUE', `Route has trailing nonsense after nexthops - ${kw}`, w.loc, { hint: 'put nexthop groups last' });
      break;
    }
    if ((ROUTE_TYPES as readonly string[]).includes(kw)) type = kw as RouteType;
    else if (kw === 'src') {
      const v = c.value(w);
      const a = v && c.addr(v, false);
      if (a) r.src = a.address;
    } else if (kw === 'from') {
      const v = c.value(w);
      const a = v && c.addr(v, true);
      if (a) r.from = `${a.address}/${a.len}`;
    } else if (kw === 'to') {
      const v = c.value(w);
      if (v) dst = c.addr(v, true);
    } else if (kw === 'via' || kw === 'gw') {
      if (kw === 'gw') ctx.diags.warn('KA_CFG_DEPRECATED', '"gw" for routes is deprecated. Please use "via"', w.loc, { hint: "write 'via'" });
      const v = c.value(w);
      const a = v && (v.text === 'inet' || v.text === 'inet6' ? c.value(v) : v);
      const ip = a && c.addr(a, false);
      if (ip) r.via = ip.address;
    } else if (kw === 'or') {
      ctx.diags.warn('KA_CFG_DEPRECATED', '"or" for routes is deprecated. Please use "nexthop"', w.loc, { hint: "write 'nexthop via IP'" });
      const v = c.value(w);
      const ip = v && c.addr(v, false);
      if (ip) nexthops.push({ via: ip.address });
    } else if (kw === 'nexthop') {
      nexthopsStarted = true;
      nexthops.push(readNexthop(c));
    }
    else if (kw === 'dev' || kw === 'oif') {
      const v = c.value(w);
      if (v) r.dev = v.text;
    } else if (kw === 'scope' || kw === 'table' || kw === 'protocol' || kw === 'realms' || kw === 'vrf') readNamed(c, w, r);
    else if (kw === 'metric' || kw === 'priority' || kw === 'preference') {
      const n = c.int(w, 0, U32_MAX);
      if (n !== undefined) r.metric = n;
    } else if (kw === 'tos' || kw === 'dsfield') {
      const t = readTos(c, w);
      if (t !== undefined) r.tos = t;
    } else if (kw === 'pref') {
      const v = c.value(w);
      if (v?.text === 'low' || v?.text === 'medium' || v?.text === 'high') r.pref = v.text;
      else if (v !== undefined) c.fail(`Invalid pref value '${v.text}'`, v.loc, 'low|medium|high');
    } else if (NUMERIC_METRICS.has(kw) || kw in TIME_METRICS || kw === 'quickack' || kw === 'fastopen_no_cookie' || kw === 'features' || kw === 'congctl') readMetric(c, w, metrics);
    else if (kw === 'expires') {
      const n = c.int(w, 0, U32_MAX);
      if (n !== undefined && c.family === 6) r.expires = n;
      else if (n !== undefined) ctx.diags.warn('KA_CFG_INVALID_VALUE', 'expires is only valid for IPv6', w.loc);
    } else if (kw === 'ttl-propagate') {
      const v = c.value(w);
      if (v?.text === 'enabled' || v?.text === 'disabled') r.ttlPropagate = v.text === 'enabled';
      else if (v !== undefined) c.fail(`ttl-propagate value ${v.text} not recognised`, v.loc, 'enabled|disabled');
    } else if (kw === 'encap') {
      const e = readEncap(c, w);
      if (e) r.encap = e;
    } else if (kw === 'as') {
      if (c.peek() === 'to') c.i++;
      c.value(w);
      ctx.diags.warn('KA_CFG_UNSUPPORTED', '"as to" for MPLS only - ignoring', w.loc);
    } else if (kw === 'onlink') r.onlink = true;
    else if (kw === 'append' || kw === 'add' || kw === 'prepend') mode = kw;
    else if (kw === 'inet6' || kw === 'inet') c.setFamily(w, kw === 'inet6' ? 6 : 4);
    else if (kw === 'no_track') r.noTrack = true;
    else if (kw === 'track_group' && where === 'static') {
      const v = c.value(w);
      if (v) r.trackGroup = v.text;
    } else if (dst === undefined && (kw === 'default' || /^[0-9a-f:.]+(\/\d+)?$/i.test(kw))) {
      dst = c.addr(w, true);
    } else {
      ctx.diags.error('KA_CFG_INVALID_VALUE', `VRRP parsed invalid IP ${kw}. skipping IP...`, w.loc);
      ctx.diags.error('KA_CFG_UNKNOWN_KEYWORD', `unknown route keyword ${kw}`, w.loc);
      c.failed = true;
    }
  }
  if (c.failed) return undefined;
  if (dst === undefined) {
    ctx.diags.error('KA_CFG_MISSING_ARG', 'Route has no destination - ignoring', line.loc);
    return undefined;
  }
  const family = c.family ?? 4;
  if (dst.len === 0 && family === 6) dst = { address: '::', len: 0 };
  let noTrack = r.noTrack ?? false;
  // keepalived tracks a route by its own `dev` (not a nexthop's), virtual_routes included.
  if (r.dev === undefined && !noTrack) {
    ctx.diags.warn('KA_CFG_ROUTE_NO_TRACK', `Warning - cannot track route ${dst.address}/${dst.len} with no interface specified, not tracking`, line.loc, { hint: "add 'dev IF' or 'no_track'" });
    noTrack = true;
  }
  if (!noTrack && r.protocol !== undefined && r.protocol !== 'keepalived' && r.protocol !== '18') {
    ctx.diags.warn('KA_CFG_INVALID_VALUE', 'Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol', line.loc, { hint: "add 'no_track' to keep the protocol" });
    delete r.protocol;
  }
  return { ...r, family, type, dst: dst.address, dstLen: dst.len, nexthops, metrics, onlink: r.onlink ?? false, mode, noTrack, text: lineText(line), loc: line.loc };
}

