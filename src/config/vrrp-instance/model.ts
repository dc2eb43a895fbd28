/**
 * Model of `vrrp_instance NAME { }` (keepalived.conf(5); RFC 5798 / RFC 3768 for the
 * protocol fields): what the VRRP child runs, with every default and derived default
 * applied by the compiler. Read-only plain data (it crosses the parent→child IPC).
 */
import type { Family } from '../../core/ip.js';
import type { IpAddressSpec, NotifyScripts, SourceLoc, TrackInterfaceSpec } from '../common.js';
import type { VrrpTuning } from '../global-defs/model.js';
import type { RouteSpec, RuleSpec } from '../ip-lines/model.js';
import type { TrackerRefs } from '../trackers/model.js';

export interface UnicastPeerSpec {
  readonly address: string;
  readonly family: Family;
  readonly minTtl?: number;
  readonly maxTtl?: number;
}

export type AuthSpec =
  | { readonly type: 'PASS'; readonly pass: string }
  | { readonly type: 'AH'; readonly pass: string };

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

export type VrrpStateName = 'MASTER' | 'BACKUP';

export interface VrrpInstanceConfig extends VrrpTuning, TrackerRefs {
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
  readonly strict: boolean;
  readonly notify: NotifyScripts;
  readonly smtpAlert: boolean;

  // Read and checked like keepalived; docs/compatibility.md says which the VRRP child acts on.
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
