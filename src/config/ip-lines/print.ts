/** Address, route and rule lines back in ip(8) syntax, for the dump (`-d`). */
import type { IpAddressSpec } from '../common.js';
import { quote } from '../print-format.js';
import type { RouteEncapSpec, RouteSpec, RuleSpec } from './model.js';

export function formatAddress(a: IpAddressSpec): string {
  const w = [`${a.address}/${a.prefixLen}`];
  if (a.broadcast !== undefined) w.push('brd', a.broadcast);
  if (a.dev !== undefined) w.push('dev', a.dev);
  if (a.scope !== undefined) w.push('scope', a.scope);
  if (a.label !== undefined) w.push('label', quote(a.label));
  if (a.peer !== undefined) w.push('peer', a.peer);
  if (a.noDad === true) w.push('-nodad');
  if (a.noPrefixRoute === true) w.push('noprefixroute');
  if (a.home === true) w.push('home');
  if (a.manageTempAddr === true) w.push('mngtmpaddr');
  if (a.autoJoin === true) w.push('autojoin');
  if (a.preferredLft !== undefined) w.push('preferred_lft', a.preferredLft === 0xffffffff ? 'forever' : String(a.preferredLft));
  if (a.noTrack === true) w.push('no_track');
  if (a.trackGroup !== undefined) w.push('track_group', a.trackGroup);
  return w.join(' ');
}

/** `encap …` words of a route. */
function encapWords(e: RouteEncapSpec): string[] {
  if (e.type === 'mpls') return ['encap', 'mpls', e.labels.join('/')];
  const w = ['encap', e.type];
  const opts: [string, string | number | undefined][] =
    e.type === 'ip' ? [['id', e.id], ['dst', e.dst], ['src', e.src], ['tos', e.tos], ['ttl', e.ttl]] : [['id', e.id], ['dst', e.dst], ['src', e.src], ['tc', e.tc], ['hoplimit', e.hoplimit]];
  for (const [k, v] of opts) if (v !== undefined) w.push(k, String(v));
  return w;
}

export function formatRoute(r: RouteSpec): string {
  const w: string[] = [];
  if (r.type !== 'unicast') w.push(r.type);
  if (r.src !== undefined) w.push('src', r.src);
  w.push(`${r.dst}/${r.dstLen}`);
  if (r.family === 6 && r.dstLen === 0) w.push('inet6');
  if (r.from !== undefined) w.push('from', r.from);
  if (r.encap !== undefined) w.push(...encapWords(r.encap));
  if (r.via !== undefined) w.push('via', r.via);
  if (r.dev !== undefined) w.push('dev', r.dev);
  for (const [k, v] of [['scope', r.scope], ['table', r.table], ['protocol', r.protocol], ['metric', r.metric], ['realms', r.realms], ['tos', r.tos], ['vrf', r.vrf], ['pref', r.pref], ['expires', r.expires]] as const) {
    if (v !== undefined) w.push(k, String(v));
  }
  if (r.ttlPropagate !== undefined) w.push('ttl-propagate', r.ttlPropagate ? 'enabled' : 'disabled');
  for (const m of r.metrics) w.push(m.name, ...(m.lock ? ['lock'] : []), m.text ?? String(m.value));
  if (r.onlink) w.push('onlink');
  if (r.mode !== 'prepend') w.push(r.mode);
  if (r.noTrack) w.push('no_track');
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  // Last: keepalived takes nexthops as the end of the line.
  for (const n of r.nexthops) {
    w.push('nexthop');
    if (n.via !== undefined) w.push('via', n.via);
    if (n.dev !== undefined) w.push('dev', n.dev);
    if (n.weight !== undefined) w.push('weight', String(n.weight));
    if (n.onlink === true) w.push('onlink');
    if (n.realms !== undefined) w.push('realms', n.realms);
  }
  return w.join(' ');
}

const rangeText = (r: { readonly start: number; readonly end: number } | undefined): string | undefined => (r === undefined ? undefined : `${r.start}-${r.end}`);

export function formatRule(r: RuleSpec): string {
  const w: string[] = [];
  if (r.not) w.push('not');
  if (r.from !== undefined) w.push('from', r.from);
  if (r.to !== undefined) w.push('to', r.to);
  if (r.family === 6 && r.from === undefined && r.to === undefined) w.push('inet6');
  if (r.action === 'table') w.push('table', r.table ?? 'main');
  else if (r.action === 'goto') w.push('goto', String(r.goto));
  else if (r.action !== 'l3mdev') w.push(r.action);
  w.push('preference', String(r.preference));
  for (const [k, v] of [['iif', r.iif], ['oif', r.oif], ['tos', r.tos], ['realms', r.realms], ['uidrange', rangeText(r.uidrange)], ['protocol', r.protocol], ['ipproto', r.ipProto], ['sport', rangeText(r.sport)], ['dport', rangeText(r.dport)], ['suppress_prefixlength', r.suppressPrefixLength], ['suppress_ifgroup', r.suppressIfgroup], ['tunnel-id', r.tunnelId]] as const) {
    if (v !== undefined) w.push(k, String(v));
  }
  if (r.fwmark !== undefined) w.push('fwmark', r.fwmask !== undefined ? `${r.fwmark}/${r.fwmask}` : String(r.fwmark));
  if (r.l3mdev) w.push('l3mdev');
  if (r.noTrack) w.push('no_track');
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  return w.join(' ');
}
