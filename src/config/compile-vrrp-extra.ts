/**
 * Compiler for the VRRP-side extras (model-vrrp-extra.ts): tracker blocks with their
 * defaults, `track_*` references resolved against them (unknown names warned and dropped,
 * weighted trackers removed from sync-group members unless sync_group_tracking_weight),
 * weighted trackers removed from address owners (priority 255), and keepalived's
 * script-security verdict. Pure; Debian 2.2.7's wording (`keepalived -t`).
 */
import type { DiagSink } from './diagnostics.js';
import type { ConfigDraft, SyncGroupDraft, VrrpInstanceDraft } from './draft.js';
import type { InstanceExtraDraft, TrackerLists, TrackFileDraft } from './draft-vrrp-extra.js';
import type { GlobalDefs, VrrpInstanceConfig, VrrpSyncGroupConfig } from './model.js';
import type { ScriptSpec, SourceLoc } from './common.js';
import type {
  BfdInstanceConfig,
  GarpGroupConfig,
  KeepalivedVrrpExtra,
  TrackerRef,
  TrackFileConfig,
  TrackProcessConfig,
  VrrpInstanceExtra,
  VrrpScriptConfig,
  VrrpSyncGroupExtra,
} from './model-vrrp-extra.js';

const UNLIMITED = 4294967295;

export function compileTopExtra(d: ConfigDraft['x'], g: GlobalDefs, diags: DiagSink): KeepalivedVrrpExtra {
  const vrrpScripts: VrrpScriptConfig[] = [];
  for (const s of d.vrrpScripts) {
    if (s.script === undefined) {
      diags.warn('KA_CFG_TRACKER_INCOMPLETE', `No script set for vrrp_script ${s.name} - removing`, s.loc, { hint: "add 'script \"/path args\"'" });
      continue;
    }
    // With script security the default user must resolve; like the security verdict this
    // assumes no `keepalived_script` account (Debian's default), so the script is dropped.
    if (g.enableScriptSecurity && g.scriptUser === undefined && s.user === undefined && s.script.user === undefined) {
      diags.warn('KA_CFG_SCRIPT_USER', `Unable to set default user for vrrp script ${s.name} - removing`, s.loc, {
        hint: "the default user keepalived_script does not exist: set 'script_user' in global_defs or 'user' in the vrrp_script",
      });
      continue;
    }
    const intervalMs = s.intervalMs ?? 1000;
    const script: ScriptSpec = s.user !== undefined && s.script.user === undefined ? { ...s.script, user: s.user.user, ...(s.user.group !== undefined ? { group: s.user.group } : {}) } : s.script;
    vrrpScripts.push({
      name: s.name,
      loc: s.loc,
      script,
      intervalMs,
      timeoutMs: s.timeoutMs ?? intervalMs,
      weight: s.weight ?? 0,
      reverse: s.reverse ?? false,
      rise: s.rise ?? 1,
      fall: s.fall ?? 1,
      initFail: s.initFail ?? false,
    });
  }
  const trackFiles = d.trackFiles.flatMap((f: TrackFileDraft): TrackFileConfig[] => {
    if (f.path === undefined) {
      diags.warn('KA_CFG_TRACKER_INCOMPLETE', `No file set for track_file ${f.name} - ignoring`, f.loc, { hint: "add 'file PATH'" });
      return [];
    }
    return [{ name: f.name, loc: f.loc, path: f.path, weight: f.weight ?? 1, reverse: f.reverse ?? false, ...(f.initFile ? { initFile: f.initFile } : {}) }];
  });
  const trackProcesses = d.trackProcesses.flatMap((p): TrackProcessConfig[] => {
    if (p.process === undefined) {
      diags.warn('KA_CFG_TRACKER_INCOMPLETE', `No process specified for vrrp_track_process ${p.name} - removing`, p.loc, { hint: "add 'process NAME'" });
      return [];
    }
    const quorum = p.quorum ?? 1;
    let quorumMax = p.quorumMax ?? UNLIMITED;
    if (quorumMax < quorum) {
      diags.warn('KA_CFG_OUT_OF_RANGE', `Track process ${p.name} quorum_max ${quorumMax} < quorum ${quorum} - setting quorum_max to quorum`, p.loc);
      quorumMax = quorum;
    }
    return [{
      name: p.name,
      loc: p.loc,
      process: p.process,
      params: p.params ?? [],
      paramMatch: p.paramMatch ?? 'exact',
      weight: p.weight ?? 0,
      reverse: p.reverse ?? false,
      quorum,
      quorumMax,
      forkDelayMs: p.forkDelayMs ?? 0,
      terminateDelayMs: p.terminateDelayMs ?? 0,
      fullCommand: p.fullCommand ?? false,
    }];
  });
  const bfdInstances = d.bfdInstances.flatMap((b): BfdInstanceConfig[] => {
    if (b.neighborIp === undefined) {
      diags.error('KA_CFG_TRACKER_INCOMPLETE', `Configuration error: BFD instance ${b.name} has no neighbor address set, disabling instance`, b.loc, { hint: "add 'neighbor_ip IP'" });
      return [];
    }
    const v6 = b.neighborIp.includes(':');
    return [{
      name: b.name,
      loc: b.loc,
      neighborIp: b.neighborIp,
      ...(b.sourceIp !== undefined ? { sourceIp: b.sourceIp } : {}),
      minRxMs: b.minRxMs ?? 10,
      minTxMs: b.minTxMs ?? 10,
      idleTxMs: b.idleTxMs ?? 1000,
      multiplier: b.multiplier ?? 5,
      passive: b.passive ?? false,
      ttl: b.ttl ?? (v6 ? 64 : 255),
      maxHops: b.maxHops ?? 0,
      multihop: b.multihop ?? false,
      weight: b.weight ?? 0,
      reverse: b.reverse ?? false,
      vrrpOnly: b.vrrpOnly ?? false,
      checkerOnly: b.checkerOnly ?? false,
    }];
  });
  const garpGroups = d.garpGroups.flatMap((g): GarpGroupConfig[] => {
    if (g.interfaces.length === 0) {
      diags.warn('KA_CFG_TRACKER_INCOMPLETE', 'garp_group has no interfaces specified - ignoring', g.loc, { hint: "add 'interface IF' or 'interfaces { … }'" });
      return [];
    }
    return [{ loc: g.loc, interfaces: g.interfaces, ...(g.garpIntervalMs !== undefined ? { garpIntervalMs: g.garpIntervalMs } : {}), ...(g.gnaIntervalMs !== undefined ? { gnaIntervalMs: g.gnaIntervalMs } : {}) }];
  });
  return {
    ...(d.netNamespace !== undefined ? { netNamespace: d.netNamespace } : {}),
    ...(d.netNamespaceIpvs !== undefined ? { netNamespaceIpvs: d.netNamespaceIpvs } : {}),
    namespaceWithIpsets: d.namespaceWithIpsets ?? false,
    ...(d.instance !== undefined ? { instance: d.instance } : {}),
    usePidDir: d.usePidDir ?? false,
    linkbeatUsePolling: d.linkbeatUsePolling ?? false,
    childWaitTimeS: d.childWaitTimeS ?? 5,
    linkbeatInterfaces: d.linkbeatInterfaces,
    interfaceUpDownDelays: d.interfaceUpDownDelays,
    trackGroups: d.trackGroups,
    staticRoutes: d.staticRoutes,
    staticRules: d.staticRules,
    vrrpScripts,
    trackFiles,
    trackProcesses,
    garpGroups,
    bfdInstances,
  };
}

interface Tracked {
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
}

type Kind = keyof TrackerLists;
const NOUN: Record<Kind, string> = { trackScripts: 'script', trackFiles: 'file', trackProcesses: 'process', trackBfds: 'bfd' };

function pool(top: KeepalivedVrrpExtra, k: Kind): readonly Tracked[] {
  switch (k) {
    case 'trackScripts':
      return top.vrrpScripts;
    case 'trackFiles':
      return top.trackFiles;
    case 'trackProcesses':
      return top.trackProcesses;
    case 'trackBfds':
      return top.bfdInstances;
  }
}

/**
 * Resolves `track_*` lines: unknown names are dropped with keepalived's warning; the
 * line's weight/reverse default to the tracker's. `dropWeighted` (sync-group member
 * without sync_group_tracking_weight) removes weighted entries with keepalived's message.
 */
function resolve(owner: string, refs: readonly TrackerRef[], k: Kind, top: KeepalivedVrrpExtra, dropWeighted: string | null, diags: DiagSink): TrackerRef[] {
  const out: TrackerRef[] = [];
  for (const r of refs) {
    const t = pool(top, k).find((x) => x.name === r.name);
    if (!t) {
      diags.warn('KA_CFG_TRACKER_UNKNOWN', `(${owner}) track ${NOUN[k]} ${r.name} not found, ignoring...`, r.loc, { hint: `no ${k === 'trackScripts' ? 'vrrp_script' : k === 'trackFiles' ? 'track_file' : k === 'trackProcesses' ? 'vrrp_track_process' : 'bfd_instance'} block named '${r.name}'` });
      continue;
    }
    const weight = r.weight ?? t.weight;
    const reverse = r.reverse ?? t.reverse;
    if (dropWeighted !== null && weight !== 0) {
      // 2.2.7's wording: files name their weight, the others say "with weights".
      const what = k === 'trackFiles' ? `with weight ${weight}` : 'with weights';
      diags.warn('KA_CFG_SYNC_GROUP_TRACKER', `(${owner}) ignoring tracked ${NOUN[k]} ${r.name} ${what} due to ${dropWeighted}`, r.loc, {
        hint: dropWeighted === 'address_owner' ? 'a priority-255 instance is never changed by weighted trackers' : 'add sync_group_tracking_weight to the vrrp_sync_group to keep it',
      });
      continue;
    }
    out.push({ name: r.name, weight, reverse, loc: r.loc });
  }
  return out;
}

function compileInstanceExtra(v: VrrpInstanceDraft, c: VrrpInstanceConfig, top: KeepalivedVrrpExtra, group: SyncGroupDraft | undefined, diags: DiagSink): VrrpInstanceExtra {
  const x: InstanceExtraDraft = v.x;
  const dropWeighted = group !== undefined && group.x.syncGroupTrackingWeight !== true ? 'SYNC group' : c.priority === 255 ? 'address_owner' : null;
  const at = (kw: string): SourceLoc => v.locs[kw] ?? v.loc;
  if (x.nativeIpv6 === true && c.family === 4 && c.vips.length > 0) {
    diags.error('KA_CFG_VRRP_VIP_FAMILY', `(${v.name}) Cannot specify native_ipv6 with IPv4 addresses`, at('native_ipv6'));
  }
  const useVmac = x.useVmac ? { ...x.useVmac, ifname: x.useVmac.ifname || `vrrp.${c.vrid}` } : undefined;
  const useIpvlan = x.useIpvlan ? { ...x.useIpvlan, ifname: x.useIpvlan.ifname || `vrrp.${c.vrid}` } : undefined;
  if (useVmac && useIpvlan) diags.error('KA_CFG_INVALID_VALUE', `(${v.name}) Cannot use both use_vmac and use_ipvlan - ignoring use_ipvlan`, at('use_ipvlan'));
  return {
    trackScripts: resolve(v.name, x.trackScripts, 'trackScripts', top, dropWeighted, diags),
    trackFiles: resolve(v.name, x.trackFiles, 'trackFiles', top, dropWeighted, diags),
    trackProcesses: resolve(v.name, x.trackProcesses, 'trackProcesses', top, dropWeighted, diags),
    trackBfds: resolve(v.name, x.trackBfds, 'trackBfds', top, dropWeighted, diags),
    virtualRoutes: x.virtualRoutes,
    virtualRules: x.virtualRules,
    ...(useVmac ? { useVmac } : {}),
    useVmacAddr: x.useVmacAddr ?? false,
    // keepalived forces vmac_xmit_base for unicast instances using a VMAC.
    vmacXmitBase: (x.vmacXmitBase ?? false) || (useVmac !== undefined && c.unicastPeers.length > 0),
    ...(useIpvlan && !useVmac ? { useIpvlan } : {}),
    ...(x.authHmac ? { authHmac: x.authHmac } : {}),
    noVirtualIpaddress: x.noVirtualIpaddress ?? false,
    unicastFaultNoPeer: x.unicastFaultNoPeer ?? false,
    trackSrcIp: x.trackSrcIp ?? false,
    ...(x.vrf !== undefined ? { vrf: x.vrf } : {}),
    ...(x.garpExtraIf ? { garpExtraIf: x.garpExtraIf } : {}),
    ownerIgnoreAdverts: x.ownerIgnoreAdverts ?? false,
    ...(x.timerExpiredBackupPrio !== undefined ? { timerExpiredBackupPrio: x.timerExpiredBackupPrio } : {}),
    ...(x.oldUnicastChecksum !== undefined ? { oldUnicastChecksum: x.oldUnicastChecksum } : {}),
    v3ChecksumAsV2: x.v3ChecksumAsV2 ?? false,
    promoteSecondaries: x.promoteSecondaries ?? false,
    notifyPriorityChanges: x.notifyPriorityChanges ?? group?.x.notifyPriorityChanges ?? false,
    ...(x.kernelRxBufSize !== undefined ? { kernelRxBufSize: x.kernelRxBufSize } : {}),
    ...(x.debug !== undefined ? { debug: x.debug } : {}),
    nativeIpv6: x.nativeIpv6 ?? false,
    linkbeatUsePolling: x.linkbeatUsePolling ?? false,
    ...(x.lvsSyncDaemonInterface !== undefined ? { lvsSyncDaemonInterface: x.lvsSyncDaemonInterface } : {}),
  };
}

function compileGroupExtra(g: SyncGroupDraft, top: KeepalivedVrrpExtra, diags: DiagSink): VrrpSyncGroupExtra {
  return {
    trackInterfaces: g.x.trackInterfaces,
    trackScripts: resolve(g.name, g.x.trackScripts, 'trackScripts', top, null, diags),
    trackFiles: resolve(g.name, g.x.trackFiles, 'trackFiles', top, null, diags),
    trackProcesses: resolve(g.name, g.x.trackProcesses, 'trackProcesses', top, null, diags),
    trackBfds: resolve(g.name, g.x.trackBfds, 'trackBfds', top, null, diags),
    ...(g.x.notifyPriorityChanges !== undefined ? { notifyPriorityChanges: g.x.notifyPriorityChanges } : {}),
    globalTracking: g.x.globalTracking ?? false,
    syncGroupTrackingWeight: g.x.syncGroupTrackingWeight ?? false,
  };
}

/**
 * keepalived refuses nothing but warns loudly when a script would run as root without
 * enable_script_security (`-t` exit 6). The default script user is `keepalived_script`
 * when that account exists, else root; a pure compiler cannot look accounts up, so an
 * unset user counts as root (Debian's default: no `keepalived_script` account). Scripts
 * whose absolute path does not exist are disabled by keepalived and not counted.
 */
function checkScriptSecurity(draft: ConfigDraft, g: GlobalDefs, top: KeepalivedVrrpExtra, exists: (path: string) => boolean, diags: DiagSink): void {
  if (g.enableScriptSecurity) return;
  const defaultUser = g.scriptUser ?? 'root';
  const isRoot = (s: ScriptSpec): boolean => {
    const u = s.user ?? defaultUser;
    return (u === 'root' || u === '0') && exists(s.argv[0] ?? '');
  };
  const found: { loc: SourceLoc; what: string }[] = [];
  for (const s of top.vrrpScripts) if (isRoot(s.script)) found.push({ loc: s.loc, what: `vrrp_script ${s.name}` });
  const notifyOf = (n: object, locs: Record<string, SourceLoc>, fallback: SourceLoc, owner: string): void => {
    for (const [k, s] of Object.entries(n) as [string, ScriptSpec | undefined][]) {
      if (s && isRoot(s)) found.push({ loc: locs[k === 'generic' ? 'notify' : `notify_${k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)}`] ?? fallback, what: `${owner} notify script` });
    }
  };
  for (const v of draft.instances) notifyOf(v.notify, v.locs, v.loc, `(${v.name})`);
  for (const sg of draft.syncGroups) notifyOf(sg.notify, sg.locs, sg.loc, `sync group ${sg.name}`);
  const x = draft.globalDefs.x;
  for (const [kw, s] of [['notify_fifo_script', x.notifyFifoScript], ['vrrp_notify_fifo_script', x.vrrpNotifyFifoScript], ['lvs_notify_fifo_script', x.lvsNotifyFifoScript], ['startup_script', x.startupScript], ['shutdown_script', x.shutdownScript]] as const) {
    if (s && isRoot(s)) found.push({ loc: draft.globalDefs.locs[kw] ?? { file: '', line: 0, col: 0 }, what: kw });
  }
  const first = found.sort((a, b) => a.loc.line - b.loc.line)[0];
  if (!first) return;
  diags.error('KA_CFG_SCRIPT_SECURITY', 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.', first.loc.line > 0 ? first.loc : undefined, {
    class: 'security',
    hint: `${first.what} runs as root; add enable_script_security to global_defs, or a non-root script_user / script user`,
  });
}

export interface ExtraResult {
  readonly instances: VrrpInstanceConfig[];
  readonly groups: VrrpSyncGroupConfig[];
  readonly top: KeepalivedVrrpExtra;
}

export function compileVrrpExtra(draft: ConfigDraft, g: GlobalDefs, exists: (path: string) => boolean, instances: readonly VrrpInstanceConfig[], groups: readonly VrrpSyncGroupConfig[], diags: DiagSink): ExtraResult {
  const top = compileTopExtra(draft.x, g, diags);
  const groupOf = new Map<string, SyncGroupDraft>();
  for (const sg of groups) {
    const d = draft.syncGroups.find((x) => x.name === sg.name);
    if (d) for (const m of sg.members) groupOf.set(m, d);
  }
  const out = instances.map((c) => {
    const v = draft.instances.find((x) => x.name === c.name);
    return v ? { ...c, extra: compileInstanceExtra(v, c, top, groupOf.get(c.name), diags) } : c;
  });
  const outGroups = groups.map((sg) => {
    const d = draft.syncGroups.find((x) => x.name === sg.name);
    return d ? { ...sg, extra: compileGroupExtra(d, top, diags) } : sg;
  });
  checkScriptSecurity(draft, g, top, exists, diags);
  return { instances: out, groups: outGroups, top };
}
