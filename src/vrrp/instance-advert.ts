/**
 * The adverts of one instance (VRRP child): built once from the config and the source address
 * in use, then sent every Advertisement_Interval with only the priority (and, for unicast, the
 * destination) rewritten — RFC 3768 §5, RFC 5798 §5; keepalived.conf(5) `unicast_peer`,
 * `unicast_ttl`, `authentication`, `auth_hmac`. With `auth_type AH` each send also takes the
 * next IP ID and AH sequence number and each copy is signed for its destination (ipsec-ah.ts);
 * with `auth_hmac` each advert gets its signed trailer once, for every copy (auth-hmac.ts).
 */
import { ipBytes } from '../core/ip.js';
import type { VrrpInstanceConfig } from '../config/model.js';
import type { InterfaceTable } from './interface-table.js';
import type { VipTarget } from './vip-addresses.js';
import { buildAdvertTemplate, type AdvertTemplate } from './advert-template.js';
import { IPV4_HEADER_LEN, setIpv4Id } from './ip-header.js';
import { HmacSendSequence, hmacPseudoHeader, signTrailer, type HmacSettings } from './auth-hmac.js';
import { AH_HEADER_LEN, AhSequence, Ipv4IdCounter, signAhDatagram, writeAhHeader, writeAhSeq } from './ipsec-ah.js';
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

/** What signing an AH advert takes: the key, the shared sequence state, the instance's IP IDs. */
interface AhSending {
  readonly key: Uint8Array;
  readonly seq: AhSequence;
  readonly ids: Ipv4IdCounter;
  /** keepalived zeroes the TTL in the ICV input of unicast instances only. */
  readonly unicast: boolean;
  /** The AH header inside the datagram. */
  readonly header: Uint8Array;
}

/** What signing the auth_hmac trailer takes. */
interface HmacSending {
  readonly settings: HmacSettings;
  readonly seq: HmacSendSequence;
  readonly pseudo: Uint8Array;
  readonly trailer: Uint8Array;
}

export interface InstanceAdvertOptions {
  /** The sequence state an AH instance shares with its receive checks. */
  readonly ahSequence?: AhSequence | null;
  /** auth_hmac, resolved; `receive-only` sends no trailer. */
  readonly authExt?: HmacSettings | null;
}

export class InstanceAdvert {
  private readonly template: AdvertTemplate;
  private readonly dsts: readonly Uint8Array[];
  private readonly family: 4 | 6;
  private readonly ah: AhSending | null;
  private readonly hmac: HmacSending | null;

  /** `src`: the advert source address (also in the v3 checksum's pseudo-header, the AH SPI and the auth_hmac pseudo-header). */
  constructor(cfg: VrrpInstanceConfig, src: Uint8Array, opts: InstanceAdvertOptions = {}) {
    const ahSequence = opts.ahSequence ?? null;
    const ext = opts.authExt && opts.authExt.mode !== 'receive-only' ? opts.authExt : null;
    this.dsts = advertDestinations(cfg);
    this.family = cfg.family;
    const authType = cfg.version === 2 && cfg.auth ? (cfg.auth.type === 'PASS' ? AUTH_PASS : AUTH_AH) : AUTH_NONE;
    const withAh = authType === AUTH_AH && cfg.family === 4;
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
      cfg.family === 4
        ? { family: 4, src, dst: this.dsts[0]!, ipv4Header: { ttl, ipsecAh: withAh }, authExt: ext !== null }
        : { family: 6, src, dst: this.dsts[0]!, authExt: ext !== null },
    );
    const trailer = this.template.trailer;
    this.hmac = ext && trailer ? { settings: ext, seq: new HmacSendSequence(), pseudo: hmacPseudoHeader(cfg.family, cfg.version, cfg.vrid, src), trailer } : null;
    this.ah = null;
    if (withAh && cfg.auth) {
      const header = this.template.datagram.subarray(IPV4_HEADER_LEN, IPV4_HEADER_LEN + AH_HEADER_LEN);
      writeAhHeader(header, src);
      const unicast = cfg.unicastPeers.length > 0;
      this.ah = { key: passwordAuthData(cfg.auth.pass), seq: ahSequence ?? new AhSequence(), ids: new Ipv4IdCounter(), unicast, header };
    }
  }

  /**
   * One advert with this priority to every destination (the sender copies what it queues).
   * AH: one IP ID and sequence number per advert, one ICV per destination — as keepalived.
   * `wallMs`: the wall clock, for the auth_hmac sequence (seconds since the epoch on the wire).
   */
  send(sender: AdvertSender, priority: number, wallMs = 0): void {
    const t = this.template;
    const ah = this.ah;
    t.setPriority(priority);
    const h = this.hmac;
    if (h) signTrailer(h.trailer, t.message, h.settings, h.pseudo, h.seq.next(wallMs, h.settings));
    if (ah) {
      setIpv4Id(t.datagram, ah.ids.next());
      writeAhSeq(ah.header, ah.seq.nextToSend());
    }
    for (const dst of this.dsts) {
      t.setDestination(dst);
      if (ah) signAhDatagram(t.datagram, ah.key, ah.unicast);
      if (this.family === 4) sender.sendV4(t.datagram, dst);
      else sender.sendV6(t.payload, dst);
    }
  }
}
