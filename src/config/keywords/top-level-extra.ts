/**
 * Top-level VRRP-side keywords and blocks (reference §1a.0): namespaces and pid naming,
 * link-beat polling, interface delays, track groups, static routes/rules, the tracker
 * blocks, garp_group and bfd_instance. Spliced into TOP_LEVEL_TABLE; values land in the
 * config draft's `x`.
 */
import type { ConfigDraft } from '../draft.js';
import type { BfdDraft, GarpGroupDraft, TrackFileDraft, TrackProcessDraft, VrrpScriptDraft } from '../draft-vrrp-extra.js';
import type { TrackGroupConfig } from '../model-vrrp-extra.js';
import type { ConfigNode } from '../source/tree.js';
import { argLoc, argText, noExtraArgs, readDecimalText, requireArg } from './args.js';
import { deprecatedKw } from './deprecated.js';
import { parseRouteLine, parseRuleLine } from './route-rule.js';
import { blockKw, defineTable, flagKw, type KeywordDef, listKw, stringKw, timerKw, wordsKw } from './table.js';
import { type ParseCtx } from '../diagnostics.js';
import { BFD_INSTANCE_TABLE, GARP_GROUP_TABLE, TRACK_FILE_TABLE, TRACK_PROCESS_TABLE, VRRP_SCRIPT_TABLE } from './trackers.js';

type C = ConfigDraft;

/** `KIND NAME {`: the name is required and unique among `existing` (a second one is ignored). */
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

export function openNamed<T>(kind: string, node: ConfigNode, ctx: ParseCtx, existing: readonly { name: string }[], make: (name: string) => T): T | undefined {
  const name = requireArg(node, ctx, 'a name');
  noExtraArgs(node, ctx, 1);
  if (name === undefined) return undefined;
  if (alreadyDefined(existing, name)) {
    ctx.diags.error('KA_CFG_DUPLICATE', `${kind} ${name} already defined`, argLoc(node, 0), { hint: 'the second definition is ignored' });
    return undefined;
  }
  return make(name);
}

interface TrackGroupDraft {
  members: string[];
}

export const TRACK_GROUP_TABLE = defineTable<TrackGroupDraft>('track_group', [
  listKw<TrackGroupDraft>('group', 'VRRP_INSTANCE_NAME', (t, line) => t.members.push(line.keyword, ...line.args.map((a) => a.text))),
]);

const trackFile = blockKw<C, TrackFileDraft>(
  'track_file',
  TRACK_FILE_TABLE,
  (c, node, ctx) => openNamed('track_file', node, ctx, c.x.trackFiles, (name) => ({ name, loc: node.loc })),
  (c, f) => c.x.trackFiles.push(f),
);

const LINKBEAT_METHODS = ['MII', 'ETHTOOL', 'IOCTL'] as const;

export const TOP_LEVEL_EXTRA_ROWS: readonly KeywordDef<C>[] = [
  stringKw<C>('net_namespace', (c, v) => (c.x.netNamespace = v)),
  wordsKw<C>('net_namespace_ipvs', '[NAME]', (c, node, ctx) => {
    noExtraArgs(node, ctx, 1);
    c.x.netNamespaceIpvs = argText(node, 0) ?? '';
  }, { default: 'main namespace' }),
  flagKw<C>('namespace_with_ipsets', (c) => (c.x.namespaceWithIpsets = true), { default: 'off' }),
  stringKw<C>('instance', (c, v) => (c.x.instance = v)),
  flagKw<C>('use_pid_dir', (c) => (c.x.usePidDir = true), { default: 'off' }),
  flagKw<C>('linkbeat_use_polling', (c) => (c.x.linkbeatUsePolling = true), { default: 'netlink' }),
  timerKw<C>('child_wait_time', 0, 4294.967295, 6, (c, v) => (c.x.childWaitTimeS = v), { default: '5' }),
  listKw<C>('linkbeat_interfaces', 'IF [MII|ETHTOOL|IOCTL]', (c, line, ctx) => {
    const m = argText(line, 0) ?? 'ETHTOOL';
    const method = LINKBEAT_METHODS.find((x) => x === m);
    if (method === undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `Unknown linkbeat type ${m} for interface ${line.keyword}`, argLoc(line, 0), { hint: 'MII|ETHTOOL|IOCTL' });
    else c.x.linkbeatInterfaces.push({ name: line.keyword, method });
  }),
  listKw<C>('interface_up_down_delays', 'IF DOWN_DELAY [UP_DELAY] (0..255 s)', (c, line, ctx) => {
    const d = argText(line, 0);
    if (d === undefined) {
      ctx.diags.error('KA_CFG_MISSING_ARG', `interface_up_down_delays ${line.keyword} requires a down delay`, line.loc);
      return;
    }
    const down = readDecimalText(d, argLoc(line, 0), 'down_delay', ctx, 0, 255, 6);
    const u = argText(line, 1);
    const up = u === undefined ? down : readDecimalText(u, argLoc(line, 1), 'up_delay', ctx, 0, 255, 6);
    if (down !== undefined && up !== undefined) c.x.interfaceUpDownDelays.push({ name: line.keyword, downDelayS: down, upDelayS: up });
  }),
  blockKw<C, TrackGroupDraft & { name: string; loc: TrackGroupConfig['loc'] }>(
    'track_group',
    TRACK_GROUP_TABLE as never,
    (c, node, ctx) => openNamed('track_group', node, ctx, c.x.trackGroups, (name) => ({ name, loc: node.loc, members: [] })),
    (c, t) => c.x.trackGroups.push({ name: t.name, loc: t.loc, members: t.members }),
  ),
  listKw<C>('static_routes', 'ROUTE LINE', (c, line, ctx) => {
    const r = parseRouteLine(line, ctx);
    if (r) c.x.staticRoutes.push(r);
  }),
  listKw<C>('static_rules', 'RULE LINE', (c, line, ctx) => {
    const r = parseRuleLine(line, ctx);
    if (r) c.x.staticRules.push(r);
  }),
  trackFile,
  deprecatedKw('vrrp_track_file', trackFile),
  blockKw<C, VrrpScriptDraft>(
    'vrrp_script',
    VRRP_SCRIPT_TABLE,
    (c, node, ctx) => openNamed('vrrp_script', node, ctx, c.x.vrrpScripts, (name) => ({ name, loc: node.loc, locs: {} })),
    (c, s) => c.x.vrrpScripts.push(s),
  ),
  blockKw<C, TrackProcessDraft>(
    'vrrp_track_process',
    TRACK_PROCESS_TABLE,
    (c, node, ctx) => openNamed('vrrp_track_process', node, ctx, c.x.trackProcesses, (name) => ({ name, loc: node.loc })),
    (c, p) => c.x.trackProcesses.push(p),
  ),
  blockKw<C, GarpGroupDraft>(
    'garp_group',
    GARP_GROUP_TABLE,
    (_c, node, ctx) => {
      noExtraArgs(node, ctx, 0);
      return { loc: node.loc, interfaces: [] };
    },
    (c, g) => c.x.garpGroups.push(g),
  ),
  blockKw<C, BfdDraft>(
    'bfd_instance',
    BFD_INSTANCE_TABLE,
    (c, node, ctx) => openNamed('BFD instance', node, ctx, c.x.bfdInstances, (name) => ({ name, loc: node.loc })),
    (c, b) => c.x.bfdInstances.push(b),
  ),
];
