/**
 * The adverts of one instance (VRRP child): built once from the config and the source address
 * in use, then sent every Advertisement_Interval with only the priority (and, for unicast, the
 * destination) rewritten — RFC 3768 §5, RFC 5798 §5; keepalived.conf(5) `unicast_peer`,
 * `unicast_ttl`, `authentication`.
 */
import { ipBytes } from '../core/ip.js';
import type { VrrpInstanceConfig } from '../config/model.js';
import type { InterfaceTable } from './interface-table.js';
import type { VipTarget } from './vip-addresses.js';
import { buildAdvertTemplate, type AdvertTemplate } from './advert-template.js';
import { passwordAuthData } from './packet.js';
import { AUTH_AH, AUTH_NONE, AUTH_PASS } from './types.js';

/** Sends on one (interface, family); the VRRP socket implements it. */
export interface AdvertSender {
  sendV4(packet: Uint8Array, dst: Uint8Array): boolean;
  sendV6(payload: Uint8Array, dst: Uint8Array): boolean;
}

/** Destinations of this instance's adverts: each unicast peer, or the multicast group. */
export function advertDestinations(cfg: VrrpInstanceConfig): Uint8Array[] {
  return cfg.unicastPeers.length > 0 ? cfg.unicastPeers.map((p) => ipBytes(p.address)) : [ipBytes(cfg.mcastDstIp)];
}

/** VIPs of the instance's family: what the advert carries (eVIPs are never advertised). */
export function advertisedVips(cfg: VrrpInstanceConfig): Uint8Array[] {
  return cfg.vips.filter((v) => v.family === cfg.family).map((v) => ipBytes(v.address));
}

/**
 * The address adverts go out from: unicast_src_ip (unicast) or mcast_src_ip when configured,
 * else the interface's primary address that is not one of our VIPs (RFC 5798 §5.1.2.1 for
 * IPv6: the link-local one); null when the interface has none.
 */
export function advertSource(cfg: VrrpInstanceConfig, vips: readonly VipTarget[], table: InterfaceTable, ifindex: number): Uint8Array | null {
  const configured = cfg.unicastPeers.length > 0 ? (cfg.unicastSrcIp ?? cfg.mcastSrcIp) : cfg.mcastSrcIp;
  if (configured !== undefined) return ipBytes(configured);
  return table.primaryAddress(ifindex, cfg.family, vips.map((v) => ipBytes(v.spec.address)));
}

export class InstanceAdvert {
  private readonly template: AdvertTemplate;
  private readonly dsts: readonly Uint8Array[];
  private readonly family: 4 | 6;

  /** `src`: the advert source address (also in the v3 checksum's pseudo-header). */
  constructor(cfg: VrrpInstanceConfig, src: Uint8Array) {
    this.dsts = advertDestinations(cfg);
    this.family = cfg.family;
    const authType = cfg.version === 2 && cfg.auth ? (cfg.auth.type === 'PASS' ? AUTH_PASS : AUTH_AH) : AUTH_NONE;
    const ttl = cfg.unicastPeers.length > 0 ? (cfg.unicastTtl ?? 255) : 255;
    this.template = buildAdvertTemplate(
      {
        version: cfg.version,
        family: cfg.family,
        vrid: cfg.vrid,
        priority: cfg.priority,
        advertIntCs: cfg.advertIntCs,
        authType,
        authData: cfg.version === 2 ? (cfg.auth?.type === 'PASS' ? passwordAuthData(cfg.auth.pass) : new Uint8Array(8)) : null,
        addresses: advertisedVips(cfg),
      },
      cfg.family === 4 ? { family: 4, src, dst: this.dsts[0]!, ipv4Header: { ttl } } : { family: 6, src, dst: this.dsts[0]! },
    );
  }

  /** One advert with this priority to every destination (the sender copies what it queues). */
  send(sender: AdvertSender, priority: number): void {
    const t = this.template;
    t.setPriority(priority);
    for (const dst of this.dsts) {
      t.setDestination(dst);
      if (this.family === 4) sender.sendV4(t.datagram, dst);
      else sender.sendV6(t.payload, dst);
    }
  }
}
