/**
 * Model compiler: drafts (what the file said) → the read-only KeepalivedConfig with
 * keepalived's defaults, then the cross-block checks (duplicate VRIDs, sync group
 * membership). Pure; diagnostics go to the sink.
 */
import type { DiagSink } from './diagnostics.js';
import type { ConfigDraft, GlobalDefsDraft, SyncGroupDraft } from './draft.js';
import { compileInstance } from './compile-vrrp.js';
import { compileVrrpExtra } from './compile-vrrp-extra.js';
import { compileLvs } from './compile-lvs.js';
import { DEFAULT_GARP, type GlobalDefs, type KeepalivedConfig, type VrrpInstanceConfig, type VrrpSyncGroupConfig } from './model.js';

export interface CompileOptions {
  /** Default router_id (keepalived: the local host name). */
  readonly hostname: string;
  /**
   * Whether a script's program exists: keepalived disables missing scripts before its
   * script-security checks. Default for checker scripts (LvsCompileContext): every script
   * exists; for VRRP scripts: an absolute path exists when `readerHasFile` says so.
   */
  readonly scriptExists?: (path: string) => boolean;
  /** The config reader's view of the file system (parse-config.ts), for the VRRP default above. */
  readonly readerHasFile?: (path: string) => boolean;
}

export function compileGlobalDefs(d: GlobalDefsDraft, opts: CompileOptions): GlobalDefs {
  const strict = d.vrrpStrict ?? false;
  const masterDelayMs = d.garp.masterDelayMs ?? DEFAULT_GARP.masterDelayMs;
  const masterRepeat = d.garp.masterRepeat ?? DEFAULT_GARP.masterRepeat;
  return {
    routerId: d.routerId ?? opts.hostname,
    vrrpVersion: d.vrrpVersion ?? 2,
    mcastGroup4: d.mcastGroup4 ?? '224.0.0.18',
    mcastGroup6: d.mcastGroup6 ?? 'ff02::12',
    vrrpStrict: strict,
    garp: {
      masterDelayMs,
      masterRepeat,
      masterRefreshMs: d.garp.masterRefreshMs ?? DEFAULT_GARP.masterRefreshMs,
      masterRefreshRepeat: d.garp.masterRefreshRepeat ?? DEFAULT_GARP.masterRefreshRepeat,
      lowerPrioDelayMs: d.garp.lowerPrioDelayMs ?? masterDelayMs,
      lowerPrioRepeat: d.garp.lowerPrioRepeat ?? masterRepeat,
      intervalMs: d.garp.intervalMs ?? DEFAULT_GARP.intervalMs,
      gnaIntervalMs: d.garp.gnaIntervalMs ?? DEFAULT_GARP.gnaIntervalMs,
    },
    downTimerAdverts: d.downTimerAdverts ?? 3,
    lowerPrioNoAdvert: d.lowerPrioNoAdvert ?? strict,
    higherPrioSendAdvert: d.higherPrioSendAdvert ?? false,
    skipCheckAdvAddr: d.skipCheckAdvAddr ?? false,
    checkUnicastSrc: d.checkUnicastSrc ?? false,
    notificationEmail: d.notificationEmail,
    ...(d.notificationEmailFrom !== undefined ? { notificationEmailFrom: d.notificationEmailFrom } : {}),
    ...(d.smtpServer !== undefined ? { smtpServer: d.smtpServer } : {}),
    smtpConnectTimeoutMs: d.smtpConnectTimeoutMs ?? 30000,
    ...(d.smtpAlert !== undefined ? { smtpAlert: d.smtpAlert } : {}),
    enableScriptSecurity: d.enableScriptSecurity ?? false,
    ...(d.scriptUser !== undefined ? { scriptUser: d.scriptUser } : {}),
    ...(d.scriptGroup !== undefined ? { scriptGroup: d.scriptGroup } : {}),
    defaultInterface: d.defaultInterface ?? 'eth0',
    vrrpStartupDelayMs: d.vrrpStartupDelayMs ?? 0,
    ...(d.notifyFifo !== undefined ? { notifyFifo: d.notifyFifo } : {}),
    ...(d.vrrpNotifyFifo !== undefined ? { vrrpNotifyFifo: d.vrrpNotifyFifo } : {}),
    ...(d.statusHttp !== undefined ? { statusHttp: d.statusHttp } : {}),
  };
}

/** Two multicast instances, or unicast ones sharing a peer, cannot share VRID+family+interface. */
function checkDuplicateVrids(instances: readonly VrrpInstanceConfig[], diags: DiagSink): void {
  // Bucketed by VRID+family+interface so that 100k instances stay linear (bench/config-parse.ts).
  const buckets = new Map<string, VrrpInstanceConfig[]>();
  for (const b of instances) {
    const key = `${b.vrid}/${b.family}/${b.interface ?? ''}`;
    const earlier = buckets.get(key) ?? [];
    if (earlier.length === 0) buckets.set(key, earlier);
    earlier.push(b);
    for (const a of earlier.slice(0, -1)) {
      const aUni = a.unicastPeers.length > 0;
      const bUni = b.unicastPeers.length > 0;
      if (aUni !== bUni) continue;
      if (aUni && !a.unicastPeers.some((p) => b.unicastPeers.some((q) => q.address === p.address))) continue;
      diags.fatal(
        'KA_CFG_VRRP_DUPLICATE_VRID',
        `${a.name} and ${b.name} both use VRID ${b.vrid} with IPv${b.family} on interface ${b.interface ?? '(none)'}`,
        b.loc,
        'VRIDs must be unique per interface and address family',
      );
      break;
    }
  }
}

function compileSyncGroups(groups: readonly SyncGroupDraft[], instances: readonly VrrpInstanceConfig[], diags: DiagSink): VrrpSyncGroupConfig[] {
  const owner = new Map<string, string>();
  const out: VrrpSyncGroupConfig[] = [];
  for (const g of groups) {
    const members: string[] = [];
    for (const m of g.members) {
      if (!instances.some((i) => i.name === m.name)) {
        diags.error('KA_CFG_SYNC_GROUP_MEMBER', `Virtual router ${m.name} specified in sync group ${g.name} doesn't exist - ignoring`, m.loc);
      } else if (members.includes(m.name)) {
        diags.warn('KA_CFG_DUPLICATE', `Virtual router ${m.name} listed twice in sync group ${g.name} - ignoring`, m.loc);
      } else if (owner.has(m.name)) {
        diags.error('KA_CFG_SYNC_GROUP_MEMBER', `Virtual router ${m.name} cannot exist in more than one sync group; ignoring ${g.name}`, m.loc, {
          hint: `already in sync group ${owner.get(m.name)!}`,
        });
      } else {
        owner.set(m.name, g.name);
        members.push(m.name);
      }
    }
    if (members.length < 2) {
      diags.warn('KA_CFG_SYNC_GROUP_SIZE', `Sync group ${g.name} has only ${members.length} virtual router(s) - this probably isn't what you want`, g.loc);
    }
    out.push({ name: g.name, loc: g.loc, members, notify: g.notify, smtpAlert: g.smtpAlert ?? false });
  }
  return out;
}

export function compileConfig(draft: ConfigDraft, files: readonly string[], opts: CompileOptions, diags: DiagSink): KeepalivedConfig {
  const globalDefs = compileGlobalDefs(draft.globalDefs, opts);
  const vrrpInstances: VrrpInstanceConfig[] = [];
  const syncMembers = new Set(draft.syncGroups.flatMap((g) => g.members.map((m) => m.name)));
  for (const v of draft.instances) {
    const c = compileInstance(v, { globals: globalDefs, globalDraft: draft.globalDefs, syncMembers }, diags);
    if (c) vrrpInstances.push(c);
  }
  checkDuplicateVrids(vrrpInstances, diags);
  const extra = compileVrrpExtra(draft, globalDefs, opts.scriptExists ?? ((p) => !p.startsWith('/') || (opts.readerHasFile?.(p) ?? true)), vrrpInstances, compileSyncGroups(draft.syncGroups, vrrpInstances, diags), diags);
  const lvs = compileLvs(draft.lvs, { globals: { ...globalDefs, extra: draft.globalDefs.x }, ...(opts.scriptExists ? { scriptExists: opts.scriptExists } : {}) }, diags);
  return {
    globalDefs: { ...globalDefs, extra: draft.globalDefs.x },
    vrrpInstances: extra.instances,
    vrrpSyncGroups: extra.groups,
    staticIpAddresses: draft.staticIpAddresses,
    vrrpExtra: extra.top,
    virtualServers: lvs.virtualServers,
    virtualServerGroups: lvs.virtualServerGroups,
    ...(lvs.ssl ? { ssl: lvs.ssl } : {}),
    files,
  };
}
