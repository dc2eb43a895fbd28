/**
 * The addresses a VRRP instance adds and removes (VRRP child): virtual_ipaddress and
 * virtual_ipaddress_excluded lines (and static_ipaddress) as rtnetlink requests, the way
 * keepalived adds them (keepalived.conf(5) "virtual_ipaddress": dev, brd, scope, label,
 * no_prefixroute), and the reload difference between two lists.
 */
import { broadcast4, formatIp, ipBytes } from '../core/ip.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { IpAddressSpec, VrrpInstanceConfig } from '../config/model.js';
import type { RtnlClient } from '../netlink/rtnl-client.js';
import { IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR, IFA_F_MCAUTOJOIN, INFINITY_LIFE_TIME, RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_SITE, RT_SCOPE_UNIVERSE } from '../netlink/constants.js';
import type { AddrSpec } from '../netlink/rtnl-model.js';

const SCOPES = { global: RT_SCOPE_UNIVERSE, site: RT_SCOPE_SITE, link: RT_SCOPE_LINK, host: RT_SCOPE_HOST, nowhere: RT_SCOPE_NOWHERE } as const;

/** One address line and the interface it goes on. */
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

/** The rtnetlink request for one VIP line (keepalived adds IPv6 VIPs with nodad; /128 deprecated). */
export function vipAddrSpec(v: IpAddressSpec, ifindex: number): AddrSpec {
  const spec: { -readonly [K in keyof AddrSpec]: AddrSpec[K] } = { ifindex, family: v.family, address: v.address, prefixLen: v.prefixLen };
  if (v.broadcast !== undefined && v.broadcast !== '-' && v.broadcast !== '+') spec.broadcast = v.broadcast;
  if (v.broadcast === '+' && v.family === 4) {
    const bc = broadcast4({ family: 4, bytes: ipBytes(v.address), prefixLen: v.prefixLen });
    if (bc) spec.broadcast = formatIp(bc);
  }
  if (v.label !== undefined) spec.label = v.label;
  if (v.scope !== undefined) spec.scope = SCOPES[v.scope];
  if (v.family === 6) {
    spec.noDad = true;
    // keepalived sends a lifetime for IPv6 only, none for `preferred_lft forever`.
    if (v.preferredLft !== undefined) {
      if (v.preferredLft !== INFINITY_LIFE_TIME) spec.preferredLft = v.preferredLft;
    } else if (v.prefixLen === 128) spec.preferredLftZero = true;
  }
  if (v.noPrefixRoute) spec.noPrefixRoute = true;
  const extra = (v.home ? IFA_F_HOMEADDRESS : 0) | (v.manageTempAddr ? IFA_F_MANAGETEMPADDR : 0) | (v.autoJoin ? IFA_F_MCAUTOJOIN : 0);
  if (extra !== 0) spec.extraFlags = extra;
  return spec;
}

/** Add or remove every target (EEXIST / absent are success); never rejects: failures are logged. */
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
