/**
 * Model of the global_defs keywords beyond the VRRP daemon's core (reference §1a.1):
 * e-mail details, firewall (iptables/ipsets/nftables), LVS globals, process priorities
 * and affinity, SNMP/DBus, FIFOs and their scripts, startup/shutdown scripts, reload and
 * dump settings. Every field is optional: undefined = keepalived's default (given in the
 * comment), so the compiled value is exactly what the file said after range checks.
 */
import type { ScriptSpec } from './common.js';

export interface ProcessSettings {
  /** nice value −20..19 (`vrrp_priority`). */
  readonly priority?: number;
  readonly noSwap?: boolean;
  /** SCHED_RR priority 1..99 (`vrrp_rt_priority`). */
  readonly rtPriority?: number;
  readonly cpuAffinity?: readonly number[];
  /** µs, default 10000 (`vrrp_rlimit_rttime`). */
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

export interface GlobalDefsExtra {
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
  readonly nftablesPriority?: number; // -1
  readonly nftablesCounters?: boolean;
  readonly nftablesIfindex?: boolean;
  readonly nftablesIpvs?: string; // keepalived_ipvs
  readonly nftablesIpvsPriority?: number;
  readonly nftablesIpvsStartFwmark?: number; // 1000
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
  readonly startupScriptTimeoutS?: number; // 10
  readonly shutdownScript?: ScriptSpec;
  readonly shutdownScriptTimeoutS?: number; // 10
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
