/**
 * Prints the LVS half of a compiled KeepalivedConfig (SSL, virtual_server_group,
 * virtual_server, real_server, every checker) in keepalived syntax for `-d/--dump-conf`.
 * The model stores resolved values (checker timing inherited from real_server /
 * virtual_server, per-checker defaults, port rules of lvs/compile.ts rsPort), so each checker's timing is
 * written explicitly and inherited flags only where they differ from the parent: the
 * output re-parses to the identical model.
 */
import type {
  CheckerConfig,
  CheckerConnection,
  CheckerTiming,
  ForwardingMethod,
  HttpCheckConfig,
  HttpUrlConfig,
  RealServerConfig,
  SslConfig,
  VirtualServerConfig,
  VirtualServerGroupConfig,
  VsgEntry,
} from './model.js';
import type { GlobalDefs } from '../global-defs/model.js';
import { assertNever } from '../../core/result.js';
import { block, quote, scriptLine, secsExact } from '../print-format.js';

export interface LvsPrintOptions {
  /** Print the SSL password in clear (default: masked as `********`). */
  readonly showSecrets?: boolean;
}

const MASK = '********';

/** `KW` / `KW off` only when the value differs from what the parser would inherit. */
function flagVs(kw: string, value: boolean, inherited: boolean): string[] {
  if (value === inherited) return [];
  return [value ? kw : `${kw} off`];
}

function forwarding(f: ForwardingMethod): string {
  switch (f.type) {
    case 'NAT':
    case 'DR':
      return f.type;
    case 'TUN':
      return ['TUN', 'type', f.tunnelType, ...(f.tunnelPort !== undefined ? ['port', String(f.tunnelPort)] : []), ...(f.checksum !== undefined ? [f.checksum] : [])].join(' ');
    default:
      return assertNever(f);
  }
}

function sslBlock(s: SslConfig, o: LvsPrintOptions): string[] {
  const b: string[] = [];
  if (s.password !== undefined) b.push(`password ${o.showSecrets === true ? quote(s.password) : MASK}`);
  if (s.caFile !== undefined) b.push(`ca ${quote(s.caFile)}`);
  if (s.certFile !== undefined) b.push(`certificate ${quote(s.certFile)}`);
  if (s.keyFile !== undefined) b.push(`key ${quote(s.keyFile)}`);
  return block('SSL', b);
}

function vsgEntry(e: VsgEntry): string {
  // Ranges keep the text as written (the model keeps it too, for messages).
  if (e.type === 'range') return e.text;
  return ['fwmark', String(e.fwmark), ...(e.family !== undefined ? [e.family === 4 ? 'inet' : 'inet6'] : [])].join(' ');
}

const vsgBlock = (g: VirtualServerGroupConfig): string[] => block(`virtual_server_group ${quote(g.name)}`, g.entries.map(vsgEntry));

function timing(t: CheckerTiming, rs: RealServerConfig): string[] {
  return [
    `retry ${t.retry}`,
    `delay_before_retry ${secsExact(t.delayBeforeRetryMs)}`,
    `delay_loop ${secsExact(t.delayLoopMs)}`,
    `warmup ${secsExact(t.warmupMs)}`,
    ...flagVs('alpha', t.alpha, rs.alpha),
    ...(t.logAllFailures ? ['log_all_failures'] : []),
  ];
}

/** Connection lines; connect_ip/connect_port only where they differ from the real server. */
function connection(c: CheckerConnection, rs: RealServerConfig): string[] {
  const b: string[] = [];
  if (c.connectIp !== rs.address || c.family !== rs.family) b.push(`connect_ip ${c.connectIp}`);
  // The default connect port is the port written on the real_server line (compile-lvs-checkers.ts).
  if (c.connectPort !== (rs.configuredPort ?? 0)) b.push(`connect_port ${c.connectPort}`);
  if (c.bindTo !== undefined) b.push(`bindto ${c.bindTo}`);
  if (c.bindIf !== undefined) b.push(`bind_if ${quote(c.bindIf)}`);
  if (c.bindPort !== undefined) b.push(`bind_port ${c.bindPort}`);
  if (c.fwmark !== undefined) b.push(`fwmark ${c.fwmark}`);
  b.push(`connect_timeout ${secsExact(c.connectTimeoutMs)}`);
  return b;
}

function url(u: HttpUrlConfig, checkerTls: boolean): string[] {
  const b = [`path ${quote(u.path)}`];
  if (u.digest !== undefined) b.push(`digest ${u.digest}`);
  b.push(`status_code ${u.statusCodes.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(' ')}`);
  if (u.virtualhost !== undefined) b.push(`virtualhost ${quote(u.virtualhost)}`);
  if (u.regex !== undefined) b.push(`regex ${quote(u.regex)}`);
  if (u.regexNoMatch) b.push('regex_no_match');
  if (u.regexOptions !== undefined) b.push(`regex_options ${u.regexOptions}`);
  if (u.regexMinOffset !== undefined) b.push(`regex_min_offset ${u.regexMinOffset}`);
  if (u.regexMaxOffset !== undefined) b.push(`regex_max_offset ${u.regexMaxOffset}`);
  if (u.regexStack !== undefined) b.push(`regex_stack ${u.regexStack.start} ${u.regexStack.max}`);
  b.push(...flagVs('tls_compliant', u.tlsCompliant, checkerTls));
  return block('url', b);
}

function httpBody(k: HttpCheckConfig): string[] {
  const b: string[] = [`http_protocol ${k.httpProtocol}`];
  if (k.virtualhost !== undefined) b.push(`virtualhost ${quote(k.virtualhost)}`);
  if (k.fastRecovery) b.push('fast_recovery');
  if (k.type === 'SSL_GET') {
    if (k.enableSni) b.push('enable_sni');
    if (k.sniName !== undefined) b.push(`sni_name ${quote(k.sniName)}`);
    if (k.tlsCompliant) b.push('tls_compliant');
  }
  for (const u of k.urls) b.push(...url(u, k.tlsCompliant));
  return b;
}

function checker(k: CheckerConfig, rs: RealServerConfig): string[] {
  switch (k.type) {
    case 'TCP_CHECK':
    case 'PING_CHECK':
      return block(k.type, [...connection(k.connection, rs), ...timing(k, rs)]);
    case 'HTTP_GET':
    case 'SSL_GET':
      return block(k.type, [...connection(k.connection, rs), ...timing(k, rs), ...httpBody(k)]);
    case 'SMTP_CHECK': {
      const conn = connection(k.connection, rs);
      // A checker from a deprecated host { } block goes back into one (one checker per host).
      const body = [`helo_name ${quote(k.heloName)}`, ...timing(k, rs), ...(k.fromHostBlock ? block('host', conn) : conn)];
      return block('SMTP_CHECK', body);
    }
    case 'DNS_CHECK':
      return block('DNS_CHECK', [...connection(k.connection, rs), ...timing(k, rs), `type ${k.queryType}`, `name ${quote(k.name)}`]);
    case 'UDP_CHECK': {
      const b = [...connection(k.connection, rs), ...timing(k, rs)];
      if (k.payload !== undefined) b.push(`payload ${k.payload}`);
      if (k.requireReply) b.push(k.replyPattern !== undefined ? `require_reply ${k.replyPattern}` : 'require_reply');
      b.push(`min_reply_length ${k.minReplyLength}`, `max_reply_length ${k.maxReplyLength}`);
      return block('UDP_CHECK', b);
    }
    case 'MISC_CHECK': {
      const { user, group, ...script } = k.script;
      const b = [...timing(k, rs), ...scriptLine('misc_path', script, true), `misc_timeout ${secsExact(k.timeoutMs)}`];
      if (user !== undefined) b.push(['user', user, ...(group !== undefined ? [group] : [])].join(' '));
      if (k.dynamic) b.push('misc_dynamic');
      return block('MISC_CHECK', b);
    }
    case 'FILE_CHECK':
      return block('FILE_CHECK', [`track_file ${quote(k.trackFile)}`, ...(k.weight !== undefined ? [`weight ${k.weight}${k.reverse ? ' reverse' : ''}`] : []), ...(k.dynamic ? ['dynamic'] : [])]);
    case 'BFD_CHECK':
      return block('BFD_CHECK', [`name ${quote(k.name)}`, ...flagVs('alpha', k.alpha, rs.alpha)]);
    default:
      return assertNever(k);
  }
}

function realServer(r: RealServerConfig, v: VirtualServerConfig, g: GlobalDefs): string[] {
  // The port as written: the port rules (rsPort) give the same effective port again.
  const b: string[] = [`weight ${r.weight}`, `lvs_method ${forwarding(r.forwarding)}`];
  b.push(...flagVs('inhibit_on_failure', r.inhibitOnFailure, v.inhibitOnFailure), ...flagVs('alpha', r.alpha, v.alpha));
  if (r.upperThreshold > 0) b.push(`uthreshold ${r.upperThreshold}`);
  if (r.lowerThreshold > 0) b.push(`lthreshold ${r.lowerThreshold}`);
  b.push(...scriptLine('notify_up', r.notifyUp), ...scriptLine('notify_down', r.notifyDown));
  if (r.smtpAlert !== (g.smtpAlert ?? true)) b.push(`smtp_alert ${r.smtpAlert}`);
  if (r.virtualhost !== undefined && r.virtualhost !== v.virtualhost) b.push(`virtualhost ${quote(r.virtualhost)}`);
  for (const k of r.checkers) b.push(...checker(k, r));
  return block(`real_server ${r.address}${r.configuredPort !== undefined ? ` ${r.configuredPort}` : ''}`, b);
}

function vsHead(v: VirtualServerConfig): string {
  const a = v.address;
  switch (a.type) {
    case 'ip':
      return `virtual_server ${a.address} ${a.port}`;
    case 'fwmark':
      return `virtual_server fwmark ${a.fwmark}`;
    case 'group':
      return `virtual_server group ${quote(a.group)}`;
    default:
      return assertNever(a);
  }
}

function virtualServer(v: VirtualServerConfig, g: GlobalDefs): string[] {
  const b: string[] = [`ip_family ${v.family === 4 ? 'inet' : 'inet6'}`];
  if (v.protocol !== undefined) b.push(`protocol ${v.protocol}`);
  b.push(`lb_algo ${v.scheduler}`);
  for (const [on, kw] of [[v.schedulerFlags.sched1, 'flag-1'], [v.schedulerFlags.sched2, 'flag-2'], [v.schedulerFlags.sched3, 'flag-3'], [v.onePacket, 'ops']] as const) {
    if (on) b.push(kw);
  }
  b.push(`lb_kind ${forwarding(v.forwarding)}`);
  if (v.persistenceTimeoutS > 0) b.push(`persistence_timeout ${v.persistenceTimeoutS}`);
  const pg = v.persistenceGranularity;
  if (pg) b.push(`persistence_granularity ${pg.family === 4 ? pg.netmask : pg.prefixLen}`);
  if (v.persistenceEngine !== undefined) b.push(`persistence_engine ${quote(v.persistenceEngine)}`);
  b.push(`delay_loop ${secsExact(v.delayLoopMs)}`, `connect_timeout ${secsExact(v.connectTimeoutMs)}`, `weight ${v.weight}`);
  for (const [on, kw] of [[v.alpha, 'alpha'], [v.omega, 'omega'], [v.inhibitOnFailure, 'inhibit_on_failure'], [v.haSuspend, 'ha_suspend']] as const) {
    if (on) b.push(kw);
  }
  // 0 only when every real server weighs 0; the parser then clamps the default 1 again.
  if (v.quorum > 0) b.push(`quorum ${v.quorum}`);
  if (v.hysteresis > 0) b.push(`hysteresis ${v.hysteresis}`);
  b.push(...scriptLine('quorum_up', v.quorumUp), ...scriptLine('quorum_down', v.quorumDown));
  const s = v.sorryServer;
  if (s) {
    b.push(`sorry_server ${s.address} ${s.port}`, `sorry_server_lvs_method ${forwarding(s.forwarding)}`);
    if (s.inhibit) b.push('sorry_server_inhibit');
  }
  if (v.virtualhost !== undefined) b.push(`virtualhost ${quote(v.virtualhost)}`);
  if (v.smtpAlert !== (g.smtpAlert ?? false)) b.push(`smtp_alert ${v.smtpAlert}`);
  if (v.snmpName !== undefined) b.push(`snmp_name ${quote(v.snmpName)}`);
  for (const r of v.realServers) b.push(...realServer(r, v, g));
  return block(vsHead(v), b);
}

/** The LVS blocks, one string[] of lines per top-level block, in SSL → groups → servers order. */
export function printLvs(
  c: { readonly globalDefs: GlobalDefs; readonly ssl?: SslConfig; readonly virtualServerGroups: readonly VirtualServerGroupConfig[]; readonly virtualServers: readonly VirtualServerConfig[] },
  o: LvsPrintOptions = {},
): string[][] {
  return [...(c.ssl ? [sslBlock(c.ssl, o)] : []), ...c.virtualServerGroups.map(vsgBlock), ...c.virtualServers.map((v) => virtualServer(v, c.globalDefs))];
}
