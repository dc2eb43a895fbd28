/**
 * Prints global_defs back in keepalived syntax for the dump (`-d`): every effective value
 * explicitly, current keyword names only (never deprecated spellings), so printing then
 * re-parsing gives the same model. Plain rows not listed here are printed from the table.
 */
import { printEntries, type PrintEntry } from '../keywords/table.js';
import { block, quote, scriptLine as script } from '../print-format.js';
import { GLOBAL_DEFS_TABLE } from './keywords.js';
import type { GarpSettings, GlobalDefs, ProcessSettings } from './model.js';

type E = PrintEntry<GlobalDefs>;

const secs = (ms: number): string => String(ms / 1000);

/** The six GARP keywords, as `vrrp_garp_*` (global_defs) or `garp_*` (vrrp_instance). */
export function garpLines(g: GarpSettings, prefix: string): string[] {
  return [
    `${prefix}garp_master_delay ${secs(g.masterDelayMs)}`,
    `${prefix}garp_master_repeat ${g.masterRepeat}`,
    `${prefix}garp_master_refresh ${secs(g.masterRefreshMs)}`,
    `${prefix}garp_master_refresh_repeat ${g.masterRefreshRepeat}`,
    `${prefix}garp_lower_prio_delay ${secs(g.lowerPrioDelayMs)}`,
    `${prefix}garp_lower_prio_repeat ${g.lowerPrioRepeat}`,
  ];
}
const GARP_KEYWORDS = ['master_delay', 'master_repeat', 'master_refresh', 'master_refresh_repeat', 'lower_prio_delay', 'lower_prio_repeat'].map((k) => `vrrp_garp_${k}`);

type Proc = 'vrrp' | 'checker' | 'bfd';

function processLines(p: Proc, s: ProcessSettings | undefined): string[] {
  if (!s) return [];
  const b: string[] = [];
  if (s.priority !== undefined) b.push(`${p}_priority ${s.priority}`);
  if (s.noSwap === true) b.push(`${p}_no_swap`);
  if (s.rtPriority !== undefined) b.push(`${p}_rt_priority ${s.rtPriority}`);
  if (s.cpuAffinity !== undefined) b.push(`${p}_cpu_affinity ${s.cpuAffinity.join(' ')}`);
  if (s.rlimitRttime !== undefined) b.push(`${p}_rlimit_rttime ${s.rlimitRttime}`);
  if (s.processName !== undefined) b.push(`${p}_process_name ${quote(s.processName)}`);
  return b;
}
const processEntry = (p: Proc, key: 'vrrpProcess' | 'checkerProcess' | 'bfdProcess'): E => [
  ['priority', 'no_swap', 'rt_priority', 'cpu_affinity', 'rlimit_rttime', 'process_name'].map((k) => `${p}_${k}`),
  (g) => processLines(p, g[key]),
];

/** Scalar keywords printed bare when true. */
const FLAGS: ReadonlyArray<[string, keyof GlobalDefs]> = [
  ['no_email_faults', 'noEmailFaults'], ['no_checker_emails', 'noCheckerEmails'], ['rs_init_notifies', 'rsInitNotifies'], ['nftables_counters', 'nftablesCounters'],
  ['nftables_ifindex', 'nftablesIfindex'], ['disable_local_igmp', 'disableLocalIgmp'], ['log_unknown_vrids', 'logUnknownVrids'], ['lvs_flush', 'lvsFlush'],
  ['set_supplementary_groups', 'setSupplementaryGroups'], ['fifo_write_vrrp_states_on_reload', 'fifoWriteVrrpStatesOnReload'], ['process_names', 'processNames'],
  ['enable_snmp_vrrp', 'enableSnmpVrrp'], ['enable_snmp_checker', 'enableSnmpChecker'], ['enable_snmp_rfc', 'enableSnmpRfc'], ['enable_snmp_rfcv2', 'enableSnmpRfcv2'],
  ['enable_snmp_rfcv3', 'enableSnmpRfcv3'], ['enable_traps', 'enableTraps'], ['enable_dbus', 'enableDbus'], ['reload_repeat', 'reloadRepeat'],
];
/** Scalar keywords printed with their value when set. */
const VALUES: ReadonlyArray<[string, keyof GlobalDefs]> = [
  ['smtp_helo_name', 'smtpHeloName'], ['smtp_alert_vrrp', 'smtpAlertVrrp'], ['smtp_alert_checker', 'smtpAlertChecker'], ['checker_log_all_failures', 'checkerLogAllFailures'],
  ['vrrp_min_garp', 'vrrpMinGarp'], ['vrrp_owner_ignore_adverts', 'vrrpOwnerIgnoreAdverts'], ['v3_checksum_as_v2', 'v3ChecksumAsV2'], ['vrrp_notify_priority_changes', 'vrrpNotifyPriorityChanges'],
  ['nftables', 'nftables'], ['nftables_priority', 'nftablesPriority'], ['nftables_ipvs', 'nftablesIpvs'], ['nftables_ipvs_priority', 'nftablesIpvsPriority'],
  ['nftables_ipvs_start_fwmark', 'nftablesIpvsStartFwmark'], ['vrrp_delay_after_boot', 'vrrpDelayAfterBootS'], ['vmac_prefix', 'vmacPrefix'], ['vmac_addr_prefix', 'vmacAddrPrefix'],
  ['vrrp_rx_bufs_policy', 'vrrpRxBufsPolicy'], ['vrrp_rx_bufs_multiplier', 'vrrpRxBufsMultiplier'], ['use_symlink_paths', 'useSymlinkPaths'], ['startup_script_timeout', 'startupScriptTimeoutS'],
  ['shutdown_script_timeout', 'shutdownScriptTimeoutS'], ['max_auto_priority', 'maxAutoPriority'], ['min_auto_priority_delay', 'minAutoPriorityDelayUs'], ['process_name', 'processName'],
  ['snmp_socket', 'snmpSocket'], ['snmp_vs_stats_update_interval', 'snmpVsStatsUpdateIntervalS'], ['snmp_rs_stats_update_interval', 'snmpRsStatsUpdateIntervalS'],
  ['dbus_service_name', 'dbusServiceName'], ['dbus_no_interface_name', 'dbusNoInterfaceName'], ['reload_time_file', 'reloadTimeFile'],
  ['reload_file', 'reloadFile'], ['tmp_config_directory', 'tmpConfigDirectory'], ['config_save_dir', 'configSaveDir'], ['data_use_instance', 'dataUseInstance'],
  ['state_dump_file', 'stateDumpFile'], ['stats_dump_file', 'statsDumpFile'], ['json_dump_file', 'jsonDumpFile'], ['json_version', 'jsonVersion'],
  ['iproute_usr_dir', 'iprouteUsrDir'], ['iproute_etc_dir', 'iprouteEtcDir'],
];
const RCV_BUFS = ['vrrp_netlink_cmd', 'vrrp_netlink_monitor', 'lvs_netlink_cmd', 'lvs_netlink_monitor', 'process_monitor'].flatMap((p) => [`${p}_rcv_bufs`, `${p}_rcv_bufs_force`]);

const ENTRIES: readonly E[] = [
  ['router_id', (g) => [`router_id ${quote(g.routerId)}`]],
  ['notification_email', (g) => (g.notificationEmail.length > 0 ? block('notification_email', g.notificationEmail.map(quote)) : [])],
  ['notification_email_from', (g) => (g.notificationEmailFrom !== undefined ? [`notification_email_from ${quote(g.notificationEmailFrom)}`] : [])],
  ['smtp_server', (g) => (g.smtpServer ? [`smtp_server ${g.smtpServer.host} ${g.smtpServer.port}`] : [])],
  ['smtp_connect_timeout', (g) => [`smtp_connect_timeout ${secs(g.smtpConnectTimeoutMs)}`]],
  ['smtp_alert', (g) => (g.smtpAlert !== undefined ? [`smtp_alert ${g.smtpAlert}`] : [])],
  ['enable_script_security', (g) => (g.enableScriptSecurity ? ['enable_script_security'] : [])],
  ['script_user', (g) => (g.scriptUser !== undefined ? [['script_user', g.scriptUser, ...(g.scriptGroup !== undefined ? [g.scriptGroup] : [])].join(' ')] : [])],
  [['default_interface', 'vrrp_version', 'vrrp_mcast_group4', 'vrrp_mcast_group6'], (g) => [`default_interface ${g.defaultInterface}`, `vrrp_version ${g.vrrpVersion}`, `vrrp_mcast_group4 ${g.mcastGroup4}`, `vrrp_mcast_group6 ${g.mcastGroup6}`]],
  ['vrrp_strict', (g) => (g.vrrpStrict ? ['vrrp_strict'] : [])],
  [GARP_KEYWORDS, (g) => garpLines(g.garp, 'vrrp_')],
  // 0 means "unset" and is rejected by the parser, exactly as keepalived does.
  ['vrrp_garp_interval', (g) => (g.garp.intervalMs > 0 ? [`vrrp_garp_interval ${secs(g.garp.intervalMs)}`] : [])],
  ['vrrp_gna_interval', (g) => (g.garp.gnaIntervalMs > 0 ? [`vrrp_gna_interval ${secs(g.garp.gnaIntervalMs)}`] : [])],
  [
    ['vrrp_down_timer_adverts', 'vrrp_lower_prio_no_advert', 'vrrp_higher_prio_send_advert', 'vrrp_skip_check_adv_addr', 'vrrp_check_unicast_src'],
    (g) => [
      `vrrp_down_timer_adverts ${g.downTimerAdverts}`,
      `vrrp_lower_prio_no_advert ${g.lowerPrioNoAdvert}`,
      `vrrp_higher_prio_send_advert ${g.higherPrioSendAdvert}`,
      `vrrp_skip_check_adv_addr ${g.skipCheckAdvAddr}`,
      `vrrp_check_unicast_src ${g.checkUnicastSrc}`,
    ],
  ],
  // keepalived 2.2.7 rejects `vrrp_startup_delay 0` (its minimum is 0.001); 0 is the default.
  ['vrrp_startup_delay', (g) => (g.vrrpStartupDelayMs > 0 ? [`vrrp_startup_delay ${secs(g.vrrpStartupDelayMs)}`] : [])],
  [['notify_fifo', 'vrrp_notify_fifo'], (g) => [...script('notify_fifo', g.notifyFifo), ...script('vrrp_notify_fifo', g.vrrpNotifyFifo)]],
  ['status_http', (g) => (g.statusHttp !== undefined ? [`status_http ${g.statusHttp}`] : [])],
  [FLAGS.map(([kw]) => kw), (g) => FLAGS.flatMap(([kw, k]) => (g[k] === true ? [kw] : []))],
  [VALUES.map(([kw]) => kw), (g) => VALUES.flatMap(([kw, k]) => {
    const v = g[k];
    return v !== undefined ? [`${kw} ${typeof v === 'string' ? quote(v) : String(v)}`] : [];
  })],
  ['vrrp_garp_extra_if', (g) => (g.vrrpGarpExtraIf ? [`vrrp_garp_extra_if ${g.vrrpGarpExtraIf.all ? 'all ' : ''}${g.vrrpGarpExtraIf.intervalS}`] : [])],
  ['vrrp_iptables', (g) => (g.vrrpIptables ? [['vrrp_iptables', ...g.vrrpIptables].join(' ')] : [])],
  ['vrrp_ipsets', (g) => (g.vrrpIpsets ? [['vrrp_ipsets', ...g.vrrpIpsets].join(' ')] : [])],
  ['dynamic_interfaces', (g) => (g.dynamicInterfaces ? [`dynamic_interfaces${g.dynamicInterfaces.allowIfChanges ? ' allow_if_changes' : ''}`] : [])],
  [RCV_BUFS, (g) => [...Object.entries(g.rcvBufs ?? {}).map(([kw, n]) => `${kw} ${n}`), ...Object.entries(g.rcvBufsForce ?? {}).map(([kw, f]) => `${kw}_force ${f}`)]],
  ['lvs_sync_daemon', (g) => {
    const s = g.lvsSyncDaemon;
    if (!s) return [];
    const o = [['inst', s.vrrpInstance], ['id', s.syncId], ['maxlen', s.maxlen], ['port', s.port], ['ttl', s.ttl], ['group', s.group]] as const;
    return [['lvs_sync_daemon', s.interface, ...o.flatMap(([k, v]) => (v !== undefined ? [k, String(v)] : []))].join(' ')];
  }],
  ['lvs_timeouts', (g) => {
    const t = g.lvsTimeouts;
    return t ? [['lvs_timeouts', ...(t.tcpS !== undefined ? ['tcp', t.tcpS] : []), ...(t.tcpfinS !== undefined ? ['tcpfin', t.tcpfinS] : []), ...(t.udpS !== undefined ? ['udp', t.udpS] : [])].join(' ')] : [];
  }],
  ['lvs_flush_on_stop', (g) => (g.lvsFlushOnStop ? [`lvs_flush_on_stop${g.lvsFlushOnStop === 'vs' ? ' VS' : ''}`] : [])],
  [
    ['startup_script', 'shutdown_script', 'notify_fifo_script', 'vrrp_notify_fifo_script', 'lvs_notify_fifo', 'lvs_notify_fifo_script'],
    (g) => [
      ...script('startup_script', g.startupScript),
      ...script('shutdown_script', g.shutdownScript),
      ...script('notify_fifo_script', g.notifyFifoScript),
      ...script('vrrp_notify_fifo_script', g.vrrpNotifyFifoScript),
      ...script('lvs_notify_fifo', g.lvsNotifyFifo),
      ...script('lvs_notify_fifo_script', g.lvsNotifyFifoScript),
    ],
  ],
  processEntry('vrrp', 'vrrpProcess'),
  processEntry('checker', 'checkerProcess'),
  processEntry('bfd', 'bfdProcess'),
  ['umask', (g) => (g.umask !== undefined ? [`umask 0${g.umask.toString(8)}`] : [])],
  ['reload_check_config', (g) => (g.reloadCheckConfig ? [`reload_check_config${g.reloadCheckConfig.logFile !== undefined ? ` ${g.reloadCheckConfig.logFile}` : ''}`] : [])],
];

export const printGlobalDefs = (g: GlobalDefs): string[] => block('global_defs', printEntries(GLOBAL_DEFS_TABLE, g, ENTRIES));

