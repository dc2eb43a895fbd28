/**
 * Keyword table of `vrrp_sync_group NAME { }` (keepalived.conf(5)). The VRRP child moves the
 * members together and runs the group's notifications (src/vrrp/sync-group.ts); the group's
 * trackers and priority-change lines are not acted on yet.
 */
import type { Draft, LocMap, NotifyScripts, SourceLoc } from '../common.js';
import { boolKw, defineTable, derived, flagKw, listKw, notifyKws, recordingLocs, type KeywordDef } from '../keywords/table.js';
import { trackInterfaceRow, trackRefRows } from '../trackers/keywords.js';
import { NOTIFY_RUNTIME } from '../vrrp-instance/keywords.js';
import type { VrrpSyncGroupConfig } from './model.js';

export interface SyncGroupMember {
  readonly name: string;
  readonly loc: SourceLoc;
}

export type VrrpSyncGroupDraft = Omit<Draft<VrrpSyncGroupConfig>, 'name' | 'loc' | 'members' | 'notify'> & {
  readonly name: string;
  readonly loc: SourceLoc;
  locs: LocMap;
  /** As written, with locations; the compiler keeps the existing, unique ones. */
  members: SyncGroupMember[];
  notify: Draft<NotifyScripts>;
};

export const newSyncGroupDraft = (name: string, loc: SourceLoc): VrrpSyncGroupDraft => ({ name, loc, locs: {}, members: [], notify: {} });

type S = VrrpSyncGroupDraft;

const ROWS: KeywordDef<S>[] = [
  listKw<S>('group', 'VRRP_INSTANCE_NAME', (g, line) => {
    g.members.push({ name: line.keyword, loc: line.loc });
    line.args.forEach((t, i) => g.members.push({ name: t.text, loc: line.argLocs[i] ?? line.loc }));
  }, { runtime: 'acts' }),
  ...notifyKws<S>(
    [
      ['notify_master', 'master'],
      ['notify_backup', 'backup'],
      ['notify_fault', 'fault'],
      ['notify_stop', 'stop'],
      ['notify', 'generic'],
    ],
    NOTIFY_RUNTIME,
  ),
  boolKw<S>('smtp_alert', 'smtpAlert', { default: false, runtime: 'acts' }),
  trackInterfaceRow(false, {}),
  ...trackRefRows(false),
  boolKw<S>('notify_priority_changes', 'notifyPriorityChanges', { default: derived('vrrp_notify_priority_changes') }),
  flagKw<S>('global_tracking', (g, node, ctx) => {
    ctx.diags.warn('KA_CFG_DEPRECATED', `(${g.name}) global_tracking is deprecated. Use track_interface/script/file/bfd/process in the sync group and sync_group_tracking_weight`, node.loc);
    g.globalTracking = true;
  }, { field: 'globalTracking' }),
  flagKw<S>('sync_group_tracking_weight', 'syncGroupTrackingWeight'),
];

export const VRRP_SYNC_GROUP_TABLE = defineTable<S>('vrrp_sync_group', recordingLocs(ROWS), 'not-yet');
