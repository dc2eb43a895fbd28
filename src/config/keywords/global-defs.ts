/** Keyword table of `global_defs { }` (reference §1a.1). */
import { formatIp } from '../../core/ip.js';
import type { GlobalDefsDraft } from '../draft.js';
import { GLOBAL_DEFS_EXTRA_ROWS } from './global-defs-extra.js';
import { argLoc, argText, noExtraArgs, readIntText, requireArg } from './args.js';
import { SOURCE_STAGE_GLOBAL_DEFS } from './global-defs-source.js';
import {
  addressKw,
  boolKw,
  defineTable,
  flagKw,
  intKw,
  listKw,
  stringKw,
  timerKw,
  wordsKw,
  type KeywordDef,
} from './table.js';

type G = GlobalDefsDraft;

/** keepalived keeps these timers in µs in an unsigned int: 4294.967295 s at most. */
const MAX_TIMER_S = 4294.967295;
const MAX_UINT = 4294967295;

const at = (g: G, name: string, loc: G['locs'][string]): void => {
  g.locs[name] = loc;
};

/** `notify_fifo FIFO [USER [GROUP]]`: a path, not a command, so no argv split. */
function fifoKw(name: string, set: (g: G, v: { argv: string[]; text: string; user?: string; group?: string }) => void): KeywordDef<G> {
  return wordsKw<G>(name, 'FIFO [USER [GROUP]]', (g, node, ctx) => {
    const path = requireArg(node, ctx, 'a FIFO path');
    noExtraArgs(node, ctx, 3);
    if (path === undefined) return;
    const user = argText(node, 1);
    const group = argText(node, 2);
    set(g, { argv: [path], text: path, ...(user !== undefined ? { user } : {}), ...(group !== undefined ? { group } : {}) });
  });
}

const SUPPORTED: KeywordDef<G>[] = [
  stringKw<G>('router_id', (g, v) => (g.routerId = v), { default: 'host name' }),
  intKw<G>('vrrp_version', 2, 3, (g, v) => (g.vrrpVersion = v === 3 ? 3 : 2), { default: '2' }),
  addressKw<G>('vrrp_mcast_group4', (g, ip, node, ctx) => {
    if (ip.family === 4) g.mcastGroup4 = formatIp(ip);
    else ctx.diags.error('KA_CFG_INVALID_ADDRESS', `vrrp_mcast_group4 must be an IPv4 address - ignoring`, argLoc(node, 0));
  }, { default: '224.0.0.18', multicast: true }),
  addressKw<G>('vrrp_mcast_group6', (g, ip, node, ctx) => {
    if (ip.family === 6) g.mcastGroup6 = formatIp(ip);
    else ctx.diags.error('KA_CFG_INVALID_ADDRESS', `vrrp_mcast_group6 must be an IPv6 address - ignoring`, argLoc(node, 0));
  }, { default: 'ff02::12', multicast: true }),
  boolKw<G>('vrrp_strict', (g, v, node) => {
    g.vrrpStrict = v;
    at(g, 'vrrp_strict', node.loc);
  }, { default: 'off' }),
  intKw<G>('vrrp_garp_master_delay', 0, 4294, (g, v) => (g.garp.masterDelayMs = v * 1000), { default: '5' }),
  intKw<G>('vrrp_garp_master_repeat', 0, MAX_UINT, (g, v) => (g.garp.masterRepeat = v), { default: '5' }),
  intKw<G>('vrrp_garp_master_refresh', 0, 4294, (g, v) => (g.garp.masterRefreshMs = v * 1000), { default: '0 (off)' }),
  intKw<G>('vrrp_garp_master_refresh_repeat', 0, MAX_UINT, (g, v) => (g.garp.masterRefreshRepeat = v), { default: '1' }),
  intKw<G>('vrrp_garp_lower_prio_delay', 0, 4294, (g, v) => (g.garp.lowerPrioDelayMs = v * 1000), { default: '= vrrp_garp_master_delay' }),
  intKw<G>('vrrp_garp_lower_prio_repeat', 0, MAX_UINT, (g, v) => (g.garp.lowerPrioRepeat = v), { default: '= vrrp_garp_master_repeat' }),
  timerKw<G>('vrrp_garp_interval', 0.000001, MAX_TIMER_S, 6, (g, v) => (g.garp.intervalMs = v * 1000), { default: '0 (no gap)' }),
  timerKw<G>('vrrp_gna_interval', 0.000001, MAX_TIMER_S, 6, (g, v) => (g.garp.gnaIntervalMs = v * 1000), { default: '0 (no gap)' }),
  intKw<G>('vrrp_down_timer_adverts', 1, 100, (g, v) => (g.downTimerAdverts = v), { default: '3' }),
  boolKw<G>('vrrp_lower_prio_no_advert', (g, v) => (g.lowerPrioNoAdvert = v), { default: 'false (true if strict)' }),
  boolKw<G>('vrrp_higher_prio_send_advert', (g, v) => (g.higherPrioSendAdvert = v), { default: 'false' }),
  boolKw<G>('vrrp_skip_check_adv_addr', (g, v) => (g.skipCheckAdvAddr = v), { default: 'off' }),
  boolKw<G>('vrrp_check_unicast_src', (g, v) => (g.checkUnicastSrc = v), { default: 'off' }),
  listKw<G>('notification_email', 'ADDRESS', (g, line) => {
    g.notificationEmail.push(line.keyword, ...line.args.map((t) => t.text));
  }),
  stringKw<G>('notification_email_from', (g, v) => (g.notificationEmailFrom = v), { default: '<user>@<hostname>' }),
  wordsKw<G>('smtp_server', 'HOST [PORT]', (g, node, ctx) => {
    const host = requireArg(node, ctx, 'a host');
    noExtraArgs(node, ctx, 2);
    if (host === undefined) return;
    const portText = argText(node, 1);
    const port = portText === undefined ? 25 : readIntText(portText, argLoc(node, 1), node.keyword, ctx, 1, 65535);
    if (port !== undefined) g.smtpServer = { host, port };
  }),
  intKw<G>('smtp_connect_timeout', 1, 4294, (g, v) => (g.smtpConnectTimeoutMs = v * 1000), { default: '30' }),
  boolKw<G>('smtp_alert', (g, v) => (g.smtpAlert = v), { default: 'unset (false)' }),
  flagKw<G>('enable_script_security', (g) => (g.enableScriptSecurity = true), { default: 'off' }),
  wordsKw<G>('script_user', 'USER [GROUP]', (g, node, ctx) => {
    const user = requireArg(node, ctx, 'a user name');
    noExtraArgs(node, ctx, 2);
    if (user === undefined) return;
    g.scriptUser = user;
    const group = argText(node, 1);
    if (group !== undefined) g.scriptGroup = group;
    else delete g.scriptGroup;
  }),
  stringKw<G>('default_interface', (g, v) => (g.defaultInterface = v), { default: 'eth0' }),
  timerKw<G>('vrrp_startup_delay', 0, MAX_TIMER_S, 6, (g, v) => (g.vrrpStartupDelayMs = v * 1000), { default: '0' }),
  fifoKw('notify_fifo', (g, v) => (g.notifyFifo = v)),
  fifoKw('vrrp_notify_fifo', (g, v) => (g.vrrpNotifyFifo = v)),
  stringKw<G>('status_http', (g, v) => (g.statusHttp = v), { default: 'off (keepalived-ts extension)' }),
];

export const GLOBAL_DEFS_TABLE = defineTable<G>('global_defs', [...SUPPORTED, ...SOURCE_STAGE_GLOBAL_DEFS, ...GLOBAL_DEFS_EXTRA_ROWS]);
