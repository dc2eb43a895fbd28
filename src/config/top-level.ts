/**
 * Keyword table of the top level of keepalived.conf (keepalived.conf(5)): the rows that
 * open each block, the daemon-wide keywords, `static_*` lines and the small `track_group`
 * and `garp_group` blocks; and the draft the whole file is read into.
 */
import type { Draft, IpAddressSpec, LocMap, SourceLoc } from './common.js';
import type { ParseCtx } from './diagnostics.js';
import { GLOBAL_DEFS_TABLE, newGlobalDefsDraft, type GlobalDefsDraft } from './global-defs/keywords.js';
import { parseAddressLine } from './ip-lines/address-line.js';
import { parseRouteLine } from './ip-lines/route-line.js';
import { parseRuleLine } from './ip-lines/rule-line.js';
import type { RouteSpec, RuleSpec } from './ip-lines/model.js';
import { argLoc, argText, noExtraArgs, readDecimalText, requireArg } from './keywords/args.js';
import { blockKw, defineTable, deprecatedKw, derived, flagKw, listFieldKw, listKw, stringKw, timerKw, wordsKw, type KeywordDef, type RowOpts } from './keywords/table.js';
import { newLvsDraft, type LvsDraft } from './lvs/draft.js';
import { LVS_TOP_LEVEL_ROWS } from './lvs/keywords.js';
import type { GarpGroupConfig, InterfaceDelay, KeepalivedConfig, LinkbeatInterface, TrackGroupConfig } from './model.js';
import type { ConfigNode } from './source/tree.js';
import { BFD_INSTANCE_TABLE, TRACK_FILE_TABLE, TRACK_PROCESS_TABLE, VRRP_SCRIPT_TABLE, type BfdDraft, type TrackFileDraft, type TrackProcessDraft, type VrrpScriptDraft } from './trackers/keywords.js';
import { newInstanceDraft, VRRP_INSTANCE_TABLE, type VrrpInstanceDraft } from './vrrp-instance/keywords.js';
import { newSyncGroupDraft, VRRP_SYNC_GROUP_TABLE, type VrrpSyncGroupDraft } from './vrrp-sync-group/keywords.js';

type GarpGroupDraft = Draft<Omit<GarpGroupConfig, 'interfaces' | 'loc'>> & { readonly loc: SourceLoc; interfaces: string[] };

/** The whole file as read: one draft per block, in file order; the daemon-wide keywords as the model's fields. */
export interface ConfigDraft extends Draft<Pick<KeepalivedConfig, 'netNamespace' | 'netNamespaceIpvs' | 'namespaceWithIpsets' | 'instance' | 'usePidDir' | 'linkbeatUsePolling' | 'childWaitTimeS'>> {
  /** global_defs may appear more than once; keepalived merges them. */
  readonly globalDefs: GlobalDefsDraft;
  readonly instances: VrrpInstanceDraft[];
  readonly syncGroups: VrrpSyncGroupDraft[];
  readonly staticIpAddresses: IpAddressSpec[];
  readonly staticRoutes: RouteSpec[];
  readonly staticRules: RuleSpec[];
  readonly linkbeatInterfaces: LinkbeatInterface[];
  readonly interfaceUpDownDelays: InterfaceDelay[];
  readonly trackGroups: TrackGroupConfig[];
  readonly garpGroups: GarpGroupDraft[];
  readonly vrrpScripts: VrrpScriptDraft[];
  readonly trackFiles: TrackFileDraft[];
  readonly trackProcesses: TrackProcessDraft[];
  readonly bfdInstances: BfdDraft[];
  readonly lvs: LvsDraft;
}

export function newConfigDraft(): ConfigDraft {
  return {
    globalDefs: newGlobalDefsDraft(),
    instances: [],
    syncGroups: [],
    staticIpAddresses: [],
    staticRoutes: [],
    staticRules: [],
    linkbeatInterfaces: [],
    interfaceUpDownDelays: [],
    trackGroups: [],
    garpGroups: [],
    vrrpScripts: [],
    trackFiles: [],
    trackProcesses: [],
    bfdInstances: [],
    lvs: newLvsDraft(),
  };
}

type C = ConfigDraft;

/** Names of each `existing` list seen so far: a Set kept in step with the (append-only, unique) list, so 100k blocks stay linear. */
const knownNames = new WeakMap<readonly { name: string }[], Set<string>>();

function alreadyDefined(existing: readonly { name: string }[], name: string): boolean {
  let names = knownNames.get(existing);
  if (names === undefined || names.size > existing.length) {
    names = new Set();
    knownNames.set(existing, names);
  }
  for (let i = names.size; i < existing.length; i++) names.add(existing[i]!.name);
  return names.has(name);
}

/** `KIND NAME {`: the name is required and unique among `existing` (a second one is ignored). */
function openNamed<T>(kind: string, node: ConfigNode, ctx: ParseCtx, existing: readonly { name: string }[], make: (name: string) => T): T | undefined {
  const name = requireArg(node, ctx, 'a name');
  noExtraArgs(node, ctx, 1);
  if (name === undefined) return undefined;
  if (alreadyDefined(existing, name)) {
    ctx.diags.error('KA_CFG_DUPLICATE', `${kind} ${name} already defined`, argLoc(node, 0), { hint: 'the second definition is ignored' });
    return undefined;
  }
  return make(name);
}

// ---- track_group, garp_group ----------------------------------------------------------

interface TrackGroupDraft {
  readonly name: string;
  readonly loc: SourceLoc;
  members: string[];
}

export const TRACK_GROUP_TABLE = defineTable<TrackGroupDraft>('track_group', [
  listKw<TrackGroupDraft>('group', 'VRRP_INSTANCE_NAME', (t, line) => t.members.push(line.keyword, ...line.args.map((a) => a.text))),
], 'not-yet');

const garpSecs = (name: string, set: (g: GarpGroupDraft, ms: number) => void): KeywordDef<GarpGroupDraft> =>
  wordsKw<GarpGroupDraft>(name, 'SECS', (g, node, ctx) => {
    const t = requireArg(node, ctx, 'a number');
    noExtraArgs(node, ctx, 1);
    const n = t === undefined ? undefined : readDecimalText(t, argLoc(node, 0), name, ctx, 0, 4294.967295, 6);
    if (n !== undefined) set(g, n * 1000);
  });

export const GARP_GROUP_TABLE = defineTable<GarpGroupDraft>('garp_group', [
  garpSecs('garp_interval', (g, ms) => (g.garpIntervalMs = ms)),
  garpSecs('gna_interval', (g, ms) => (g.gnaIntervalMs = ms)),
  stringKw<GarpGroupDraft>('interface', (g, v) => g.interfaces.push(v)),
  listKw<GarpGroupDraft>('interfaces', 'IF', (g, line) => g.interfaces.push(line.keyword, ...line.args.map((a) => a.text))),
]);

// ---- the table -------------------------------------------------------------------------

const NOT_YET: RowOpts = { runtime: 'not-yet' };
const STATIC_RUNTIME: RowOpts = { runtime: 'partly', runtimeNote: 'a line\'s `track_group` is not acted on; a deleted one is not restored when its interface comes back' };
const LINKBEAT_METHODS = ['MII', 'ETHTOOL', 'IOCTL'] as const;

const BLOCK_ROWS: KeywordDef<C>[] = [
  blockKw<C, GlobalDefsDraft>('global_defs', GLOBAL_DEFS_TABLE, (c) => c.globalDefs, () => undefined),
  blockKw<C, VrrpInstanceDraft>(
    'vrrp_instance',
    VRRP_INSTANCE_TABLE,
    (c, node, ctx) => openNamed('vrrp instance', node, ctx, c.instances, (name) => newInstanceDraft(name, node.loc)),
    (c, v) => c.instances.push(v),
  ),
  blockKw<C, VrrpSyncGroupDraft>(
    'vrrp_sync_group',
    VRRP_SYNC_GROUP_TABLE,
    (c, node, ctx) => openNamed('vrrp sync group', node, ctx, c.syncGroups, (name) => newSyncGroupDraft(name, node.loc)),
    (c, g) => c.syncGroups.push(g),
  ),
  listFieldKw<C, IpAddressSpec>('static_ipaddress', 'ADDRESS LINE', 'staticIpAddresses', (line, ctx) => parseAddressLine(line, 'static', ctx)),
];

const trackFile = blockKw<C, TrackFileDraft>(
  'track_file',
  TRACK_FILE_TABLE,
  (c, node, ctx) => openNamed('track_file', node, ctx, c.trackFiles, (name) => ({ name, loc: node.loc })),
  (c, f) => c.trackFiles.push(f),
);

const DAEMON_ROWS: KeywordDef<C>[] = [
  stringKw<C>('net_namespace', 'netNamespace', { runtime: 'partly', runtimeNote: 'the daemon enters the namespace (`-s` overrides it); pid file names, the syslog ident and /run/keepalived are not changed for it' }),
  wordsKw<C>('net_namespace_ipvs', '[NAME]', (c, node, ctx) => {
    noExtraArgs(node, ctx, 1);
    c.netNamespaceIpvs = argText(node, 0) ?? '';
  }, { field: 'netNamespaceIpvs', default: derived('main namespace'), ...NOT_YET }),
  flagKw<C>('namespace_with_ipsets', 'namespaceWithIpsets', NOT_YET),
  stringKw<C>('instance', 'instance', NOT_YET),
  flagKw<C>('use_pid_dir', 'usePidDir', NOT_YET),
  flagKw<C>('linkbeat_use_polling', 'linkbeatUsePolling', { ...NOT_YET, runtimeNote: 'link state always comes from netlink' }),
  timerKw<C>('child_wait_time', 0, 4294.967295, 6, 'childWaitTimeS', { default: 5 }),
  listKw<C>('linkbeat_interfaces', 'IF [MII|ETHTOOL|IOCTL]', (c, line, ctx) => {
    const m = argText(line, 0) ?? 'ETHTOOL';
    const method = LINKBEAT_METHODS.find((x) => x === m);
    if (method === undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `Unknown linkbeat type ${m} for interface ${line.keyword}`, argLoc(line, 0), { hint: 'MII|ETHTOOL|IOCTL' });
    else c.linkbeatInterfaces.push({ name: line.keyword, method });
  }, { field: 'linkbeatInterfaces', ...NOT_YET }),
  listKw<C>('interface_up_down_delays', 'IF DOWN_DELAY [UP_DELAY] (0..255 s)', (c, line, ctx) => {
    const d = argText(line, 0);
    if (d === undefined) {
      ctx.diags.error('KA_CFG_MISSING_ARG', `interface_up_down_delays ${line.keyword} requires a down delay`, line.loc);
      return;
    }
    const down = readDecimalText(d, argLoc(line, 0), 'down_delay', ctx, 0, 255, 6);
    const u = argText(line, 1);
    const up = u === undefined ? down : readDecimalText(u, argLoc(line, 1), 'up_delay', ctx, 0, 255, 6);
    if (down !== undefined && up !== undefined) c.interfaceUpDownDelays.push({ name: line.keyword, downDelayS: down, upDelayS: up });
  }, { field: 'interfaceUpDownDelays', ...NOT_YET }),
  blockKw<C, TrackGroupDraft>(
    'track_group',
    TRACK_GROUP_TABLE,
    (c, node, ctx) => openNamed('track_group', node, ctx, c.trackGroups, (name) => ({ name, loc: node.loc, members: [] })),
    (c, t) => c.trackGroups.push({ name: t.name, loc: t.loc, members: t.members }),
    { field: 'trackGroups', ...NOT_YET },
  ),
  listFieldKw<C, RouteSpec>('static_routes', 'ROUTE LINE', 'staticRoutes', (line, ctx) => parseRouteLine(line, ctx, 'static'), STATIC_RUNTIME),
  listFieldKw<C, RuleSpec>('static_rules', 'RULE LINE', 'staticRules', (line, ctx) => parseRuleLine(line, ctx, 'static'), STATIC_RUNTIME),
  trackFile,
  deprecatedKw('vrrp_track_file', trackFile),
  blockKw<C, VrrpScriptDraft>(
    'vrrp_script',
    VRRP_SCRIPT_TABLE,
    (c, node, ctx) => openNamed('vrrp_script', node, ctx, c.vrrpScripts, (name) => ({ name, loc: node.loc, locs: {} as LocMap })),
    (c, s) => c.vrrpScripts.push(s),
  ),
  blockKw<C, TrackProcessDraft>(
    'vrrp_track_process',
    TRACK_PROCESS_TABLE,
    (c, node, ctx) => openNamed('vrrp_track_process', node, ctx, c.trackProcesses, (name) => ({ name, loc: node.loc })),
    (c, p) => c.trackProcesses.push(p),
  ),
  blockKw<C, GarpGroupDraft>(
    'garp_group',
    GARP_GROUP_TABLE,
    (_c, node, ctx) => {
      noExtraArgs(node, ctx, 0);
      return { loc: node.loc, interfaces: [] };
    },
    (c, g) => c.garpGroups.push(g),
  ),
  blockKw<C, BfdDraft>(
    'bfd_instance',
    BFD_INSTANCE_TABLE,
    (c, node, ctx) => openNamed('BFD instance', node, ctx, c.bfdInstances, (name) => ({ name, loc: node.loc })),
    (c, b) => c.bfdInstances.push(b),
    NOT_YET,
  ),
];

export const TOP_LEVEL_TABLE = defineTable<C>('top level', [...BLOCK_ROWS, ...DAEMON_ROWS, ...LVS_TOP_LEVEL_ROWS]);
