/**
 * LVS model compiler: virtual_server_group / virtual_server / real_server drafts → the
 * read-only model with keepalived's defaults and validation (keepalived.conf(5);
 * keepalived's validate_check_config): protocol UDP / scheduler wlc /
 * method NAT defaults with warnings, zero port ⇒ persistence 360, port rules per
 * forwarding method, quorum/hysteresis clamping, family checks, duplicate RSs removed,
 * VSs without RSs dropped, and the checker-script security check. Pure.
 */
import type { DiagSink } from '../diagnostics.js';
import type { LvsDraft, RealServerDraft, VirtualServerDraft, VsgDraft } from './draft.js';
import { compileChecker } from './compile-checkers.js';
import type { Family } from '../../core/ip.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PERSISTENCE_TIMEOUT_S,
  DEFAULT_VS_DELAY_LOOP_MS,
  type ForwardingMethod,
  type LvsEndpoint,
  type LvsScheduler,
  type RealServerConfig,
  type SchedulerFlags,
  type SorryServerConfig,
  type SslConfig,
  type VirtualServerAddress,
  type VirtualServerConfig,
  type VirtualServerGroupConfig,
} from './model.js';
import type { GlobalDefs } from '../global-defs/model.js';
import type { ScriptSpec, SourceLoc } from '../common.js';

export interface LvsModel {
  readonly virtualServers: readonly VirtualServerConfig[];
  readonly virtualServerGroups: readonly VirtualServerGroupConfig[];
  readonly ssl?: SslConfig;
}

const bracket = (e: { family: Family; address: string }): string => `[${e.address}]`;

function compileGroups(groups: readonly VsgDraft[], diags: DiagSink): VirtualServerGroupConfig[] {
  const out: VirtualServerGroupConfig[] = [];
  for (const g of groups) {
    const has4 = g.entries.some((e) => e.type === 'range' && e.family === 4);
    const has6 = g.entries.some((e) => e.type === 'range' && e.family === 6);
    const bareMark = g.entries.some((e) => e.type === 'fwmark' && e.family === undefined);
    if (has4 && has6 && bareMark) {
      diags.error('KA_CFG_VSG_FAMILY', `virtual server group ${g.name} cannot have IPv4, IPv6 and fwmark without family - removing`, g.loc, {
        hint: "give the fwmark entries a family: 'fwmark N inet' or 'fwmark N inet6'",
      });
      continue;
    }
    out.push({ name: g.name, loc: g.loc, entries: g.entries });
  }
  return out;
}

interface VsShape {
  readonly hasAddresses: boolean;
  readonly hasFwmarks: boolean;
  readonly family?: Family;
}

function shapeOf(v: VirtualServerDraft, group: VirtualServerGroupConfig | undefined): VsShape {
  const a = v.address;
  if (a.type === 'ip') return { hasAddresses: true, hasFwmarks: false, family: a.endpoint.family };
  if (a.type === 'fwmark') return { hasAddresses: false, hasFwmarks: true };
  const entries = group?.entries ?? [];
  const first = entries.find((e) => e.type === 'range') ?? entries.find((e) => e.family !== undefined);
  return { hasAddresses: entries.some((e) => e.type === 'range'), hasFwmarks: entries.some((e) => e.type === 'fwmark'), ...(first?.family !== undefined ? { family: first.family } : {}) };
}

/** keepalived's FMT_VS: `[IP]:proto:port`, `FWM N`, `[GROUP]:0`. */
function vsName(v: VirtualServerDraft, proto: string): string {
  const a = v.address;
  if (a.type === 'ip') return `${bracket(a.endpoint)}:${proto}:${a.endpoint.port ?? 0}`;
  if (a.type === 'fwmark') return `FWM ${a.fwmark}`;
  return `[${a.group}]:0`;
}

function flagsOf(v: VirtualServerDraft, scheduler: LvsScheduler, diags: DiagSink): { flags: SchedulerFlags; onePacket: boolean } {
  let sched1 = false;
  let sched2 = false;
  let sched3 = false;
  let onePacket = false;
  for (const f of v.flags) {
    const fam = f.name.slice(0, 2);
    if ((fam === 'sh' || fam === 'mh') && f.name.includes('-') && scheduler !== fam) {
      diags.warn('KA_CFG_VS_SCHED_FLAG', `${f.name} only applies to ${fam} scheduler - ignoring`, f.loc, { hint: `lb_algo ${fam}` });
      continue;
    }
    if (f.name === 'ops') onePacket = true;
    else if (f.name === 'flag-1' || f.name.endsWith('-fallback')) sched1 = true;
    else if (f.name === 'flag-2' || f.name.endsWith('-port')) sched2 = true;
    else if (f.name === 'flag-3') sched3 = true;
    // `hashed` is a legacy no-op.
  }
  return { flags: { sched1, sched2, sched3 }, onePacket };
}

export interface LvsCompileContext {
  readonly globals: GlobalDefs;
  /**
   * Whether a script's program exists (keepalived only raises the security violation for
   * scripts it found). Undefined = assume every script exists (pure callers, tests).
   */
  readonly scriptExists?: (path: string) => boolean;
}

export function compileLvs(d: LvsDraft, lc: LvsCompileContext, diags: DiagSink): LvsModel {
  const groups = compileGroups(d.groups, diags);
  const virtualServers: VirtualServerConfig[] = [];
  const scripts: { s: ScriptSpec; loc: SourceLoc }[] = [];
  for (const v of d.virtualServers) {
    const c = compileVirtualServer(v, groups, lc, diags);
    if (!c) continue;
    virtualServers.push(c);
    for (const s of [c.quorumUp, c.quorumDown]) if (s) scripts.push({ s, loc: c.loc });
    for (const r of c.realServers) {
      for (const s of [r.notifyUp, r.notifyDown]) if (s) scripts.push({ s, loc: r.loc });
      for (const k of r.checkers) if (k.type === 'MISC_CHECK') scripts.push({ s: k.script, loc: k.loc });
    }
  }
  const found = scripts.filter((x) => lc.scriptExists?.(x.s.argv[0] ?? '') ?? true);
  if (found.length > 0 && !lc.globals.enableScriptSecurity) {
    diags.error('KA_CFG_SCRIPT_SECURITY', 'SECURITY VIOLATION - check scripts are being executed but script_security not enabled.', found[0]!.loc, {
      class: 'security',
      hint: "add 'enable_script_security' to global_defs (and a script_user)",
    });
  }
  return { virtualServers, virtualServerGroups: groups, ...(d.ssl ? { ssl: d.ssl } : {}) };
}

function compileVirtualServer(v: VirtualServerDraft, groups: readonly VirtualServerGroupConfig[], lc: LvsCompileContext, diags: DiagSink): VirtualServerConfig | null {
  const at = (kw: string): SourceLoc => v.locs[kw] ?? v.loc;
  const a = v.address;
  const group = a.type === 'group' ? groups.find((g) => g.name === a.group) : undefined;
  if (a.type === 'group' && !group) {
    diags.error('KA_CFG_VSG_UNKNOWN', `virtual server group ${a.group} does not exist - ignoring virtual server`, v.loc, { hint: 'define it with virtual_server_group NAME { … } (an empty group is removed)' });
    return null;
  }
  const shape = shapeOf(v, group);

  // Address family: the VS address, else ip_family, else the non-tunnelled servers.
  let family: Family | undefined = shape.family;
  if (v.ipFamily !== undefined) {
    if (family !== undefined && family !== v.ipFamily) diags.error('KA_CFG_VS_FAMILY', `Virtual server specified family ${v.ipFamily === 4 ? 'inet' : 'inet6'} conflicts with server family`, at('ip_family'));
    else family = v.ipFamily;
  }
  const draftRs: RealServerDraft[] = [];
  for (const r of v.realServers) {
    if (r.forwarding?.type === 'TUN' || (r.forwarding === undefined && v.forwarding?.type === 'TUN')) {
      draftRs.push(r);
      continue;
    }
    if (family === undefined) family = r.endpoint.family;
    if (family !== r.endpoint.family) {
      diags.error('KA_CFG_VS_FAMILY', `Address family of virtual server and real server ${bracket(r.endpoint)}:${r.endpoint.port ?? 0} don't match - skipping real server.`, r.loc);
      continue;
    }
    draftRs.push(r);
  }
  let sorryDraft = v.sorryServer;
  if (sorryDraft && sorryDraft.forwarding?.type !== 'TUN') {
    if (family === undefined) family = sorryDraft.endpoint.family;
    else if (family !== sorryDraft.endpoint.family) {
      diags.error('KA_CFG_VS_FAMILY', `Address family of virtual server and sorry server ${sorryDraft.endpoint.address} don't match - skipping sorry server.`, sorryDraft.loc);
      sorryDraft = undefined;
    }
  }
  family ??= draftRs[0]?.endpoint.family ?? sorryDraft?.endpoint.family ?? 4;

  let protocol = shape.hasAddresses ? v.protocol : undefined;
  const protoText = (): string => (shape.hasAddresses ? (protocol ?? 'none').toLowerCase() : 'none');
  const name0 = vsName(v, protoText());
  if (draftRs.length === 0) {
    diags.warn('KA_CFG_VS_NO_RS', `Virtual server ${name0} has no real servers - ignoring`, v.loc, { hint: 'add a real_server block' });
    return null;
  }
  let haSuspend = v.haSuspend ?? false;
  if (haSuspend && shape.hasFwmarks) {
    diags.warn('KA_CFG_VS_HA_SUSPEND', `Virtual server ${name0}: cannot use ha_suspend with fwmarks - clearing ha_suspend`, at('ha_suspend'));
    haSuspend = false;
  }
  let persistenceTimeoutS = v.persistenceTimeoutS ?? (v.persistenceGranularity ? DEFAULT_PERSISTENCE_TIMEOUT_S : 0);
  const scheduler = (v.scheduler ?? 'wlc') as LvsScheduler;
  const sf = flagsOf(v, scheduler, diags);
  const flags = sf.flags;
  let onePacket = sf.onePacket;
  if (shape.hasAddresses) {
    if (protocol === undefined) {
      diags.warn('KA_CFG_VS_DEFAULT', `Virtual server ${name0}: no protocol set - defaulting to UDP`, v.loc, { hint: "add 'protocol TCP' (keepalived defaults to UDP)" });
      protocol = 'UDP';
    }
    if (onePacket && protocol !== 'UDP') {
      diags.warn('KA_CFG_VS_OPS', `Virtual server ${vsName(v, protoText())}: one packet scheduling requires UDP - resetting`, at('ops'));
      onePacket = false;
    }
    const noPort = a.type === 'ip' ? (a.endpoint.port ?? 0) === 0 : (group?.entries ?? []).some((e) => e.type === 'range' && e.port === 0);
    if (persistenceTimeoutS === 0 && noPort) {
      diags.warn('KA_CFG_VS_ZERO_PORT', `Virtual server ${vsName(v, protoText())}: zero port only valid for persistent services - setting`, v.loc, { hint: `persistence_timeout ${DEFAULT_PERSISTENCE_TIMEOUT_S} is used` });
      persistenceTimeoutS = DEFAULT_PERSISTENCE_TIMEOUT_S;
    }
  }
  const name = vsName(v, protoText());
  if (v.protocol !== undefined && !shape.hasAddresses) {
    diags.warn('KA_CFG_VS_FWMARK_PROTOCOL', `Warning: Virtual server ${name}: protocol specified for fwmark - protocol will be ignored`, at('protocol'), { hint: 'remove protocol: fwmark services match any protocol' });
  }
  if (v.scheduler === undefined) diags.warn('KA_CFG_VS_DEFAULT', `Virtual server ${name}: no scheduler set, setting default 'wlc'`, v.loc, { hint: "add 'lb_algo wlc' (or another scheduler)" });

  let vsForwarding = v.forwarding;
  const vsWeight = v.weight ?? 1;
  // smtp_alert_checker outranks smtp_alert for virtual and real servers (keepalived's check_data.c).
  const smtpAlert = v.smtpAlert ?? lc.globals.smtpAlertChecker ?? lc.globals.smtpAlert ?? false;
  const rsProto = protoText();
  const fwmarkVs = a.type === 'fwmark';
  const vsPort = a.type === 'ip' ? (a.endpoint.port ?? 0) : 0;
  const realServers: RealServerConfig[] = [];
  let weightSum = 0;
  const seen = new Set<string>();
  for (const r of draftRs) {
    if (r.forwarding === undefined && vsForwarding === undefined) {
      diags.warn('KA_CFG_VS_DEFAULT', `Virtual server ${name}: no forwarding method set, setting default NAT`, v.loc, { hint: "add 'lb_kind NAT|DR|TUN'" });
      vsForwarding = { type: 'NAT' };
    }
    // Duplicates are found as written (keepalived: while parsing), before the port rules.
    const written = `${bracket(r.endpoint)}:${rsProto}:${r.endpoint.port ?? 0}`;
    if (seen.has(written)) {
      diags.warn('KA_CFG_RS_DUPLICATE', `VS ${name}: real server ${written} is duplicated - removing second rs`, r.loc);
      continue;
    }
    seen.add(written);
    const forwarding: ForwardingMethod = r.forwarding ?? vsForwarding ?? { type: 'NAT' };
    const port = rsPort(r.endpoint.port ?? 0, forwarding, a.type, fwmarkVs, vsPort, name, written, r.loc, group, diags);
    const endpoint: LvsEndpoint = { family: r.endpoint.family, address: r.endpoint.address, port };
    const rsName = `${bracket(endpoint)}:${rsProto}:${port}`;
    const weight = r.weight ?? vsWeight;
    weightSum += weight;
    const checkers = r.checkers.flatMap((k) => compileChecker(k, { vs: v, rs: r, rsEndpoint: endpoint, rsName }, diags));
    const vhost = r.virtualhost ?? v.virtualhost;
    realServers.push({
      ...endpoint,
      loc: r.loc,
      ...(r.endpoint.port !== undefined ? { configuredPort: r.endpoint.port } : {}),
      weight,
      forwarding,
      inhibitOnFailure: r.inhibitOnFailure ?? v.inhibitOnFailure ?? false,
      upperThreshold: r.upperThreshold ?? 0,
      lowerThreshold: r.lowerThreshold ?? 0,
      ...(r.notifyUp ? { notifyUp: r.notifyUp } : {}),
      ...(r.notifyDown ? { notifyDown: r.notifyDown } : {}),
      alpha: r.alpha ?? v.alpha ?? false,
      // keepalived keeps RS alerts on by default for backwards compatibility.
      smtpAlert: r.smtpAlert ?? lc.globals.smtpAlertChecker ?? lc.globals.smtpAlert ?? true,
      ...(vhost !== undefined ? { virtualhost: vhost } : {}),
      checkers,
    });
  }

  let quorum = v.quorum ?? 1;
  if (quorum > weightSum) {
    diags.warn('KA_CFG_VS_QUORUM', `Warning - quorum ${quorum} for ${name} exceeds total weight of real servers ${weightSum}, reducing quorum to ${weightSum}`, at('quorum'));
    quorum = weightSum;
  }
  let hysteresis = v.hysteresis ?? 0;
  if (hysteresis >= quorum && hysteresis > 0) {
    const h = Math.max(0, quorum - 1);
    diags.warn('KA_CFG_VS_HYSTERESIS', `Virtual server ${name}: hysteresis ${hysteresis} >= quorum ${quorum}; setting hysteresis to ${h}`, at('hysteresis'));
    hysteresis = h;
  }

  let sorryServer: SorryServerConfig | undefined;
  if (sorryDraft) {
    const forwarding = sorryDraft.forwarding ?? vsForwarding ?? { type: 'NAT' };
    const port = sorryPort(sorryDraft.endpoint.port ?? 0, forwarding, a.type, fwmarkVs, vsPort, name, sorryDraft.loc, diags);
    sorryServer = { family: sorryDraft.endpoint.family, address: sorryDraft.endpoint.address, port, forwarding, inhibit: sorryDraft.inhibit ?? false };
  }

  const address: VirtualServerAddress =
    a.type === 'ip' ? { type: 'ip', family: a.endpoint.family, address: a.endpoint.address, port: vsPort } : a.type === 'fwmark' ? { type: 'fwmark', fwmark: a.fwmark } : { type: 'group', group: a.group };
  return {
    loc: v.loc,
    name,
    identity: a.type === 'ip' ? `ip|${name}` : a.type === 'fwmark' ? `fwmark|${a.fwmark}|${family}` : `group|${a.group}|${protocol ?? ''}|${family}`,
    address,
    family,
    ...(protocol !== undefined ? { protocol } : {}),
    scheduler,
    schedulerFlags: flags,
    onePacket,
    forwarding: vsForwarding ?? { type: 'NAT' },
    persistenceTimeoutS,
    ...(v.persistenceGranularity ? { persistenceGranularity: v.persistenceGranularity } : {}),
    ...(v.persistenceEngine !== undefined ? { persistenceEngine: v.persistenceEngine } : {}),
    delayLoopMs: v.delayLoopMs ?? DEFAULT_VS_DELAY_LOOP_MS,
    connectTimeoutMs: v.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    alpha: v.alpha ?? false,
    omega: v.omega ?? false,
    inhibitOnFailure: v.inhibitOnFailure ?? false,
    quorum,
    hysteresis,
    ...(v.quorumUp ? { quorumUp: v.quorumUp } : {}),
    ...(v.quorumDown ? { quorumDown: v.quorumDown } : {}),
    ...(sorryServer ? { sorryServer } : {}),
    haSuspend,
    ...(v.virtualhost !== undefined ? { virtualhost: v.virtualhost } : {}),
    smtpAlert,
    weight: vsWeight,
    ...(v.snmpName !== undefined ? { snmpName: v.snmpName } : {}),
    realServers,
  };
}

/**
 * The port rules for a real server (keepalived's validate_check_config): a NAT RS keeps its
 * own port (default the VS port), DR/TUN use the VS port, fwmark services port 0 for non-NAT
 * RSs; each correction is warned as 2.2.7 does.
 */
function rsPort(
  port: number,
  fwd: ForwardingMethod,
  kind: VirtualServerAddress['type'],
  fwmarkVs: boolean,
  vsPort: number,
  vs: string,
  rs: string,
  loc: SourceLoc,
  group: VirtualServerGroupConfig | undefined,
  diags: DiagSink,
): number {
  if (kind === 'group') {
    if (fwd.type === 'NAT' || port === 0) return port;
    for (const e of group?.entries ?? []) {
      if (e.type === 'fwmark') {
        diags.warn('KA_CFG_RS_PORT', `WARNING - fwmark virtual server ${vs}, real server ${rs} has port specified - port will be ignored`, loc);
        break;
      }
    }
    for (const e of group?.entries ?? []) {
      if (e.type === 'range' && e.port !== port) diags.warn('KA_CFG_RS_PORT', `virtual server ${vs}:[${e.text}] and real server ${rs} ports don't match`, loc, { hint: 'DR/TUN real servers use the service port' });
    }
    return port;
  }
  if (fwd.type === 'NAT') return !fwmarkVs && port === 0 ? vsPort : port;
  if (fwmarkVs) {
    if (port !== 0) diags.warn('KA_CFG_RS_PORT', `WARNING - fwmark virtual server ${vs}, real server ${rs} has port specified - clearing`, loc, { hint: 'DR/TUN real servers of a fwmark service take no port' });
    return 0;
  }
  if (port !== 0 && port !== vsPort) diags.warn('KA_CFG_RS_PORT', `WARNING - virtual server ${vs} and real server ${rs} ports don't match - resetting`, loc, { hint: 'only NAT can change the port' });
  return vsPort;
}

function sorryPort(port: number, fwd: ForwardingMethod, kind: VirtualServerAddress['type'], fwmarkVs: boolean, vsPort: number, vs: string, loc: SourceLoc, diags: DiagSink): number {
  if (kind === 'group') return port;
  if (fwd.type === 'NAT') return !fwmarkVs && port === 0 ? vsPort : port;
  if (fwmarkVs) {
    if (port !== 0) diags.warn('KA_CFG_RS_PORT', `WARNING - virtual server ${vs}, sorry server has port specified - clearing`, loc);
    return 0;
  }
  if (port !== 0 && port !== vsPort) diags.warn('KA_CFG_RS_PORT', `WARNING - virtual server ${vs} and sorry server ports don't match - resetting`, loc);
  return vsPort;
}
