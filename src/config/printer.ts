/**
 * Prints a compiled KeepalivedConfig back in keepalived syntax (for `-d/--dump-conf`
 * and round-trip tests). Every effective value is written explicitly, so the output
 * re-parses to the same model; passwords are masked unless asked for.
 */
import type { GarpSettings, GlobalDefs, KeepalivedConfig, VrrpInstanceConfig, VrrpSyncGroupConfig } from './model.js';
import type { IpAddressSpec, NotifyScripts } from './common.js';
import { block, quote, scriptLine as script } from './printer-format.js';
import { printLvs } from './printer-lvs.js';
import { globalExtraLines, instanceExtraLines, syncGroupExtraLines, topExtraBlocks } from './printer-vrrp-extra.js';

export interface PrintOptions {
  /** Print auth_pass and the SSL password in clear (default: masked as `********`). */
  readonly showSecrets?: boolean;
}

const secs = (ms: number): string => String(ms / 1000);

function notifyLines(n: NotifyScripts): string[] {
  return [
    ...script('notify_master', n.master),
    ...script('notify_backup', n.backup),
    ...script('notify_fault', n.fault),
    ...script('notify_stop', n.stop),
    ...script('notify_deleted', n.deleted),
    ...script('notify_master_rx_lower_pri', n.masterRxLowerPri),
    ...script('notify', n.generic),
  ];
}

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

function garpLines(g: GarpSettings, prefix: string): string[] {
  return [
    `${prefix}garp_master_delay ${secs(g.masterDelayMs)}`,
    `${prefix}garp_master_repeat ${g.masterRepeat}`,
    `${prefix}garp_master_refresh ${secs(g.masterRefreshMs)}`,
    `${prefix}garp_master_refresh_repeat ${g.masterRefreshRepeat}`,
    `${prefix}garp_lower_prio_delay ${secs(g.lowerPrioDelayMs)}`,
    `${prefix}garp_lower_prio_repeat ${g.lowerPrioRepeat}`,
  ];
}

function globalDefs(g: GlobalDefs): string[] {
  const b: string[] = [`router_id ${quote(g.routerId)}`];
  if (g.notificationEmail.length > 0) b.push(...block('notification_email', g.notificationEmail.map(quote)));
  if (g.notificationEmailFrom !== undefined) b.push(`notification_email_from ${quote(g.notificationEmailFrom)}`);
  if (g.smtpServer) b.push(`smtp_server ${g.smtpServer.host} ${g.smtpServer.port}`);
  b.push(`smtp_connect_timeout ${secs(g.smtpConnectTimeoutMs)}`);
  if (g.smtpAlert !== undefined) b.push(`smtp_alert ${g.smtpAlert}`);
  if (g.enableScriptSecurity) b.push('enable_script_security');
  if (g.scriptUser !== undefined) b.push(['script_user', g.scriptUser, ...(g.scriptGroup !== undefined ? [g.scriptGroup] : [])].join(' '));
  b.push(`default_interface ${g.defaultInterface}`, `vrrp_version ${g.vrrpVersion}`, `vrrp_mcast_group4 ${g.mcastGroup4}`, `vrrp_mcast_group6 ${g.mcastGroup6}`);
  if (g.vrrpStrict) b.push('vrrp_strict');
  b.push(...garpLines(g.garp, 'vrrp_'));
  // 0 means "unset" and is rejected by the parser, exactly as keepalived does.
  if (g.garp.intervalMs > 0) b.push(`vrrp_garp_interval ${secs(g.garp.intervalMs)}`);
  if (g.garp.gnaIntervalMs > 0) b.push(`vrrp_gna_interval ${secs(g.garp.gnaIntervalMs)}`);
  b.push(
    `vrrp_down_timer_adverts ${g.downTimerAdverts}`,
    `vrrp_lower_prio_no_advert ${g.lowerPrioNoAdvert}`,
    `vrrp_higher_prio_send_advert ${g.higherPrioSendAdvert}`,
    `vrrp_skip_check_adv_addr ${g.skipCheckAdvAddr}`,
    `vrrp_check_unicast_src ${g.checkUnicastSrc}`,
  );
  // keepalived 2.2.7 rejects `vrrp_startup_delay 0` (its minimum is 0.001); 0 is the default.
  if (g.vrrpStartupDelayMs > 0) b.push(`vrrp_startup_delay ${secs(g.vrrpStartupDelayMs)}`);
  b.push(...script('notify_fifo', g.notifyFifo), ...script('vrrp_notify_fifo', g.vrrpNotifyFifo));
  if (g.statusHttp !== undefined) b.push(`status_http ${g.statusHttp}`);
  b.push(...globalExtraLines(g.extra));
  return block('global_defs', b);
}

function syncGroup(g: VrrpSyncGroupConfig): string[] {
  return block(`vrrp_sync_group ${g.name}`, [...block('group', g.members), ...notifyLines(g.notify), `smtp_alert ${g.smtpAlert}`, ...syncGroupExtraLines(g.extra)]);
}

function instance(v: VrrpInstanceConfig, o: PrintOptions): string[] {
  const b: string[] = [`state ${v.initialState}`];
  if (v.interface !== undefined) b.push(`interface ${v.interface}`);
  b.push(`virtual_router_id ${v.vrid}`, `priority ${v.priority}`, `advert_int ${v.advertIntCs / 100}`, `version ${v.version}`);
  if (v.nopreempt) b.push('nopreempt');
  if (v.preemptDelayMs > 0) b.push(`preempt_delay ${secs(v.preemptDelayMs)}`);
  if (v.accept !== (v.strict ? v.priority === 255 : true)) b.push(v.accept ? 'accept' : 'no_accept');
  if (v.auth) b.push(...block('authentication', [`auth_type ${v.auth.type}`, `auth_pass ${o.showSecrets === true ? quote(v.auth.pass) : '********'}`]));
  if (v.mcastSrcIp !== undefined) b.push(`mcast_src_ip ${v.mcastSrcIp}`);
  b.push(`mcast_dst_ip ${v.mcastDstIp}`);
  if (v.unicastSrcIp !== undefined) b.push(`unicast_src_ip ${v.unicastSrcIp}`);
  if (v.unicastPeers.length > 0) {
    b.push(...block('unicast_peer', v.unicastPeers.map((p) => [p.address, ...(p.minTtl !== undefined ? ['min_ttl', p.minTtl] : []), ...(p.maxTtl !== undefined ? ['max_ttl', p.maxTtl] : [])].join(' '))));
  }
  if (v.unicastTtl !== undefined) b.push(`unicast_ttl ${v.unicastTtl}`);
  if (v.trackInterfaces.length > 0) {
    b.push(...block('track_interface', v.trackInterfaces.map((t) => `${t.name} weight ${t.weight}${t.reverse ? ' reverse' : ''}`)));
  }
  if (v.dontTrackPrimary) b.push('dont_track_primary');
  b.push(...garpLines(v.garp, ''));
  b.push(
    `down_timer_adverts ${v.downTimerAdverts}`,
    `lower_prio_no_advert ${v.lowerPrioNoAdvert}`,
    `higher_prio_send_advert ${v.higherPrioSendAdvert}`,
    `skip_check_adv_addr ${v.skipCheckAdvAddr}`,
    `strict_mode ${v.strict}`,
  );
  if (v.checkUnicastSrc) b.push('check_unicast_src');
  b.push(...notifyLines(v.notify), `smtp_alert ${v.smtpAlert}`);
  if (v.vips.length > 0) b.push(...block('virtual_ipaddress', v.vips.map(formatAddress)));
  if (v.excludedVips.length > 0) b.push(...block('virtual_ipaddress_excluded', v.excludedVips.map(formatAddress)));
  b.push(...instanceExtraLines(v.extra, o.showSecrets === true));
  return block(`vrrp_instance ${v.name}`, b);
}

export function printConfig(config: KeepalivedConfig, opts: PrintOptions = {}): string {
  const parts: string[][] = [globalDefs(config.globalDefs)];
  if (config.staticIpAddresses.length > 0) parts.push(block('static_ipaddress', config.staticIpAddresses.map(formatAddress)));
  parts.push(...topExtraBlocks(config.vrrpExtra));
  for (const g of config.vrrpSyncGroups) parts.push(syncGroup(g));
  for (const v of config.vrrpInstances) parts.push(instance(v, opts));
  parts.push(...printLvs(config, opts));
  return parts.map((p) => p.join('\n')).join('\n\n') + '\n';
}
