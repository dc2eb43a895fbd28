/**
 * Strict mode and no_accept in the VRRP child (keepalived.conf(5) `vrrp_strict`, `no_accept`,
 * `nftables`, `nftables_priority`, `nftables_counters`, `nftables_ifindex`; RFC 5798 §6.1
 * Accept_Mode): the VIPs and eVIPs of a MASTER that must not accept traffic go into keepalived's
 * nftables drop sets before its addresses are added and leave them after the addresses are
 * removed; every VMAC gets its IGMP/MLD entries; the tables are deleted at stop
 * (docs/data-plane.md "nftables"). The nf_tables socket is opened by the first change that
 * needs it, as keepalived creates its tables. Pure over its ports: NftFirewall plans and
 * serialises the transactions.
 */
import { errorMessage } from '../core/errors.js';
import { ipBytes, type Family } from '../core/ip.js';
import type { Logger } from '../core/logger.js';
import type { GlobalDefs, VrrpInstanceConfig } from '../config/model.js';
import { NftFirewall, type NftTransport } from '../netlink/nft-firewall.js';
import { DEFAULT_NFT_RULESET_OPTIONS, type NftRulesetOptions, type NftVip, type NftVmac } from '../netlink/nft-ruleset.js';
import type { VipTarget } from './vip-addresses.js';

/**
 * Whether a MASTER of this instance drops traffic to its VIPs: `no_accept`, or strict mode
 * (the compiler turns strict mode into no accept, VRRPv2 even with `accept`) — never for the
 * address owner.
 */
export const dropsVips = (cfg: Pick<VrrpInstanceConfig, 'accept' | 'priority'>): boolean => !cfg.accept && cfg.priority < 255;

/** Whether the config makes keepalived use a firewall: a VMAC or an instance that drops. */
export const needsFirewall = (instances: readonly VrrpInstanceConfig[]): boolean => instances.some((c) => dropsVips(c) || c.useVmac !== undefined);

/**
 * The ruleset options: `nftables TABLE` (default keepalived), its priority and counters; IPv6
 * link-local VIPs keyed by interface name when an instance has dont_track_primary and
 * nftables_ifindex is not set (keepalived.conf(5) `nftables_ifindex`).
 */
export function nftOptions(g: GlobalDefs, instances: readonly VrrpInstanceConfig[]): NftRulesetOptions {
  const byName = g.nftablesIfindex !== true && instances.some((c) => c.dontTrackPrimary);
  return {
    table: g.nftables ?? DEFAULT_NFT_RULESET_OPTIONS.table,
    priority: g.nftablesPriority ?? DEFAULT_NFT_RULESET_OPTIONS.priority,
    counters: g.nftablesCounters === true,
    linkLocalKey: byName ? 'ifname' : 'ifindex',
  };
}

export interface FirewallPorts {
  readonly open: () => NftTransport & { close(): void };
  readonly ifindexOf: (ifname: string) => number | undefined;
  readonly log: Logger;
}

type Closable = NftTransport & { close(): void };

export class VrrpFirewall {
  private nft: Closable | null = null;
  private fw: NftFirewall | null = null;
  private options: NftRulesetOptions;

  constructor(
    private readonly ports: FirewallPorts,
    options: NftRulesetOptions,
  ) {
    this.options = options;
  }

  /** A reload's options apply from the next table on (keepalived keeps a table it made). */
  reconfigure(options: NftRulesetOptions): void {
    if (!this.fw) this.options = options;
  }

  /** The instance became MASTER: its addresses are dropped (one transaction per family). */
  addVips(name: string, targets: readonly VipTarget[]): Promise<void> {
    return this.vips('add', name, targets);
  }

  /** The instance left MASTER or stops: its addresses leave the sets. */
  deleteVips(name: string, targets: readonly VipTarget[]): Promise<void> {
    return this.vips('delete', name, targets);
  }

  async addVmac(vmac: NftVmac): Promise<void> {
    await this.guard(`adding VMAC ${vmac.ifindex} to the firewall`, (fw) => fw.addVmac(vmac));
  }

  async deleteVmac(vmac: NftVmac): Promise<void> {
    if (this.fw) await this.guard(`removing VMAC ${vmac.ifindex} from the firewall`, (fw) => fw.deleteVmac(vmac));
  }

  /** keepalived's exit: its tables are deleted, the socket closed. */
  async stop(): Promise<void> {
    if (this.fw) await this.guard('deleting the nftables tables', (fw) => fw.deleteTables());
    this.nft?.close();
    this.nft = null;
    this.fw = null;
  }

  private async vips(op: 'add' | 'delete', name: string, targets: readonly VipTarget[]): Promise<void> {
    if (op === 'delete' && !this.fw) return;
    for (const family of [4, 6] as const) {
      const vips = this.nftVips(targets, family);
      if (vips.length === 0) continue;
      await this.guard(`${op === 'add' ? 'adding' : 'removing'} the VIPs of ${name}`, (fw) => (op === 'add' ? fw.addVips(family, vips) : fw.deleteVips(family, vips)));
    }
  }

  private nftVips(targets: readonly VipTarget[], family: Family): NftVip[] {
    return targets.filter((t) => t.spec.family === family).map((t) => ({ address: ipBytes(t.spec.address), ifname: t.ifname, ifindex: this.ports.ifindexOf(t.ifname) ?? 0 }));
  }

  private firewall(): NftFirewall {
    if (!this.fw) {
      this.nft = this.ports.open();
      this.fw = new NftFirewall(this.nft, this.options);
    }
    return this.fw;
  }

  /** Never rejects: a refused transaction changes nothing in the kernel and is logged. */
  private async guard(what: string, run: (fw: NftFirewall) => Promise<void>): Promise<void> {
    try {
      await run(this.firewall());
    } catch (e) {
      this.ports.log.error(`nftables: error ${what}: ${errorMessage(e)}`);
    }
  }
}
