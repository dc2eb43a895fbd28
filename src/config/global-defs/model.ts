/**
 * Model of `global_defs { }` (keepalived.conf(5)): router id, VRRP defaults every instance
 * inherits, notification (SMTP, FIFOs), script security, and the daemon-wide settings
 * (firewall, LVS globals, process priorities, SNMP/DBus, reload and dump files). Read-only
 * plain data.
 */
import type { ScriptSpec } from '../common.js';

/** GARP / unsolicited NA pacing: the `vrrp_garp_*` defaults of global_defs, per instance with `garp_*`. */
export interface GarpSettings {
  /** garp_master_delay; 0 = no second burst. */
  readonly masterDelayMs: number;
  readonly masterRepeat: number;
  /** garp_master_refresh; 0 = off. */
  readonly masterRefreshMs: number;
  readonly masterRefreshRepeat: number;
  readonly lowerPrioDelayMs: number;
  readonly lowerPrioRepeat: number;
  /** vrrp_garp_interval: gap between GARPs (0 = none). */
  readonly intervalMs: number;
  /** vrrp_gna_interval: gap between unsolicited NAs (0 = none). */
  readonly gnaIntervalMs: number;
}

export interface ProcessSettings {
  /** nice value −20..19 (`vrrp_priority`). */
  readonly priority?: number;
  readonly noSwap?: boolean;
  /** SCHED_RR priority 1..99 (`vrrp_rt_priority`). */
  readonly rtPriority?: number;
  readonly cpuAffinity?: readonly number[];
  /** µs (`vrrp_rlimit_rttime`). */
  readonly rlimitRttime?: number;
  readonly processName?: string;
}

export interface LvsSyncDaemonSpec {
  readonly interface: string;
  readonly vrrpInstance?: string;
  readonly syncId?: number;
  readonly maxlen?: number;
  readonly port?: number;
  readonly ttl?: number;
  readonly group?: string;
}

/** VRRP settings global_defs sets (`vrrp_…`) for every instance and an instance may override. */
export interface VrrpTuning {
  readonly garp: GarpSettings;
  readonly downTimerAdverts: number;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly skipCheckAdvAddr: boolean;
  readonly checkUnicastSrc: boolean;
}

export interface GlobalDefs extends VrrpTuning {
  readonly routerId: string;
  readonly vrrpVersion: 2 | 3;
  readonly mcastGroup4: string;
  readonly mcastGroup6: string;
  readonly vrrpStrict: boolean;
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

  // Below: undefined = keepalived's default (docs/configuration.md), so the model holds
  // exactly what the file said; the subsystem that acts on one applies its default.
  readonly smtpHeloName?: string;
  readonly smtpAlertVrrp?: boolean;
  readonly smtpAlertChecker?: boolean;
  readonly noEmailFaults?: boolean;
  readonly checkerLogAllFailures?: boolean;
  readonly noCheckerEmails?: boolean;
  readonly rsInitNotifies?: boolean;
  readonly vrrpMinGarp?: boolean;
  readonly vrrpGarpExtraIf?: { readonly all: boolean; readonly intervalS: number };
  readonly vrrpOwnerIgnoreAdverts?: boolean;
  readonly v3ChecksumAsV2?: boolean;
  readonly vrrpNotifyPriorityChanges?: boolean;
  /** `vrrp_iptables [IN [OUT]]`: chains (empty = keepalived's INPUT/OUTPUT). */
  readonly vrrpIptables?: readonly string[];
  readonly vrrpIpsets?: readonly string[];
  /** `nftables [TABLE]` (default table `keepalived`). */
  readonly nftables?: string;
  readonly nftablesPriority?: number;
  readonly nftablesCounters?: boolean;
  readonly nftablesIfindex?: boolean;
  readonly nftablesIpvs?: string;
  readonly nftablesIpvsPriority?: number;
  readonly nftablesIpvsStartFwmark?: number;
  readonly disableLocalIgmp?: boolean;
  readonly dynamicInterfaces?: { readonly allowIfChanges: boolean };
  readonly vrrpDelayAfterBootS?: number;
  readonly logUnknownVrids?: boolean;
  readonly vmacPrefix?: string;
  readonly vmacAddrPrefix?: string;
  readonly vrrpRxBufsPolicy?: 'MTU' | 'ADVERT' | number;
  readonly vrrpRxBufsMultiplier?: number;
  /** `*_rcv_bufs` sizes and their `_force` flags, keyed by keyword. */
  readonly rcvBufs?: Readonly<Record<string, number>>;
  readonly rcvBufsForce?: Readonly<Record<string, boolean>>;
  readonly lvsSyncDaemon?: LvsSyncDaemonSpec;
  readonly lvsTimeouts?: { readonly tcpS?: number; readonly tcpfinS?: number; readonly udpS?: number };
  readonly lvsFlush?: boolean;
  readonly lvsFlushOnStop?: 'all' | 'vs';
  readonly setSupplementaryGroups?: boolean;
  readonly useSymlinkPaths?: boolean;
  readonly startupScript?: ScriptSpec;
  readonly startupScriptTimeoutS?: number;
  readonly shutdownScript?: ScriptSpec;
  readonly shutdownScriptTimeoutS?: number;
  readonly notifyFifoScript?: ScriptSpec;
  readonly vrrpNotifyFifoScript?: ScriptSpec;
  readonly lvsNotifyFifo?: ScriptSpec;
  readonly lvsNotifyFifoScript?: ScriptSpec;
  readonly fifoWriteVrrpStatesOnReload?: boolean;
  readonly maxAutoPriority?: number;
  readonly minAutoPriorityDelayUs?: number;
  readonly vrrpProcess?: ProcessSettings;
  readonly checkerProcess?: ProcessSettings;
  readonly bfdProcess?: ProcessSettings;
  readonly processNames?: boolean;
  /** `process_name` (the parent). */
  readonly processName?: string;
  readonly snmpSocket?: string;
  readonly enableSnmpVrrp?: boolean;
  readonly enableSnmpChecker?: boolean;
  readonly enableSnmpRfc?: boolean;
  readonly enableSnmpRfcv2?: boolean;
  readonly enableSnmpRfcv3?: boolean;
  readonly enableTraps?: boolean;
  readonly snmpVsStatsUpdateIntervalS?: number;
  readonly snmpRsStatsUpdateIntervalS?: number;
  readonly enableDbus?: boolean;
  readonly dbusServiceName?: string;
  readonly dbusNoInterfaceName?: string;
  readonly umask?: number;
  readonly reloadCheckConfig?: { readonly logFile?: string };
  readonly reloadTimeFile?: string;
  readonly reloadRepeat?: boolean;
  readonly reloadFile?: string;
  readonly tmpConfigDirectory?: string;
  readonly configSaveDir?: string;
  readonly dataUseInstance?: boolean;
  readonly stateDumpFile?: string;
  readonly statsDumpFile?: string;
  readonly jsonDumpFile?: string;
  readonly jsonVersion?: 1 | 2;
  readonly iprouteUsrDir?: string;
  readonly iprouteEtcDir?: string;
}
