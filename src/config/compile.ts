/**
 * Model compiler: drafts (what the file said) → the read-only KeepalivedConfig. Each block's
 * compiler applies its rows' defaults and keepalived's derived ones; here they run in
 * keepalived's order, with the checks across blocks: duplicate VRIDs, sync-group
 * membership, tracker references, and the script-security verdict. Pure; diagnostics go
 * to the sink.
 */
import type { ScriptSpec, SourceLoc } from './common.js';
import type { DiagSink } from './diagnostics.js';
import { compileGlobalDefs } from './global-defs/compile.js';
import type { GlobalDefs } from './global-defs/model.js';
import { plainFields } from './keywords/table.js';
import { compileLvs } from './lvs/compile.js';
import type { GarpGroupConfig, KeepalivedConfig, VrrpInstanceConfig } from './model.js';
import { TOP_LEVEL_TABLE, type ConfigDraft } from './top-level.js';
import { compileTrackers, type Trackers } from './trackers/compile.js';
import type { VrrpScriptConfig } from './trackers/model.js';
import { compileInstance, finishInstance, type InstanceCore } from './vrrp-instance/compile.js';
import type { VrrpInstanceDraft } from './vrrp-instance/keywords.js';
import { compileSyncGroups, finishSyncGroup } from './vrrp-sync-group/compile.js';
import type { VrrpSyncGroupDraft } from './vrrp-sync-group/keywords.js';

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

/** Two multicast instances, or unicast ones sharing a peer, cannot share VRID+family+interface. */
function checkDuplicateVrids(instances: readonly InstanceCore[], diags: DiagSink): void {
  // Bucketed by VRID+family+interface so that 100k instances stay linear (bench/config-parse.ts).
  const buckets = new Map<string, InstanceCore[]>();
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

function compileGarpGroups(groups: ConfigDraft['garpGroups'], diags: DiagSink): GarpGroupConfig[] {
  return groups.flatMap((g): GarpGroupConfig[] => {
    if (g.interfaces.length === 0) {
      diags.warn('KA_CFG_TRACKER_INCOMPLETE', 'garp_group has no interfaces specified - ignoring', g.loc, { hint: "add 'interface IF' or 'interfaces { … }'" });
      return [];
    }
    return [{ loc: g.loc, interfaces: g.interfaces, ...(g.garpIntervalMs !== undefined ? { garpIntervalMs: g.garpIntervalMs } : {}), ...(g.gnaIntervalMs !== undefined ? { gnaIntervalMs: g.gnaIntervalMs } : {}) }];
  });
}

/**
 * keepalived.conf(5) `garp_group`: its `garp_interval` / `gna_interval` space the GARPs / NAs sent
 * on its interfaces instead of vrrp_garp_interval / vrrp_gna_interval: an instance sending on one
 * of them (its interface, or its VMAC) takes the group's values.
 */
function applyGarpGroups(instances: VrrpInstanceConfig[], groups: readonly GarpGroupConfig[]): VrrpInstanceConfig[] {
  if (groups.length === 0) return instances;
  return instances.map((c) => {
    const names = [c.interface, c.useVmac?.ifname];
    const g = groups.find((x) => names.some((n) => n !== undefined && x.interfaces.includes(n)));
    if (!g) return c;
    return { ...c, garp: { ...c.garp, ...(g.garpIntervalMs !== undefined ? { intervalMs: g.garpIntervalMs } : {}), ...(g.gnaIntervalMs !== undefined ? { gnaIntervalMs: g.gnaIntervalMs } : {}) } };
  });
}

/**
 * keepalived refuses nothing but warns loudly when a script would run as root without
 * enable_script_security (`-t` exit 6). The default script user is `keepalived_script`
 * when that account exists, else root; a pure compiler cannot look accounts up, so an
 * unset user counts as root (Debian's default: no `keepalived_script` account). Scripts
 * whose absolute path does not exist are disabled by keepalived and not counted.
 */
function checkScriptSecurity(draft: ConfigDraft, g: GlobalDefs, vrrpScripts: readonly VrrpScriptConfig[], exists: (path: string) => boolean, diags: DiagSink): void {
  if (g.enableScriptSecurity) return;
  const defaultUser = g.scriptUser ?? 'root';
  const isRoot = (s: ScriptSpec): boolean => {
    const u = s.user ?? defaultUser;
    return (u === 'root' || u === '0') && exists(s.argv[0] ?? '');
  };
  const found: { loc: SourceLoc; what: string }[] = [];
  for (const s of vrrpScripts) if (isRoot(s.script)) found.push({ loc: s.loc, what: `vrrp_script ${s.name}` });
  const notifyOf = (n: object, locs: Record<string, SourceLoc>, fallback: SourceLoc, owner: string): void => {
    for (const [k, s] of Object.entries(n) as [string, ScriptSpec | undefined][]) {
      if (s && isRoot(s)) found.push({ loc: locs[k === 'generic' ? 'notify' : `notify_${k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)}`] ?? fallback, what: `${owner} notify script` });
    }
  };
  for (const v of draft.instances) notifyOf(v.notify, v.locs, v.loc, `(${v.name})`);
  for (const sg of draft.syncGroups) notifyOf(sg.notify, sg.locs, sg.loc, `sync group ${sg.name}`);
  const x = draft.globalDefs;
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

/** The top-level fields compiled by the blocks' compilers; every other one comes from its row (plainFields). */
type FromBlocks = 'globalDefs' | 'vrrpInstances' | 'vrrpSyncGroups' | keyof Trackers | 'garpGroups' | 'virtualServers' | 'virtualServerGroups' | 'ssl' | 'files';

export function compileConfig(draft: ConfigDraft, files: readonly string[], opts: CompileOptions, diags: DiagSink): KeepalivedConfig {
  const globalDefs = compileGlobalDefs(draft.globalDefs, opts.hostname);
  const cores: { readonly core: InstanceCore; readonly draft: VrrpInstanceDraft }[] = [];
  for (const v of draft.instances) {
    const core = compileInstance(v, globalDefs, draft.globalDefs, diags);
    if (core) cores.push({ core, draft: v });
  }
  checkDuplicateVrids(cores.map((c) => c.core), diags);
  const groups = compileSyncGroups(draft.syncGroups, new Set(cores.map((c) => c.core.name)), diags);
  const trackers = compileTrackers(draft, globalDefs, diags);
  const garpGroups = compileGarpGroups(draft.garpGroups, diags);
  const groupDraft = new Map(draft.syncGroups.map((g) => [g.name, g]));
  const groupOf = new Map<string, VrrpSyncGroupDraft>();
  for (const sg of groups) for (const m of sg.members) groupOf.set(m, groupDraft.get(sg.name)!);
  const vrrpInstances = applyGarpGroups(
    cores.map(({ core, draft: v }) => finishInstance(core, v, trackers, groupOf.get(core.name), diags, globalDefs.vrrpNotifyPriorityChanges === true)),
    garpGroups,
  );
  const vrrpSyncGroups = groups.map((sg) => finishSyncGroup(sg, groupDraft.get(sg.name)!, trackers, diags));
  checkScriptSecurity(draft, globalDefs, trackers.vrrpScripts, opts.scriptExists ?? ((p) => !p.startsWith('/') || (opts.readerHasFile?.(p) ?? true)), diags);
  const lvs = compileLvs(draft.lvs, { globals: globalDefs, ...(opts.scriptExists ? { scriptExists: opts.scriptExists } : {}) }, diags);
  return {
    ...plainFields<Omit<KeepalivedConfig, FromBlocks>>(TOP_LEVEL_TABLE, draft),
    globalDefs,
    vrrpInstances,
    vrrpSyncGroups,
    ...trackers,
    garpGroups,
    virtualServers: lvs.virtualServers,
    virtualServerGroups: lvs.virtualServerGroups,
    ...(lvs.ssl ? { ssl: lvs.ssl } : {}),
    files,
  };
}
