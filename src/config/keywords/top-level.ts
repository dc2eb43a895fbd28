/** Keyword table of the top level of keepalived.conf (reference §1a.0). */
import { newInstanceDraft, newSyncGroupDraft, type ConfigDraft, type GlobalDefsDraft, type SyncGroupDraft, type VrrpInstanceDraft } from '../draft.js';
import type { ConfigNode } from '../tree.js';
import { noExtraArgs, requireArg } from './args.js';
import { parseAddressLine } from './address.js';
import { GLOBAL_DEFS_TABLE } from './global-defs.js';
import { blockKw, defineTable, listKw, unsupportedKw, type KeywordDef, type ParseCtx } from './table.js';
import { VRRP_INSTANCE_TABLE } from './vrrp-instance.js';
import { VRRP_SYNC_GROUP_TABLE } from './vrrp-sync-group.js';
import { LVS_TOP_LEVEL_ROWS } from './virtual-server.js';

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

/** Opens `KIND NAME {`: the name is required and unique among `existing`. */
function openNamed<T>(kind: string, node: ConfigNode, ctx: ParseCtx, existing: readonly { name: string }[], make: (name: string) => T): T | undefined {
  const name = requireArg(node, ctx, 'a name');
  noExtraArgs(node, ctx, 1);
  if (name === undefined) return undefined;
  if (alreadyDefined(existing, name)) {
    ctx.diags.error('KA_CFG_DUPLICATE', `${kind} ${name} already defined`, node.argLocs[0] ?? node.loc, { hint: 'the second definition is ignored' });
    return undefined;
  }
  return make(name);
}

const SUPPORTED: KeywordDef<C>[] = [
  blockKw<C, GlobalDefsDraft>(
    'global_defs',
    GLOBAL_DEFS_TABLE,
    (c) => c.globalDefs,
    () => undefined,
  ),
  blockKw<C, VrrpInstanceDraft>(
    'vrrp_instance',
    VRRP_INSTANCE_TABLE,
    (c, node, ctx) => openNamed('vrrp instance', node, ctx, c.instances, (name) => newInstanceDraft(name, node.loc)),
    (c, v) => c.instances.push(v),
  ),
  blockKw<C, SyncGroupDraft>(
    'vrrp_sync_group',
    VRRP_SYNC_GROUP_TABLE,
    (c, node, ctx) => openNamed('vrrp sync group', node, ctx, c.syncGroups, (name) => newSyncGroupDraft(name, node.loc)),
    (c, g) => c.syncGroups.push(g),
  ),
  listKw<C>('static_ipaddress', 'ADDRESS LINE', (c, line, ctx) => {
    const a = parseAddressLine(line, 'static', ctx);
    if (a) c.staticIpAddresses.push(a);
  }),
];

const NOT_YET = `net_namespace net_namespace_ipvs namespace_with_ipsets instance use_pid_dir linkbeat_use_polling child_wait_time
linkbeat_interfaces interface_up_down_delays track_group static_routes static_rules track_file vrrp_track_file vrrp_script
vrrp_track_process garp_group bfd_instance`
  .split(/\s+/)
  .map((n) => unsupportedKw<C>(n));

export const TOP_LEVEL_TABLE = defineTable<C>('top level', [...SUPPORTED, ...LVS_TOP_LEVEL_ROWS, ...NOT_YET]);
