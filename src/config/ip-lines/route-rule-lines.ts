/**
 * Line grammars of `static_routes`/`virtual_routes` and `static_rules`/`virtual_rules`
 * (keepalived.conf(5)): ip-route(8) and ip-rule(8) syntax without abbreviations, parsed into
 * structured records. A line with an error is dropped (keepalived frees it), with the
 * word's location; `gw` and `or` are accepted with keepalived's deprecation warnings.
 */
import { formatIp, parseIp, parsePrefix, type Family } from '../../core/ip.js';
import type { SourceLoc } from '../common.js';
import type { ParseCtx } from '../diagnostics.js';
import { argLoc, parseIntStrict } from '../keywords/args.js';
import type { ConfigNode } from '../source/tree.js';
import type { NexthopSpec, RouteMetric, RouteSpec, RouteType, RuleAction, RuleSpec } from './model.js';

const ROUTE_TYPES: readonly RouteType[] = ['blackhole', 'unreachable', 'prohibit', 'throw'];
const METRICS = new Set(['mtu', 'advmss', 'hoplimit', 'rtt', 'rttvar', 'reordering', 'window', 'cwnd', 'ssthresh', 'rto_min', 'initcwnd', 'initrwnd', 'features', 'quickack', 'congctl', 'fastopen_no_cookie']);

/** The line's words with locations, the keyword included (list items are `keyword args…`). */
function words(line: ConfigNode): { text: string; loc: SourceLoc }[] {
  return [{ text: line.keyword, loc: line.loc }, ...line.args.map((t, i) => ({ text: t.text, loc: argLoc(line, i) }))];
}

const lineText = (line: ConfigNode): string => (line.rawArgs ? `${line.keyword} ${line.rawArgs}` : line.keyword);

/** Shared cursor over a line: reports and stops at the first problem. */
class Cursor {
  i = 0;
  failed = false;
  family: Family | undefined;
  constructor(
    readonly w: { text: string; loc: SourceLoc }[],
    readonly ctx: ParseCtx,
    readonly what: 'route' | 'rule',
  ) {}
  get done(): boolean {
    return this.failed || this.i >= this.w.length;
  }
  next(): { text: string; loc: SourceLoc } {
    return this.w[this.i++]!;
  }
  fail(message: string, loc: SourceLoc, hint?: string): void {
    this.ctx.diags.error('KA_CFG_INVALID_VALUE', message, loc, hint === undefined ? {} : { hint });
    this.failed = true;
  }
  value(kw: { text: string; loc: SourceLoc }): { text: string; loc: SourceLoc } | undefined {
    const v = this.w[this.i];
    if (v === undefined) {
      this.fail(`${this.what} keyword '${kw.text}' requires a value`, kw.loc);
      return undefined;
    }
    this.i++;
    return v;
  }
  int(kw: { text: string; loc: SourceLoc }, min: number, max: number): number | undefined {
    const v = this.value(kw);
    if (v === undefined) return undefined;
    const n = /^0x[0-9a-f]+$/i.test(v.text) ? Number.parseInt(v.text, 16) : parseIntStrict(v.text);
    if (n === null || n < min || n > max) {
      this.fail(`invalid ${kw.text} '${v.text}' (${min}..${max})`, v.loc);
      return undefined;
    }
    return n;
  }
  /** An address or prefix of the line's family (the first one fixes it; `inet6` may too). */
  addr(v: { text: string; loc: SourceLoc }, prefix: boolean): { address: string; len: number } | undefined {
    if (prefix && (v.text === 'default' || v.text === 'all')) {
      const fam = this.family ?? 4;
      return { address: fam === 6 ? '::' : '0.0.0.0', len: 0 };
    }
    const p = prefix ? parsePrefix(v.text) : null;
    const ip = prefix ? (p?.ok ? p.value : null) : parseIp(v.text);
    if (!ip) {
      this.fail(`VRRP parsed invalid IP ${v.text}. skipping IP...`, v.loc);
      return undefined;
    }
    if (this.family !== undefined && this.family !== ip.family) {
      this.fail(`Cannot mix IPv4 and IPv6 addresses for ${this.what}`, v.loc);
      return undefined;
    }
    this.family = ip.family;
    return { address: formatIp(ip), len: p?.ok ? p.value.prefixLen : ip.family === 4 ? 32 : 128 };
  }
}

export function parseRouteLine(line: ConfigNode, ctx: ParseCtx): RouteSpec | undefined {
  const c = new Cursor(words(line), ctx, 'route');
  let type: RouteType = 'unicast';
  let dst: { address: string; len: number } | undefined;
  const nexthops: NexthopSpec[] = [];
  const metrics: RouteMetric[] = [];
  const r: { -readonly [K in keyof RouteSpec]?: RouteSpec[K] } = { onlink: false, append: false, noTrack: false };
  while (!c.done) {
    const w = c.next();
    const kw = w.text;
    const val = (): string | undefined => c.value(w)?.text;
    if ((ROUTE_TYPES as readonly string[]).includes(kw) || kw === 'unicast') {
      type = kw as RouteType;
    } else if (kw === 'src') {
      const v = c.value(w);
      const a = v && c.addr(v, false);
      if (a) r.src = a.address;
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
      const nh: { -readonly [K in keyof NexthopSpec]?: NexthopSpec[K] } = {};
      while (!c.done && ['via', 'dev', 'weight', 'onlink'].includes(c.w[c.i]!.text)) {
        const k = c.next();
        if (k.text === 'onlink') nh.onlink = true;
        else if (k.text === 'weight') {
          const n = c.int(k, 1, 256);
          if (n !== undefined) nh.weight = n;
        } else if (k.text === 'dev') {
          const d = c.value(k);
          if (d) nh.dev = d.text;
        } else {
          const v = c.value(k);
          const ip = v && c.addr(v, false);
          if (ip) nh.via = ip.address;
        }
      }
      nexthops.push(nh);
    } else if (kw === 'dev' || kw === 'oif') {
      const v = val();
      if (v !== undefined) r.dev = v;
    } else if (kw === 'scope' || kw === 'table' || kw === 'proto' || kw === 'protocol' || kw === 'realms' || kw === 'vrf') {
      const v = val();
      if (v === undefined) continue;
      if (kw === 'scope') r.scope = v;
      else if (kw === 'table') r.table = v;
      else if (kw === 'realms') r.realms = v;
      else if (kw === 'vrf') r.vrf = v;
      else r.protocol = v;
    } else if (kw === 'metric' || kw === 'priority' || kw === 'preference') {
      const n = c.int(w, 0, 4294967295);
      if (n !== undefined) r.metric = n;
    } else if (kw === 'tos' || kw === 'dsfield') {
      const n = c.int(w, 0, 255);
      if (n !== undefined) r.tos = n;
    } else if (kw === 'pref') {
      const v = val();
      if (v === 'low' || v === 'medium' || v === 'high') r.pref = v;
      else if (v !== undefined) c.fail(`Invalid pref value '${v}'`, w.loc, 'low|medium|high');
    } else if (METRICS.has(kw) || kw === 'ecn') {
      if (kw === 'fastopen_no_cookie' || kw === 'quickack' || kw === 'ecn') {
        const n = c.done ? 1 : c.int(w, 0, 1);
        if (n !== undefined) metrics.push({ name: kw, value: n, lock: false });
        continue;
      }
      let lock = false;
      if (c.w[c.i]?.text === 'lock') {
        lock = true;
        c.i++;
      }
      if (kw === 'congctl') {
        const name = val();
        if (name !== undefined) metrics.push({ name: kw, value: 0, lock, text: name });
        continue;
      }
      if (kw === 'features' && c.w[c.i]?.text === 'ecn') {
        c.i++;
        metrics.push({ name: kw, value: 1, lock }); // RTAX_FEATURE_ECN
        continue;
      }
      const n = c.int(w, 0, 4294967295);
      if (n !== undefined) metrics.push({ name: kw, value: n, lock });
    } else if (kw === 'onlink') r.onlink = true;
    else if (kw === 'append') r.append = true;
    else if (kw === 'inet6') {
      if (c.family === 4) c.fail('Cannot mix IPv4 and IPv6 addresses for route', w.loc);
      c.family = 6;
    } else if (kw === 'no_track') r.noTrack = true;
    else if (kw === 'track_group') {
      const v = val();
      if (v !== undefined) r.trackGroup = v;
    } else if (dst === undefined && (kw === 'default' || /^[0-9a-f:.]+(\/\d+)?$/i.test(kw))) {
      dst = c.addr(w, true);
    } else if (dst === undefined && c.i === 1) {
      c.addr(w, true);
      ctx.diags.error('KA_CFG_UNKNOWN_KEYWORD', `unknown route keyword ${kw}`, w.loc);
    } else {
      c.fail(`unknown route keyword ${kw}`, w.loc);
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
  // keepalived tracks routes by interface, virtual_routes included (checked with 2.2.7).
  if (r.dev === undefined && !nexthops.some((n) => n.dev !== undefined) && !noTrack) {
    ctx.diags.warn('KA_CFG_ROUTE_NO_TRACK', `Warning - cannot track route ${dst.address}/${dst.len} with no interface specified, not tracking`, line.loc, { hint: "add 'dev IF' or 'no_track'" });
    noTrack = true;
  }
  return {
    ...r,
    family,
    type,
    dst: dst.address,
    dstLen: dst.len,
    nexthops,
    metrics,
    onlink: r.onlink ?? false,
    append: r.append ?? false,
    noTrack,
    text: lineText(line),
    loc: line.loc,
  };
}

/** keepalived numbers rules without `preference` from 16384 downwards, per daemon, in file order. */
const nextPref = new WeakMap<object, number>();

const RULE_ACTIONS: readonly RuleAction[] = ['blackhole', 'unreachable', 'prohibit', 'nop'];

export function parseRuleLine(line: ConfigNode, ctx: ParseCtx): RuleSpec | undefined {
  const c = new Cursor(words(line), ctx, 'rule');
  const r: { -readonly [K in keyof RuleSpec]?: RuleSpec[K] } = { not: false, l3mdev: false, noTrack: false };
  let action: RuleAction | undefined;
  while (!c.done) {
    const w = c.next();
    const kw = w.text;
    const val = (): string | undefined => c.value(w)?.text;
    switch (kw) {
      case 'from':
      case 'to': {
        const v = c.value(w);
        const a = v && c.addr(v, true);
        if (a) r[kw] = `${a.address}/${a.len}`;
        break;
      }
      case 'not':
        r.not = true;
        break;
      case 'table':
      case 'lookup': {
        const v = val();
        if (v !== undefined) {
          r.table = v;
          action = 'table';
        }
        break;
      }
      case 'goto': {
        const n = c.int(w, 1, 4294967295);
        if (n !== undefined) {
          r.goto = n;
          action = 'goto';
        }
        break;
      }
      case 'no_table':
        action = 'nop';
        break;
      case 'preference':
      case 'priority':
      case 'order': {
        const n = c.int(w, 0, 4294967295);
        if (n !== undefined) r.preference = n;
        break;
      }
      case 'iif':
      case 'dev':
      case 'oif':
      case 'realms':
      case 'uidrange':
      case 'protocol':
      case 'ipproto':
      case 'ip_proto':
      case 'sport':
      case 'dport':
      case 'suppress_ifgroup':
      case 'tunnel-id':
      case 'track_group': {
        const v = val();
        if (v === undefined) break;
        if (kw === 'iif' || kw === 'dev') r.iif = v;
        else if (kw === 'oif') r.oif = v;
        else if (kw === 'realms') r.realms = v;
        else if (kw === 'uidrange') r.uidrange = v;
        else if (kw === 'protocol') r.protocol = v;
        else if (kw === 'ipproto' || kw === 'ip_proto') r.ipProto = v;
        else if (kw === 'sport') r.sport = v;
        else if (kw === 'dport') r.dport = v;
        else if (kw === 'suppress_ifgroup') r.suppressIfgroup = v;
        else if (kw === 'tunnel-id') r.tunnelId = v;
        else r.trackGroup = v;
        break;
      }
      case 'tos':
      case 'dsfield': {
        const n = c.int(w, 0, 255);
        if (n !== undefined) r.tos = n;
        break;
      }
      case 'suppress_prefixlength': {
        const n = c.int(w, 0, 128);
        if (n !== undefined) r.suppressPrefixLength = n;
        break;
      }
      case 'fwmark': {
        const v = c.value(w);
        if (!v) break;
        const [mark, mask] = v.text.split('/');
        const num = (s: string | undefined): number | null => (s === undefined ? null : /^0x[0-9a-f]+$/i.test(s) ? Number.parseInt(s, 16) : parseIntStrict(s));
        const m = num(mark);
        const k = mask === undefined ? undefined : num(mask);
        if (m === null || k === null || m < 0 || m > 0xffffffff || (k !== undefined && (k < 0 || k > 0xffffffff))) c.fail(`Invalid fwmark '${v.text}'`, v.loc);
        else {
          r.fwmark = m;
          if (k !== undefined) r.fwmask = k;
        }
        break;
      }
      case 'l3mdev':
        r.l3mdev = true;
        break;
      case 'inet6':
        if (c.family === 4) c.fail('Cannot mix IPv4 and IPv6 addresses for rule', w.loc);
        c.family = 6;
        break;
      case 'no_track':
        r.noTrack = true;
        break;
      default:
        if ((RULE_ACTIONS as readonly string[]).includes(kw)) action = kw as RuleAction;
        else c.fail(`Unknown rule keyword ${kw}`, w.loc);
    }
  }
  if (c.failed) return undefined;
  // `l3mdev` is itself the lookup (the VRF's table), as in ip-rule(8).
  if (action === undefined && !r.l3mdev) {
    ctx.diags.error('KA_CFG_MISSING_ARG', 'No table, goto or action specified for rule - ignoring', line.loc, { hint: "add 'table N'" });
    return undefined;
  }
  let preference = r.preference;
  if (preference === undefined) {
    const pref = nextPref.get(ctx.diags) ?? 16384;
    nextPref.set(ctx.diags, pref - 1);
    ctx.diags.warn('KA_CFG_RULE_PREFERENCE', `Rule has no preference specified - setting to ${pref}. This is probably not what you want.`, line.loc, { hint: "add 'preference N'" });
    preference = pref;
  }
  return { ...r, preference, family: c.family ?? 4, not: r.not ?? false, action: action ?? 'l3mdev', l3mdev: r.l3mdev ?? false, noTrack: r.noTrack ?? false, text: lineText(line), loc: line.loc };
}
