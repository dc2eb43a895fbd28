/** Keyword table of `vrrp_sync_group NAME { }` (reference §1a.6). */
import type { SyncGroupDraft } from '../draft.js';
import { boolKw, defineTable, listKw, notifyKws, recordingLocs, type KeywordDef } from './table.js';
import { VRRP_SYNC_GROUP_EXTRA_ROWS } from './vrrp-sync-group-extra.js';

type S = SyncGroupDraft;

const SUPPORTED: KeywordDef<S>[] = [
  listKw<S>('group', 'VRRP_INSTANCE_NAME', (g, line) => {
    g.members.push({ name: line.keyword, loc: line.loc });
    line.args.forEach((t, i) => g.members.push({ name: t.text, loc: line.argLocs[i] ?? line.loc }));
  }),
  ...notifyKws<S>([
    ['notify_master', 'master'],
    ['notify_backup', 'backup'],
    ['notify_fault', 'fault'],
    ['notify_stop', 'stop'],
    ['notify', 'generic'],
  ]),
  boolKw<S>('smtp_alert', (g, b) => (g.smtpAlert = b), { default: 'global smtp_alert' }),
];

export const VRRP_SYNC_GROUP_TABLE = defineTable<S>('vrrp_sync_group', [...recordingLocs(SUPPORTED), ...VRRP_SYNC_GROUP_EXTRA_ROWS]);
