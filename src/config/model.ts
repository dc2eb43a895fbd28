/**
 * The typed, read-only configuration model: what the config compiler produces from a
 * keepalived.conf and what every subsystem consumes. Plain data only (it crosses the
 * parent→child IPC boundary), so no classes, Maps or functions. Units are in the names.
 * Defaults and derived defaults follow keepalived (reference §0, §1a).
 */
import type { Family } from '../core/ip.js';
import type { IpAddressSpec, NotifyScripts, ScriptSpec, SourceLoc, TrackInterfaceSpec } from './common.js';
import type { GlobalDefsExtra } from './model-global-extra.js';
import type { KeepalivedVrrpExtra, VrrpInstanceExtra, VrrpSyncGroupExtra } from './model-vrrp-extra.js';
import type { SslConfig, VirtualServerConfig, VirtualServerGroupConfig } from './model-lvs.js';

export type { AddressScope, IpAddressSpec, NotifyScripts, ScriptSpec, SourceLoc, TrackInterfaceSpec } from './common.js';

export interface UnicastPeerSpec {
  readonly address: string;
  readonly family: Family;
  readonly minTtl?: number;
  readonly maxTtl?: number;
}

export type AuthSpec =
  | { readonly type: 'PASS'; readonly pass: string }
  | { readonly type: 'AH'; readonly pass: string };

export interface GarpSettings {
  readonly masterDelayMs: number; // garp_master_delay (5 s); 0 = no second burst
  readonly masterRepeat: number; // garp_master_repeat (5)
  readonly masterRefreshMs: number; // garp_master_refresh (0 = off)
  readonly masterRefreshRepeat: number; // garp_master_refresh_repeat (1)
  readonly lowerPrioDelayMs: number; // garp_lower_prio_delay (= master delay)
  readonly lowerPrioRepeat: number; // garp_lower_prio_repeat (= master repeat)
  readonly intervalMs: number; // vrrp_garp_interval: gap between GARPs (0 = none)
  readonly gnaIntervalMs: number; // vrrp_gna_interval: gap between unsolicited NAs
}

export type VrrpStateName = 'MASTER' | 'BACKUP';

export interface VrrpInstanceConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  /** Configured or derived initial state (priority 255 ⇒ MASTER). */
  readonly initialState: VrrpStateName;
  /** Undefined only for unicast instances with unicast_src_ip and no interface. */
  readonly interface?: string;
  readonly vrid: number; // 1..255
  /** Base priority 1..255 (255 = address owner). */
  readonly priority: number;
  /** Advertisement interval in centiseconds (v2: a multiple of 100). */
  readonly advertIntCs: number;
  readonly version: 2 | 3;
  /** Address family of the VIPs and adverts. */
  readonly family: Family;
  readonly vips: readonly IpAddressSpec[];
  readonly excludedVips: readonly IpAddressSpec[];
  readonly auth?: AuthSpec;
  readonly mcastSrcIp?: string;
  /** Multicast destination: mcast_dst_ip or the global group (224.0.0.18 / ff02::12). */
  readonly mcastDstIp: string;
  readonly unicastSrcIp?: string;
  /** Non-empty ⇒ the instance is unicast. */
  readonly unicastPeers: readonly UnicastPeerSpec[];
  readonly unicastTtl?: number;
  readonly trackInterfaces: readonly TrackInterfaceSpec[];
  readonly dontTrackPrimary: boolean;
  readonly nopreempt: boolean;
  readonly preemptDelayMs: number;
  readonly accept: boolean;
  readonly garp: GarpSettings;
  readonly downTimerAdverts: number; // 1..100, default 3
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly skipCheckAdvAddr: boolean;
  readonly checkUnicastSrc: boolean;
  readonly strict: boolean;
  readonly notify: NotifyScripts;
  readonly smtpAlert: boolean;
  /** Trackers, virtual routes/rules, VMAC… (model-vrrp-extra.ts); always set by the compiler. */
  readonly extra?: VrrpInstanceExtra;
}

export interface GlobalDefs {
  readonly routerId: string;
  readonly vrrpVersion: 2 | 3;
  readonly mcastGroup4: string;
  readonly mcastGroup6: string;
  readonly vrrpStrict: boolean;
  readonly garp: GarpSettings;
  readonly downTimerAdverts: number;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly skipCheckAdvAddr: boolean;
  readonly checkUnicastSrc: boolean;
  readonly notificationEmail: readonly string[];
  readonly notificationEmailFrom?: string;
  readonly smtpServer?: { readonly host: string; readonly port: number };
  readonly smtpConnectTimeoutMs: number;
  readonly smtpAlert?: boolean;
  readonly enableScriptSecurity: boolean;
  readonly scriptUser?: string;
  readonly scriptGroup?: string;
  readonly defaultInterface: string;
  readonly vrrpStartupDelayMs: number;
  readonly notifyFifo?: ScriptSpec;
  readonly vrrpNotifyFifo?: ScriptSpec;
  /** HTTP status/metrics endpoint (keepalived-ts extension): `status_http ADDR:PORT`. */
  readonly statusHttp?: string;
  /** The rest of global_defs (model-global-extra.ts); always set by the compiler. */
  readonly extra?: GlobalDefsExtra;
}

export interface VrrpSyncGroupConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly members: readonly string[];
  readonly notify: NotifyScripts;
  readonly smtpAlert: boolean;
  /** Group trackers and options (model-vrrp-extra.ts); always set by the compiler. */
  readonly extra?: VrrpSyncGroupExtra;
}

export interface KeepalivedConfig {
  readonly globalDefs: GlobalDefs;
  readonly vrrpInstances: readonly VrrpInstanceConfig[];
  readonly vrrpSyncGroups: readonly VrrpSyncGroupConfig[];
  readonly staticIpAddresses: readonly IpAddressSpec[];
  /** Top-level VRRP-side blocks: trackers, static routes/rules, … (model-vrrp-extra.ts); always set by the compiler. */
  readonly vrrpExtra?: KeepalivedVrrpExtra;
  /** LVS (model-lvs.ts): virtual servers with their real servers and resolved checkers. */
  readonly virtualServers: readonly VirtualServerConfig[];
  /** Referenced by `virtual_server group NAME`; ranges kept as ranges (lvs-services.ts expands them). */
  readonly virtualServerGroups: readonly VirtualServerGroupConfig[];
  /** Top-level `SSL { }` for SSL_GET; absent = auto-generated client context. */
  readonly ssl?: SslConfig;
  /** Files read, in order (for reload and diagnostics). */
  readonly files: readonly string[];
}

/** keepalived's defaults for GARP tuning (global_defs). */
export const DEFAULT_GARP: GarpSettings = {
  masterDelayMs: 5000,
  masterRepeat: 5,
  masterRefreshMs: 0,
  masterRefreshRepeat: 1,
  lowerPrioDelayMs: 5000,
  lowerPrioRepeat: 5,
  intervalMs: 0,
  gnaIntervalMs: 0,
};
