/**
 * The VRRP child's data plane around its addresses (docs/data-plane.md): VMACs (vmac.ts), the
 * nftables drop sets of strict mode and no_accept (firewall.ts) and the kernel settings changed
 * for them (kernel-settings.ts), from start-up to stop. daemon.ts asks it where each instance's
 * adverts and addresses go, and brackets each instance's address changes with it: on becoming
 * MASTER the drop rule goes in before the VIPs, on leaving it the VIPs go before the rule, as
 * keepalived 2.2.7 orders them (MasterStep). Pure over the seam (child-deps.ts DataPlaneDeps).
 */
import type { Logger } from '../core/logger.js';
import type { KeepalivedConfig, VrrpInstanceConfig } from '../config/model.js';
import type { RtnlClient, RtnlLinkClient } from '../netlink/rtnl-client.js';
import { DEFAULT_NFT_RULESET_OPTIONS } from '../netlink/nft-ruleset.js';
import type { DataPlaneDeps } from './child-deps.js';
import { dropsVips, needsFirewall, nftOptions, VrrpFirewall } from './firewall.js';
import type { InterfaceTable } from './interface-table.js';
import { KernelSettings } from './kernel-settings.js';
import { instancePlacement, vmacWants, type InstancePlacement, type VmacPlaced } from './vmac-plan.js';
import type { VipTarget } from './vip-addresses.js';
import { VmacLinks } from './vmac.js';

/**
 * One kernel change an instance makes on becoming MASTER and undoes on leaving it. An instance's
 * steps run in list order on entering MASTER and in reverse order on leaving it, which is
 * keepalived 2.2.7's order (docs/data-plane.md): firewall drop rule, VIPs, then routes and rules;
 * leaving, rules and routes, VIPs, the drop rule.
 */
export interface MasterStep {
  readonly name: string;
  enter(): Promise<void>;
  leave(): Promise<void>;
}

export async function enterMasterSteps(steps: readonly MasterStep[]): Promise<void> {
  for (const s of steps) await s.enter();
}

export async function leaveMasterSteps(steps: readonly MasterStep[]): Promise<void> {
  for (const s of [...steps].reverse()) await s.leave();
}

export interface DataPlaneHost {
  readonly deps: DataPlaneDeps;
  /** The daemon's rtnetlink client (addresses on VMACs); null before start and after stop. */
  readonly rtnl: () => RtnlClient | null;
  readonly table: InterfaceTable;
  readonly log: Logger;
}

type LinkClient = RtnlLinkClient & { close(): void };

export class VrrpDataPlane {
  private linkClient: LinkClient | null = null;
  private readonly settings: KernelSettings;
  private readonly firewall: VrrpFirewall;
  private readonly vmacs: VmacLinks;
  private placed: VmacPlaced[] = [];

  constructor(private readonly host: DataPlaneHost) {
    const { deps, table, log } = host;
    const links = (): LinkClient => (this.linkClient ??= deps.openLinks());
    this.settings = new KernelSettings({ sysctl: deps.sysctl, stateFile: deps.stateFile, links, ifindexOf: (n) => table.linkByName(n)?.ifindex, log });
    this.firewall = new VrrpFirewall({ open: () => deps.openNft(), ifindexOf: (n) => table.linkByName(n)?.ifindex, log }, DEFAULT_NFT_RULESET_OPTIONS);
    this.vmacs = new VmacLinks({
      links,
      addAddress: async (spec) => this.host.rtnl()?.addAddress(spec),
      linkByName: (n) => table.linkByName(n),
      addresses: (i) => table.addresses(i),
      settings: this.settings,
      firewall: this.firewall,
      log,
    });
  }

  /**
   * Start-up, before any instance runs: settings a crashed run left are adopted, the firewall is
   * chosen (keepalived's line when the config does not name one), the VMACs are created.
   * True when there are VMACs (the caller re-reads the interface table).
   */
  async start(config: KeepalivedConfig): Promise<boolean> {
    this.settings.adopt();
    const g = config.globalDefs;
    this.firewall.reconfigure(nftOptions(g, config.vrrpInstances));
    if (needsFirewall(config.vrrpInstances) && g.nftables === undefined && g.vrrpIptables === undefined) {
      this.host.log.info('use_vmac or no_accept/strict specified, but no firewall configured - using nftables');
    }
    return this.prepare(config);
  }

  /** The VMACs of every instance of `config` (reload: the new ones are created before they start); true if there are any. */
  async prepare(config: KeepalivedConfig): Promise<boolean> {
    this.placed = await this.vmacs.ensure(config.vrrpInstances.flatMap(vmacWants));
    return this.placed.length > 0;
  }

  /** After a reload: the VMACs of instances that are gone are deleted. */
  async release(config: KeepalivedConfig): Promise<void> {
    const keep = new Set(config.vrrpInstances.flatMap(vmacWants).map((w) => w.key));
    this.placed = this.placed.filter((p) => keep.has(p.want.key));
    await this.vmacs.release(keep);
  }

  placement(cfg: VrrpInstanceConfig): InstancePlacement {
    return instancePlacement(cfg, this.placed);
  }

  /** The firewall's step of an instance's MASTER step list: its VIPs enter the drop sets (nothing when it accepts). */
  firewallStep(cfg: VrrpInstanceConfig, vips: readonly VipTarget[], log: Logger): MasterStep {
    const drops = dropsVips(cfg) && vips.length > 0;
    return {
      name: 'firewall',
      enter: async () => {
        if (!drops) return;
        log.info(`(${cfg.name}) setting firewall drop rule`);
        await this.firewall.addVips(cfg.name, vips);
      },
      leave: async () => {
        if (!drops) return;
        log.info(`(${cfg.name}) removing firewall drop rule`);
        await this.firewall.deleteVips(cfg.name, vips);
      },
    };
  }

  /** A MASTER's VIP list changed on reload: the sets follow the addresses. */
  async changeVips(cfg: VrrpInstanceConfig, gone: readonly VipTarget[], added: readonly VipTarget[]): Promise<void> {
    if (!dropsVips(cfg)) return;
    if (gone.length > 0) await this.firewall.deleteVips(cfg.name, gone);
    if (added.length > 0) await this.firewall.addVips(cfg.name, added);
  }

  /**
   * keepalived's exit, after the instances stopped: settings restored, VMACs deleted, tables
   * deleted. With -V (dont_release_vrrp) the VMACs and tables stay with the VIPs they carry.
   */
  async stop(keep: boolean): Promise<void> {
    if (!keep) {
      await this.settings.restore();
      await this.vmacs.stop();
      await this.firewall.stop();
    }
    this.linkClient?.close();
    this.linkClient = null;
  }
}
