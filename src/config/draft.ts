/**
 * Builders the keyword handlers write into: everything optional, exactly what the file
 * said, with the location of each keyword. The compiler (compile*.ts) turns drafts into
 * the read-only model, applying keepalived's defaults and cross-keyword rules.
 */
import type { GarpSettings, UnicastPeerSpec, VrrpStateName } from './model.js';
import type { IpAddressSpec, NotifyScripts, ScriptSpec, SourceLoc, TrackInterfaceSpec } from './common.js';
import {
  newInstanceExtraDraft,
  newSyncGroupExtraDraft,
  newTopExtraDraft,
  type GlobalExtraDraft,
  type InstanceExtraDraft,
  type SyncGroupExtraDraft,
  type TopExtraDraft,
} from './draft-vrrp-extra.js';

import { newLvsDraft, type LvsDraft } from './draft-lvs.js';

export type Draft<T> = { -readonly [K in keyof T]?: T[K] };

/** Where each keyword was last seen, for diagnostics raised after parsing. */
export type LocMap = Record<string, SourceLoc>;

/** VRRP tuning set in global_defs (`vrrp_…`) and overridable per instance. */
export interface VrrpTuningDraft {
  garp: Draft<GarpSettings>;
  downTimerAdverts?: number;
  lowerPrioNoAdvert?: boolean;
  higherPrioSendAdvert?: boolean;
  skipCheckAdvAddr?: boolean;
  checkUnicastSrc?: boolean;
}

export interface GlobalDefsDraft extends VrrpTuningDraft {
  locs: LocMap;
  routerId?: string;
  vrrpVersion?: 2 | 3;
  mcastGroup4?: string;
  mcastGroup6?: string;
  vrrpStrict?: boolean;
  notificationEmail: string[];
  notificationEmailFrom?: string;
  smtpServer?: { host: string; port: number };
  smtpConnectTimeoutMs?: number;
  smtpAlert?: boolean;
  enableScriptSecurity?: boolean;
  scriptUser?: string;
  scriptGroup?: string;
  defaultInterface?: string;
  vrrpStartupDelayMs?: number;
  notifyFifo?: ScriptSpec;
  vrrpNotifyFifo?: ScriptSpec;
  statusHttp?: string;
  /** The rest of global_defs (draft-vrrp-extra.ts). */
  x: GlobalExtraDraft;
}

export interface VrrpInstanceDraft extends VrrpTuningDraft {
  readonly name: string;
  readonly loc: SourceLoc;
  locs: LocMap;
  state?: VrrpStateName;
  /** `state` was given but not valid (keepalived then uses BACKUP). */
  badState?: boolean;
  interface?: string;
  vrid?: number;
  priority?: number;
  advertIntSec?: number;
  version?: 2 | 3;
  vips: IpAddressSpec[];
  excludedVips: IpAddressSpec[];
  authType?: 'PASS' | 'AH';
  authPass?: string;
  mcastSrcIp?: string;
  mcastDstIp?: string;
  unicastSrcIp?: string;
  unicastPeers: UnicastPeerSpec[];
  unicastTtl?: number;
  trackInterfaces: TrackInterfaceSpec[];
  dontTrackPrimary: boolean;
  nopreempt: boolean;
  preemptDelayMs?: number;
  accept?: boolean;
  strict?: boolean;
  notify: Draft<NotifyScripts>;
  smtpAlert?: boolean;
  /** Trackers, routes, VMAC and the other keywords of draft-vrrp-extra.ts. */
  x: InstanceExtraDraft;
}

export interface SyncGroupMember {
  readonly name: string;
  readonly loc: SourceLoc;
}

export interface SyncGroupDraft {
  readonly name: string;
  readonly loc: SourceLoc;
  locs: LocMap;
  members: SyncGroupMember[];
  notify: Draft<NotifyScripts>;
  smtpAlert?: boolean;
  x: SyncGroupExtraDraft;
}

export interface ConfigDraft {
  globalDefs: GlobalDefsDraft;
  /** global_defs may appear more than once; keepalived merges them. */
  instances: VrrpInstanceDraft[];
  syncGroups: SyncGroupDraft[];
  staticIpAddresses: IpAddressSpec[];
  /** Top-level trackers, static routes/rules, … (draft-vrrp-extra.ts). */
  x: TopExtraDraft;
  /** virtual_server(_group), SSL (draft-lvs.ts). */
  lvs: LvsDraft;
}

export function newConfigDraft(): ConfigDraft {
  return { globalDefs: { locs: {}, garp: {}, notificationEmail: [], x: {} }, instances: [], syncGroups: [], staticIpAddresses: [], x: newTopExtraDraft(), lvs: newLvsDraft() };
}

export function newInstanceDraft(name: string, loc: SourceLoc): VrrpInstanceDraft {
  return {
    name,
    loc,
    locs: {},
    vips: [],
    excludedVips: [],
    unicastPeers: [],
    trackInterfaces: [],
    dontTrackPrimary: false,
    nopreempt: false,
    garp: {},
    notify: {},
    x: newInstanceExtraDraft(),
  };
}

export function newSyncGroupDraft(name: string, loc: SourceLoc): SyncGroupDraft {
  return { name, loc, locs: {}, members: [], notify: {}, x: newSyncGroupExtraDraft() };
}
