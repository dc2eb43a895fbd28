/** Keyword table of the top level of keepalived.conf (reference §1a.0). */
import { newInstanceDraft, newSyncGroupDraft, type ConfigDraft, type GlobalDefsDraft, type SyncGroupDraft, type VrrpInstanceDraft } from '../draft.js';
import { parseAddressLine } from './address.js';
import { GLOBAL_DEFS_TABLE } from './global-defs.js';
import { openNamed, TOP_LEVEL_EXTRA_ROWS } from './top-level-extra.js';
import { blockKw, defineTable, listKw, type KeywordDef } from './table.js';
import { VRRP_INSTANCE_TABLE } from './vrrp-instance.js';
import { VRRP_SYNC_GROUP_TABLE } from './vrrp-sync-group.js';
import { LVS_TOP_LEVEL_ROWS } from './virtual-server.js';

type C = ConfigDraft;

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

export const TOP_LEVEL_TABLE = defineTable<C>('top level', [...SUPPORTED, ...TOP_LEVEL_EXTRA_ROWS, ...LVS_TOP_LEVEL_ROWS]);
