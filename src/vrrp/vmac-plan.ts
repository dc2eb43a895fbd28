/**
 * Which virtual interfaces the VRRP instances need and where their addresses go
 * (keepalived.conf(5) `use_vmac`, `use_vmac_addr`, `vmac_xmit_base`, `use_ipvlan`), decided as
 * keepalived 2.2.7 does (docs/data-plane.md "VMAC"): one macvlan in private mode per instance
 * on its interface, MAC 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6, RFC 5798
 * §7.3), named `vrrp.VRID` unless that name is taken, and with `use_vmac_addr` one more on each
 * other interface its VIPs use. The instance's VIPs and eVIPs of its family that name no other
 * interface go on its VMAC, adverts leave from it unless `vmac_xmit_base`. Pure.
 */
import type { Family } from '../core/ip.js';
import type { VrrpInstanceConfig } from '../config/model.js';
import type { LinkInfo } from '../netlink/rtnl-model.js';
import type { IpvlanFlag } from '../netlink/link-kinds.js';
import { vipTargets, type VipTarget } from './vip-addresses.js';

/** One virtual interface an instance needs. */
export interface VmacWant {
  /** `INSTANCE|BASE|FAMILY`: what the instance asks for, whatever name it ends up with. */
  readonly key: string;
  readonly instance: string;
  readonly vrid: number;
  /** The family of its MAC (00:00:5e:00:01 or :02) and of its settings. */
  readonly family: Family;
  readonly base: string;
  readonly kind: 'macvlan' | 'ipvlan';
  /** The name the config gives (`use_vmac NAME`, `use_ipvlan NAME`); the default otherwise. */
  readonly name: string;
  /** macvlan: the MAC; ipvlan shares its parent's. */
  readonly mac?: Uint8Array;
  /** ipvlan: mode flag and the address it gets (keepalived.conf(5) `use_ipvlan … IP`). */
  readonly ipvlan?: { readonly flag: IpvlanFlag; readonly address?: string };
  /** The instance's own interface (adverts, tracking); false for `use_vmac_addr` ones. */
  readonly primary: boolean;
  /** `vmac_xmit_base`: adverts stay on the base interface, and an IPv6 VMAC gets no link-local. */
  readonly xmitBase: boolean;
}

export const wantKey = (instance: string, base: string, family: Family): string => `${instance}|${base}|${family}`;

/** keepalived's VMAC MAC, or the configured one (5 octets: the VRID is the sixth). */
export function vmacMac(family: Family, vrid: number, configured?: string): Uint8Array {
  const parts = configured?.split(':').map((x) => Number.parseInt(x, 16)) ?? [];
  if (parts.length === 5) parts.push(vrid);
  if (parts.length === 6 && parts.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) return Uint8Array.from(parts);
  return Uint8Array.of(0, 0, 0x5e, 0, family === 4 ? 1 : 2, vrid);
}

/** The virtual interfaces of one instance, its own first. */
export function vmacWants(cfg: VrrpInstanceConfig): VmacWant[] {
  const base = cfg.interface;
  if (base === undefined) return [];
  const xmitBase = cfg.vmacXmitBase;
  const common = { instance: cfg.name, vrid: cfg.vrid, xmitBase };
  if (cfg.useIpvlan) {
    const address = cfg.useIpvlan.address;
    return [{ ...common, key: wantKey(cfg.name, base, cfg.family), family: cfg.family, base, kind: 'ipvlan', name: cfg.useIpvlan.ifname, ipvlan: { flag: cfg.useIpvlan.mode, ...(address !== undefined ? { address } : {}) }, primary: true }];
  }
  if (!cfg.useVmac) return [];
  const own: VmacWant = { ...common, key: wantKey(cfg.name, base, cfg.family), family: cfg.family, base, kind: 'macvlan', name: cfg.useVmac.ifname, mac: vmacMac(cfg.family, cfg.vrid, cfg.useVmac.mac), primary: true };
  if (!cfg.useVmacAddr) return [own];
  const out = [own];
  for (const t of vipTargets(cfg)) {
    const family = t.spec.family;
    const onBase = t.ifname === base;
    if (onBase && family === cfg.family) continue;
    const key = wantKey(cfg.name, t.ifname, family);
    if (out.some((w) => w.key === key)) continue;
    out.push({ ...common, key, family, base: t.ifname, kind: 'macvlan', name: `vrrp.${cfg.vrid}`, mac: vmacMac(family, cfg.vrid), primary: false });
  }
  return out;
}

/** Where a want ended up: its interface name (and whether it was already there). */
export interface VmacPlaced {
  readonly want: VmacWant;
  readonly ifname: string;
  /** A matching VMAC of that name existed (a crashed run's, or another program's): reused. */
  readonly reused: boolean;
}

const sameBytes = (a: Uint8Array, b: Uint8Array | undefined): boolean => b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/** An existing link keepalived would take over: a private macvlan on the same parent with the same MAC. */
export function matchesVmac(link: LinkInfo, want: VmacWant, baseIndex: number | undefined): boolean {
  if (want.kind === 'ipvlan') return link.kind === 'ipvlan' && link.parentIndex === baseIndex;
  return link.kind === 'macvlan' && link.parentIndex === baseIndex && link.macvlanMode === 'private' && sameBytes(link.mac, want.mac);
}

/**
 * Names for every want, in order (docs/data-plane.md "VMAC"): the configured or default
 * `vrrp.VRID` when free or held by a matching VMAC; for IPv6 `vrrp6.VRID` when one of our own
 * VMACs took `vrrp.VRID`; then `vrrp1.VRID`, `vrrp2.VRID` … Names other wants already took are
 * never shared, nor are `reserved` ones (VMACs already in use).
 */
export function placeVmacs(
  wants: readonly VmacWant[],
  linkByName: (name: string) => LinkInfo | undefined,
  reserved: Iterable<string> = [],
): { placed: VmacPlaced[]; renamed: { want: VmacWant; name: string }[] } {
  const taken = new Set<string>(reserved);
  const placed: VmacPlaced[] = [];
  const renamed: { want: VmacWant; name: string }[] = [];
  for (const want of wants) {
    const baseIndex = linkByName(want.base)?.ifindex;
    const usable = (name: string): { ok: boolean; reused: boolean } => {
      if (taken.has(name) || name.length > 15) return { ok: false, reused: false };
      const link = linkByName(name);
      if (!link) return { ok: true, reused: false };
      return matchesVmac(link, want, baseIndex) ? { ok: true, reused: true } : { ok: false, reused: false };
    };
    const candidates = [want.name];
    const dflt = `vrrp.${want.vrid}`;
    if (want.name !== dflt) candidates.push(dflt);
    if (want.family === 6 && taken.has(dflt)) candidates.push(`vrrp6.${want.vrid}`);
    for (let n = 1; n < 100; n++) candidates.push(`vrrp${n}.${want.vrid}`);
    for (const name of candidates) {
      const u = usable(name);
      if (!u.ok) continue;
      if (name !== want.name && want.name !== dflt) renamed.push({ want, name });
      taken.add(name);
      placed.push({ want, ifname: name, reused: u.reused });
      break;
    }
  }
  return { placed, renamed };
}

/** Where an instance's adverts leave from and its addresses go, once its VMACs have names. */
export interface InstancePlacement {
  /** The interface of the VRRP socket: the VMAC, or the base one with vmac_xmit_base (or no VMAC). */
  readonly advertIfname: string;
  readonly vipTargets: readonly VipTarget[];
  /** Virtual interfaces whose link state the instance tracks (down ⇒ FAULT). */
  readonly tracked: readonly string[];
}

/**
 * VIPs and eVIPs of the instance's family that name no interface or the instance's go on its
 * VMAC (an eVIP of the other family stays on the base interface, as keepalived 2.2.7 puts it);
 * with use_vmac_addr those on other interfaces go on the VMAC there.
 */
export function instancePlacement(cfg: VrrpInstanceConfig, placed: readonly VmacPlaced[]): InstancePlacement {
  const base = cfg.interface ?? '';
  const mine = placed.filter((p) => p.want.instance === cfg.name);
  const targets = vipTargets(cfg);
  const own = mine.find((p) => p.want.primary);
  if (!own) return { advertIfname: base, vipTargets: targets, tracked: [] };
  const on = (ifname: string, family: Family): string | undefined => mine.find((p) => p.want.base === ifname && p.want.family === family)?.ifname;
  const vips = targets.map((t): VipTarget => {
    const vmac = on(t.ifname, t.spec.family);
    return vmac !== undefined ? { spec: t.spec, ifname: vmac } : t;
  });
  return { advertIfname: cfg.vmacXmitBase ? base : own.ifname, vipTargets: vips, tracked: [own.ifname] };
}
