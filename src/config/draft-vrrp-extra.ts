/**
 * Builders for the VRRP-side keywords of model-vrrp-extra.ts / model-global-extra.ts:
 * what the file said, with locations; compile-vrrp-extra.ts applies defaults and checks.
 */
import type { Draft, LocMap } from './common.js';
import type { GlobalDefsExtra } from './model-global-extra.js';
import type { ScriptSpec, SourceLoc, TrackInterfaceSpec } from './common.js';
import type {
  AuthHmacSpec,
  BfdInstanceConfig,
  GarpGroupConfig,
  InterfaceDelay,
  IpvlanSpec,
  LinkbeatInterface,
  RouteSpec,
  RuleSpec,
  TrackerRef,
  TrackFileConfig,
  TrackGroupConfig,
  TrackProcessConfig,
  VmacSpec,
  VrrpInstanceExtra,
  VrrpScriptConfig,
} from './model-vrrp-extra.js';

export type GlobalExtraDraft = Draft<GlobalDefsExtra>;

/** A rule before its preference is known (assigned at compile time, in file order). */
export type RuleDraft = RuleSpec;

export interface TrackerLists {
  trackScripts: TrackerRef[];
  trackFiles: TrackerRef[];
  trackProcesses: TrackerRef[];
  trackBfds: TrackerRef[];
}

type Scalars = Omit<VrrpInstanceExtra, keyof TrackerLists | 'virtualRoutes' | 'virtualRules'>;

export interface InstanceExtraDraft extends TrackerLists, Draft<Scalars> {
  virtualRoutes: RouteSpec[];
  virtualRules: RuleDraft[];
}

export interface SyncGroupExtraDraft extends TrackerLists {
  trackInterfaces: TrackInterfaceSpec[];
  notifyPriorityChanges?: boolean;
  globalTracking?: boolean;
  syncGroupTrackingWeight?: boolean;
}

export interface VrrpScriptDraft extends Draft<Omit<VrrpScriptConfig, 'name' | 'loc' | 'script'>> {
  readonly name: string;
  readonly loc: SourceLoc;
  locs: LocMap;
  script?: ScriptSpec;
  /** `user USER [GROUP]` inside the block. */
  user?: { user: string; group?: string };
}

export interface TrackFileDraft extends Draft<Omit<TrackFileConfig, 'name' | 'loc'>> {
  readonly name: string;
  readonly loc: SourceLoc;
}

export interface TrackProcessDraft extends Draft<Omit<TrackProcessConfig, 'name' | 'loc'>> {
  readonly name: string;
  readonly loc: SourceLoc;
}

export interface BfdDraft extends Draft<Omit<BfdInstanceConfig, 'name' | 'loc'>> {
  readonly name: string;
  readonly loc: SourceLoc;
  ttlFamily?: 4 | 6;
}

export type GarpGroupDraft = Draft<Omit<GarpGroupConfig, 'interfaces' | 'loc'>> & { readonly loc: SourceLoc; interfaces: string[] };

export interface TopExtraDraft {
  netNamespace?: string;
  netNamespaceIpvs?: string;
  namespaceWithIpsets?: boolean;
  instance?: string;
  usePidDir?: boolean;
  linkbeatUsePolling?: boolean;
  childWaitTimeS?: number;
  linkbeatInterfaces: LinkbeatInterface[];
  interfaceUpDownDelays: InterfaceDelay[];
  trackGroups: TrackGroupConfig[];
  staticRoutes: RouteSpec[];
  staticRules: RuleDraft[];
  vrrpScripts: VrrpScriptDraft[];
  trackFiles: TrackFileDraft[];
  trackProcesses: TrackProcessDraft[];
  garpGroups: GarpGroupDraft[];
  bfdInstances: BfdDraft[];
}

export type { AuthHmacSpec, IpvlanSpec, VmacSpec };

const lists = (): TrackerLists => ({ trackScripts: [], trackFiles: [], trackProcesses: [], trackBfds: [] });

export function newInstanceExtraDraft(): InstanceExtraDraft {
  return { ...lists(), virtualRoutes: [], virtualRules: [] };
}

export function newSyncGroupExtraDraft(): SyncGroupExtraDraft {
  return { ...lists(), trackInterfaces: [] };
}

export function newTopExtraDraft(): TopExtraDraft {
  return {
    linkbeatInterfaces: [],
    interfaceUpDownDelays: [],
    trackGroups: [],
    staticRoutes: [],
    staticRules: [],
    vrrpScripts: [],
    trackFiles: [],
    trackProcesses: [],
    garpGroups: [],
    bfdInstances: [],
  };
}
