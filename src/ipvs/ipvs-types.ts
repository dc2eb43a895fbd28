/**
 * The IPVS table as the checker child sees it: services and destinations in IPVS's own
 * terms (include/uapi/linux/ip_vs.h), independent of the wire encoding (ipvs-codec.ts) and
 * of the socket (ipvs-client.ts). The checker computes a desired table from config +
 * health; reconcile.ts turns desired vs current into IpvsOp lists; an IpvsClient carries
 * them out.
 */
import type { Family } from '../core/ip.js';

/** IPPROTO_* numbers as IPVS stores them. */
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

/** IPVS_DEST_ATTR_FWD_METHOD values (IP_VS_CONN_F_*). */
export const IP_VS_CONN_F_MASQ = 0;
export const IP_VS_CONN_F_LOCALNODE = 1;
export const IP_VS_CONN_F_TUNNEL = 2;
export const IP_VS_CONN_F_DROUTE = 3;

/** IPVS service flags (IP_VS_SVC_F_*). */
export const IP_VS_SVC_F_PERSISTENT = 0x0001;
export const IP_VS_SVC_F_HASHED = 0x0002;
export const IP_VS_SVC_F_ONEPACKET = 0x0004;
export const IP_VS_SVC_F_SCHED1 = 0x0008;
export const IP_VS_SVC_F_SCHED2 = 0x0010;
export const IP_VS_SVC_F_SCHED3 = 0x0020;

/** What identifies a service in the kernel: (af, protocol, addr, port) or (af, fwmark). */
export type IpvsServiceKey =
  | { readonly type: 'addr'; readonly family: Family; readonly protocol: number; readonly address: string; readonly port: number }
  | { readonly type: 'fwmark'; readonly family: Family; readonly fwmark: number };

export interface IpvsService {
  readonly key: IpvsServiceKey;
  /** Scheduler name (rr, wlc, …). */
  readonly scheduler: string;
  /** IP_VS_SVC_F_* without HASHED (the kernel sets that one itself). */
  readonly flags: number;
  /** Persistence timeout in seconds (0 = none). */
  readonly timeoutS: number;
  /** IPv4: netmask as a 32-bit number (0xffffffff = /32); IPv6: prefix length (128). */
  readonly netmask: number;
  readonly peName?: string;
}

/** A destination identity within its service. */
export interface IpvsDestKey {
  readonly family: Family;
  readonly address: string;
  readonly port: number;
}

export interface IpvsDest extends IpvsDestKey {
  /** IP_VS_CONN_F_MASQ / TUNNEL / DROUTE (LOCALNODE only seen when reading). */
  readonly fwdMethod: number;
  readonly weight: number;
  readonly upperThreshold: number;
  readonly lowerThreshold: number;
  /** Tunnel options (fwdMethod TUNNEL only): ipip 0, gue 1, gre 2. */
  readonly tunType?: number;
  readonly tunPort?: number;
  /** nocsum 0x0 … as IP_VS_TUNNEL_ENCAP_FLAG_*. */
  readonly tunFlags?: number;
}

/** One service with its destinations (desired, or as dumped from the kernel). */
export interface IpvsServiceEntry {
  readonly service: IpvsService;
  readonly dests: readonly IpvsDest[];
}

export type IpvsTable = readonly IpvsServiceEntry[];

export type IpvsOp =
  | { readonly type: 'add-service'; readonly service: IpvsService }
  | { readonly type: 'edit-service'; readonly service: IpvsService }
  | { readonly type: 'del-service'; readonly key: IpvsServiceKey }
  | { readonly type: 'add-dest'; readonly key: IpvsServiceKey; readonly dest: IpvsDest }
  | { readonly type: 'edit-dest'; readonly key: IpvsServiceKey; readonly dest: IpvsDest }
  | { readonly type: 'del-dest'; readonly key: IpvsServiceKey; readonly dest: IpvsDestKey }
  | { readonly type: 'flush' };

export interface IpvsSyncDaemonSpec {
  readonly state: 'master' | 'backup';
  readonly interface: string;
  readonly syncId: number;
  readonly maxLen?: number;
  readonly mcastGroup?: string;
  readonly mcastPort?: number;
  readonly mcastTtl?: number;
}

/**
 * The kernel's IPVS over generic netlink. Semantics are keepalived's: EEXIST on add and
 * ENOENT on delete are success; edit-dest failing with ENOENT is retried as add-dest.
 * Every method rejects with a KaError whose code is KA_ERR_IPVS_UNAVAILABLE when the
 * kernel has no IPVS (family not found), KA_ERR_IPVS_REQUEST otherwise.
 */
export interface IpvsClient {
  apply(op: IpvsOp): Promise<void>;
  /** Every service with its destinations. */
  dump(): Promise<IpvsServiceEntry[]>;
  startDaemon(spec: IpvsSyncDaemonSpec): Promise<void>;
  stopDaemon(state: 'master' | 'backup'): Promise<void>;
  setTimeouts(t: { readonly tcpS: number; readonly tcpfinS: number; readonly udpS: number }): Promise<void>;
  close(): void;
}
