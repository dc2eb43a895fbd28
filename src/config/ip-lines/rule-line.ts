/**
 * The line grammar of `static_rules` / `virtual_rules` (keepalived.conf(5)): ip-rule(8)
 * syntax without abbreviations, as keepalived 2.2.7 reads it (checked word by word against
 * its `-t` and against what it installs). A line with an error is dropped with the word's
 * location, except an invalid `protocol`, which keepalived reports and leaves out. Rules
 * without `preference` are numbered from 16384 downwards per daemon, with its warning.
 */
import type { ParseCtx } from '../diagnostics.js';
import type { ConfigNode } from '../source/tree.js';
import { Cursor, lineText, lineWords, parseUint, type Word } from './line-cursor.js';
import type { RuleAction, RuleSpec } from './model.js';

/** keepalived numbers rules without `preference` from 16384 downwards, per daemon, in file order. */
const nextPref = new WeakMap<object, number>();

const BARE_ACTIONS: readonly RuleAction[] = ['blackhole', 'unreachable', 'prohibit', 'nop'];
const U32_MAX = 4294967295;
const U64_MAX = 18446744073709551615n;

export type RuleContext = 'virtual' | 'static';

type Draft = { -readonly [K in keyof RuleSpec]?: RuleSpec[K] };

/** `A-B` with both ends in [0, max]. */
function range(text: string, max: number): { start: number; end: number } | null {
  const m = /^(\d+)-(\d+)$/.exec(text);
  if (!m) return null;
  const start = Number(m[1]);
  const end = Number(m[2]);
  return start <= max && end <= max && start <= end ? { start, end } : null;
}

function readFwmark(c: Cursor, w: Word, r: Draft): void {
  const v = c.value(w);
  if (!v) return;
  const [mark, mask] = v.text.split('/');
  const m = mark === undefined ? null : parseUint(mark);
  const k = mask === undefined ? undefined : parseUint(mask);
  if (m === null || k === null || m > U32_MAX || (k !== undefined && k > U32_MAX)) c.fail(`Invalid fwmark '${v.text}'`, v.loc);
  else {
    r.fwmark = m;
    if (k !== undefined) r.fwmask = k;
  }
}

/** Words whose value is kept as written (names the VRRP child resolves) or a checked number/range. */
function readValue(c: Cursor, w: Word, r: Draft): void {
  const v = c.value(w);
  if (v === undefined) return;
  switch (w.text) {
    case 'iif':
    case 'dev':
      r.iif = v.text;
      break;
    case 'oif':
      r.oif = v.text;
      break;
    case 'realms':
      r.realms = v.text;
      break;
    case 'ipproto':
      r.ipProto = v.text;
      break;
    case 'suppress_ifgroup':
      r.suppressIfgroup = v.text;
      break;
    case 'uidrange': {
      const u = range(v.text, U32_MAX);
      if (u) r.uidrange = u;
      else c.fail('Invalid uidrange uidrange specified', v.loc, 'START-END');
      break;
    }
    case 'sport':
    case 'dport': {
      const p = range(v.text, 65535);
      if (p) r[w.text] = p;
      else c.fail(`invalid ${w.text} range ${v.text}`, v.loc, 'START-END');
      break;
    }
    case 'tunnel-id':
      if (/^\d+$/.test(v.text) && BigInt(v.text) <= U64_MAX) r.tunnelId = BigInt(v.text).toString();
      else {
        c.ctx.diags.error('KA_CFG_INVALID_NUMBER', `invalid number '${v.text}'`, v.loc);
        c.fail('Invalid tunnel-id tunnel-id specified', v.loc, 'a decimal number');
      }
      break;
    case 'protocol': {
      // keepalived 2.2.7 reports a bad protocol and keeps the rule without it.
      const n = /^\d+$/.test(v.text) ? Number(v.text) : null;
      if (n !== null && n <= 255) r.protocol = n;
      else {
        c.ctx.diags.error('KA_CFG_INVALID_NUMBER', `invalid number '${v.text}'`, v.loc);
        c.ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid protocol ${v.text}`, v.loc, { hint: 'a number 0..255' });
      }
      break;
    }
    default:
      r.trackGroup = v.text;
  }
}

export function parseRuleLine(line: ConfigNode, ctx: ParseCtx, where: RuleContext = 'static'): RuleSpec | undefined {
  const c = new Cursor(lineWords(line), ctx, 'rule');
  const r: Draft = { not: false, l3mdev: false, noTrack: false };
  let action: RuleAction | undefined;
  while (!c.done) {
    const w = c.next();
    const kw = w.text;
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
        const v = c.value(w);
        if (v === undefined) break;
        const n = parseUint(v.text);
        if (n !== null && n > U32_MAX) c.fail(`Routing table ${v.text} not found for rule`, v.loc);
        r.table = v.text;
        action = 'table';
        break;
      }
      case 'goto': {
        const n = c.int(w, 1, U32_MAX);
        if (n !== undefined) {
          r.goto = n;
          action = 'goto';
        }
        break;
      }
      case 'type': {
        const v = c.value(w);
        const a = BARE_ACTIONS.find((x) => x === v?.text);
        if (a) action = a;
        else if (v) c.fail(`Invalid rule action ${v.text}`, v.loc, BARE_ACTIONS.join('|'));
        break;
      }
      case 'preference':
      case 'priority':
      case 'order': {
        const n = c.int(w, 0, U32_MAX);
        if (n !== undefined) r.preference = n;
        break;
      }
      case 'tos':
      case 'dsfield': {
        const v = c.value(w);
        if (v === undefined) break;
        const n = parseUint(v.text);
        if (n !== null && n > 255) c.fail(`number '${v.text}' outside range [0, 255]`, v.loc);
        else r.tos = n ?? v.text;
        break;
      }
      case 'suppress_prefixlength': {
        const n = c.int(w, 0, 128);
        if (n !== undefined) r.suppressPrefixLength = n;
        break;
      }
      case 'fwmark':
        readFwmark(c, w, r);
        break;
      case 'l3mdev':
        r.l3mdev = true;
        break;
      case 'inet6':
      case 'inet':
        c.setFamily(w, kw === 'inet6' ? 6 : 4);
        break;
      case 'no_track':
        r.noTrack = true;
        break;
      case 'iif':
      case 'dev':
      case 'oif':
      case 'realms':
      case 'uidrange':
      case 'protocol':
      case 'ipproto':
      case 'sport':
      case 'dport':
      case 'suppress_ifgroup':
      case 'tunnel-id':
        readValue(c, w, r);
        break;
      default:
        if (kw === 'track_group' && where === 'static') readValue(c, w, r);
        else if ((BARE_ACTIONS as readonly string[]).includes(kw)) action = kw as RuleAction;
        else c.fail(`Unknown rule option ${kw}`, w.loc);
    }
  }
  if (c.failed) return undefined;
  if (r.l3mdev && action !== undefined) {
    ctx.diags.error('KA_CFG_INVALID_VALUE', 'Cannot specify l3mdev with other action', line.loc, { hint: "remove 'l3mdev' or the action" });
    return undefined;
  }
  // `l3mdev` is itself the lookup (the VRF's table), as in ip-rule(8).
  if (action === undefined && !r.l3mdev) {
    ctx.diags.error('KA_CFG_MISSING_ARG', 'No table, goto or action specified for rule - ignoring', line.loc, { hint: "add 'table N'" });
    return undefined;
  }
  if (where === 'static' && r.trackGroup !== undefined && r.iif === undefined) {
    ctx.diags.warn('KA_CFG_INVALID_VALUE', 'Static rule cannot have track_group if dev/iif not specified', line.loc, { hint: "add 'iif IF'" });
    delete r.trackGroup;
  }
  if (!(r.noTrack ?? false) && r.protocol !== undefined && r.protocol !== 18) {
    ctx.diags.warn('KA_CFG_INVALID_VALUE', 'Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol', line.loc, { hint: "add 'no_track' to keep the protocol" });
    delete r.protocol;
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
