/**
 * global_defs keywords beyond the VRRP daemon's core (reference §1a.1), spliced into
 * GLOBAL_DEFS_TABLE; values land in the draft's `x` (model-global-extra.ts). Ranges and
 * messages follow Debian 2.2.7 (`keepalived -t`); deprecated spellings warn and name the
 * current keyword.
 */
import { formatIp, parseIp } from '../../core/ip.js';
import type { GlobalDefsDraft } from '../draft.js';
import type { GlobalExtraDraft } from '../draft-vrrp-extra.js';
import type { LvsSyncDaemonSpec, ProcessSettings } from '../model-global-extra.js';
import type { ConfigNode } from '../source/tree.js';
import { argLoc, argText, noExtraArgs, parseIntStrict, readDecimalText, readIntText, requireArg } from './args.js';
import { deprecatedKw } from './deprecated.js';
import { boolKw, flagKw, intKw, type KeywordDef, scriptKw, stringKw, timerKw, wordsKw } from './table.js';
import { type ParseCtx } from '../diagnostics.js';

type G = GlobalDefsDraft;
type X = GlobalExtraDraft;
type Key<T> = { [K in keyof X]-?: NonNullable<X[K]> extends T ? K : never }[keyof X];

const flag = (name: string, key: Key<boolean>, dflt = 'off'): KeywordDef<G> => flagKw<G>(name, (g) => ((g.x as Record<string, unknown>)[key] = true), { default: dflt });
const bool = (name: string, key: Key<boolean>, dflt = 'false'): KeywordDef<G> => boolKw<G>(name, (g, v) => ((g.x as Record<string, unknown>)[key] = v), { default: dflt });
const str = (name: string, key: Key<string>, dflt = ''): KeywordDef<G> => stringKw<G>(name, (g, v) => ((g.x as Record<string, unknown>)[key] = v), { default: dflt });
const int = (name: string, key: Key<number>, min: number, max: number, dflt = ''): KeywordDef<G> =>
  intKw<G>(name, min, max, (g, v) => ((g.x as Record<string, unknown>)[key] = v), { default: dflt });
const secs = (name: string, key: Key<number>, min: number, max: number, dflt = ''): KeywordDef<G> =>
  timerKw<G>(name, min, max, 6, (g, v) => ((g.x as Record<string, unknown>)[key] = v), { default: dflt });
const script = (name: string, key: Key<object>): KeywordDef<G> => scriptKw<G>(name, (g, v) => ((g.x as Record<string, unknown>)[key] = v));
/** `[WORD…]`: optional words kept as a list. */
const words = (name: string, key: Key<readonly string[]>, syntax: string, max: number): KeywordDef<G> =>
  wordsKw<G>(name, syntax, (g, node, ctx) => {
    noExtraArgs(node, ctx, max);
    (g.x as Record<string, unknown>)[key] = node.args.slice(0, max).map((t) => t.text);
  });

/** An optional word; absent ⇒ `dflt`. */
const optWord = (name: string, key: Key<string>, dflt: string): KeywordDef<G> =>
  wordsKw<G>(name, `[${name.toUpperCase()}]`, (g, node, ctx) => {
    noExtraArgs(node, ctx, 1);
    (g.x as Record<string, unknown>)[key] = argText(node, 0) ?? dflt;
  }, { default: dflt });

// ---- per-process settings (vrrp_/checker_/bfd_) ----------------------------------------

type Proc = 'vrrp' | 'checker' | 'bfd';
const procKey = { vrrp: 'vrrpProcess', checker: 'checkerProcess', bfd: 'bfdProcess' } as const;

function proc(g: G, p: Proc): { -readonly [K in keyof ProcessSettings]?: ProcessSettings[K] } {
  const k = procKey[p];
  const cur = (g.x[k] ?? {}) as { -readonly [K in keyof ProcessSettings]?: ProcessSettings[K] };
  g.x[k] = cur;
  return cur;
}

function processRows(p: Proc): KeywordDef<G>[] {
  const rlimit = intKw<G>(`${p}_rlimit_rttime`, 1, 4294967295, (g, v) => (proc(g, p).rlimitRttime = v), { default: '10000' });
  const name = stringKw<G>(`${p}_process_name`, (g, v) => (proc(g, p).processName = v), { default: `keepalived_${p === 'checker' ? 'ipvs' : p}` });
  return [
    wordsKw<G>(`${p}_priority`, 'N (-20..19)', (g, node, ctx) => {
      const t = requireArg(node, ctx, 'a number');
      noExtraArgs(node, ctx, 1);
      const n = t === undefined ? null : parseIntStrict(t);
      if (n === null || n < -20 || n > 19) ctx.diags.error('KA_CFG_OUT_OF_RANGE', `Invalid ${p} process priority specified`, argLoc(node, 0), { hint: `number '${t ?? ''}' outside range [-20, 19]` });
      else proc(g, p).priority = n;
    }, { default: '0' }),
    flagKw<G>(`${p}_no_swap`, (g) => (proc(g, p).noSwap = true), { default: 'off' }),
    wordsKw<G>(`${p}_rt_priority`, 'N (1..99)', (g, node, ctx) => {
      const t = requireArg(node, ctx, 'a number');
      noExtraArgs(node, ctx, 1);
      if (t === undefined) return;
      const n = readIntText(t, argLoc(node, 0), node.keyword, ctx, 1, 2147483647);
      if (n === undefined) return;
      if (n > 99) ctx.diags.warn('KA_CFG_OUT_OF_RANGE', `${p} process real-time priority ${n} greater than maximum 99 - setting to maximum`, argLoc(node, 0));
      proc(g, p).rtPriority = Math.min(n, 99);
    }, { default: 'off' }),
    wordsKw<G>(`${p}_cpu_affinity`, 'CPU…', (g, node, ctx) => {
      const cpus: number[] = [];
      node.args.forEach((a, i) => {
        const n = readIntText(a.text, argLoc(node, i), node.keyword, ctx, 0, 4095);
        if (n !== undefined) cpus.push(n);
      });
      proc(g, p).cpuAffinity = cpus;
    }, { default: 'all' }),
    rlimit,
    deprecatedKw(`${p}_rlimit_rtime`, rlimit),
    name,
  ];
}

// ---- shaped keywords ------------------------------------------------------------------

function lvsSyncDaemon(g: G, node: ConfigNode, ctx: ParseCtx): void {
  const iface = requireArg(node, ctx, 'an interface');
  if (iface === undefined) return;
  const s: { -readonly [K in keyof LvsSyncDaemonSpec]?: LvsSyncDaemonSpec[K] } = { interface: iface };
  const ranges: Record<string, [keyof LvsSyncDaemonSpec, number, number]> = { id: ['syncId', 0, 255], maxlen: ['maxlen', 1, 65507], port: ['port', 1, 65535], ttl: ['ttl', 1, 255] };
  for (let i = 1; i < node.args.length; i++) {
    const w = node.args[i]!.text;
    const r = ranges[w];
    if (r) {
      const t = argText(node, ++i);
      const n = t === undefined ? undefined : readIntText(t, argLoc(node, i), w, ctx, r[1], r[2]);
      if (n !== undefined) (s as Record<string, unknown>)[r[0]] = n;
    } else if (w === 'group') {
      const t = argText(node, ++i);
      const ip = t === undefined ? null : parseIp(t);
      if (ip) s.group = formatIp(ip);
      else ctx.diags.error('KA_CFG_INVALID_ADDRESS', `Invalid lvs_sync_daemon group ${t ?? ''} - ignoring`, argLoc(node, i));
    } else if (w === 'inst' || (i === 1 && s.vrrpInstance === undefined)) {
      const name = w === 'inst' ? argText(node, ++i) : w;
      if (name !== undefined) s.vrrpInstance = name;
    } else ctx.diags.error('KA_CFG_INVALID_VALUE', `Unknown lvs_sync_daemon option ${w}`, argLoc(node, i));
  }
  g.x.lvsSyncDaemon = s as LvsSyncDaemonSpec;
}

function lvsTimeouts(g: G, node: ConfigNode, ctx: ParseCtx): void {
  const out: { tcpS?: number; tcpfinS?: number; udpS?: number } = {};
  const keys: Record<string, 'tcpS' | 'tcpfinS' | 'udpS'> = { tcp: 'tcpS', tcpfin: 'tcpfinS', udp: 'udpS' };
  for (let i = 0; i < node.args.length; i++) {
    const w = node.args[i]!.text;
    const k = keys[w];
    const t = argText(node, i + 1);
    if (k === undefined || t === undefined) {
      ctx.diags.error('KA_CFG_INVALID_VALUE', `Unknown option ${w} specified for lvs_timeouts`, argLoc(node, i), { hint: 'tcp S | tcpfin S | udp S' });
      continue;
    }
    i++;
    const n = readIntText(t, argLoc(node, i), w, ctx, 1, 2147483);
    if (n !== undefined) out[k] = n;
  }
  g.x.lvsTimeouts = out;
}

const rxPolicy = wordsKw<G>('vrrp_rx_bufs_policy', 'MTU|ADVERT|NUMBER', (g, node, ctx) => {
  const t = requireArg(node, ctx, 'MTU, ADVERT or a size');
  noExtraArgs(node, ctx, 1);
  if (t === undefined) return;
  const n = parseIntStrict(t);
  if (t === 'MTU' || t === 'ADVERT') g.x.vrrpRxBufsPolicy = t;
  else if (n !== null && n > 0) g.x.vrrpRxBufsPolicy = n;
  else ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid vrrp_rx_bufs_policy ${t}`, argLoc(node, 0), { hint: 'MTU|ADVERT|NUMBER' });
}, { default: 'system' });

function rcvBufRows(prefix: string): KeywordDef<G>[] {
  const name = `${prefix}_rcv_bufs`;
  return [
    intKw<G>(name, 0, 4294967295, (g, v) => (g.x.rcvBufs = { ...g.x.rcvBufs, [name]: v }), { default: 'system' }),
    boolKw<G>(`${name}_force`, (g, v) => (g.x.rcvBufsForce = { ...g.x.rcvBufsForce, [name]: v }), { default: 'false' }),
  ];
}

const garpExtraIf = wordsKw<G>('vrrp_garp_extra_if', '[all] SECS (1..86400)', (g, node, ctx) => {
  const all = argText(node, 0) === 'all';
  const i = all ? 1 : 0;
  const t = argText(node, i);
  noExtraArgs(node, ctx, i + 1);
  if (t === undefined) {
    ctx.diags.error('KA_CFG_MISSING_ARG', `'${node.keyword}' requires a number`, node.loc);
    return;
  }
  const n = readIntText(t, argLoc(node, i), node.keyword, ctx, 1, 86400);
  if (n === undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `vrrp_garp_extra_if '${t}' invalid - ignoring`, argLoc(node, i));
  else g.x.vrrpGarpExtraIf = { all, intervalS: n };
}, { default: 'off' });

const flushOnStop = wordsKw<G>('lvs_flush_on_stop', '[VS]', (g, node, ctx) => {
  const t = argText(node, 0);
  noExtraArgs(node, ctx, 1);
  if (t === undefined) g.x.lvsFlushOnStop = 'all';
  else if (t === 'VS') g.x.lvsFlushOnStop = 'vs';
  else ctx.diags.error('KA_CFG_INVALID_VALUE', `Unknown lvs_flush_on_stop type ${t}`, argLoc(node, 0), { hint: "'VS' or nothing" });
}, { default: 'off' });

const snmpVrrp = flag('enable_snmp_vrrp', 'enableSnmpVrrp');
const CHECKER_ROWS = processRows('checker');

/** `umask` as octal/decimal number or `IRUSR|IWGRP…` bits. */
const UMASK_BITS: Readonly<Record<string, number>> = { IRUSR: 0o400, IWUSR: 0o200, IXUSR: 0o100, IRGRP: 0o40, IWGRP: 0o20, IXGRP: 0o10, IROTH: 0o4, IWOTH: 0o2, IXOTH: 0o1, IRWXU: 0o700, IRWXG: 0o70, IRWXO: 0o7 };
const umask = wordsKw<G>('umask', 'NUM|BITS', (g, node, ctx) => {
  const t = node.args.map((a) => a.text).join('');
  if (t === '') {
    ctx.diags.error('KA_CFG_MISSING_ARG', "'umask' requires a value", node.loc);
    return;
  }
  let mask = 0;
  if (/^0[0-7]*$/.test(t)) mask = Number.parseInt(t, 8);
  else if (/^\d+$/.test(t)) mask = Number(t);
  else {
    for (const bit of t.split('|')) {
      const b = UMASK_BITS[bit];
      if (b === undefined) {
        ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid umask value ${t}`, argLoc(node, 0));
        return;
      }
      mask |= b;
    }
  }
  if (mask > 0o777) ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid umask value ${t}`, argLoc(node, 0));
  else g.x.umask = mask;
}, { default: '0177' });

const maxAutoPriority = wordsKw<G>('max_auto_priority', '[-1..99]', (g, node, ctx) => {
  const t = argText(node, 0);
  noExtraArgs(node, ctx, 1);
  const n = t === undefined ? 99 : parseIntStrict(t);
  if (n === null || n < -1 || n > 99) ctx.diags.error('KA_CFG_OUT_OF_RANGE', `max_auto_priority '${t ?? ''}' must be in [0, 99] (or -1 to disable) - ignoring`, argLoc(node, 0));
  else g.x.maxAutoPriority = n;
}, { default: '0 (off)' });

const scriptTimeout = (name: string, key: 'startupScriptTimeoutS' | 'shutdownScriptTimeoutS'): KeywordDef<G> =>
  wordsKw<G>(name, 'SECS (1..1000)', (g, node, ctx) => {
    const t = requireArg(node, ctx, 'a number');
    noExtraArgs(node, ctx, 1);
    const n = t === undefined ? null : parseIntStrict(t);
    if (n === null || n < 1 || n > 1000) ctx.diags.error('KA_CFG_OUT_OF_RANGE', `${name} '${t ?? ''}' must be in [1, 1000] - ignoring`, argLoc(node, 0));
    else g.x[key] = n;
  }, { default: '10' });

const reloadCheck = wordsKw<G>('reload_check_config', '[LOGFILE]', (g, node, ctx) => {
  noExtraArgs(node, ctx, 1);
  const f = argText(node, 0);
  g.x.reloadCheckConfig = f === undefined ? {} : { logFile: f };
}, { default: 'off' });

const jsonVersion = wordsKw<G>('json_version', '1|2', (g, node, ctx) => {
  const t = requireArg(node, ctx, '1 or 2');
  noExtraArgs(node, ctx, 1);
  if (t === '1' || t === '2') g.x.jsonVersion = t === '1' ? 1 : 2;
  else if (t !== undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid json_version ${t} - ignoring`, argLoc(node, 0), { hint: '1 or 2' });
}, { default: '1' });

const statsInterval = (name: string, key: 'snmpVsStatsUpdateIntervalS' | 'snmpRsStatsUpdateIntervalS', dflt: string): KeywordDef<G> =>
  wordsKw<G>(name, 'SECS', (g, node, ctx) => {
    const t = requireArg(node, ctx, 'a number');
    noExtraArgs(node, ctx, 1);
    const n = t === undefined ? undefined : readDecimalText(t, argLoc(node, 0), name, ctx, 0, 4294.967295, 6);
    if (n !== undefined) g.x[key] = n;
  }, { default: dflt });

export const GLOBAL_DEFS_EXTRA_ROWS: readonly KeywordDef<G>[] = [
  str('smtp_helo_name', 'smtpHeloName', 'local host name'),
  bool('smtp_alert_vrrp', 'smtpAlertVrrp', 'smtp_alert'),
  bool('smtp_alert_checker', 'smtpAlertChecker', 'smtp_alert'),
  flag('no_email_faults', 'noEmailFaults'),
  bool('checker_log_all_failures', 'checkerLogAllFailures'),
  flag('no_checker_emails', 'noCheckerEmails'),
  flag('rs_init_notifies', 'rsInitNotifies'),
  bool('vrrp_min_garp', 'vrrpMinGarp'),
  garpExtraIf,
  deprecatedKw('vrrp_vmac_garp_intvl', garpExtraIf),
  bool('vrrp_owner_ignore_adverts', 'vrrpOwnerIgnoreAdverts', 'false (true if strict)'),
  bool('v3_checksum_as_v2', 'v3ChecksumAsV2'),
  bool('vrrp_notify_priority_changes', 'vrrpNotifyPriorityChanges'),
  words('vrrp_iptables', 'vrrpIptables', '[IN [OUT]]', 2),
  words('vrrp_ipsets', 'vrrpIpsets', '[N4 [N6 [N_IF6 [IGMP [MLD [VMAC_ND]]]]]]', 6),
  optWord('nftables', 'nftables', 'keepalived'),
  int('nftables_priority', 'nftablesPriority', -2147483648, 2147483647, '-1'),
  flag('nftables_counters', 'nftablesCounters'),
  flag('nftables_ifindex', 'nftablesIfindex'),
  optWord('nftables_ipvs', 'nftablesIpvs', 'keepalived_ipvs'),
  int('nftables_ipvs_priority', 'nftablesIpvsPriority', -2147483648, 2147483647, '-1'),
  int('nftables_ipvs_start_fwmark', 'nftablesIpvsStartFwmark', 1, 4294967295, '1000'),
  flag('disable_local_igmp', 'disableLocalIgmp'),
  wordsKw<G>('dynamic_interfaces', '[allow_if_changes]', (g, node, ctx) => {
    const t = argText(node, 0);
    noExtraArgs(node, ctx, 1);
    if (t !== undefined && t !== 'allow_if_changes') ctx.diags.error('KA_CFG_INVALID_VALUE', `Unknown dynamic_interfaces option ${t}`, argLoc(node, 0), { hint: "'allow_if_changes' or nothing" });
    g.x.dynamicInterfaces = { allowIfChanges: t === 'allow_if_changes' };
  }, { default: 'off' }),
  secs('vrrp_delay_after_boot', 'vrrpDelayAfterBootS', 0, 4294.967295, '0'),
  flag('log_unknown_vrids', 'logUnknownVrids'),
  str('vmac_prefix', 'vmacPrefix', 'vrrp'),
  str('vmac_addr_prefix', 'vmacAddrPrefix', 'vrrp'),
  rxPolicy,
  int('vrrp_rx_bufs_multiplier', 'vrrpRxBufsMultiplier', 1, 4294967295, '3'),
  ...['vrrp_netlink_cmd', 'vrrp_netlink_monitor', 'lvs_netlink_cmd', 'lvs_netlink_monitor', 'process_monitor'].flatMap(rcvBufRows),
  wordsKw<G>('lvs_sync_daemon', 'IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group ADDR]', lvsSyncDaemon),
  wordsKw<G>('lvs_timeouts', '[tcp S] [tcpfin S] [udp S]', lvsTimeouts),
  flag('lvs_flush', 'lvsFlush'),
  flushOnStop,
  deprecatedKw('lvs_flush_onstop', flushOnStop),
  flag('set_supplementary_groups', 'setSupplementaryGroups'),
  bool('use_symlink_paths', 'useSymlinkPaths'),
  script('startup_script', 'startupScript'),
  scriptTimeout('startup_script_timeout', 'startupScriptTimeoutS'),
  script('shutdown_script', 'shutdownScript'),
  scriptTimeout('shutdown_script_timeout', 'shutdownScriptTimeoutS'),
  script('notify_fifo_script', 'notifyFifoScript'),
  script('vrrp_notify_fifo_script', 'vrrpNotifyFifoScript'),
  wordsKw<G>('lvs_notify_fifo', 'FIFO [USER [GROUP]]', (g, node, ctx) => {
    const path = requireArg(node, ctx, 'a FIFO path');
    noExtraArgs(node, ctx, 3);
    if (path === undefined) return;
    const user = argText(node, 1);
    const group = argText(node, 2);
    g.x.lvsNotifyFifo = { argv: [path], text: path, ...(user !== undefined ? { user } : {}), ...(group !== undefined ? { group } : {}) };
  }),
  script('lvs_notify_fifo_script', 'lvsNotifyFifoScript'),
  flag('fifo_write_vrrp_states_on_reload', 'fifoWriteVrrpStatesOnReload'),
  maxAutoPriority,
  int('min_auto_priority_delay', 'minAutoPriorityDelayUs', 1, 4294967295, '1000000'),
  ...processRows('vrrp'),
  ...CHECKER_ROWS,
  ...processRows('bfd'),
  flag('process_names', 'processNames'),
  str('process_name', 'processName', 'keepalived'),
  deprecatedKw('lvs_process_name', CHECKER_ROWS.find((r) => r.name === 'checker_process_name')!),
  str('snmp_socket', 'snmpSocket', 'unix:/var/agentx/master'),
  snmpVrrp,
  deprecatedKw('enable_snmp_keepalived', snmpVrrp),
  flag('enable_snmp_checker', 'enableSnmpChecker'),
  flag('enable_snmp_rfc', 'enableSnmpRfc'),
  flag('enable_snmp_rfcv2', 'enableSnmpRfcv2'),
  flag('enable_snmp_rfcv3', 'enableSnmpRfcv3'),
  flag('enable_traps', 'enableTraps'),
  statsInterval('snmp_vs_stats_update_interval', 'snmpVsStatsUpdateIntervalS', '5'),
  statsInterval('snmp_rs_stats_update_interval', 'snmpRsStatsUpdateIntervalS', '= snmp_vs_stats_update_interval'),
  flag('enable_dbus', 'enableDbus'),
  str('dbus_service_name', 'dbusServiceName', 'org.keepalived.Vrrp1'),
  str('dbus_no_interface_name', 'dbusNoInterfaceName', 'none'),
  umask,
  reloadCheck,
  str('reload_time_file', 'reloadTimeFile', 'off'),
  flag('reload_repeat', 'reloadRepeat'),
  optWord('reload_file', 'reloadFile', '/run/keepalived.reload'),
  str('tmp_config_directory', 'tmpConfigDirectory', 'memfd'),
  str('config_save_dir', 'configSaveDir', 'off'),
  bool('data_use_instance', 'dataUseInstance'),
  str('state_dump_file', 'stateDumpFile', 'tmp dir'),
  str('stats_dump_file', 'statsDumpFile', 'tmp dir'),
  str('json_dump_file', 'jsonDumpFile', 'tmp dir'),
  jsonVersion,
  str('iproute_usr_dir', 'iprouteUsrDir', 'auto'),
  str('iproute_etc_dir', 'iprouteEtcDir', 'auto'),
];
