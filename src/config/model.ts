/**
 * The typed, read-only configuration model: what the config compiler produces from a
 * keepalived.conf and what every subsystem consumes. Plain data only (it crosses the
 * parent→child IPC boundary), so no classes, Maps or functions; units are in the names.
 * Each block's model sits beside its keyword table (global-defs/, vrrp-instance/,
 * vrrp-sync-group/, trackers/, ip-lines/, lvs/); this module is the root and the one
 * import subsystems need.
 */
import type { IpAddressSpec, SourceLoc } from './common.js';
import type { GlobalDefs } from './global-defs/model.js';
import type { RouteSpec, RuleSpec } from './ip-lines/model.js';
import type { SslConfig, VirtualServerConfig, VirtualServerGroupConfig } from './lvs/model.js';
import type { BfdInstanceConfig, TrackFileConfig, TrackProcessConfig, VrrpScriptConfig } from './trackers/model.js';
import type { VrrpInstanceConfig } from './vrrp-instance/model.js';
import type { VrrpSyncGroupConfig } from './vrrp-sync-group/model.js';

export type { AddressScope, IpAddressSpec, NotifyScripts, ScriptSpec, SourceLoc, TrackInterfaceSpec } from './common.js';
export type { GarpSettings, GlobalDefs, LvsSyncDaemonSpec, ProcessSettings, VrrpTuning } from './global-defs/model.js';
export type { NexthopSpec, RouteMetric, RouteSpec, RouteType, RuleAction, RuleSpec } from './ip-lines/model.js';
export type * from './lvs/model.js';
export type { BfdInstanceConfig, ParamMatch, TrackerRef, TrackerRefs, TrackFileConfig, TrackProcessConfig, VrrpScriptConfig } from './trackers/model.js';
export type { AuthHmacSpec, AuthSpec, IpvlanSpec, UnicastPeerSpec, VmacSpec, VrrpInstanceConfig, VrrpStateName } from './vrrp-instance/model.js';
export type { VrrpSyncGroupConfig } from './vrrp-sync-group/model.js';
export { DEFAULT_GARP } from './global-defs/compile.js';

export interface LinkbeatInterface {
  readonly name: string;
  readonly method: 'MII' | 'ETHTOOL' | 'IOCTL';
}

export interface InterfaceDelay {
  readonly name: string;
  readonly downDelayS: number;
  readonly upDelayS: number;
}

/** `track_group NAME { group { INSTANCE … } }`: instances a route or rule line can follow. */
export interface TrackGroupConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly members: readonly string[];
}

export interface GarpGroupConfig {
  readonly loc: SourceLoc;
  readonly garpIntervalMs?: number;
  readonly gnaIntervalMs?: number;
  readonly interfaces: readonly string[];
}

export interface KeepalivedConfig {
  readonly globalDefs: GlobalDefs;
  readonly vrrpInstances: readonly VrrpInstanceConfig[];
  readonly vrrpSyncGroups: readonly VrrpSyncGroupConfig[];
  readonly staticIpAddresses: readonly IpAddressSpec[];
  readonly staticRoutes: readonly RouteSpec[];
  readonly staticRules: readonly RuleSpec[];
  // Daemon-wide top-level keywords.
  readonly netNamespace?: string;
  readonly netNamespaceIpvs?: string;
  readonly namespaceWithIpsets: boolean;
  readonly instance?: string;
  readonly usePidDir: boolean;
  readonly linkbeatUsePolling: boolean;
  readonly childWaitTimeS: number;
  readonly linkbeatInterfaces: readonly LinkbeatInterface[];
  readonly interfaceUpDownDelays: readonly InterfaceDelay[];
  readonly trackGroups: readonly TrackGroupConfig[];
  readonly garpGroups: readonly GarpGroupConfig[];
  // Tracker blocks, referenced by name from instances and sync groups.
  readonly vrrpScripts: readonly VrrpScriptConfig[];
  readonly trackFiles: readonly TrackFileConfig[];
  readonly trackProcesses: readonly TrackProcessConfig[];
  readonly bfdInstances: readonly BfdInstanceConfig[];
  /** LVS: virtual servers with their real servers and resolved checkers. */
  readonly virtualServers: readonly VirtualServerConfig[];
  /** Referenced by `virtual_server group NAME`; ranges kept as ranges (lvs/services.ts expands them). */
  readonly virtualServerGroups: readonly VirtualServerGroupConfig[];
  /** Top-level `SSL { }` for SSL_GET; absent = auto-generated client context. */
  readonly ssl?: SslConfig;
  /** Files read, in order (for reload and diagnostics). */
  readonly files: readonly string[];
}
