/** Keyword table of `vrrp_instance NAME { }` (reference §1a.8) and its sub-blocks. */
import { formatIp, parseIp } from '../../core/ip.js';
import type { VrrpInstanceDraft } from '../draft.js';
import type { UnicastPeerSpec } from '../model.js';
import type { SourceLoc } from '../common.js';
import type { ConfigNode } from '../source/tree.js';
import { argLoc, argText, noExtraArgs, readIntText, requireArg } from './args.js';
import { parseAddressLine } from './address.js';
import { VRRP_INSTANCE_EXTRA_ROWS } from './vrrp-instance-extra.js';
import { addressKw, blockKw, boolKw, defineTable, flagKw, intKw, type KeywordDef, listKw, notifyKws, recordingLocs, stringKw, timerKw, wordsKw } from './table.js';
import { type ParseCtx } from '../diagnostics.js';

type V = VrrpInstanceDraft;

interface AuthDraft {
  locs: Record<string, SourceLoc>;
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

/** GARP delays are whole seconds kept in µs (≤ 4294 s); repeats are plain counts. */
const GARP_INT = (name: string, max: number, set: (v: V, n: number) => void, dflt: string): KeywordDef<V> => intKw<V>(name, 0, max, (v, n) => set(v, n), { default: dflt });

function unicastPeer(v: V, line: ConfigNode, ctx: ParseCtx): void {
  const { loc, argLocs } = line;
  const ip = parseIp(line.keyword);
  if (!ip) {
    ctx.diags.error('KA_CFG_INVALID_ADDRESS', `(${v.name}) invalid unicast peer address '${line.keyword}' - ignoring`, loc);
    return;
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
  if (v.unicastPeers.some((p) => p.address === peer.address)) {
    ctx.diags.warn('KA_CFG_DUPLICATE', `(${v.name}) duplicate unicast peer ${peer.address} - ignoring`, loc);
    return;
  }
  v.unicastPeers.push(peer);
}

const SUPPORTED: KeywordDef<V>[] = [
  wordsKw<V>('state', 'MASTER|BACKUP', (v, node, ctx) => {
    const s = requireArg(node, ctx, 'MASTER or BACKUP');
    noExtraArgs(node, ctx, 1);
    if (s === 'MASTER' || s === 'BACKUP') {
      v.state = s;
      delete v.badState;
    } else if (s !== undefined) {
      v.state = 'BACKUP';
      v.badState = true;
      ctx.diags.warn('KA_CFG_INVALID_STATE', `(${v.name}) unknown state '${s}', defaulting to BACKUP`, argLoc(node, 0), {
        hint: s.toUpperCase() === 'MASTER' || s.toUpperCase() === 'BACKUP' ? `state is case-sensitive: use '${s.toUpperCase()}'` : 'MASTER or BACKUP',
      });
    }
  }, { default: 'derived from priority' }),
  stringKw<V>('interface', (v, s) => (v.interface = s), { default: 'required unless unicast with unicast_src_ip' }),
  intKw<V>('virtual_router_id', 1, 255, (v, n) => (v.vrid = n), { default: 'required' }),
  intKw<V>('priority', 1, 255, (v, n) => (v.priority = n), { default: '100 (255 with state MASTER)' }),
  timerKw<V>('advert_int', 0.01, 255, 6, (v, s) => (v.advertIntSec = s), { default: '1' }),
  intKw<V>('version', 2, 3, (v, n) => (v.version = n === 3 ? 3 : 2), { default: 'vrrp_version; IPv6 ⇒ 3' }),
  listKw<V>('virtual_ipaddress', 'ADDRESS LINE', (v, line, ctx) => {
    const a = parseAddressLine(line, 'vip', ctx);
    if (a) v.vips.push(a);
  }),
  listKw<V>('virtual_ipaddress_excluded', 'ADDRESS LINE', (v, line, ctx) => {
    const a = parseAddressLine(line, 'vip', ctx);
    if (a) v.excludedVips.push(a);
  }),
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
  addressKw<V>('unicast_src_ip', (v, ip) => (v.unicastSrcIp = formatIp(ip))),
  listKw<V>('unicast_peer', 'IP [min_ttl N] [max_ttl N]', (v, line, ctx) => unicastPeer(v, line, ctx)),
  intKw<V>('unicast_ttl', 1, 255, (v, n) => (v.unicastTtl = n), { default: 'IPv4 255, IPv6 kernel default' }),
  flagKw<V>('check_unicast_src', (v) => (v.checkUnicastSrc = true), { default: 'vrrp_check_unicast_src' }),
  addressKw<V>('mcast_src_ip', (v, ip) => (v.mcastSrcIp = formatIp(ip)), { default: 'interface primary address' }),
  addressKw<V>('mcast_dst_ip', (v, ip) => (v.mcastDstIp = formatIp(ip)), { default: 'vrrp_mcast_group4/6', multicast: true }),
  flagKw<V>('dont_track_primary', (v) => (v.dontTrackPrimary = true), { default: 'off' }),
  listKw<V>('track_interface', 'IF [weight N [reverse]]', (v, line, ctx) => {
    let weight = 0;
    let reverse = false;
    const w = argText(line, 0);
    if (w === 'weight') {
      const t = argText(line, 1);
      if (t === undefined) {
        ctx.diags.error('KA_CFG_MISSING_ARG', `(${v.name}) track_interface ${line.keyword}: 'weight' requires a number - ignoring`, argLoc(line, 0));
        return;
      }
      const n = readIntText(t, argLoc(line, 1), 'weight', ctx, -254, 254);
      if (n === undefined) return;
      if (n < -253 || n > 253) {
        ctx.diags.error('KA_CFG_OUT_OF_RANGE', `(${v.name}) weight ${n} for ${line.keyword} must be between [-253..253] inclusive. Ignoring...`, argLoc(line, 1));
        return;
      }
      weight = n;
      const r = argText(line, 2);
      if (r === 'reverse') reverse = true;
      else if (r !== undefined && r !== 'noreverse') ctx.diags.warn('KA_CFG_UNKNOWN_KEYWORD', `(${v.name}) unknown track_interface option '${r}' - ignoring`, argLoc(line, 2));
    } else if (w !== undefined) {
      ctx.diags.warn('KA_CFG_UNKNOWN_KEYWORD', `(${v.name}) unknown track_interface option '${w}' - ignoring`, argLoc(line, 0));
    }
    if (v.trackInterfaces.some((t) => t.name === line.keyword)) {
      ctx.diags.warn('KA_CFG_DUPLICATE', `(${v.name}) duplicate track_interface ${line.keyword} - ignoring`, line.loc);
      return;
    }
    v.trackInterfaces.push({ name: line.keyword, weight, reverse });
  }),
  flagKw<V>('nopreempt', (v) => (v.nopreempt = true), { default: 'off (preempt)' }),
  flagKw<V>('preempt', (v) => (v.nopreempt = false), { default: 'on' }),
  timerKw<V>('preempt_delay', 0, 1000, 6, (v, s) => (v.preemptDelayMs = Math.round(s * 1000)), { default: '0' }),
  flagKw<V>('accept', (v) => (v.accept = true), { default: 'on unless strict' }),
  flagKw<V>('no_accept', (v) => (v.accept = false), { default: 'off unless strict' }),
  GARP_INT('garp_master_delay', 4294, (v, n) => (v.garp.masterDelayMs = n * 1000), 'vrrp_garp_master_delay'),
  GARP_INT('garp_master_repeat', 4294967295, (v, n) => (v.garp.masterRepeat = n), 'vrrp_garp_master_repeat'),
  GARP_INT('garp_master_refresh', 4294, (v, n) => (v.garp.masterRefreshMs = n * 1000), 'vrrp_garp_master_refresh'),
  GARP_INT('garp_master_refresh_repeat', 4294967295, (v, n) => (v.garp.masterRefreshRepeat = n), 'vrrp_garp_master_refresh_repeat'),
  GARP_INT('garp_lower_prio_delay', 4294, (v, n) => (v.garp.lowerPrioDelayMs = n * 1000), 'garp_master_delay'),
  GARP_INT('garp_lower_prio_repeat', 4294967295, (v, n) => (v.garp.lowerPrioRepeat = n), 'garp_master_repeat'),
  intKw<V>('down_timer_adverts', 1, 100, (v, n) => (v.downTimerAdverts = n), { default: 'vrrp_down_timer_adverts (3)' }),
  boolKw<V>('lower_prio_no_advert', (v, b) => (v.lowerPrioNoAdvert = b), { default: 'global' }),
  boolKw<V>('higher_prio_send_advert', (v, b) => (v.higherPrioSendAdvert = b), { default: 'global' }),
  boolKw<V>('skip_check_adv_addr', (v, b) => (v.skipCheckAdvAddr = b), { default: 'global' }),
  boolKw<V>('strict_mode', (v, b) => (v.strict = b), { default: 'vrrp_strict' }),
  ...notifyKws<V>([
    ['notify_master', 'master'],
    ['notify_backup', 'backup'],
    ['notify_fault', 'fault'],
    ['notify_stop', 'stop'],
    ['notify_deleted', 'deleted'],
    ['notify_master_rx_lower_pri', 'masterRxLowerPri'],
    ['notify', 'generic'],
  ]),
  boolKw<V>('smtp_alert', (v, b) => (v.smtpAlert = b), { default: 'global smtp_alert' }),
];

export const VRRP_INSTANCE_TABLE = defineTable<V>('vrrp_instance', [...recordingLocs(SUPPORTED), ...recordingLocs([...VRRP_INSTANCE_EXTRA_ROWS])]);
export const AUTHENTICATION_TABLE = AUTH_TABLE;
