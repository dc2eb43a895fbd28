/** Address, route and rule lines back in ip(8) syntax, for the dump (`-d`). */
import type { IpAddressSpec } from '../common.js';
import { quote } from '../print-format.js';
import type { RouteSpec, RuleSpec } from './model.js';

export function formatAddress(a: IpAddressSpec): string {
  const w = [`${a.address}/${a.prefixLen}`];
  if (a.broadcast !== undefined) w.push('brd', a.broadcast);
  if (a.dev !== undefined) w.push('dev', a.dev);
  if (a.scope !== undefined) w.push('scope', a.scope);
  if (a.label !== undefined) w.push('label', quote(a.label));
  if (a.peer !== undefined) w.push('peer', a.peer);
  if (a.noDad === true) w.push('-nodad');
  if (a.noPrefixRoute === true) w.push('noprefixroute');
  if (a.noTrack === true) w.push('no_track');
  return w.join(' ');
}

export function formatRoute(r: RouteSpec): string {
  const w: string[] = [];
  if (r.type !== 'unicast') w.push(r.type);
  if (r.src !== undefined) w.push('src', r.src);
  w.push(`${r.dst}/${r.dstLen}`);
  if (r.family === 6 && r.dstLen === 0) w.push('inet6');
  if (r.via !== undefined) w.push('via', r.via);
  if (r.dev !== undefined) w.push('dev', r.dev);
  for (const [k, v] of [['scope', r.scope], ['table', r.table], ['protocol', r.protocol], ['metric', r.metric], ['realms', r.realms], ['tos', r.tos], ['vrf', r.vrf], ['pref', r.pref]] as const) {
    if (v !== undefined) w.push(k, String(v));
  }
  for (const m of r.metrics) w.push(m.name, ...(m.lock ? ['lock'] : []), String(m.value));
  for (const n of r.nexthops) {
    w.push('nexthop');
    if (n.via !== undefined) w.push('via', n.via);
    if (n.dev !== undefined) w.push('dev', n.dev);
    if (n.weight !== undefined) w.push('weight', String(n.weight));
    if (n.onlink === true) w.push('onlink');
  }
  if (r.onlink) w.push('onlink');
  if (r.append) w.push('append');
  if (r.noTrack) w.push('no_track');
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  return w.join(' ');
}

export function formatRule(r: RuleSpec): string {
  const w: string[] = [];
  if (r.not) w.push('not');
  if (r.from !== undefined) w.push('from', r.from);
  if (r.to !== undefined) w.push('to', r.to);
  if (r.family === 6 && r.from === undefined && r.to === undefined) w.push('inet6');
  if (r.action === 'table') w.push('table', r.table ?? 'main');
  else if (r.action === 'goto') w.push('goto', String(r.goto));
  else if (r.action === 'nop') w.push('no_table');
  else if (r.action !== 'l3mdev') w.push(r.action);
  w.push('preference', String(r.preference));
  for (const [k, v] of [['iif', r.iif], ['oif', r.oif], ['tos', r.tos], ['realms', r.realms], ['uidrange', r.uidrange], ['protocol', r.protocol], ['ipproto', r.ipProto], ['sport', r.sport], ['dport', r.dport], ['suppress_prefixlength', r.suppressPrefixLength], ['suppress_ifgroup', r.suppressIfgroup], ['tunnel-id', r.tunnelId]] as const) {
    if (v !== undefined) w.push(k, String(v));
  }
  if (r.fwmark !== undefined) w.push('fwmark', r.fwmask !== undefined ? `${r.fwmark}/${r.fwmask}` : String(r.fwmark));
  if (r.l3mdev) w.push('l3mdev');
  if (r.noTrack) w.push('no_track');
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  return w.join(' ');
}
