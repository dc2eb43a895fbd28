/** vrrp_sync_group trackers and options (reference §1a.6), spliced into VRRP_SYNC_GROUP_TABLE. */
import type { SyncGroupDraft } from '../draft.js';
import { argLoc, argText, readIntText } from './args.js';
import { boolKw, flagKw, listKw, type KeywordDef } from './table.js';
import { parseTrackerRef, TRACK_LIMITS, type TrackerRefLimits } from './trackers.js';

type S = SyncGroupDraft;

function trackList(name: string, key: 'trackScripts' | 'trackFiles' | 'trackProcesses' | 'trackBfds', lim: TrackerRefLimits): KeywordDef<S> {
  return listKw<S>(name, `NAME [weight N [reverse|noreverse]] (${lim.min}..${lim.max})`, (g, line, ctx) => {
    const ref = parseTrackerRef(g.name, line, lim, ctx);
    if (ref) g.x[key].push(ref);
  });
}

export const VRRP_SYNC_GROUP_EXTRA_ROWS: readonly KeywordDef<S>[] = [
  listKw<S>('track_interface', 'IF [weight N [reverse]] (-253..253)', (g, line, ctx) => {
    let weight = 0;
    let reverse = false;
    if (argText(line, 0) === 'weight') {
      const t = argText(line, 1);
      const n = t === undefined ? undefined : readIntText(t, argLoc(line, 1), 'weight', ctx, -253, 253);
      if (n === undefined) return;
      weight = n;
      reverse = argText(line, 2) === 'reverse';
    }
    g.x.trackInterfaces.push({ name: line.keyword, weight, reverse });
  }),
  trackList('track_script', 'trackScripts', TRACK_LIMITS.script),
  trackList('track_file', 'trackFiles', TRACK_LIMITS.file),
  trackList('track_process', 'trackProcesses', TRACK_LIMITS.process),
  trackList('track_bfd', 'trackBfds', TRACK_LIMITS.bfd),
  boolKw<S>('notify_priority_changes', (g, b) => (g.x.notifyPriorityChanges = b), { default: 'global' }),
  flagKw<S>('global_tracking', (g, node, ctx) => {
    ctx.diags.warn('KA_CFG_DEPRECATED', `(${g.name}) global_tracking is deprecated. Use track_interface/script/file/bfd/process in the sync group and sync_group_tracking_weight`, node.loc);
    g.x.globalTracking = true;
  }),
  flagKw<S>('sync_group_tracking_weight', (g) => (g.x.syncGroupTrackingWeight = true), { default: 'off' }),
];
