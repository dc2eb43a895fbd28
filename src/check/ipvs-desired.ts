/**
 * From the LVS model to IPVS entries (keepalived.conf(5) "Virtual server(s)";
 * include/uapi/linux/ip_vs.h): the IpvsService of each service a virtual server stands for
 * (scheduler, persistence, flags) and the IpvsDest a real or sorry server becomes in it
 * (port rules, forwarding method, tunnel options, weight).
 */
import { parseIp } from '../core/ip.js';
import { expandServices, ipvsDestPort, type IpvsServiceId } from '../config/lvs/services.js';
import type { ForwardingMethod, LvsEndpoint, RealServerConfig, VirtualServerConfig, VirtualServerGroupConfig } from '../config/lvs/model.js';
import {
  IP_VS_CONN_F_DROUTE,
  IP_VS_CONN_F_MASQ,
  IP_VS_CONN_F_TUNNEL,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
  IP_VS_SVC_F_SCHED1,
  IP_VS_SVC_F_SCHED2,
  IP_VS_SVC_F_SCHED3,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  type IpvsDest,
  type IpvsService,
  type IpvsServiceKey,
} from '../ipvs/ipvs-types.js';

const PROTO = { TCP: IPPROTO_TCP, UDP: IPPROTO_UDP, SCTP: IPPROTO_SCTP } as const;
const TUN_TYPE = { ipip: 0, gue: 1, gre: 2 } as const;
/** IP_VS_TUNNEL_ENCAP_FLAG_*: nocsum 0, csum 1, remcsum 2. */
const TUN_FLAGS = { nocsum: 0, csum: 1, remcsum: 2 } as const;

function netmaskOf(vs: VirtualServerConfig): number {
  const g = vs.persistenceGranularity;
  if (vs.family === 6) return g?.family === 6 ? g.prefixLen : 128;
  if (g?.family !== 4) return 0xffffffff;
  const ip = parseIp(g.netmask);
  return ip ? ip.bytes.reduce((acc, b) => acc * 256 + b, 0) : 0xffffffff;
}

export function serviceKey(id: IpvsServiceId): IpvsServiceKey {
  return id.type === 'fwmark'
    ? { type: 'fwmark', family: id.family, fwmark: id.fwmark }
    : { type: 'addr', family: id.family, protocol: PROTO[id.protocol], address: id.address, port: id.port };
}

export function ipvsService(vs: VirtualServerConfig, id: IpvsServiceId): IpvsService {
  let flags = 0;
  if (vs.persistenceTimeoutS > 0) flags |= IP_VS_SVC_F_PERSISTENT;
  if (vs.onePacket) flags |= IP_VS_SVC_F_ONEPACKET;
  if (vs.schedulerFlags.sched1) flags |= IP_VS_SVC_F_SCHED1;
  if (vs.schedulerFlags.sched2) flags |= IP_VS_SVC_F_SCHED2;
  if (vs.schedulerFlags.sched3) flags |= IP_VS_SVC_F_SCHED3;
  return {
    key: serviceKey(id),
    scheduler: vs.scheduler,
    flags,
    timeoutS: vs.persistenceTimeoutS,
    netmask: netmaskOf(vs),
    ...(vs.persistenceEngine !== undefined ? { peName: vs.persistenceEngine } : {}),
  };
}

/** One IPVS service of a VS: its id (for dest ports) and the service itself. */
export interface ServiceSlot {
  readonly id: IpvsServiceId;
  readonly service: IpvsService;
}

/** Every service of a VS (a VSG range becomes one service per address). */
export function serviceSlots(vs: VirtualServerConfig, groups: readonly VirtualServerGroupConfig[]): ServiceSlot[] {
  const out: ServiceSlot[] = [];
  for (const id of expandServices(vs, groups)) out.push({ id, service: ipvsService(vs, id) });
  return out;
}

function fwdFields(f: ForwardingMethod): Pick<IpvsDest, 'fwdMethod' | 'tunType' | 'tunPort' | 'tunFlags'> {
  switch (f.type) {
    case 'NAT':
      return { fwdMethod: IP_VS_CONN_F_MASQ };
    case 'DR':
      return { fwdMethod: IP_VS_CONN_F_DROUTE };
    case 'TUN':
      return {
        fwdMethod: IP_VS_CONN_F_TUNNEL,
        tunType: TUN_TYPE[f.tunnelType],
        ...(f.tunnelPort !== undefined ? { tunPort: f.tunnelPort } : {}),
        ...(f.checksum !== undefined ? { tunFlags: TUN_FLAGS[f.checksum] } : {}),
      };
  }
}

/** What a destination needs besides its weight (RealServerConfig or a sorry server). */
export type DestSource = LvsEndpoint & { readonly forwarding: ForwardingMethod } & Partial<Pick<RealServerConfig, 'upperThreshold' | 'lowerThreshold'>>;

export function ipvsDest(src: DestSource, slot: ServiceSlot, weight: number): IpvsDest {
  return {
    family: src.family,
    address: src.address,
    port: ipvsDestPort(src, slot.id),
    ...fwdFields(src.forwarding),
    weight,
    upperThreshold: src.upperThreshold ?? 0,
    lowerThreshold: src.lowerThreshold ?? 0,
  };
}

/** Stable text of a service key (Map keys). */
export function serviceKeyText(k: IpvsServiceKey): string {
  return k.type === 'fwmark' ? `fwm|${k.family}|${k.fwmark}` : `${k.family}|${k.protocol}|${k.address}|${k.port}`;
}
