/**
 * The per-instance wiring of the VRRP child: the prebuilt advert and where it is sent, the
 * receive context for the advert checks, VIP add/remove over rtnetlink, GARP/NA bursts and
 * notifications. Everything an instance does to the outside world goes through here.
 */
import { formatIp, parseIp } from '../core/ip.js';
import type { Logger } from '../core/logger.js';
import type { IpAddressSpec, VrrpInstanceConfig } from '../config/model.js';
import type { RtnlClient } from '../netlink/rtnl-client.js';
import { RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_SITE, RT_SCOPE_UNIVERSE } from '../netlink/constants.js';
import type { AddrSpec } from '../netlink/rtnl-model.js';
import { buildAdvertTemplate, type AdvertTemplate } from './advert-template.js';
import type { InstanceAuth, ReceiveContext } from './advert-check.js';
import { passwordAuthData } from './packet.js';
import { AUTH_AH, AUTH_NONE, AUTH_PASS } from './types.js';
import { errorMessage } from '../core/errors.js';

/** Sends on one (interface, family); implemented over VrrpSocket. */
export interface AdvertSender {
  sendV4(packet: Uint8Array, dst: Uint8Array): boolean;
  sendV6(payload: Uint8Array, dst: Uint8Array): boolean;
}

/** GARP / unsolicited NA on one interface. */
export interface GarpPort {
  sendGarp(vip4: Uint8Array): void;
  sendNa(vip6: Uint8Array): void;
}

const SCOPES = { global: RT_SCOPE_UNIVERSE, site: RT_SCOPE_SITE, link: RT_SCOPE_LINK, host: RT_SCOPE_HOST, nowhere: RT_SCOPE_NOWHERE } as const;

export function bytesOf(text: string): Uint8Array {
  const p = parseIp(text);
  if (!p) throw new Error(`invalid address '${text}'`);
  return p.bytes;
}

export function authOf(cfg: VrrpInstanceConfig): InstanceAuth {
  if (cfg.version !== 2 || !cfg.auth) return { type: 'none' };
  return cfg.auth.type === 'PASS' ? { type: 'pass', password: passwordAuthData(cfg.auth.pass) } : { type: 'ah' };
}

/** Destinations of this instance's adverts: each unicast peer, or the multicast group. */
export function advertDestinations(cfg: VrrpInstanceConfig): Uint8Array[] {
  return cfg.unicastPeers.length > 0 ? cfg.unicastPeers.map((p) => bytesOf(p.address)) : [bytesOf(cfg.mcastDstIp)];
}

/** VIPs of the instance's family: what the advert carries (eVIPs are never advertised). */
export function advertisedVips(cfg: VrrpInstanceConfig): Uint8Array[] {
  return cfg.vips.filter((v) => v.family === cfg.family).map((v) => bytesOf(v.address));
}

export function buildTemplate(cfg: VrrpInstanceConfig, src: Uint8Array): AdvertTemplate {
  const dsts = advertDestinations(cfg);
  const authType = cfg.version === 2 && cfg.auth ? (cfg.auth.type === 'PASS' ? AUTH_PASS : AUTH_AH) : AUTH_NONE;
  const ttl = cfg.unicastPeers.length > 0 ? (cfg.unicastTtl ?? 255) : 255;
  return buildAdvertTemplate(
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
    cfg.family === 4 ? { family: 4, src, dst: dsts[0]!, ipv4Header: { ttl } } : { family: 6, src, dst: dsts[0]! },
  );
}

export function sendAdvert(t: AdvertTemplate, cfg: VrrpInstanceConfig, dsts: readonly Uint8Array[], sender: AdvertSender, priority: number): void {
  t.setPriority(priority);
  for (const dst of dsts) {
    t.setDestination(dst);
    if (cfg.family === 4) sender.sendV4(t.datagram, dst);
    else sender.sendV6(t.payload, dst);
  }
}

export function receiveContext(
  cfg: VrrpInstanceConfig,
  ownAddresses: readonly Uint8Array[],
  lastMasterSrc: Uint8Array | null,
  strictAddressList: boolean,
): ReceiveContext {
  return {
    name: cfg.name,
    version: cfg.version,
    vrid: cfg.vrid,
    family: cfg.family,
    advertIntCs: cfg.advertIntCs,
    auth: authOf(cfg),
    vips: advertisedVips(cfg),
    unicast: cfg.unicastPeers.length > 0,
    unicastPeers: cfg.unicastPeers.map((p) => bytesOf(p.address)),
    checkUnicastSrc: cfg.checkUnicastSrc,
    skipCheckAdvAddr: cfg.skipCheckAdvAddr,
    lastMasterSrc,
    ownAddresses,
    strictAddressList,
  };
}

/** The rtnetlink request for one VIP line (keepalived adds IPv6 VIPs with nodad; /128 deprecated). */
export function vipAddrSpec(v: IpAddressSpec, ifindex: number): AddrSpec {
  const spec: { -readonly [K in keyof AddrSpec]: AddrSpec[K] } = { ifindex, family: v.family, address: v.address, prefixLen: v.prefixLen };
  if (v.broadcast !== undefined && v.broadcast !== '-' && v.broadcast !== '+') spec.broadcast = v.broadcast;
  if (v.broadcast === '+' && v.family === 4 && v.prefixLen < 31) spec.broadcast = broadcastOf(v);
  if (v.label !== undefined) spec.label = v.label;
  if (v.scope !== undefined) spec.scope = SCOPES[v.scope];
  if (v.family === 6) {
    spec.noDad = true;
    if (v.prefixLen === 128) spec.preferredLftZero = true;
  }
  if (v.noPrefixRoute) spec.noPrefixRoute = true;
  return spec;
}

function broadcastOf(v: IpAddressSpec): string {
  const b = bytesOf(v.address);
  const n = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const host = v.prefixLen === 0 ? 0xffffffff : (0xffffffff >>> v.prefixLen) >>> 0;
  const bc = (n | host) >>> 0;
  return formatIp(Uint8Array.of(bc >>> 24, (bc >>> 16) & 0xff, (bc >>> 8) & 0xff, bc & 0xff));
}

export interface VipTarget {
  readonly spec: IpAddressSpec;
  readonly ifname: string;
}

/** VIPs and eVIPs with the interface each goes on (`dev`, else the instance interface). */
export function vipTargets(cfg: VrrpInstanceConfig): VipTarget[] {
  return [...cfg.vips, ...cfg.excludedVips].map((spec) => ({ spec, ifname: spec.dev ?? cfg.interface ?? '' }));
}

/** What a reload must remove and add: targets keyed by interface and address/prefix. */
export function diffVipTargets(before: readonly VipTarget[], after: readonly VipTarget[]): { gone: VipTarget[]; added: VipTarget[] } {
  const key = (t: VipTarget): string => `${t.ifname}|${t.spec.address}/${t.spec.prefixLen}`;
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  return { gone: before.filter((t) => !afterKeys.has(key(t))), added: after.filter((t) => !beforeKeys.has(key(t))) };
}

export async function applyVips(
  op: 'add' | 'delete',
  targets: readonly VipTarget[],
  rtnl: RtnlClient,
  ifindexOf: (name: string) => number | undefined,
  log: Logger,
): Promise<void> {
  await Promise.all(
    targets.map(async (t) => {
      const ifindex = ifindexOf(t.ifname);
      if (ifindex === undefined) {
        log.warn(`Cannot ${op} VIP ${t.spec.text}: interface ${t.ifname} doesn't exist`);
        return;
      }
      try {
        const spec = vipAddrSpec(t.spec, ifindex);
        if (op === 'add') await rtnl.addAddress(spec);
        else await rtnl.deleteAddress(spec);
      } catch (e) {
        log.error(`Netlink: error ${op === 'add' ? 'adding' : 'removing'} ${t.spec.address}/${t.spec.prefixLen} on ${t.ifname}: ${errorMessage(e)}`);
      }
    }),
  );
}

/** One GARP (IPv4) or unsolicited NA (IPv6) per VIP; `family` filter none. */
export function announceVips(targets: readonly VipTarget[], garpOf: (ifname: string) => GarpPort | undefined, log: Logger, name: string): void {
  for (const t of targets) {
    const port = garpOf(t.ifname);
    if (!port) continue;
    const bytes = bytesOf(t.spec.address);
    if (t.spec.family === 4) port.sendGarp(bytes);
    else port.sendNa(bytes);
  }
  if (log.isEnabled('debug')) {
    for (const t of targets) {
      const what = t.spec.family === 4 ? 'gratuitous ARP' : 'unsolicited neighbour advert';
      log.debug(`(${name}) Sending ${what} on ${t.ifname} for ${t.spec.address}`);
    }
  }
}
