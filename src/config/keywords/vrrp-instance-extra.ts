/**
 * vrrp_instance keywords beyond the VRRP daemon's core (reference §1a.8): trackers,
 * virtual routes/rules, VMAC/ipvlan, auth_hmac and the rare tuning switches. Rows are
 * spliced into VRRP_INSTANCE_TABLE; values land in the draft's `x` (draft-vrrp-extra.ts).
 */
import { formatIp, parsePrefix } from '../../core/ip.js';
import type { VrrpInstanceDraft } from '../draft.js';
import type { AuthHmacSpec } from '../model-vrrp-extra.js';
import type { ConfigNode } from '../source/tree.js';
import { argLoc, argText, noExtraArgs, parseIntStrict, readIntText, requireArg } from './args.js';
import { deprecatedKw } from './deprecated.js';
import { parseRouteLine, parseRuleLine } from './route-rule.js';
import { blockKw, boolKw, defineTable, flagKw, intKw, type KeywordDef, listKw, stringKw, wordsKw } from './table.js';
import { type ParseCtx } from '../diagnostics.js';
import { parseTrackerRef, TRACK_LIMITS, type TrackerRefLimits } from './trackers.js';

type V = VrrpInstanceDraft;

const MAC = /^([0-9a-f]{2}:){4,5}[0-9a-f]{2}$/i;

/** `track_script { NAME [weight N [reverse]] }` and its siblings. */
function trackList(name: string, key: 'trackScripts' | 'trackFiles' | 'trackProcesses' | 'trackBfds', lim: TrackerRefLimits): KeywordDef<V> {
  return listKw<V>(name, `NAME [weight N [reverse|noreverse]] (${lim.min}..${lim.max})`, (v, line, ctx) => {
    const ref = parseTrackerRef(v.name, line, lim, ctx);
    if (!ref) return;
    if (key === 'trackScripts' && (ref.weight === 254 || ref.weight === -254)) {
      ctx.diags.warn('KA_CFG_OUT_OF_RANGE', `(${v.name}) weight for ${ref.name} cannot be +/-254. Setting to +/-253`, line.loc);
      v.x.trackScripts.push({ ...ref, weight: ref.weight > 0 ? 253 : -253 });
      return;
    }
    if (v.x[key].some((r) => r.name === ref.name)) {
      ctx.diags.warn('KA_CFG_DUPLICATE', `(${v.name}) duplicate ${name} ${ref.name} - ignoring`, line.loc);
      return;
    }
    v.x[key].push(ref);
  });
}

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
  v.x.useVmac = { ifname: out.ifname ?? '', netlinkNotifyMsg: out.netlinkNotifyMsg, ...(out.mac !== undefined ? { mac: out.mac } : {}), ...(out.group !== undefined ? { group: out.group } : {}) };
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
  v.x.useIpvlan = { ifname: ifname ?? '', mode, ...(address !== undefined ? { address } : {}), ...(group !== undefined ? { group } : {}) };
}

/** `garp_extra_if [all] SECS` (1..86400). */
function garpExtraIf(name: string): KeywordDef<V> {
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
    if (n !== undefined) v.x.garpExtraIf = { all, intervalS: n };
  });
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
  intKw<HmacDraft>('time_window', 1, 3600, (h, n) => (h.timeWindowS = n), { default: 'max(3 × advert_int, 5)' }),
  wordsKw<HmacDraft>('mode', 'enforce|permissive|receive-only', (h, node, ctx) => {
    const v = requireArg(node, ctx, 'a mode');
    if (v === 'enforce' || v === 'permissive' || v === 'receive-only') h.mode = v;
    else if (v !== undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `invalid auth_hmac mode '${v}'`, argLoc(node, 0), { hint: 'enforce|permissive|receive-only' });
  }, { default: 'enforce' }),
]);

const garpExtra = garpExtraIf('garp_extra_if');
const timerExpired = wordsKw<V>('timer_expired_backup', '[PRIO]', (v, node, ctx) => {
  const t = argText(node, 0);
  noExtraArgs(node, ctx, 1);
  const n = t === undefined ? 254 : readIntText(t, argLoc(node, 0), node.keyword, ctx, 1, 254);
  if (n !== undefined) v.x.timerExpiredBackupPrio = n;
}, { default: 'off (254 when given without value)' });

export const VRRP_INSTANCE_EXTRA_ROWS: readonly KeywordDef<V>[] = [
  trackList('track_script', 'trackScripts', TRACK_LIMITS.script),
  trackList('track_file', 'trackFiles', TRACK_LIMITS.file),
  trackList('track_process', 'trackProcesses', TRACK_LIMITS.process),
  trackList('track_bfd', 'trackBfds', TRACK_LIMITS.bfd),
  listKw<V>('virtual_routes', 'ROUTE LINE', (v, line, ctx) => {
    const r = parseRouteLine(line, ctx);
    if (r) v.x.virtualRoutes.push(r);
  }),
  listKw<V>('virtual_rules', 'RULE LINE', (v, line, ctx) => {
    const r = parseRuleLine(line, ctx);
    if (r) v.x.virtualRules.push(r);
  }),
  blockKw<V, HmacDraft>('auth_hmac', AUTH_HMAC_TABLE, () => ({ keys: [] }), (v, h, node, ctx) => {
    if (h.keys.length === 0) {
      ctx.diags.error('KA_CFG_MISSING_ARG', `(${v.name}) auth_hmac has no key - ignoring`, node.loc);
      return;
    }
    v.x.authHmac = {
      keys: h.keys,
      ...(h.activeKey !== undefined ? { activeKey: h.activeKey } : {}),
      antiReplay: h.antiReplay ?? 'time',
      ...(h.timeWindowS !== undefined ? { timeWindowS: h.timeWindowS } : {}),
      mode: h.mode ?? 'enforce',
    };
  }),
  flagKw<V>('no_virtual_ipaddress', (v) => (v.x.noVirtualIpaddress = true), { default: 'off' }),
  flagKw<V>('unicast_fault_no_peer', (v) => (v.x.unicastFaultNoPeer = true), { default: 'off' }),
  flagKw<V>('track_src_ip', (v) => (v.x.trackSrcIp = true), { default: 'off' }),
  stringKw<V>('vrf', (v, s) => (v.x.vrf = s)),
  flagKw<V>('native_ipv6', (v) => (v.x.nativeIpv6 = true)),
  wordsKw<V>('use_vmac', '[[name] IF] [MAC] [netlink_notify_msg] [group G]', useVmac, { default: 'vrrp.VRID, 00:00:5e:00:01:VRID' }),
  flagKw<V>('use_vmac_addr', (v) => (v.x.useVmacAddr = true), { default: 'off' }),
  flagKw<V>('vmac_xmit_base', (v) => (v.x.vmacXmitBase = true), { default: 'off (on for unicast + vmac)' }),
  wordsKw<V>('use_ipvlan', '[[name] IF] [IP] [bridge|private|vepa] [group G]', useIpvlan, { default: 'bridge' }),
  garpExtra,
  deprecatedKw('vmac_garp_intvl', garpExtra),
  boolKw<V>('owner_ignore_adverts', (v, b) => (v.x.ownerIgnoreAdverts = b), { default: 'global' }),
  timerExpired,
  deprecatedKw('thread_timer_expired', timerExpired),
  wordsKw<V>('old_unicast_checksum', '[never]', (v, node, ctx) => {
    const t = argText(node, 0);
    noExtraArgs(node, ctx, 1);
    if (t === undefined) v.x.oldUnicastChecksum = 'auto';
    else if (t === 'never') v.x.oldUnicastChecksum = 'never';
    else ctx.diags.error('KA_CFG_INVALID_VALUE', `(${v.name}) old_unicast_checksum parameter ${t} invalid - ignoring`, argLoc(node, 0), { hint: "'never' or nothing" });
  }, { default: 'auto-detect' }),
  boolKw<V>('v3_checksum_as_v2', (v, b) => (v.x.v3ChecksumAsV2 = b), { default: 'global' }),
  flagKw<V>('promote_secondaries', (v) => (v.x.promoteSecondaries = true), { default: 'off' }),
  boolKw<V>('notify_priority_changes', (v, b) => (v.x.notifyPriorityChanges = b), { default: 'group/global' }),
  wordsKw<V>('debug', 'N', (v, node) => {
    const n = parseIntStrict(argText(node, 0) ?? '0');
    if (n !== null) v.x.debug = n;
  }, { default: 'unimplemented by keepalived' }),
  intKw<V>('kernel_rx_buf_size', 0, 2147483647, (v, n) => (v.x.kernelRxBufSize = n)),
  flagKw<V>('linkbeat_use_polling', (v, node, ctx) => {
    ctx.diags.warn('KA_CFG_DEPRECATED', `(${v.name}) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block`, node.loc, { hint: 'top-level linkbeat_interfaces { IF MII|ETHTOOL|IOCTL }' });
    v.x.linkbeatUsePolling = true;
  }),
  wordsKw<V>('lvs_sync_daemon_interface', 'IF', (v, node, ctx) => {
    const s = requireArg(node, ctx, 'an interface');
    ctx.diags.warn('KA_CFG_DEPRECATED', `(${v.name}) Specifying lvs_sync_daemon_interface against a vrrp is deprecated.`, node.loc, { hint: 'Please use global lvs_sync_daemon' });
    if (s !== undefined) v.x.lvsSyncDaemonInterface = s;
  }),
];
