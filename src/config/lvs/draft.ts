/**
 * Builders for the LVS blocks (virtual_server_group, virtual_server, real_server,
 * checkers, SSL): exactly what the file said, everything optional, with keyword
 * locations. compile.ts applies keepalived's defaults and cross-keyword rules.
 */
import type { Family } from '../../core/ip.js';
import type { LocMap } from '../common.js';
import type {
  CheckerType,
  DnsQueryType,
  ForwardingMethod,
  HttpProtocolVersion,
  LvsProtocol,
  PersistenceGranularity,
  StatusCodeRange,
  VsgEntry,
} from './model.js';
import type { ScriptSpec, SourceLoc } from '../common.js';

export interface EndpointDraft {
  readonly family: Family;
  readonly address: string;
  /** Undefined = no port written. */
  readonly port?: number;
}

export interface UrlDraft {
  readonly loc: SourceLoc;
  locs: LocMap;
  path?: string;
  digest?: string;
  statusCodes: StatusCodeRange[];
  virtualhost?: string;
  regex?: string;
  regexNoMatch?: boolean;
  regexOptions?: string;
  regexMinOffset?: number;
  regexMaxOffset?: number;
  regexStack?: { start: number; max: number };
  tlsCompliant?: boolean;
}

/** Connection options (also the body of a deprecated SMTP `host { }`). */
export interface ConnectionDraft {
  readonly loc: SourceLoc;
  locs: LocMap;
  connectIp?: EndpointDraft;
  connectPort?: number;
  bindTo?: EndpointDraft;
  bindIf?: string;
  bindPort?: number;
  fwmark?: number;
  connectTimeoutMs?: number;
}

/** One checker block; each checker's table writes only its own fields. */
export interface CheckerDraft extends ConnectionDraft {
  readonly type: CheckerType;
  retry?: number;
  delayBeforeRetryMs?: number;
  delayLoopMs?: number;
  warmupMs?: number;
  alpha?: boolean;
  logAllFailures?: boolean;
  // HTTP_GET / SSL_GET
  urls: UrlDraft[];
  httpProtocol?: HttpProtocolVersion;
  virtualhost?: string;
  fastRecovery?: boolean;
  enableSni?: boolean;
  sniName?: string;
  tlsCompliant?: boolean;
  // SMTP_CHECK
  heloName?: string;
  hosts: ConnectionDraft[];
  // DNS_CHECK
  queryType?: DnsQueryType;
  name?: string;
  // UDP_CHECK
  payload?: string;
  requireReply?: boolean;
  replyPattern?: string;
  minReplyLength?: number;
  maxReplyLength?: number;
  // MISC_CHECK
  script?: ScriptSpec;
  miscTimeoutMs?: number;
  miscUser?: { user: string; group?: string };
  dynamic?: boolean;
  // FILE_CHECK
  trackFile?: string;
  weight?: number;
  reverse?: boolean;
}

/** Settings real_server inherits from virtual_server when unset. */
export interface ServerDefaultsDraft {
  locs: LocMap;
  retry?: number;
  delayBeforeRetryMs?: number;
  delayLoopMs?: number;
  warmupMs?: number;
  connectTimeoutMs?: number;
  alpha?: boolean;
  inhibitOnFailure?: boolean;
  weight?: number;
  forwarding?: ForwardingMethod;
  virtualhost?: string;
  smtpAlert?: boolean;
  snmpName?: string;
}

export interface RealServerDraft extends ServerDefaultsDraft {
  readonly loc: SourceLoc;
  readonly endpoint: EndpointDraft;
  upperThreshold?: number;
  lowerThreshold?: number;
  notifyUp?: ScriptSpec;
  notifyDown?: ScriptSpec;
  checkers: CheckerDraft[];
}

export type VsAddressDraft = { readonly type: 'ip'; readonly endpoint: EndpointDraft } | { readonly type: 'fwmark'; readonly fwmark: number } | { readonly type: 'group'; readonly group: string };

export interface SorryServerDraft {
  readonly endpoint: EndpointDraft;
  readonly loc: SourceLoc;
  forwarding?: ForwardingMethod;
  inhibit?: boolean;
}

export interface VirtualServerDraft extends ServerDefaultsDraft {
  readonly loc: SourceLoc;
  readonly address: VsAddressDraft;
  protocol?: LvsProtocol;
  scheduler?: string;
  /** Flag keywords as written (`flag-1`, `sh-port`, `ops`, …) with their locations. */
  flags: { readonly name: string; readonly loc: SourceLoc }[];
  persistenceTimeoutS?: number;
  persistenceGranularity?: PersistenceGranularity;
  persistenceEngine?: string;
  omega?: boolean;
  quorum?: number;
  hysteresis?: number;
  quorumUp?: ScriptSpec;
  quorumDown?: ScriptSpec;
  sorryServer?: SorryServerDraft;
  haSuspend?: boolean;
  ipFamily?: Family;
  realServers: RealServerDraft[];
}

export interface VsgDraft {
  readonly name: string;
  readonly loc: SourceLoc;
  entries: VsgEntry[];
}

export interface SslDraft {
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface LvsDraft {
  virtualServers: VirtualServerDraft[];
  groups: VsgDraft[];
  ssl?: SslDraft;
}

export const newLvsDraft = (): LvsDraft => ({ virtualServers: [], groups: [] });

export function newCheckerDraft(type: CheckerType, loc: SourceLoc): CheckerDraft {
  return { type, loc, locs: {}, urls: [], hosts: [] };
}
