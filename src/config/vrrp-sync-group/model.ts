/** Model of `vrrp_sync_group NAME { }` (keepalived.conf(5)): member instances, notify scripts, trackers. */
import type { NotifyScripts, SourceLoc, TrackInterfaceSpec } from '../common.js';
import type { TrackerRefs } from '../trackers/model.js';

export interface VrrpSyncGroupConfig extends TrackerRefs {
  readonly name: string;
  readonly loc: SourceLoc;
  /** Existing instances, each in one group only. */
  readonly members: readonly string[];
  readonly notify: NotifyScripts;
  readonly smtpAlert: boolean;
  readonly trackInterfaces: readonly TrackInterfaceSpec[];
  readonly notifyPriorityChanges?: boolean;
  readonly globalTracking: boolean;
  readonly syncGroupTrackingWeight: boolean;
}
