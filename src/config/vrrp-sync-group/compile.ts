/**
 * vrrp_sync_group compiler: members checked against the compiled instances (unknown,
 * repeated or already grouped ones dropped with keepalived's messages), then, once the
 * tracker blocks are compiled, the group's `track_*` lines resolved. Pure.
 */
import type { DiagSink } from '../diagnostics.js';
import { plainFields } from '../keywords/table.js';
import { resolveTrackerRefs, type Trackers } from '../trackers/compile.js';
import type { TrackerRefs } from '../trackers/model.js';
import { VRRP_SYNC_GROUP_TABLE, type VrrpSyncGroupDraft } from './keywords.js';
import type { VrrpSyncGroupConfig } from './model.js';

/** A group after the first pass: members checked, trackers not resolved yet. */
export type SyncGroupCore = Omit<VrrpSyncGroupConfig, keyof TrackerRefs>;

export function compileSyncGroups(groups: readonly VrrpSyncGroupDraft[], instanceNames: ReadonlySet<string>, diags: DiagSink): SyncGroupCore[] {
  const owner = new Map<string, string>();
  const out: SyncGroupCore[] = [];
  for (const g of groups) {
    const members: string[] = [];
    for (const m of g.members) {
      if (!instanceNames.has(m.name)) {
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
    const plain = plainFields<Omit<SyncGroupCore, 'name' | 'loc' | 'members' | 'notify'>>(VRRP_SYNC_GROUP_TABLE, g);
    out.push({ ...plain, name: g.name, loc: g.loc, members, notify: g.notify });
  }
  return out;
}

export const finishSyncGroup = (c: SyncGroupCore, d: VrrpSyncGroupDraft, trackers: Trackers, diags: DiagSink): VrrpSyncGroupConfig => ({
  ...c,
  ...resolveTrackerRefs(d.name, d, trackers, null, diags),
});
