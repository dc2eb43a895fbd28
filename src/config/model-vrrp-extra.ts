/**
 * Model of the VRRP-side keywords beyond the daemon's core (reference §1a.0–§1a.8, §1a.13):
 * trackers (vrrp_script, track_file, vrrp_track_process, bfd_instance), routes and rules,
 * garp_group, VMAC/ipvlan, the rest of global_defs. Read-only plain data like model.ts;
 * hung off the core model through optional `extra` fields so existing consumers are unaffected.
 */
import type { Family } from '../core/ip.js';
import type { ScriptSpec, SourceLoc, TrackInterfaceSpec } from './common.js';

/** A `track_script`/`track_file`/`track_process`/`track_bfd` line inside an instance or sync group. */
export interface TrackerRef {
  readonly name: string;
  /** Explicit weight on the line; undefined = the tracker's own weight. */
  readonly weight?: number;
  /** `reverse`/`noreverse` on the line; undefined = the tracker's own. */
  readonly reverse?: boolean;
  readonly loc: SourceLoc;
}

export interface VrrpScriptConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly script: ScriptSpec;
  readonly intervalMs: number; // default 1 s
  /** Default = interval; `timeout 0` is reset to 1 s like keepalived. */
  readonly timeoutMs: number;
  readonly weight: number; // -253..253, default 0
  readonly reverse: boolean;
  readonly rise: number; // default 1
  readonly fall: number; // default 1
  readonly initFail: boolean;
}

export interface TrackFileConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly path: string;
  readonly weight: number; // default 1
  readonly reverse: boolean;
  readonly initFile?: { readonly value: number; readonly overwrite: boolean };
}

export type ParamMatch = 'exact' | 'initial' | 'partial';

export interface TrackProcessConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly process: string;
  /** Parameters to match (empty = any). */
  readonly params: readonly string[];
  readonly paramMatch: ParamMatch;
  readonly weight: number; // -254..254, default 0
  readonly reverse: boolean;
  readonly quorum: number; // default 1
  readonly quorumMax: number; // default unlimited (4294967295)
  readonly forkDelayMs: number;
  readonly terminateDelayMs: number;
  readonly fullCommand: boolean;
}

export interface BfdInstanceConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly neighborIp: string;
  readonly sourceIp?: string;
  readonly minRxMs: number; // 10
  readonly minTxMs: number; // 10
  readonly idleTxMs: number; // 1000
  readonly multiplier: number; // 5
  readonly passive: boolean;
  /** `ttl` (IPv4) / `hoplimit` (IPv6): default 255 / 64. */
  readonly ttl: number;
  readonly maxHops: number; // 0
  readonly multihop: boolean;
  readonly weight: number;
  readonly reverse: boolean;
  /** `vrrp` / `checker`: send events only to that process; both false = both. */
  readonly vrrpOnly: boolean;
  readonly checkerOnly: boolean;
}

export interface GarpGroupConfig {
  readonly loc: SourceLoc;
  readonly garpIntervalMs?: number;
  readonly gnaIntervalMs?: number;
  readonly interfaces: readonly string[];
}

export type RouteType = 'unicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw';

export interface NexthopSpec {
  readonly via?: string;
  readonly dev?: string;
  readonly weight?: number;
  readonly onlink?: boolean;
}

export interface RouteMetric {
  readonly name: string;
  /** Numeric value (RTAX_*); `features ecn` is 1; 0 for `congctl`, whose value is `text`. */
  readonly value: number;
  readonly lock: boolean;
  /** `congctl NAME`: the congestion control algorithm. */
  readonly text?: string;
}

/** One line of `static_routes` / `virtual_routes` (ip-route syntax, reference §1a.2). */
export interface RouteSpec {
  readonly family: Family;
  readonly type: RouteType;
  /** Destination prefix, canonical (`0.0.0.0/0` for `default`). */
  readonly dst: string;
  readonly dstLen: number;
  readonly src?: string;
  readonly via?: string;
  readonly dev?: string;
  readonly scope?: string;
  readonly table?: string;
  readonly protocol?: string;
  readonly metric?: number;
  readonly realms?: string;
  readonly tos?: number;
  readonly vrf?: string;
  readonly pref?: 'low' | 'medium' | 'high';
  readonly nexthops: readonly NexthopSpec[];
  readonly metrics: readonly RouteMetric[];
  readonly onlink: boolean;
  readonly append: boolean;
  readonly noTrack: boolean;
  readonly trackGroup?: string;
  readonly text: string;
  readonly loc: SourceLoc;
}

/** `l3mdev`: no explicit action, the lookup is the l3mdev (VRF) table. */
export type RuleAction = 'table' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit' | 'l3mdev';

/** One line of `static_rules` / `virtual_rules` (ip-rule syntax, reference §1a.2). */
export interface RuleSpec {
  readonly family: Family;
  readonly from?: string;
  readonly to?: string;
  readonly not: boolean;
  readonly action: RuleAction;
  readonly table?: string;
  readonly goto?: number;
  /** Configured or assigned (16384 counting down, with a warning). */
  readonly preference: number;
  readonly iif?: string;
  readonly oif?: string;
  readonly tos?: number;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly realms?: string;
  readonly uidrange?: string;
  readonly l3mdev: boolean;
  readonly protocol?: string;
  readonly ipProto?: string;
  readonly sport?: string;
  readonly dport?: string;
  readonly suppressPrefixLength?: number;
  readonly suppressIfgroup?: string;
  readonly tunnelId?: string;
  readonly noTrack: boolean;
  readonly trackGroup?: string;
  readonly text: string;
  readonly loc: SourceLoc;
}

export interface VmacSpec {
  /** Interface name, default `vrrp.VRID`. */
  readonly ifname: string;
  readonly mac?: string;
  readonly netlinkNotifyMsg: boolean;
  readonly group?: number;
}

export interface IpvlanSpec {
  readonly ifname: string;
  readonly address?: string;
  readonly mode: 'bridge' | 'private' | 'vepa';
  readonly group?: number;
}

export interface AuthHmacSpec {
  readonly keys: readonly { readonly id: number; readonly value: string }[];
  readonly activeKey?: number;
  readonly antiReplay: 'time' | 'monotonic';
  readonly timeWindowS?: number;
  readonly mode: 'enforce' | 'permissive' | 'receive-only';
}

/** vrrp_instance keywords beyond the core (reference §1a.8). */
/** The resolved `track_script`/`track_file`/`track_process`/`track_bfd` entries of an instance or sync group. */
export interface TrackerRefs {
  readonly trackScripts: readonly TrackerRef[];
  readonly trackFiles: readonly TrackerRef[];
  readonly trackProcesses: readonly TrackerRef[];
  readonly trackBfds: readonly TrackerRef[];
}

export interface VrrpInstanceExtra extends TrackerRefs {
  readonly virtualRoutes: readonly RouteSpec[];
  readonly virtualRules: readonly RuleSpec[];
  readonly useVmac?: VmacSpec;
  readonly useVmacAddr: boolean;
  readonly vmacXmitBase: boolean;
  readonly useIpvlan?: IpvlanSpec;
  readonly authHmac?: AuthHmacSpec;
  readonly noVirtualIpaddress: boolean;
  readonly unicastFaultNoPeer: boolean;
  readonly trackSrcIp: boolean;
  readonly vrf?: string;
  /** Seconds between extra GARPs (`garp_extra_if [all] S`); undefined = off. */
  readonly garpExtraIf?: { readonly all: boolean; readonly intervalS: number };
  readonly ownerIgnoreAdverts: boolean;
  /** `timer_expired_backup [PRIO]`: undefined = off. */
  readonly timerExpiredBackupPrio?: number;
  readonly oldUnicastChecksum?: 'auto' | 'never';
  readonly v3ChecksumAsV2: boolean;
  readonly promoteSecondaries: boolean;
  readonly notifyPriorityChanges: boolean;
  readonly kernelRxBufSize?: number;
  readonly debug?: number;
  /** `native_ipv6` (dep): the instance must be IPv6. */
  readonly nativeIpv6: boolean;
  readonly linkbeatUsePolling: boolean;
  readonly lvsSyncDaemonInterface?: string;
}

export interface VrrpSyncGroupExtra extends TrackerRefs {
  readonly trackInterfaces: readonly TrackInterfaceSpec[];
  readonly notifyPriorityChanges?: boolean;
  readonly globalTracking: boolean;
  readonly syncGroupTrackingWeight: boolean;
}

export interface LinkbeatInterface {
  readonly name: string;
  readonly method: 'MII' | 'ETHTOOL' | 'IOCTL';
}

export interface InterfaceDelay {
  readonly name: string;
  readonly downDelayS: number;
  readonly upDelayS: number;
}

export interface TrackGroupConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly members: readonly string[];
}

/** Top-level VRRP-side blocks and keywords (reference §1a.0). */
export interface KeepalivedVrrpExtra {
  readonly netNamespace?: string;
  readonly netNamespaceIpvs?: string;
  readonly namespaceWithIpsets: boolean;
  readonly instance?: string;
  readonly usePidDir: boolean;
  readonly linkbeatUsePolling: boolean;
  readonly childWaitTimeS: number; // 5
  readonly linkbeatInterfaces: readonly LinkbeatInterface[];
  readonly interfaceUpDownDelays: readonly InterfaceDelay[];
  readonly trackGroups: readonly TrackGroupConfig[];
  readonly staticRoutes: readonly RouteSpec[];
  readonly staticRules: readonly RuleSpec[];
  readonly vrrpScripts: readonly VrrpScriptConfig[];
  readonly trackFiles: readonly TrackFileConfig[];
  readonly trackProcesses: readonly TrackProcessConfig[];
  readonly garpGroups: readonly GarpGroupConfig[];
  readonly bfdInstances: readonly BfdInstanceConfig[];
}
