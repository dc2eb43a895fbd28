/**
 * Keyword table of `global_defs { }` (keepalived.conf(5)): router id, the VRRP defaults every
 * instance inherits, notification, script security, and the daemon-wide settings. Ranges and
 * messages follow Debian 2.2.7 (`keepalived -t`); deprecated spellings warn and name the
 * current keyword. What the daemon acts on at run time: docs/compatibility.md.
 */
import { formatIp, parseIp } from '../../core/ip.js';
import type { Draft, LocMap, ScriptSpec, SourceLoc } from '../common.js';
import type { ParseCtx } from '../diagnostics.js';
import { argLoc, argText, noExtraArgs, parseIntStrict, readDecimalText, readIntText, requireArg } from '../keywords/args.js';
import {
  addressKw,
  boolKw,
  defineTable,
  deprecatedKw,
  derived,
  flagKw,
  intKw,
  keptUnset,
  listKw,
  scriptKw,
  SECONDS_AS_MS,
  setField,
  stringKw,
  timerKw,
  wordsKw,
  type FieldOf,
  type KeywordDef,
  type RowOpts,
} from '../keywords/table.js';
import type { ConfigNode } from '../source/tree.js';
import type { GarpSettings, GlobalDefs, LvsSyncDaemonSpec, ProcessSettings } from './model.js';

/** global_defs may appear more than once; keepalived merges them into one builder. */
export type GlobalDefsDraft = Omit<Draft<GlobalDefs>, 'garp'> & { locs: LocMap; garp: Draft<GarpSettings> };

export const newGlobalDefsDraft = (): GlobalDefsDraft => ({ locs: {}, garp: {} });

type G = GlobalDefsDraft;

/** keepalived keeps these timers in µs in an unsigned int: 4294.967295 s at most. */
const MAX_TIMER_S = 4294.967295;
const MAX_UINT = 4294967295;

const at = (g: G, name: string, loc: SourceLoc): void => {
  g.locs[name] = loc;
};

/** `notify_fifo FIFO [USER [GROUP]]`: a path, not a command, so no argv split. */
function fifoKw(name: string, field: 'notifyFifo' | 'vrrpNotifyFifo' | 'lvsNotifyFifo'): KeywordDef<G> {
  return wordsKw<G>(name, 'FIFO [USER [GROUP]]', (g, node, ctx) => {
    const path = requireArg(node, ctx, 'a FIFO path');
    noExtraArgs(node, ctx, 3);
    if (path === undefined) return;
    const user = argText(node, 1);
    const group = argText(node, 2);
    g[field] = { argv: [path], text: path, ...(user !== undefined ? { user } : {}), ...(group !== undefined ? { group } : {}) };
  }, { field });
}

/** keepalived's verdict is reproduced; the run-time side (dropping to the user, path checks) is not. */
const SCRIPT_SECURITY: RowOpts = { runtime: 'partly', runtimeNote: "the -t verdict only: scripts run as the daemon's user, their paths are not checked" };

const VRRP_AND_NOTIFY_ROWS: KeywordDef<G>[] = [
  stringKw<G>('router_id', 'routerId', { default: derived('host name') }),
  intKw<G>('vrrp_version', 2, 3, 'vrrpVersion', { default: 2 }),
  addressKw<G>('vrrp_mcast_group4', (g, ip, node, ctx) => {
    if (ip.family === 4) g.mcastGroup4 = formatIp(ip);
    else ctx.diags.error('KA_CFG_INVALID_ADDRESS', `vrrp_mcast_group4 must be an IPv4 address - ignoring`, argLoc(node, 0));
  }, { field: 'mcastGroup4', default: '224.0.0.18', multicast: true }),
  addressKw<G>('vrrp_mcast_group6', (g, ip, node, ctx) => {
    if (ip.family === 6) g.mcastGroup6 = formatIp(ip);
    else ctx.diags.error('KA_CFG_INVALID_ADDRESS', `vrrp_mcast_group6 must be an IPv6 address - ignoring`, argLoc(node, 0));
  }, { field: 'mcastGroup6', default: 'ff02::12', multicast: true }),
  boolKw<G>('vrrp_strict', (g, v, node) => {
    g.vrrpStrict = v;
    at(g, 'vrrp_strict', node.loc);
  }, { field: 'vrrpStrict', default: false, runtime: 'partly', runtimeNote: 'the config-time rules only: no firewall rules' }),
  intKw<G>('vrrp_garp_master_delay', 0, 4294, 'garp.masterDelayMs', { default: 5, unit: SECONDS_AS_MS }),
  intKw<G>('vrrp_garp_master_repeat', 0, MAX_UINT, 'garp.masterRepeat', { default: 5 }),
  intKw<G>('vrrp_garp_master_refresh', 0, 4294, 'garp.masterRefreshMs', { default: 0, unit: SECONDS_AS_MS }),
  intKw<G>('vrrp_garp_master_refresh_repeat', 0, MAX_UINT, 'garp.masterRefreshRepeat', { default: 1 }),
  intKw<G>('vrrp_garp_lower_prio_delay', 0, 4294, 'garp.lowerPrioDelayMs', { default: derived('= vrrp_garp_master_delay'), unit: SECONDS_AS_MS }),
  intKw<G>('vrrp_garp_lower_prio_repeat', 0, MAX_UINT, 'garp.lowerPrioRepeat', { default: derived('= vrrp_garp_master_repeat') }),
  timerKw<G>('vrrp_garp_interval', 0.000001, MAX_TIMER_S, 6, 'garp.intervalMs', { default: 0, unit: SECONDS_AS_MS }),
  timerKw<G>('vrrp_gna_interval', 0.000001, MAX_TIMER_S, 6, 'garp.gnaIntervalMs', { default: 0, unit: SECONDS_AS_MS }),
  intKw<G>('vrrp_down_timer_adverts', 1, 100, 'downTimerAdverts', { default: 3 }),
  boolKw<G>('vrrp_lower_prio_no_advert', 'lowerPrioNoAdvert', { default: derived('false (true if strict)') }),
  boolKw<G>('vrrp_higher_prio_send_advert', 'higherPrioSendAdvert', { default: false }),
  boolKw<G>('vrrp_skip_check_adv_addr', 'skipCheckAdvAddr', { default: false }),
  boolKw<G>('vrrp_check_unicast_src', 'checkUnicastSrc', { default: false }),
  listKw<G>('notification_email', 'ADDRESS', (g, line) => {
    (g.notificationEmail ??= []).push(line.keyword, ...line.args.map((t) => t.text));
  }, { field: 'notificationEmail' }),
  stringKw<G>('notification_email_from', 'notificationEmailFrom', { default: keptUnset('<user>@<hostname>') }),
  wordsKw<G>('smtp_server', 'HOST [PORT]', (g, node, ctx) => {
    const host = requireArg(node, ctx, 'a host');
    noExtraArgs(node, ctx, 2);
    if (host === undefined) return;
    const portText = argText(node, 1);
    const port = portText === undefined ? 25 : readIntText(portText, argLoc(node, 1), node.keyword, ctx, 1, 65535);
    if (port !== undefined) g.smtpServer = { host, port };
  }, { field: 'smtpServer' }),
  intKw<G>('smtp_connect_timeout', 1, 4294, 'smtpConnectTimeoutMs', { default: 30, unit: SECONDS_AS_MS }),
  boolKw<G>('smtp_alert', 'smtpAlert', { default: keptUnset('false') }),
  flagKw<G>('enable_script_security', 'enableScriptSecurity', SCRIPT_SECURITY),
  wordsKw<G>('script_user', 'USER [GROUP]', (g, node, ctx) => {
    const user = requireArg(node, ctx, 'a user name');
    noExtraArgs(node, ctx, 2);
    if (user === undefined) return;
    g.scriptUser = user;
    const group = argText(node, 1);
    if (group !== undefined) g.scriptGroup = group;
    else delete g.scriptGroup;
  }, { field: 'scriptUser', ...SCRIPT_SECURITY }),
  stringKw<G>('default_interface', 'defaultInterface', { default: 'eth0' }),
  timerKw<G>('vrrp_startup_delay', 0, MAX_TIMER_S, 6, 'vrrpStartupDelayMs', { default: 0, unit: SECONDS_AS_MS, runtime: 'not-yet' }),
  fifoKw('notify_fifo', 'notifyFifo'),
  fifoKw('vrrp_notify_fifo', 'vrrpNotifyFifo'),
  stringKw<G>('status_http', 'statusHttp', { default: keptUnset('off (keepalived-ts extension)'), runtime: 'not-yet', runtimeNote: 'no HTTP endpoint yet' }),
];


/**
 * Keywords of the source stage (source/expand.ts): `include_check` (source/include-check.ts)
 * and `random_seed` (`${_RANDOM}`) change how the rest of the file is read, so they act
 * there, from their line on; here they are only accepted.
 */
const sourceStage = (name: string, syntax: string, note: string): KeywordDef<G> => ({ name, form: { type: 'words', syntax }, default: derived(note), scalar: false, apply: () => undefined });

const SOURCE_STAGE_ROWS: readonly KeywordDef<G>[] = [
  sourceStage('include_check', '[+|-]read|match|wildcard_match|brace_match …', 'no checks'),
  sourceStage('random_seed', 'UNSIGNED', 'from the time'),
];

// The rows below keep their field unset when the keyword is absent (`keptUnset`): the model
// holds what the file said and the subsystem acting on a field applies keepalived's default.
const unset = (note: string, o: RowOpts): RowOpts => ({ default: keptUnset(note), runtime: 'not-yet', ...o });
const flag = (name: string, key: FieldOf<G, boolean>, o: RowOpts = {}): KeywordDef<G> => flagKw<G>(name, (g) => setField(g, key, true), { field: key, ...unset('off', o) });
const bool = (name: string, key: FieldOf<G, boolean>, dflt = 'false', o: RowOpts = {}): KeywordDef<G> => boolKw<G>(name, key, unset(dflt, o));
const str = (name: string, key: FieldOf<G, string>, dflt: string, o: RowOpts = {}): KeywordDef<G> => stringKw<G>(name, key, unset(dflt, o));
const int = (name: string, key: FieldOf<G, number>, min: number, max: number, dflt: string, o: RowOpts = {}): KeywordDef<G> => intKw<G>(name, min, max, key, unset(dflt, o));
const secs = (name: string, key: FieldOf<G, number>, min: number, max: number, dflt: string, o: RowOpts = {}): KeywordDef<G> => timerKw<G>(name, min, max, 6, key, unset(dflt, o));
const script = (name: string, key: FieldOf<G, ScriptSpec>, o: RowOpts = {}): KeywordDef<G> => scriptKw<G>(name, key, { runtime: 'not-yet', ...o });
/** `[WORD…]`: optional words kept as a list. */
const words = (name: string, key: FieldOf<G, readonly string[]>, syntax: string, max: number, o: RowOpts = {}): KeywordDef<G> =>
  wordsKw<G>(name, syntax, (g, node, ctx) => {
    noExtraArgs(node, ctx, max);
    setField(g, key, node.args.slice(0, max).map((t) => t.text));
  }, { field: key, runtime: 'not-yet', ...o });

/** An optional word; absent ⇒ `dflt`. */
const optWord = (name: string, key: FieldOf<G, string>, dflt: string, o: RowOpts = {}): KeywordDef<G> =>
  wordsKw<G>(name, `[${name.toUpperCase()}]`, (g, node, ctx) => {
    noExtraArgs(node, ctx, 1);
    setField(g, key, argText(node, 0) ?? dflt);
  }, { field: key, ...unset(dflt, o) });

// ---- per-process settings (vrrp_/checker_/bfd_) ----------------------------------------

type Proc = 'vrrp' | 'checker' | 'bfd';
const procKey = { vrrp: 'vrrpProcess', checker: 'checkerProcess', bfd: 'bfdProcess' } as const;

function proc(g: G, p: Proc): { -readonly [K in keyof ProcessSettings]?: ProcessSettings[K] } {
  const k = procKey[p];
  const cur = (g[k] ?? {}) as { -readonly [K in keyof ProcessSettings]?: ProcessSettings[K] };
  g[k] = cur;
  return cur;
}

function processRows(p: Proc): KeywordDef<G>[] {
  const rlimit = intKw<G>(`${p}_rlimit_rttime`, 1, 4294967295, (g, v) => (proc(g, p).rlimitRttime = v), { field: `${procKey[p]}.rlimitRttime`, ...unset('10000', {}) });
  const titles: RowOpts = p === 'bfd' ? {} : { runtime: 'acts' };
  const name = stringKw<G>(`${p}_process_name`, (g, v) => (proc(g, p).processName = v), { field: `${procKey[p]}.processName`, ...unset(`keepalived_${p === 'checker' ? 'ipvs' : p}`, titles) });
  return [
    wordsKw<G>(`${p}_priority`, 'N (-20..19)', (g, node, ctx) => {
      const t = requireArg(node, ctx, 'a number');
      noExtraArgs(node, ctx, 1);
      const n = t === undefined ? null : parseIntStrict(t);
      if (n === null || n < -20 || n > 19) ctx.diags.error('KA_CFG_OUT_OF_RANGE', `Invalid ${p} process priority specified`, argLoc(node, 0), { hint: `number '${t ?? ''}' outside range [-20, 19]` });
      else proc(g, p).priority = n;
    }, { field: `${procKey[p]}.priority`, ...unset('0', {}) }),
    flagKw<G>(`${p}_no_swap`, (g) => (proc(g, p).noSwap = true), { field: `${procKey[p]}.noSwap`, ...unset('off', {}) }),
    wordsKw<G>(`${p}_rt_priority`, 'N (1..99)', (g, node, ctx) => {
      const t = requireArg(node, ctx, 'a number');
      noExtraArgs(node, ctx, 1);
      if (t === undefined) return;
      const n = readIntText(t, argLoc(node, 0), node.keyword, ctx, 1, 2147483647);
      if (n === undefined) return;
      if (n > 99) ctx.diags.warn('KA_CFG_OUT_OF_RANGE', `${p} process real-time priority ${n} greater than maximum 99 - setting to maximum`, argLoc(node, 0));
      proc(g, p).rtPriority = Math.min(n, 99);
    }, { field: `${procKey[p]}.rtPriority`, ...unset('off', {}) }),
    wordsKw<G>(`${p}_cpu_affinity`, 'CPU…', (g, node, ctx) => {
      const cpus: number[] = [];
      node.args.forEach((a, i) => {
        const n = readIntText(a.text, argLoc(node, i), node.keyword, ctx, 0, 4095);
        if (n !== undefined) cpus.push(n);
      });
      proc(g, p).cpuAffinity = cpus;
    }, { field: `${procKey[p]}.cpuAffinity`, ...unset('all', {}) }),
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
  g.lvsSyncDaemon = s as LvsSyncDaemonSpec;
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
  g.lvsTimeouts = out;
}

const rxPolicy = wordsKw<G>('vrrp_rx_bufs_policy', 'MTU|ADVERT|NUMBER', (g, node, ctx) => {
  const t = requireArg(node, ctx, 'MTU, ADVERT or a size');
  noExtraArgs(node, ctx, 1);
  if (t === undefined) return;
  const n = parseIntStrict(t);
  if (t === 'MTU' || t === 'ADVERT') g.vrrpRxBufsPolicy = t;
  else if (n !== null && n > 0) g.vrrpRxBufsPolicy = n;
  else ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid vrrp_rx_bufs_policy ${t}`, argLoc(node, 0), { hint: 'MTU|ADVERT|NUMBER' });
}, { field: 'vrrpRxBufsPolicy', ...unset('system', {}) });

function rcvBufRows(prefix: string): KeywordDef<G>[] {
  const name = `${prefix}_rcv_bufs`;
  return [
    intKw<G>(name, 0, 4294967295, (g, v) => (g.rcvBufs = { ...g.rcvBufs, [name]: v }), { field: 'rcvBufs', ...unset('system', {}) }),
    boolKw<G>(`${name}_force`, (g, v) => (g.rcvBufsForce = { ...g.rcvBufsForce, [name]: v }), { field: 'rcvBufsForce', ...unset('false', {}) }),
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
  else g.vrrpGarpExtraIf = { all, intervalS: n };
}, { field: 'vrrpGarpExtraIf', ...unset('off', {}) });

const flushOnStop = wordsKw<G>('lvs_flush_on_stop', '[VS]', (g, node, ctx) => {
  const t = argText(node, 0);
  noExtraArgs(node, ctx, 1);
  if (t === undefined) g.lvsFlushOnStop = 'all';
  else if (t === 'VS') g.lvsFlushOnStop = 'vs';
  else ctx.diags.error('KA_CFG_INVALID_VALUE', `Unknown lvs_flush_on_stop type ${t}`, argLoc(node, 0), { hint: "'VS' or nothing" });
}, { field: 'lvsFlushOnStop', ...unset('off', { runtime: 'acts' }) });

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
  else g.umask = mask;
}, { field: 'umask', ...unset('0177', { runtime: 'partly', runtimeNote: 'applied to the notify FIFOs the daemon creates' }) });

const maxAutoPriority = wordsKw<G>('max_auto_priority', '[-1..99]', (g, node, ctx) => {
  const t = argText(node, 0);
  noExtraArgs(node, ctx, 1);
  const n = t === undefined ? 99 : parseIntStrict(t);
  if (n === null || n < -1 || n > 99) ctx.diags.error('KA_CFG_OUT_OF_RANGE', `max_auto_priority '${t ?? ''}' must be in [0, 99] (or -1 to disable) - ignoring`, argLoc(node, 0));
  else g.maxAutoPriority = n;
}, { field: 'maxAutoPriority', ...unset('0 (off)', {}) });

const scriptTimeout = (name: string, key: 'startupScriptTimeoutS' | 'shutdownScriptTimeoutS'): KeywordDef<G> =>
  wordsKw<G>(name, 'SECS (1..1000)', (g, node, ctx) => {
    const t = requireArg(node, ctx, 'a number');
    noExtraArgs(node, ctx, 1);
    const n = t === undefined ? null : parseIntStrict(t);
    if (n === null || n < 1 || n > 1000) ctx.diags.error('KA_CFG_OUT_OF_RANGE', `${name} '${t ?? ''}' must be in [1, 1000] - ignoring`, argLoc(node, 0));
    else g[key] = n;
  }, { field: key, ...unset('10', {}) });

const reloadCheck = wordsKw<G>('reload_check_config', '[LOGFILE]', (g, node, ctx) => {
  noExtraArgs(node, ctx, 1);
  const f = argText(node, 0);
  g.reloadCheckConfig = f === undefined ? {} : { logFile: f };
}, { field: 'reloadCheckConfig', ...unset('off', {}) });

const jsonVersion = wordsKw<G>('json_version', '1|2', (g, node, ctx) => {
  const t = requireArg(node, ctx, '1 or 2');
  noExtraArgs(node, ctx, 1);
  if (t === '1' || t === '2') g.jsonVersion = t === '1' ? 1 : 2;
  else if (t !== undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid json_version ${t} - ignoring`, argLoc(node, 0), { hint: '1 or 2' });
}, { field: 'jsonVersion', ...unset('1', { runtime: 'acts' }) });

const statsInterval = (name: string, key: 'snmpVsStatsUpdateIntervalS' | 'snmpRsStatsUpdateIntervalS', dflt: string): KeywordDef<G> =>
  wordsKw<G>(name, 'SECS', (g, node, ctx) => {
    const t = requireArg(node, ctx, 'a number');
    noExtraArgs(node, ctx, 1);
    const n = t === undefined ? undefined : readDecimalText(t, argLoc(node, 0), name, ctx, 0, 4294.967295, 6);
    if (n !== undefined) g[key] = n;
  }, { field: key, ...unset(dflt, {}) });

const FIFO_SCRIPT: RowOpts = { runtime: 'partly', runtimeNote: 'the script runs as the daemon user: its USER/GROUP are not applied yet' };

const DAEMON_ROWS: readonly KeywordDef<G>[] = [
  str('smtp_helo_name', 'smtpHeloName', 'local host name', { runtime: 'acts' }),
  bool('smtp_alert_vrrp', 'smtpAlertVrrp', 'smtp_alert'),
  bool('smtp_alert_checker', 'smtpAlertChecker', 'smtp_alert', { runtime: 'acts' }),
  flag('no_email_faults', 'noEmailFaults', { runtime: 'acts' }),
  bool('checker_log_all_failures', 'checkerLogAllFailures'),
  flag('no_checker_emails', 'noCheckerEmails', { runtime: 'acts' }),
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
    g.dynamicInterfaces = { allowIfChanges: t === 'allow_if_changes' };
  }, { field: 'dynamicInterfaces', ...unset('off', {}) }),
  secs('vrrp_delay_after_boot', 'vrrpDelayAfterBootS', 0, 4294.967295, '0'),
  flag('log_unknown_vrids', 'logUnknownVrids'),
  str('vmac_prefix', 'vmacPrefix', 'vrrp'),
  str('vmac_addr_prefix', 'vmacAddrPrefix', 'vrrp'),
  rxPolicy,
  int('vrrp_rx_bufs_multiplier', 'vrrpRxBufsMultiplier', 1, 4294967295, '3'),
  ...['vrrp_netlink_cmd', 'vrrp_netlink_monitor', 'lvs_netlink_cmd', 'lvs_netlink_monitor', 'process_monitor'].flatMap(rcvBufRows),
  wordsKw<G>('lvs_sync_daemon', 'IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group ADDR]', lvsSyncDaemon, { field: 'lvsSyncDaemon', runtime: 'partly', runtimeNote: 'without VI the checker child runs the sync daemons; with VI (started by a VRRP instance) not yet' }),
  wordsKw<G>('lvs_timeouts', '[tcp S] [tcpfin S] [udp S]', lvsTimeouts, { field: 'lvsTimeouts' }),
  flag('lvs_flush', 'lvsFlush', { runtime: 'acts' }),
  flushOnStop,
  deprecatedKw('lvs_flush_onstop', flushOnStop),
  flag('set_supplementary_groups', 'setSupplementaryGroups'),
  bool('use_symlink_paths', 'useSymlinkPaths'),
  script('startup_script', 'startupScript'),
  scriptTimeout('startup_script_timeout', 'startupScriptTimeoutS'),
  script('shutdown_script', 'shutdownScript'),
  scriptTimeout('shutdown_script_timeout', 'shutdownScriptTimeoutS'),
  script('notify_fifo_script', 'notifyFifoScript', FIFO_SCRIPT),
  script('vrrp_notify_fifo_script', 'vrrpNotifyFifoScript', FIFO_SCRIPT),
  fifoKw('lvs_notify_fifo', 'lvsNotifyFifo'),
  script('lvs_notify_fifo_script', 'lvsNotifyFifoScript', FIFO_SCRIPT),
  flag('fifo_write_vrrp_states_on_reload', 'fifoWriteVrrpStatesOnReload'),
  maxAutoPriority,
  int('min_auto_priority_delay', 'minAutoPriorityDelayUs', 1, 4294967295, '1000000'),
  ...processRows('vrrp'),
  ...CHECKER_ROWS,
  ...processRows('bfd'),
  flag('process_names', 'processNames', { runtime: 'acts' }),
  str('process_name', 'processName', 'keepalived', { runtime: 'acts' }),
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
  str('state_dump_file', 'stateDumpFile', 'tmp dir', { runtime: 'acts' }),
  str('stats_dump_file', 'statsDumpFile', 'tmp dir', { runtime: 'acts' }),
  str('json_dump_file', 'jsonDumpFile', 'tmp dir', { runtime: 'acts' }),
  jsonVersion,
  str('iproute_usr_dir', 'iprouteUsrDir', 'auto'),
  str('iproute_etc_dir', 'iprouteEtcDir', 'auto'),
];

export const GLOBAL_DEFS_TABLE = defineTable<G>('global_defs', [...VRRP_AND_NOTIFY_ROWS, ...SOURCE_STAGE_ROWS, ...DAEMON_ROWS]);
