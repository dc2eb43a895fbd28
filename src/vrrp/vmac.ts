/**
 * The VMACs of the VRRP child at run time (keepalived.conf(5) `use_vmac`, `use_vmac_addr`,
 * `use_ipvlan`): created (or a matching one taken over) at start-up on every node whatever the
 * state, with the requests and settings keepalived 2.2.7 makes, in its order
 * (docs/data-plane.md "VMAC", test/fixtures/rtnl/vmac-links.json): the macvlan, rp_filter
 * (when `all.rp_filter` is set: `all` to 0, `default` and the interfaces in use raised so their
 * filtering stays as it was), the VMAC's arp_ignore / accept_local / rp_filter /
 * promote_secondaries, the base interface's arp_ignore / arp_filter, IPv6 disable_ipv6 and
 * addr_gen_mode none, up, the base interface's link-local address on an IPv6 VMAC, and its
 * IGMP/MLD entries in the firewall. Deleted at stop. Pure over its ports.
 */
import { errorMessage } from '../core/errors.js';
import { isLinkLocal6 } from '../core/ip.js';
import type { Logger } from '../core/logger.js';
import { IN6_ADDR_GEN_MODE_NONE, RT_SCOPE_LINK } from '../netlink/constants.js';
import type { LinkCreateOutcome, RtnlLinkClient } from '../netlink/rtnl-client.js';
import type { AddrInfo, AddrSpec, LinkInfo } from '../netlink/rtnl-model.js';
import type { VrrpFirewall } from './firewall.js';
import { ipv4ConfPath, ipv6ConfPath, type KernelSettings } from './kernel-settings.js';
import { placeVmacs, type VmacPlaced, type VmacWant } from './vmac-plan.js';

export interface VmacPorts {
  readonly links: () => RtnlLinkClient;
  readonly addAddress: (spec: AddrSpec) => Promise<unknown>;
  /** The interface table as it is now. */
  readonly linkByName: (name: string) => LinkInfo | undefined;
  readonly addresses: (ifindex: number) => readonly AddrInfo[];
  readonly settings: KernelSettings;
  readonly firewall: VrrpFirewall;
  readonly log: Logger;
}

interface LiveVmac {
  readonly want: VmacWant;
  readonly ifname: string;
  readonly ifindex: number;
  readonly baseIndex: number;
}

const kindWord = (w: VmacWant): string => (w.kind === 'macvlan' ? 'VMAC' : 'ipvlan');

export class VmacLinks {
  /** Every want named so far, by key (also those that could not be created). */
  private readonly names = new Map<string, VmacPlaced>();
  private readonly live = new Map<string, LiveVmac>();
  /** `all.rp_filter` when the first IPv4 VMAC came (null: not looked at yet). */
  private rpFilterAll: number | null = null;
  private readonly raisedBases = new Set<string>();
  private readonly arpBases = new Set<string>();

  constructor(private readonly ports: VmacPorts) {}

  /** The interfaces of every want: live ones keep theirs, new ones are named, created or taken over. */
  async ensure(wants: readonly VmacWant[]): Promise<VmacPlaced[]> {
    const fresh = wants.filter((w) => !this.names.has(w.key));
    const { placed, renamed } = placeVmacs(fresh, this.ports.linkByName, [...this.names.values()].map((p) => p.ifname));
    for (const r of renamed) this.ports.log.warn(`(${r.want.instance}) interface ${r.want.name} already exists and is not a private macvlan; ignoring vmac if_name`);
    for (const p of placed) {
      this.names.set(p.want.key, p);
      const live = await this.bring(p);
      if (live) this.live.set(p.want.key, live);
    }
    return wants.flatMap((w) => this.names.get(w.key) ?? []);
  }

  /** Deletes the VMACs of wants no longer in `keep` (a reload dropped their instance). */
  async release(keep: ReadonlySet<string>): Promise<void> {
    for (const key of [...this.names.keys()]) {
      if (keep.has(key)) continue;
      this.names.delete(key);
      const live = this.live.get(key);
      this.live.delete(key);
      if (live) await this.remove(live);
    }
  }

  /** keepalived's exit: every VMAC goes, in creation order. */
  async stop(): Promise<void> {
    await this.release(new Set());
  }

  private async bring(p: VmacPlaced): Promise<LiveVmac | null> {
    const { want, ifname } = p;
    const base = this.ports.linkByName(want.base);
    if (!base) {
      this.ports.log.error(`(${want.instance}): Unable to create ${kindWord(want)} interface ${ifname}: interface ${want.base} doesn't exist`);
      return null;
    }
    try {
      const link = p.reused ? this.ports.linkByName(ifname) : await this.create(want, ifname, base);
      if (!link) return null;
      if (p.reused) this.ports.log.info(`(${want.instance}) Found matching interface ${ifname}`);
      await this.configure(want, link, base, p.reused);
      return { want, ifname, ifindex: link.ifindex, baseIndex: base.ifindex };
    } catch (e) {
      this.ports.log.error(`(${want.instance}): Unable to create ${kindWord(want)} interface ${ifname}: ${errorMessage(e)}`);
      return null;
    }
  }

  private async create(want: VmacWant, ifname: string, base: LinkInfo): Promise<LinkInfo | null> {
    const links = this.ports.links();
    const out: LinkCreateOutcome =
      want.kind === 'macvlan'
        ? await links.createMacvlan({ name: ifname, parentIndex: base.ifindex, mac: want.mac ?? new Uint8Array(6), mode: 'private' })
        : await links.createIpvlan({ name: ifname, parentIndex: base.ifindex, mode: 'l2', flag: want.ipvlan?.flag ?? 'bridge' });
    switch (out.outcome) {
      case 'created':
        this.ports.log.info(`(${want.instance}): Success creating ${kindWord(want)} interface ${ifname}`);
        return out.link;
      case 'exists':
        this.ports.log.error(`(${want.instance}): Unable to create ${kindWord(want)} interface ${ifname}: an interface of that name appeared meanwhile`);
        return null;
      case 'unsupported':
        this.ports.log.error(`(${want.instance}): Unable to create ${kindWord(want)} interface ${ifname}: the kernel has no ${want.kind} support (${out.reason})`);
        return null;
    }
  }

  /** The settings, in keepalived's order; a VMAC taken over is not brought up (keepalived leaves it as found). */
  private async configure(want: VmacWant, link: LinkInfo, base: LinkInfo, reused: boolean): Promise<void> {
    const { settings } = this.ports;
    const links = this.ports.links();
    if (want.family === 4 && want.kind === 'macvlan') {
      await this.rpFilter(base, link);
      await settings.setDevconf(link, [['arp_ignore', 1], ['accept_local', 1], ['rp_filter', 0], ['promote_secondaries', 1]], false);
      if (!this.arpBases.has(base.name)) {
        this.arpBases.add(base.name);
        // Not restored: keepalived 2.2.7 leaves the base interface with arp_ignore 1 and
        // arp_filter 1 after its stop (docs/data-plane.md "VMAC"), and so do we.
        await settings.setDevconf(base, [['arp_ignore', 1], ['arp_filter', 1]], false);
      }
    }
    settings.write(ipv6ConfPath(link.name, 'disable_ipv6'), want.family === 4 ? '1' : '0');
    await links.setAddrGenMode(link.ifindex, IN6_ADDR_GEN_MODE_NONE);
    if (!reused) await links.setLinkUp(link.ifindex, true);
    if (want.family === 6 && !want.xmitBase) {
      const ll = this.ports.addresses(base.ifindex).find((a) => a.family === 6 && isLinkLocal6({ family: 6, bytes: a.bytes }));
      if (ll) await this.ports.addAddress({ ifindex: link.ifindex, family: 6, address: ll.bytes, prefixLen: ll.prefixLen, scope: RT_SCOPE_LINK, noDad: true, preferredLftZero: true });
    }
    if (want.kind === 'ipvlan' && want.ipvlan?.address !== undefined) {
      const [address = '', len] = want.ipvlan.address.split('/');
      await this.ports.addAddress({ ifindex: link.ifindex, address, prefixLen: Number(len ?? (address.includes(':') ? 128 : 32)) });
    }
    if (want.kind === 'macvlan') await this.ports.firewall.addVmac({ family: want.family, ifindex: link.ifindex, baseIfindex: base.ifindex });
  }

  /**
   * keepalived.conf(5) `use_vmac`: with `all.rp_filter` set, an IPv4 VMAC would fail its reverse
   * path check, so `all` goes to 0 and the interfaces in use (and `default`) are raised to the
   * old value: their effective filtering is unchanged.
   */
  private async rpFilter(base: LinkInfo, vmac: LinkInfo): Promise<void> {
    const { settings } = this.ports;
    if (this.rpFilterAll === null) {
      const all = settings.readNumber(ipv4ConfPath('all', 'rp_filter'));
      if (all === null) this.ports.log.error('Unable to read sysctl net.ipv4.conf.all.rp_filter');
      this.rpFilterAll = all ?? 0;
      if (this.rpFilterAll > 0) {
        settings.setSysctl(ipv4ConfPath('all', 'rp_filter'), '0', true);
        const dflt = settings.readNumber(ipv4ConfPath('default', 'rp_filter'));
        if (dflt !== null && dflt < this.rpFilterAll) settings.setSysctl(ipv4ConfPath('default', 'rp_filter'), String(this.rpFilterAll), true);
      }
    }
    const all = this.rpFilterAll;
    if (all <= 0) return;
    const raise = async (link: LinkInfo, restore: boolean): Promise<void> => {
      const cur = settings.readNumber(ipv4ConfPath(link.name, 'rp_filter'));
      if (cur !== null && cur < all) await settings.setDevconf(link, [['rp_filter', all]], restore);
    };
    if (!this.raisedBases.has(base.name)) {
      this.raisedBases.add(base.name);
      await raise(base, true);
    }
    await raise(vmac, false);
  }

  private async remove(v: LiveVmac): Promise<void> {
    if (v.want.kind === 'macvlan') await this.ports.firewall.deleteVmac({ family: v.want.family, ifindex: v.ifindex, baseIfindex: v.baseIndex });
    try {
      await this.ports.links().deleteLink(v.ifindex);
      this.ports.log.info(`(${v.want.instance}) Success removing VMAC interface ${v.ifname}`);
    } catch (e) {
      this.ports.log.error(`(${v.want.instance}) Error removing VMAC interface ${v.ifname}: ${errorMessage(e)}`);
    }
  }
}
