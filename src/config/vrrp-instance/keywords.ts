/**
 * Keyword table of `vrrp_instance NAME { }` (keepalived.conf(5)) and its sub-blocks
 * (`authentication`, `auth_hmac`). Plain rows name the model field they set; the
 * compiler (compile.ts) fills their defaults and derives the rest (state ⇔ priority,
 * version, strict mode …). Messages keep keepalived's `(VI_1) …` wording.
 */
import { formatIp, parsePrefix, parseIp } from '../../core/ip.js';
import type { Draft, IpAddressSpec, LocMap, NotifyScripts, SourceLoc } from '../common.js';
import type { ParseCtx } from '../diagnostics.js';
import type { GarpSettings } from '../global-defs/model.js';
import { parseAddressLine } from '../ip-lines/address-line.js';
import { parseRouteLine } from '../ip-lines/route-line.js';
import { parseRuleLine } from '../ip-lines/rule-line.js';
import { argLoc, argText, noExtraArgs, parseIntStrict, readIntText, requireArg } from '../keywords/args.js';
import {
  addressKw,
  blockKw,
  boolKw,
  defineTable,
  deprecatedKw,
  derived,
  flagKw,
  intKw,
  keptUnset,
  listFieldKw,
  notifyKws,
  recordingLocs,
  SECONDS_AS_MS,
  SECONDS_AS_WHOLE_MS,
  stringKw,
  timerKw,
  wordsKw,
  type KeywordDef,
  type RowOpts,
  type ValueOpts,
} from '../keywords/table.js';
import type { ConfigNode } from '../source/tree.js';
import { trackInterfaceRow, trackRefRows } from '../trackers/keywords.js';
import type { RouteSpec, RuleSpec } from '../ip-lines/model.js';
import type { AuthHmacSpec, UnicastPeerSpec, VrrpInstanceConfig } from './model.js';

/** What the file said for one vrrp_instance, as the model's fields plus the words the compiler still interprets. */
export type VrrpInstanceDraft = Omit<Draft<VrrpInstanceConfig>, 'name' | 'loc' | 'garp' | 'notify'> & {
  readonly name: string;
  readonly loc: SourceLoc;
  locs: LocMap;
  garp: Draft<GarpSettings>;
  notify: Draft<NotifyScripts>;
  /** `advert_int` in seconds (v2 rounds to seconds, v3 to centiseconds). */
  advertIntSec?: number;
  /** `state` was given but not valid (keepalived then uses BACKUP). */
  badState?: boolean;
  authType?: 'PASS' | 'AH';
  authPass?: string;
};

export const newInstanceDraft = (name: string, loc: SourceLoc): VrrpInstanceDraft => ({ name, loc, locs: {}, garp: {}, notify: {} });

type V = VrrpInstanceDraft;

interface AuthDraft {
  locs: LocMap;
  type?: 'PASS' | 'AH';
  pass?: string;
}

const AUTH_TABLE = defineTable<AuthDraft>(
  'authentication',
  recordingLocs<AuthDraft>([
    wordsKw<AuthDraft>('auth_type', 'PASS|AH', (a, node, ctx) => {
      const v = requireArg(node, ctx, 'PASS or AH');
      noExtraArgs(node, ctx, 1);
      if (v === 'PASS' || v === 'AH') a.type = v;
      else if (v !== undefined) {
        ctx.diags.error('KA_CFG_INVALID_VALUE', `unknown authentication type '${v}'`, argLoc(node, 0), {
          hint: v.toUpperCase() === 'PASS' || v.toUpperCase() === 'AH' ? `auth_type is case-sensitive: use '${v.toUpperCase()}'` : 'PASS or AH',
        });
      }
    }),
    wordsKw<AuthDraft>('auth_pass', 'PASSWORD', (a, node, ctx) => {
      const v = requireArg(node, ctx, 'a password');
      noExtraArgs(node, ctx, 1);
      if (v === undefined) return;
      if (v.length > 8) ctx.diags.warn('KA_CFG_AUTH_PASS_TRUNCATED', 'Truncating auth_pass to 8 characters', argLoc(node, 0));
      a.pass = v.slice(0, 8);
    }),
  ]),
);

function unicastPeer(v: V, line: ConfigNode, ctx: ParseCtx): UnicastPeerSpec | undefined {
  const { loc, argLocs } = line;
  const ip = parseIp(line.keyword);
  if (!ip) {
    ctx.diags.error('KA_CFG_INVALID_ADDRESS', `(${v.name}) invalid unicast peer address '${line.keyword}' - ignoring`, loc);
    return undefined;
  }
  const peer: { -readonly [K in keyof UnicastPeerSpec]: UnicastPeerSpec[K] } = { address: formatIp(ip), family: ip.family };
  for (let i = 0; i < line.args.length; i++) {
    const w = line.args[i]!.text;
    if (w === 'min_ttl' || w === 'max_ttl') {
      const t = line.args[i + 1]?.text;
      const l = argLocs[i + 1] ?? loc;
      i++;
      const n = t === undefined ? undefined : readIntText(t, l, w, ctx, 0, 255);
      if (t === undefined) ctx.diags.error('KA_CFG_MISSING_ARG', `'${w}' requires a number`, argLocs[i - 1] ?? loc);
      if (n !== undefined) peer[w === 'min_ttl' ? 'minTtl' : 'maxTtl'] = n;
    } else {
      ctx.diags.warn('KA_CFG_UNKNOWN_KEYWORD', `Unknown unicast_peer option '${w}' - ignoring`, argLocs[i] ?? loc);
    }
  }
  if (v.unicastPeers?.some((p) => p.address === peer.address)) {
    ctx.diags.warn('KA_CFG_DUPLICATE', `(${v.name}) duplicate unicast peer ${peer.address} - ignoring`, loc);
    return undefined;
  }
  return peer;
}

/** A GARP setting: whole seconds kept in ms (≤ 4294 s), or a plain count; default: global_defs' `vrrp_…`. */
const garpRow = (name: string, max: number, field: `garp.${keyof GarpSettings}`, seconds: boolean): KeywordDef<V> =>
  intKw<V>(name, 0, max, field, { default: derived(name.startsWith('garp_lower') ? name.replace('lower_prio', 'master') : `vrrp_${name}`), ...(seconds ? { unit: SECONDS_AS_MS } : {}) });

/**
 * Run as their user after the script pass (notify/vrrp-notifier.ts), in keepalived's order.
 * Shared with vrrp_sync_group's notify rows (the same notifier runs both).
 */
export const NOTIFY_RUNTIME: RowOpts = { runtime: 'acts' };

const VRRP_ROWS: KeywordDef<V>[] = [
  wordsKw<V>('state', 'MASTER|BACKUP', (v, node, ctx) => {
    const s = requireArg(node, ctx, 'MASTER or BACKUP');
    noExtraArgs(node, ctx, 1);
    if (s === 'MASTER' || s === 'BACKUP') {
      v.initialState = s;
      delete v.badState;
    } else if (s !== undefined) {
      v.initialState = 'BACKUP';
      v.badState = true;
      ctx.diags.warn('KA_CFG_INVALID_STATE', `(${v.name}) unknown state '${s}', defaulting to BACKUP`, argLoc(node, 0), {
        hint: s.toUpperCase() === 'MASTER' || s.toUpperCase() === 'BACKUP' ? `state is case-sensitive: use '${s.toUpperCase()}'` : 'MASTER or BACKUP',
      });
    }
  }, { default: derived('derived from priority') }),
  stringKw<V>('interface', 'interface', { default: derived('required unless unicast with unicast_src_ip') }),
  intKw<V>('virtual_router_id', 1, 255, 'vrid', { default: derived('required') }),
  intKw<V>('priority', 1, 255, 'priority', { default: derived('100 (255 with state MASTER)') }),
  timerKw<V>('advert_int', 0.01, 255, 6, 'advertIntSec', { default: 1 }),
  intKw<V>('version', 2, 3, 'version', { default: derived('vrrp_version; IPv6 ⇒ 3') }),
  listFieldKw<V, IpAddressSpec>('virtual_ipaddress', 'ADDRESS LINE', 'vips', (line, ctx) => parseAddressLine(line, 'vip', ctx)),
  listFieldKw<V, IpAddressSpec>('virtual_ipaddress_excluded', 'ADDRESS LINE', 'excludedVips', (line, ctx) => parseAddressLine(line, 'vip', ctx)),
  blockKw<V, AuthDraft>(
    'authentication',
    AUTH_TABLE,
    () => ({ locs: {} }),
    (v, a, node) => {
      if (a.type !== undefined) v.authType = a.type;
      if (a.pass !== undefined) v.authPass = a.pass;
      v.locs['authentication'] = a.locs['auth_type'] ?? node.loc;
    },
  ),
  addressKw<V>('unicast_src_ip', 'unicastSrcIp'),
  listFieldKw<V, UnicastPeerSpec>('unicast_peer', 'IP [min_ttl N] [max_ttl N]', 'unicastPeers', (line, ctx, v) => unicastPeer(v, line, ctx)),
  intKw<V>('unicast_ttl', 1, 255, 'unicastTtl', { default: derived('IPv4 255, IPv6 kernel default') }),
  flagKw<V>('check_unicast_src', 'checkUnicastSrc', { default: derived('vrrp_check_unicast_src') }),
  addressKw<V>('mcast_src_ip', 'mcastSrcIp', { default: keptUnset('interface primary address') }),
  addressKw<V>('mcast_dst_ip', 'mcastDstIp', { default: derived('vrrp_mcast_group4/6'), multicast: true }),
  flagKw<V>('dont_track_primary', 'dontTrackPrimary'),
  trackInterfaceRow(true, {}),
  flagKw<V>('nopreempt', 'nopreempt'),
  flagKw<V>('preempt', (v) => (v.nopreempt = false), { default: derived('on') }),
  timerKw<V>('preempt_delay', 0, 1000, 6, 'preemptDelayMs', { default: 0, unit: SECONDS_AS_WHOLE_MS }),
  flagKw<V>('accept', (v) => (v.accept = true), { default: derived('on unless strict') }),
  flagKw<V>('no_accept', (v) => (v.accept = false), { default: derived('off unless strict') }),
  garpRow('garp_master_delay', 4294, 'garp.masterDelayMs', true),
  garpRow('garp_master_repeat', 4294967295, 'garp.masterRepeat', false),
  garpRow('garp_master_refresh', 4294, 'garp.masterRefreshMs', true),
  garpRow('garp_master_refresh_repeat', 4294967295, 'garp.masterRefreshRepeat', false),
  garpRow('garp_lower_prio_delay', 4294, 'garp.lowerPrioDelayMs', true),
  garpRow('garp_lower_prio_repeat', 4294967295, 'garp.lowerPrioRepeat', false),
  intKw<V>('down_timer_adverts', 1, 100, 'downTimerAdverts', { default: derived('vrrp_down_timer_adverts') }),
  boolKw<V>('lower_prio_no_advert', 'lowerPrioNoAdvert', { default: derived('vrrp_lower_prio_no_advert') }),
  boolKw<V>('higher_prio_send_advert', 'higherPrioSendAdvert', { default: derived('vrrp_higher_prio_send_advert') }),
  boolKw<V>('skip_check_adv_addr', 'skipCheckAdvAddr', { default: derived('vrrp_skip_check_adv_addr') }),
  boolKw<V>('strict_mode', 'strict', { default: derived('vrrp_strict') }),
  ...notifyKws<V>([
    ['notify_master', 'master'],
    ['notify_backup', 'backup'],
    ['notify_fault', 'fault'],
    ['notify_stop', 'stop'],
    ['notify_deleted', 'deleted'],
    ['notify_master_rx_lower_pri', 'masterRxLowerPri'],
    ['notify', 'generic'],
  ], NOTIFY_RUNTIME),
  boolKw<V>('smtp_alert', 'smtpAlert', { default: derived('global smtp_alert, else off') }),
];

const MAC = /^([0-9a-f]{2}:){4,5}[0-9a-f]{2}$/i;

function useVmac(v: V, node: ConfigNode, ctx: ParseCtx): void {
  const out: { ifname?: string; mac?: string; netlinkNotifyMsg: boolean; group?: number } = { netlinkNotifyMsg: false };
  for (let i = 0; i < node.args.length; i++) {
    const w = node.args[i]!.text;
    if (w === 'name') {
      const n = argText(node, ++i);
      if (n === undefined) ctx.diags.error('KA_CFG_MISSING_ARG', `(${v.name}) use_vmac 'name' requires an interface name`, argLoc(node, i - 1));
      else out.ifname = n;
    } else if (w === 'netlink_notify_msg') out.netlinkNotifyMsg = true;
    else if (w === 'group') {
      const t = argText(node, ++i);
      const n = t === undefined ? undefined : readIntText(t, argLoc(node, i), 'group', ctx, 0, 4294967295);
      if (n !== undefined) out.group = n;
    } else if (MAC.test(w)) out.mac = w.toLowerCase();
    else if (out.ifname === undefined && i === 0) out.ifname = w;
    else ctx.diags.error('KA_CFG_INVALID_VALUE', `(${v.name}) unknown use_vmac parameter ${w} - ignoring`, argLoc(node, i));
  }
  if (out.ifname !== undefined && out.ifname.length > 15) {
    ctx.diags.error('KA_CFG_INVALID_VALUE', `(${v.name}) VMAC interface name '${out.ifname}' too long - ignoring`, argLoc(node, 0), { hint: 'at most 15 characters' });
    delete out.ifname;
  }
  v.useVmac = { ifname: out.ifname ?? '', netlinkNotifyMsg: out.netlinkNotifyMsg, ...(out.mac !== undefined ? { mac: out.mac } : {}), ...(out.group !== undefined ? { group: out.group } : {}) };
}

function useIpvlan(v: V, node: ConfigNode, ctx: ParseCtx): void {
  let ifname: string | undefined;
  let address: string | undefined;
  let mode: 'bridge' | 'private' | 'vepa' = 'bridge';
  let group: number | undefined;
  for (let i = 0; i < node.args.length; i++) {
    const w = node.args[i]!.text;
    const p = parsePrefix(w);
    if (w === 'name') ifname = argText(node, ++i);
    else if (w === 'bridge' || w === 'private' || w === 'vepa') mode = w;
    else if (w === 'group') {
      const t = argText(node, ++i);
      const n = t === undefined ? undefined : readIntText(t, argLoc(node, i), 'group', ctx, 0, 4294967295);
      if (n !== undefined) group = n;
    } else if (p.ok) address = `${formatIp(p.value)}/${p.value.prefixLen}`;
    else if (ifname === undefined && i === 0) ifname = w;
    else ctx.diags.error('KA_CFG_INVALID_VALUE', `(${v.name}) unknown use_ipvlan parameter ${w} - ignoring`, argLoc(node, i));
  }
  v.useIpvlan = { ifname: ifname ?? '', mode, ...(address !== undefined ? { address } : {}), ...(group !== undefined ? { group } : {}) };
}

/** `garp_extra_if [all] SECS` (1..86400). */
function garpExtraIf(name: string, o: ValueOpts<V, unknown>): KeywordDef<V> {
  return wordsKw<V>(name, '[all] SECS (1..86400)', (v, node, ctx) => {
    const all = argText(node, 0) === 'all';
    const i = all ? 1 : 0;
    const t = argText(node, i);
    if (t === undefined) {
      ctx.diags.error('KA_CFG_MISSING_ARG', `'${node.keyword}' requires a number`, node.loc);
      return;
    }
    noExtraArgs(node, ctx, i + 1);
    const n = readIntText(t, argLoc(node, i), node.keyword, ctx, 1, 86400);
    if (n !== undefined) v.garpExtraIf = { all, intervalS: n };
  }, o);
}

interface HmacDraft {
  keys: { id: number; value: string }[];
  activeKey?: number;
  antiReplay?: AuthHmacSpec['antiReplay'];
  timeWindowS?: number;
  mode?: AuthHmacSpec['mode'];
}

export const AUTH_HMAC_TABLE = defineTable<HmacDraft>('auth_hmac', [
  wordsKw<HmacDraft>('key', 'ID VALUE (32-64 bytes, hex:/file: prefixes)', (h, node, ctx) => {
    const idText = requireArg(node, ctx, 'a key id and a value');
    const value = argText(node, 1);
    noExtraArgs(node, ctx, 2);
    if (idText === undefined) return;
    const id = readIntText(idText, argLoc(node, 0), 'key', ctx, 0, 255);
    if (id === undefined) return;
    if (value === undefined) {
      ctx.diags.error('KA_CFG_MISSING_ARG', `auth_hmac key ${id} has no value - ignoring`, node.loc);
      return;
    }
    const bytes = value.startsWith('hex:') ? (value.length - 4) / 2 : value.startsWith('file:') ? 32 : Buffer.byteLength(value);
    if (bytes < 32 || bytes > 64) ctx.diags.error('KA_CFG_INVALID_VALUE', `auth_hmac key ${id} must be 32 to 64 bytes long - ignoring`, argLoc(node, 1));
    else h.keys.push({ id, value });
  }, { scalar: false }),
  intKw<HmacDraft>('active_key', 0, 255, (h, n) => (h.activeKey = n)),
  wordsKw<HmacDraft>('anti_replay', 'time|monotonic', (h, node, ctx) => {
    const v = requireArg(node, ctx, 'time or monotonic');
    if (v === 'time' || v === 'monotonic') h.antiReplay = v;
    else if (v !== undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `invalid anti_replay '${v}'`, argLoc(node, 0), { hint: 'time|monotonic' });
  }, { default: 'time' }),
  // keepalived 2.4 bounds the freshness window to 1..300 s.
  intKw<HmacDraft>('time_window', 1, 300, (h, n) => (h.timeWindowS = n), { default: derived('max(3 × advert_int, 5)') }),
  wordsKw<HmacDraft>('mode', 'enforce|permissive|receive-only', (h, node, ctx) => {
    const v = requireArg(node, ctx, 'a mode');
    if (v === 'enforce' || v === 'permissive' || v === 'receive-only') h.mode = v;
    else if (v !== undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `invalid auth_hmac mode '${v}'`, argLoc(node, 0), { hint: 'enforce|permissive|receive-only' });
  }, { default: 'enforce' }),
]);

const garpExtra = garpExtraIf('garp_extra_if', { field: 'garpExtraIf', default: derived('vrrp_garp_extra_if'), runtime: 'not-yet' });
const timerExpired = wordsKw<V>('timer_expired_backup', '[PRIO]', (v, node, ctx) => {
  const t = argText(node, 0);
  noExtraArgs(node, ctx, 1);
  const n = t === undefined ? 254 : readIntText(t, argLoc(node, 0), node.keyword, ctx, 1, 254);
  if (n !== undefined) v.timerExpiredBackupPrio = n;
}, { field: 'timerExpiredBackupPrio', default: keptUnset('off (254 when given without value)'), runtime: 'not-yet' });

const NOT_YET: RowOpts = { runtime: 'not-yet' };

/** Trackers, routes and rules, VMAC/ipvlan and the rarer switches: read and checked, mostly not acted on yet. */
const EXTENDED_ROWS: KeywordDef<V>[] = [
  ...trackRefRows(true),
  listFieldKw<V, RouteSpec>('virtual_routes', 'ROUTE LINE', 'virtualRoutes', (line, ctx) => parseRouteLine(line, ctx, 'virtual')),
  listFieldKw<V, RuleSpec>('virtual_rules', 'RULE LINE', 'virtualRules', (line, ctx) => parseRuleLine(line, ctx, 'virtual')),
  blockKw<V, HmacDraft>('auth_hmac', AUTH_HMAC_TABLE, () => ({ keys: [] }), (v, h, node, ctx) => {
    if (h.keys.length === 0) {
      ctx.diags.error('KA_CFG_MISSING_ARG', `(${v.name}) auth_hmac has no key - ignoring`, node.loc);
      return;
    }
    v.authHmac = {
      keys: h.keys,
      ...(h.activeKey !== undefined ? { activeKey: h.activeKey } : {}),
      antiReplay: h.antiReplay ?? 'time',
      ...(h.timeWindowS !== undefined ? { timeWindowS: h.timeWindowS } : {}),
      mode: h.mode ?? 'enforce',
    };
  }, { field: 'authHmac' }),
  flagKw<V>('no_virtual_ipaddress', 'noVirtualIpaddress'),
  flagKw<V>('unicast_fault_no_peer', 'unicastFaultNoPeer', NOT_YET),
  flagKw<V>('track_src_ip', 'trackSrcIp', NOT_YET),
  stringKw<V>('vrf', 'vrf', NOT_YET),
  flagKw<V>('native_ipv6', 'nativeIpv6'),
  wordsKw<V>('use_vmac', '[[name] IF] [MAC] [netlink_notify_msg] [group G]', useVmac, {
    default: derived('vrrp.VRID, 00:00:5e:00:01:VRID'),
    runtime: 'partly',
    runtimeNote: 'netlink_notify_msg and group (keepalived 2.3+) are read, not acted on',
  }),
  flagKw<V>('use_vmac_addr', 'useVmacAddr'),
  flagKw<V>('vmac_xmit_base', 'vmacXmitBase', { default: derived('off (on for unicast + vmac)') }),
  wordsKw<V>('use_ipvlan', '[[name] IF] [IP] [bridge|private|vepa] [group G]', useIpvlan, { default: derived('bridge'), runtime: 'partly', runtimeNote: 'group (keepalived 2.3+) is read, not acted on' }),
  garpExtra,
  deprecatedKw('vmac_garp_intvl', garpExtra),
  boolKw<V>('owner_ignore_adverts', 'ownerIgnoreAdverts', { default: false, ...NOT_YET }),
  timerExpired,
  deprecatedKw('thread_timer_expired', timerExpired),
  wordsKw<V>('old_unicast_checksum', '[never]', (v, node, ctx) => {
    const t = argText(node, 0);
    noExtraArgs(node, ctx, 1);
    if (t === undefined) v.oldUnicastChecksum = 'auto';
    else if (t === 'never') v.oldUnicastChecksum = 'never';
    else ctx.diags.error('KA_CFG_INVALID_VALUE', `(${v.name}) old_unicast_checksum parameter ${t} invalid - ignoring`, argLoc(node, 0), { hint: "'never' or nothing" });
  }, { field: 'oldUnicastChecksum', default: keptUnset('auto-detect'), runtime: 'not-yet', runtimeNote: 'received adverts are accepted with either checksum; sent ones use the RFC checksum' }),
  boolKw<V>('v3_checksum_as_v2', 'v3ChecksumAsV2', { default: false, runtime: 'not-yet', runtimeNote: 'received adverts are accepted with either checksum; sent ones use the RFC checksum' }),
  flagKw<V>('promote_secondaries', 'promoteSecondaries', NOT_YET),
  boolKw<V>('notify_priority_changes', 'notifyPriorityChanges', { default: derived('the sync group’s, else vrrp_notify_priority_changes'), runtime: 'acts' }),
  wordsKw<V>('debug', 'N', (v, node) => {
    const n = parseIntStrict(argText(node, 0) ?? '0');
    if (n !== null) v.debug = n;
  }, { field: 'debug', default: keptUnset('unimplemented by keepalived') }),
  intKw<V>('kernel_rx_buf_size', 0, 2147483647, 'kernelRxBufSize', NOT_YET),
  flagKw<V>('linkbeat_use_polling', (v, node, ctx) => {
    ctx.diags.warn('KA_CFG_DEPRECATED', `(${v.name}) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block`, node.loc, { hint: 'top-level linkbeat_interfaces { IF MII|ETHTOOL|IOCTL }' });
    v.linkbeatUsePolling = true;
  }, { field: 'linkbeatUsePolling', runtime: 'not-yet', runtimeNote: 'link state always comes from netlink' }),
  wordsKw<V>('lvs_sync_daemon_interface', 'IF', (v, node, ctx) => {
    const s = requireArg(node, ctx, 'an interface');
    ctx.diags.warn('KA_CFG_DEPRECATED', `(${v.name}) Specifying lvs_sync_daemon_interface against a vrrp is deprecated.`, node.loc, { hint: 'Please use global lvs_sync_daemon' });
    if (s !== undefined) v.lvsSyncDaemonInterface = s;
  }, { field: 'lvsSyncDaemonInterface', ...NOT_YET }),
];

export const VRRP_INSTANCE_TABLE = defineTable<V>('vrrp_instance', recordingLocs([...VRRP_ROWS, ...EXTENDED_ROWS]));
export const AUTHENTICATION_TABLE = AUTH_TABLE;
