/**
 * The LVS half of the typed, read-only config model: virtual_server_group,
 * virtual_server, real_server, every checker block and the top-level SSL block
 * (keepalived.conf(5)). Consumed by the checker child and the IPVS wrapper
 * (issue 5). Every default and derived default is already applied here: a consumer
 * never looks at a VS to find a checker's retry, nor re-derives a port rule.
 * Plain data (crosses the parent→child IPC boundary); VSG ranges stay ranges —
 * expand them lazily with services.ts (a /64 range is 2^64 services).
 */
import type { Family } from '../../core/ip.js';
import type { ScriptSpec, SourceLoc } from '../common.js';

export const LVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'] as const;
export type LvsScheduler = (typeof LVS_SCHEDULERS)[number];

export type LvsProtocol = 'TCP' | 'UDP' | 'SCTP';

export type TunnelType = 'ipip' | 'gue' | 'gre';
export type TunnelChecksum = 'nocsum' | 'csum' | 'remcsum';

/** IPVS forwarding method (IPVS_DEST_ATTR_FWD_METHOD: NAT = MASQ 0, TUN = TUNNEL 2, DR = DROUTE 3). */
export type ForwardingMethod =
  | { readonly type: 'NAT' }
  | { readonly type: 'DR' }
  | {
      readonly type: 'TUN';
      readonly tunnelType: TunnelType;
      /** Only with `gue` (required there). */
      readonly tunnelPort?: number;
      readonly checksum?: TunnelChecksum;
    };

/** An address with a port as IPVS will be given it: port 0 = "no port" (persistent / fwmark). */
export interface LvsEndpoint {
  readonly family: Family;
  /** Canonical text (RFC 5952 for IPv6). */
  readonly address: string;
  readonly port: number;
}

// ---- virtual_server_group -------------------------------------------------------------

/**
 * One VSG address line: `IP [PORT]`, `IP-LAST [PORT]`, `IP-IP [PORT]` or `IP/PREFIX [PORT]`,
 * all normalised to an inclusive range `first..last` (equal for a single address).
 * Use vsgRangeSize / expandVsgRange rather than materialising it.
 */
export interface VsgAddressRange {
  readonly type: 'range';
  readonly family: Family;
  readonly first: string;
  readonly last: string;
  /** 0 = no port (the VS then needs persistence; the compiler sets it). */
  readonly port: number;
  /** As written, for dumps and messages. */
  readonly text: string;
  readonly loc: SourceLoc;
}

export interface VsgFwmark {
  readonly type: 'fwmark';
  readonly fwmark: number;
  /** `fwmark N inet|inet6`; undefined = the family of the VS that uses the group. */
  readonly family?: Family;
  readonly loc: SourceLoc;
}

export type VsgEntry = VsgAddressRange | VsgFwmark;

export interface VirtualServerGroupConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  /** Never empty (an empty group is removed with a warning). */
  readonly entries: readonly VsgEntry[];
}

// ---- checkers -------------------------------------------------------------------------

/**
 * Effective timing of one checker, resolved checker → real_server → virtual_server →
 * per-checker default exactly as keepalived does (validate_check_config).
 */
export interface CheckerTiming {
  /** Failures tolerated after the first: DOWN after retry+1 consecutive failures. */
  readonly retry: number;
  readonly delayBeforeRetryMs: number;
  readonly delayLoopMs: number;
  /** First run at a random time in [0, warmupMs]; defaults to delayLoopMs; 0 = no randomisation. */
  readonly warmupMs: number;
  /** Start failed (RS out of IPVS until the first success). */
  readonly alpha: boolean;
  readonly logAllFailures: boolean;
}

/** Where and how a network checker connects (defaults: the RS address and port). */
export interface CheckerConnection {
  readonly connectIp: string;
  readonly family: Family;
  /** connect_port, else the real server's port as written (before the DR/TUN/fwmark port rules); 0 when none was written (keepalived then connects to port 0 and fails). */
  readonly connectPort: number;
  readonly bindTo?: string;
  readonly bindIf?: string;
  readonly bindPort?: number;
  /** SO_MARK on the checker socket. */
  readonly fwmark?: number;
  readonly connectTimeoutMs: number;
}

interface NetCheckerBase extends CheckerTiming {
  readonly loc: SourceLoc;
  readonly connection: CheckerConnection;
}

export interface TcpCheckConfig extends NetCheckerBase {
  readonly type: 'TCP_CHECK';
}

/** `status_code` entries as inclusive ranges; default [[200, 299]]. */
export type StatusCodeRange = readonly [number, number];

export interface HttpUrlConfig {
  readonly path: string;
  /** 32 lowercase hex digits. */
  readonly digest?: string;
  readonly statusCodes: readonly StatusCodeRange[];
  /** url-level virtualhost (precedence url > checker > RS > VS is already applied in `effectiveVirtualhost`). */
  readonly virtualhost?: string;
  /** Host: header to send; undefined = `ip:port` ([ipv6]:port). */
  readonly effectiveVirtualhost?: string;
  readonly regex?: string;
  readonly regexNoMatch: boolean;
  readonly regexOptions?: string;
  readonly regexMinOffset?: number;
  readonly regexMaxOffset?: number;
  readonly regexStack?: { readonly start: number; readonly max: number };
  readonly tlsCompliant: boolean;
  readonly loc: SourceLoc;
}

export type HttpProtocolVersion = '1.0' | '1.0C' | '1.1';

export interface HttpCheckConfig extends NetCheckerBase {
  readonly type: 'HTTP_GET' | 'SSL_GET';
  /** Never empty: a checker without a valid url is dropped with a warning. */
  readonly urls: readonly HttpUrlConfig[];
  readonly httpProtocol: HttpProtocolVersion;
  readonly virtualhost?: string;
  readonly fastRecovery: boolean;
  /** SSL_GET: send SNI (the effective virtualhost, or sniName). */
  readonly enableSni: boolean;
  readonly sniName?: string;
  readonly tlsCompliant: boolean;
}

export interface SmtpCheckConfig extends NetCheckerBase {
  readonly type: 'SMTP_CHECK';
  readonly heloName: string;
  /** Set when this checker came from a deprecated `host { }` sub-block (one checker per host). */
  readonly fromHostBlock: boolean;
}

export const DNS_QUERY_TYPES = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA'] as const;
export type DnsQueryType = (typeof DNS_QUERY_TYPES)[number];

export interface DnsCheckConfig extends NetCheckerBase {
  readonly type: 'DNS_CHECK';
  readonly queryType: DnsQueryType;
  readonly name: string;
}

export interface UdpCheckConfig extends NetCheckerBase {
  readonly type: 'UDP_CHECK';
  /** Lowercase hex, even length; undefined = random payload. */
  readonly payload?: string;
  readonly requireReply: boolean;
  /** Lowercase hex nibbles, `x` = any nibble; undefined = any reply. */
  readonly replyPattern?: string;
  readonly minReplyLength: number;
  readonly maxReplyLength: number;
}

export interface PingCheckConfig extends NetCheckerBase {
  readonly type: 'PING_CHECK';
}

export interface MiscCheckConfig extends CheckerTiming {
  readonly type: 'MISC_CHECK';
  readonly loc: SourceLoc;
  readonly script: ScriptSpec;
  /** misc_timeout, default the checker's delay loop. */
  readonly timeoutMs: number;
  readonly dynamic: boolean;
}

export interface FileCheckConfig {
  readonly type: 'FILE_CHECK';
  readonly loc: SourceLoc;
  /** Name of a top-level track_file block (resolved by the VRRP-side model). */
  readonly trackFile: string;
  /**
   * `weight N [reverse]` as written; unset when absent. keepalived uses the track_file
   * block's own weight and reverse when this is unset or 0 (resolveFileCheckWeight).
   */
  readonly weight?: number;
  readonly reverse: boolean;
  readonly dynamic: boolean;
}

export interface BfdCheckConfig {
  readonly type: 'BFD_CHECK';
  readonly loc: SourceLoc;
  /** bfd_instance name. */
  readonly name: string;
  readonly alpha: boolean;
}

export type CheckerConfig =
  | TcpCheckConfig
  | HttpCheckConfig
  | SmtpCheckConfig
  | DnsCheckConfig
  | UdpCheckConfig
  | PingCheckConfig
  | MiscCheckConfig
  | FileCheckConfig
  | BfdCheckConfig;

export type CheckerType = CheckerConfig['type'];

// ---- real_server / virtual_server -------------------------------------------------------

export interface RealServerConfig extends LvsEndpoint {
  readonly loc: SourceLoc;
  /** The port as written (undefined = none); `port` is the effective IPVS port after the port rules (compile.ts rsPort). */
  readonly configuredPort?: number;
  /** 0..2^31-1; default the VS `weight` (1). */
  readonly weight: number;
  readonly forwarding: ForwardingMethod;
  /** Failed ⇒ weight 0 instead of DEL_DEST. */
  readonly inhibitOnFailure: boolean;
  readonly upperThreshold: number;
  readonly lowerThreshold: number;
  readonly notifyUp?: ScriptSpec;
  readonly notifyDown?: ScriptSpec;
  readonly alpha: boolean;
  /** keepalived default true (back-compat) unless global smtp_alert is set. */
  readonly smtpAlert: boolean;
  readonly virtualhost?: string;
  /** RS is alive iff none of these failed; empty = always up. */
  readonly checkers: readonly CheckerConfig[];
}

export interface SorryServerConfig extends LvsEndpoint {
  readonly forwarding: ForwardingMethod;
  readonly inhibit: boolean;
}

/** What a virtual_server line names. */
export type VirtualServerAddress =
  | ({ readonly type: 'ip' } & LvsEndpoint)
  | { readonly type: 'fwmark'; readonly fwmark: number }
  | { readonly type: 'group'; readonly group: string };

/** IPVS scheduler flags IP_VS_SVC_F_SCHED1..3 (sh-fallback/mh-fallback = 1, sh-port/mh-port = 2). */
export interface SchedulerFlags {
  readonly sched1: boolean;
  readonly sched2: boolean;
  readonly sched3: boolean;
}

export type PersistenceGranularity = { readonly family: 4; readonly netmask: string } | { readonly family: 6; readonly prefixLen: number };

export interface VirtualServerConfig {
  readonly loc: SourceLoc;
  /** keepalived's name for logs and messages (FMT_VS): `[IP]:tcp:PORT`, `FWM N`, `[GROUP]:0`. */
  readonly name: string;
  /**
   * Identity for reload matching (keyed by identity, not position): `ip|[IP]:PROTO:PORT`,
   * `fwmark|N|FAMILY`, `group|NAME|PROTO|FAMILY`. Several VSs may share a group with
   * different protocols, so `name` alone is not unique.
   */
  readonly identity: string;
  readonly address: VirtualServerAddress;
  /** Service family (for fwmark: ip_family, else the RS family, else IPv4). */
  readonly family: Family;
  /** Undefined only for a fwmark-only service (protocol is ignored there). Default UDP (warned). */
  readonly protocol?: LvsProtocol;
  readonly scheduler: LvsScheduler;
  readonly schedulerFlags: SchedulerFlags;
  readonly onePacket: boolean;
  /** Default forwarding for RSs (NAT, warned, when unset and some RS needs it). */
  readonly forwarding: ForwardingMethod;
  /** 0 = not persistent. */
  readonly persistenceTimeoutS: number;
  readonly persistenceGranularity?: PersistenceGranularity;
  readonly persistenceEngine?: string;
  readonly delayLoopMs: number;
  readonly connectTimeoutMs: number;
  readonly alpha: boolean;
  readonly omega: boolean;
  readonly inhibitOnFailure: boolean;
  /** Clamped to the sum of RS weights. */
  readonly quorum: number;
  /** Clamped below quorum. */
  readonly hysteresis: number;
  readonly quorumUp?: ScriptSpec;
  readonly quorumDown?: ScriptSpec;
  readonly sorryServer?: SorryServerConfig;
  readonly haSuspend: boolean;
  readonly virtualhost?: string;
  readonly smtpAlert: boolean;
  /** Default RS weight. */
  readonly weight: number;
  readonly snmpName?: string;
  /** Never empty (a VS without RSs is dropped with a warning); duplicates removed. */
  readonly realServers: readonly RealServerConfig[];
}

/** Top-level `SSL { }`: client context for SSL_GET. Absent = keepalived's auto context. */
export interface SslConfig {
  readonly password?: string;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** Per-checker defaults when neither checker, RS nor VS sets them (keepalived.conf(5)). */
export const CHECKER_DEFAULT_RETRY: Readonly<Record<'TCP_CHECK' | 'HTTP_GET' | 'SSL_GET' | 'SMTP_CHECK' | 'DNS_CHECK' | 'MISC_CHECK' | 'UDP_CHECK' | 'PING_CHECK', { readonly retry: number; readonly delayBeforeRetryMs: number | 'delay_loop' }>> = {
  TCP_CHECK: { retry: 1, delayBeforeRetryMs: 1000 },
  HTTP_GET: { retry: 1, delayBeforeRetryMs: 3000 },
  SSL_GET: { retry: 1, delayBeforeRetryMs: 3000 },
  SMTP_CHECK: { retry: 1, delayBeforeRetryMs: 1000 },
  DNS_CHECK: { retry: 3, delayBeforeRetryMs: 'delay_loop' },
  MISC_CHECK: { retry: 0, delayBeforeRetryMs: 1000 },
  UDP_CHECK: { retry: 1, delayBeforeRetryMs: 1000 },
  PING_CHECK: { retry: 1, delayBeforeRetryMs: 1000 },
};

/** The LVS defaults the compiler applies after the checker → real_server → virtual_server chain; the keyword rows show them. */
export const DEFAULT_VS_DELAY_LOOP_MS = 60_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_PERSISTENCE_TIMEOUT_S = 360;
export const DEFAULT_SMTP_HELO_NAME = 'smtpchecker.keepalived.org';
