/** Prints a vrrp_sync_group back in keepalived syntax for the dump (`-d`). */
import { printEntries, type PrintEntry } from '../keywords/table.js';
import { block, notifyLines } from '../print-format.js';
import { trackerRefLines, trackInterfaceLines } from '../trackers/print.js';
import { VRRP_SYNC_GROUP_TABLE } from './keywords.js';
import type { VrrpSyncGroupConfig } from './model.js';

const ENTRIES: readonly PrintEntry<VrrpSyncGroupConfig>[] = [
  ['group', (g) => block('group', g.members)],
  [['notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify'], (g) => notifyLines(g.notify)],
  ['smtp_alert', (g) => [`smtp_alert ${g.smtpAlert}`]],
  ['track_interface', (g) => trackInterfaceLines(g.trackInterfaces)],
  [['track_script', 'track_file', 'track_process', 'track_bfd'], trackerRefLines],
  ['notify_priority_changes', (g) => (g.notifyPriorityChanges !== undefined ? [`notify_priority_changes ${g.notifyPriorityChanges}`] : [])],
  ['global_tracking', (g) => (g.globalTracking ? ['global_tracking'] : [])],
  ['sync_group_tracking_weight', (g) => (g.syncGroupTrackingWeight ? ['sync_group_tracking_weight'] : [])],
];

export const printSyncGroup = (g: VrrpSyncGroupConfig): string[] => block(`vrrp_sync_group ${g.name}`, printEntries(VRRP_SYNC_GROUP_TABLE, g, ENTRIES));
