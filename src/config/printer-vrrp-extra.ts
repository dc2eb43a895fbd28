/**
 * Prints the VRRP-side extras (model-vrrp-extra.ts, model-global-extra.ts) back in
 * keepalived syntax for printer.ts: every effective value explicitly, current keyword
 * names only (never deprecated spellings), so printing then re-parsing gives the same model.
 */
import type { GlobalDefsExtra, ProcessSettings } from './model-global-extra.js';
import { block, quote, scriptLine as script, secsExact as secs } from './printer-format.js';
import type { KeepalivedVrrpExtra, RouteSpec, RuleSpec, TrackerRef, VrrpInstanceExtra, VrrpSyncGroupExtra } from './model-vrrp-extra.js';

const MASK = '********';

function trackers(kw: string, refs: readonly TrackerRef[]): string[] {
  if (refs.length === 0) return [];
  return block(kw, refs.map((r) => [r.name, ...(r.weight !== undefined ? ['weight', String(r.weight)] : []), ...(r.reverse !== undefined ? [r.reverse ? 'reverse' : 'noreverse'] : [])].join(' ')));
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

function processLines(p: 'vrrp' | 'checker' | 'bfd', s: ProcessSettings | undefined): string[] {
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

/** Scalar global_defs extras: [keyword, field]. Flags print bare when true. */
const GLOBAL_FLAGS: ReadonlyArray<[string, keyof GlobalDefsExtra]> = [
  ['no_email_faults', 'noEmailFaults'], ['no_checker_emails', 'noCheckerEmails'], ['rs_init_notifies', 'rsInitNotifies'], ['nftables_counters', 'nftablesCounters'],
  ['nftables_ifindex', 'nftablesIfindex'], ['disable_local_igmp', 'disableLocalIgmp'], ['log_unknown_vrids', 'logUnknownVrids'], ['lvs_flush', 'lvsFlush'],
  ['set_supplementary_groups', 'setSupplementaryGroups'], ['fifo_write_vrrp_states_on_reload', 'fifoWriteVrrpStatesOnReload'], ['process_names', 'processNames'],
  ['enable_snmp_vrrp', 'enableSnmpVrrp'], ['enable_snmp_checker', 'enableSnmpChecker'], ['enable_snmp_rfc', 'enableSnmpRfc'], ['enable_snmp_rfcv2', 'enableSnmpRfcv2'],
  ['enable_snmp_rfcv3', 'enableSnmpRfcv3'], ['enable_traps', 'enableTraps'], ['enable_dbus', 'enableDbus'], ['reload_repeat', 'reloadRepeat'],
];
const GLOBAL_VALUES: ReadonlyArray<[string, keyof GlobalDefsExtra]> = [
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

export function globalExtraLines(x: GlobalDefsExtra | undefined): string[] {
  if (!x) return [];
  const b: string[] = [];
  for (const [kw, k] of GLOBAL_FLAGS) if (x[k] === true) b.push(kw);
  for (const [kw, k] of GLOBAL_VALUES) {
    const v = x[k];
    if (v !== undefined) b.push(`${kw} ${typeof v === 'string' ? quote(v) : String(v)}`);
  }
  if (x.vrrpGarpExtraIf) b.push(`vrrp_garp_extra_if ${x.vrrpGarpExtraIf.all ? 'all ' : ''}${x.vrrpGarpExtraIf.intervalS}`);
  if (x.vrrpIptables) b.push(['vrrp_iptables', ...x.vrrpIptables].join(' '));
  if (x.vrrpIpsets) b.push(['vrrp_ipsets', ...x.vrrpIpsets].join(' '));
  if (x.dynamicInterfaces) b.push(`dynamic_interfaces${x.dynamicInterfaces.allowIfChanges ? ' allow_if_changes' : ''}`);
  for (const [kw, n] of Object.entries(x.rcvBufs ?? {})) b.push(`${kw} ${n}`);
  for (const [kw, f] of Object.entries(x.rcvBufsForce ?? {})) b.push(`${kw}_force ${f}`);
  const s = x.lvsSyncDaemon;
  if (s) {
    const o = [['inst', s.vrrpInstance], ['id', s.syncId], ['maxlen', s.maxlen], ['port', s.port], ['ttl', s.ttl], ['group', s.group]] as const;
    b.push(['lvs_sync_daemon', s.interface, ...o.flatMap(([k, v]) => (v !== undefined ? [k, String(v)] : []))].join(' '));
  }
  const t = x.lvsTimeouts;
  if (t) b.push(['lvs_timeouts', ...(t.tcpS !== undefined ? ['tcp', t.tcpS] : []), ...(t.tcpfinS !== undefined ? ['tcpfin', t.tcpfinS] : []), ...(t.udpS !== undefined ? ['udp', t.udpS] : [])].join(' '));
  if (x.lvsFlushOnStop) b.push(`lvs_flush_on_stop${x.lvsFlushOnStop === 'vs' ? ' VS' : ''}`);
  b.push(...script('startup_script', x.startupScript), ...script('shutdown_script', x.shutdownScript), ...script('notify_fifo_script', x.notifyFifoScript));
  b.push(...script('vrrp_notify_fifo_script', x.vrrpNotifyFifoScript), ...script('lvs_notify_fifo', x.lvsNotifyFifo), ...script('lvs_notify_fifo_script', x.lvsNotifyFifoScript));
  b.push(...processLines('vrrp', x.vrrpProcess), ...processLines('checker', x.checkerProcess), ...processLines('bfd', x.bfdProcess));
  if (x.umask !== undefined) b.push(`umask 0${x.umask.toString(8)}`);
  if (x.reloadCheckConfig) b.push(`reload_check_config${x.reloadCheckConfig.logFile !== undefined ? ` ${x.reloadCheckConfig.logFile}` : ''}`);
  return b;
}

export function instanceExtraLines(e: VrrpInstanceExtra | undefined, showSecrets: boolean): string[] {
  if (!e) return [];
  const b: string[] = [
    ...trackers('track_script', e.trackScripts),
    ...trackers('track_file', e.trackFiles),
    ...trackers('track_process', e.trackProcesses),
    ...trackers('track_bfd', e.trackBfds),
  ];
  if (e.virtualRoutes.length > 0) b.push(...block('virtual_routes', e.virtualRoutes.map(formatRoute)));
  if (e.virtualRules.length > 0) b.push(...block('virtual_rules', e.virtualRules.map(formatRule)));
  const m = e.useVmac;
  if (m) b.push(['use_vmac', 'name', m.ifname, ...(m.mac !== undefined ? [m.mac] : []), ...(m.netlinkNotifyMsg ? ['netlink_notify_msg'] : []), ...(m.group !== undefined ? ['group', String(m.group)] : [])].join(' '));
  const i = e.useIpvlan;
  if (i) b.push(['use_ipvlan', 'name', i.ifname, ...(i.address !== undefined ? [i.address] : []), i.mode, ...(i.group !== undefined ? ['group', String(i.group)] : [])].join(' '));
  const h = e.authHmac;
  if (h) {
    const body = [...h.keys.map((k) => `key ${k.id} ${showSecrets ? quote(k.value) : MASK}`), ...(h.activeKey !== undefined ? [`active_key ${h.activeKey}`] : []), `anti_replay ${h.antiReplay}`, `mode ${h.mode}`];
    if (h.timeWindowS !== undefined) body.push(`time_window ${h.timeWindowS}`);
    b.push(...block('auth_hmac', body));
  }
  const flags: ReadonlyArray<[string, boolean]> = [
    ['use_vmac_addr', e.useVmacAddr], ['vmac_xmit_base', e.vmacXmitBase], ['no_virtual_ipaddress', e.noVirtualIpaddress], ['unicast_fault_no_peer', e.unicastFaultNoPeer],
    ['track_src_ip', e.trackSrcIp], ['promote_secondaries', e.promoteSecondaries], ['native_ipv6', e.nativeIpv6], ['linkbeat_use_polling', e.linkbeatUsePolling],
  ];
  for (const [kw, on] of flags) if (on) b.push(kw);
  b.push(`owner_ignore_adverts ${e.ownerIgnoreAdverts}`, `v3_checksum_as_v2 ${e.v3ChecksumAsV2}`, `notify_priority_changes ${e.notifyPriorityChanges}`);
  if (e.vrf !== undefined) b.push(`vrf ${e.vrf}`);
  if (e.garpExtraIf) b.push(`garp_extra_if ${e.garpExtraIf.all ? 'all ' : ''}${e.garpExtraIf.intervalS}`);
  if (e.timerExpiredBackupPrio !== undefined) b.push(`timer_expired_backup ${e.timerExpiredBackupPrio}`);
  if (e.oldUnicastChecksum !== undefined) b.push(`old_unicast_checksum${e.oldUnicastChecksum === 'never' ? ' never' : ''}`);
  if (e.kernelRxBufSize !== undefined) b.push(`kernel_rx_buf_size ${e.kernelRxBufSize}`);
  if (e.debug !== undefined) b.push(`debug ${e.debug}`);
  if (e.lvsSyncDaemonInterface !== undefined) b.push(`lvs_sync_daemon_interface ${e.lvsSyncDaemonInterface}`);
  return b;
}

export function syncGroupExtraLines(e: VrrpSyncGroupExtra | undefined): string[] {
  if (!e) return [];
  const b: string[] = [];
  if (e.trackInterfaces.length > 0) b.push(...block('track_interface', e.trackInterfaces.map((t) => `${t.name} weight ${t.weight}${t.reverse ? ' reverse' : ''}`)));
  b.push(...trackers('track_script', e.trackScripts), ...trackers('track_file', e.trackFiles), ...trackers('track_process', e.trackProcesses), ...trackers('track_bfd', e.trackBfds));
  if (e.notifyPriorityChanges !== undefined) b.push(`notify_priority_changes ${e.notifyPriorityChanges}`);
  if (e.globalTracking) b.push('global_tracking');
  if (e.syncGroupTrackingWeight) b.push('sync_group_tracking_weight');
  return b;
}

/** Top-level blocks and keywords, printed before the sync groups and instances that use them. */
export function topExtraBlocks(t: KeepalivedVrrpExtra | undefined): string[][] {
  if (!t) return [];
  const out: string[][] = [];
  const top: string[] = [];
  if (t.netNamespace !== undefined) top.push(`net_namespace ${t.netNamespace}`);
  if (t.netNamespaceIpvs !== undefined) top.push(`net_namespace_ipvs${t.netNamespaceIpvs ? ` ${t.netNamespaceIpvs}` : ''}`);
  if (t.namespaceWithIpsets) top.push('namespace_with_ipsets');
  if (t.instance !== undefined) top.push(`instance ${t.instance}`);
  if (t.usePidDir) top.push('use_pid_dir');
  if (t.linkbeatUsePolling) top.push('linkbeat_use_polling');
  top.push(`child_wait_time ${t.childWaitTimeS}`);
  out.push(top);
  if (t.linkbeatInterfaces.length > 0) out.push(block('linkbeat_interfaces', t.linkbeatInterfaces.map((l) => `${l.name} ${l.method}`)));
  if (t.interfaceUpDownDelays.length > 0) out.push(block('interface_up_down_delays', t.interfaceUpDownDelays.map((d) => `${d.name} ${d.downDelayS} ${d.upDelayS}`)));
  for (const g of t.trackGroups) out.push(block(`track_group ${g.name}`, block('group', g.members)));
  if (t.staticRoutes.length > 0) out.push(block('static_routes', t.staticRoutes.map(formatRoute)));
  if (t.staticRules.length > 0) out.push(block('static_rules', t.staticRules.map(formatRule)));
  for (const s of t.vrrpScripts) {
    out.push(block(`vrrp_script ${s.name}`, [...script('script', s.script), `interval ${secs(s.intervalMs)}`, `timeout ${secs(s.timeoutMs)}`, `weight ${s.weight}${s.reverse ? ' reverse' : ''}`, `rise ${s.rise}`, `fall ${s.fall}`, ...(s.initFail ? ['init_fail'] : [])]));
  }
  for (const f of t.trackFiles) {
    out.push(block(`track_file ${f.name}`, [`file ${quote(f.path)}`, `weight ${f.weight}${f.reverse ? ' reverse' : ''}`, ...(f.initFile ? [`init_file ${f.initFile.value}${f.initFile.overwrite ? ' overwrite' : ''}`] : [])]));
  }
  for (const p of t.trackProcesses) {
    const b = [['process', quote(p.process), ...p.params.map(quote)].join(' '), `weight ${p.weight}${p.reverse ? ' reverse' : ''}`, `quorum ${p.quorum}`, `fork_delay ${secs(p.forkDelayMs)}`, `terminate_delay ${secs(p.terminateDelayMs)}`];
    if (p.quorumMax !== 4294967295) b.push(`quorum_max ${p.quorumMax}`);
    if (p.paramMatch !== 'exact') b.push(`param_match ${p.paramMatch}`);
    if (p.fullCommand) b.push('full_command');
    out.push(block(`vrrp_track_process ${p.name}`, b));
  }
  for (const g of t.garpGroups) {
    out.push(block('garp_group', [...(g.garpIntervalMs !== undefined ? [`garp_interval ${secs(g.garpIntervalMs)}`] : []), ...(g.gnaIntervalMs !== undefined ? [`gna_interval ${secs(g.gnaIntervalMs)}`] : []), ...block('interfaces', g.interfaces)]));
  }
  for (const f of t.bfdInstances) {
    const b = [`neighbor_ip ${f.neighborIp}`, ...(f.sourceIp !== undefined ? [`source_ip ${f.sourceIp}`] : []), `min_rx ${f.minRxMs}`, `min_tx ${f.minTxMs}`, `idle_tx ${f.idleTxMs}`, `multiplier ${f.multiplier}`];
    b.push(`ttl ${f.ttl}`, `max_hops ${f.maxHops}`, `multihop ${f.multihop}`, `weight ${f.weight}${f.reverse ? ' reverse' : ''}`);
    if (f.passive) b.push('passive');
    if (f.vrrpOnly) b.push('vrrp');
    if (f.checkerOnly) b.push('checker');
    out.push(block(`bfd_instance ${f.name}`, b));
  }
  return out;
}
