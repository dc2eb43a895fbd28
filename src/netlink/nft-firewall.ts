/**
 * NftFirewall: keepalived's nftables use as the VRRP process needs it (docs/data-plane.md
 * "nftables"): VMACs and the VIPs of MASTER instances that must not be accepted go in and out
 * of the sets, the tables are deleted at stop. It keeps the planner's state (nft-ruleset.ts)
 * and runs one transaction at a time, in call order; a refused transaction changes nothing,
 * so the state only advances when the kernel acked. Like keepalived, the first change asks
 * whether a table of that name exists in each family and replaces it.
 * Pure: the transport (nft-client.ts in production) does the I/O.
 */
import type { Family } from '../core/ip.js';
import type { NftOp } from './nft-codec.js';
import { NFPROTO_IPV4, NFPROTO_IPV6 } from './nft-constants.js';
import {
  addVips,
  addVmac,
  deleteTables,
  deleteVips,
  deleteVmac,
  initialNftState,
  type NftRulesetOptions,
  type NftRulesetState,
  type NftStep,
  type NftVip,
  type NftVmac,
} from './nft-ruleset.js';

/** What the firewall needs of an nf_tables client (NftClient has both). */
export interface NftTransport {
  apply(ops: readonly NftOp[]): Promise<void>;
  tableExists(family: number, name: string): Promise<boolean>;
}

export class NftFirewall {
  private state: NftRulesetState = initialNftState();
  private probed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly nft: NftTransport,
    readonly options: NftRulesetOptions,
  ) {}

  /** A no_accept instance became MASTER: its VIPs are dropped from now on. */
  addVips(family: Family, vips: readonly NftVip[]): Promise<void> {
    return this.run((s) => addVips(s, this.options, family, vips));
  }

  /** The instance left MASTER: its VIPs leave the sets. */
  deleteVips(family: Family, vips: readonly NftVip[]): Promise<void> {
    return this.run((s) => deleteVips(s, this.options, family, vips));
  }

  addVmac(vmac: NftVmac): Promise<void> {
    return this.run((s) => addVmac(s, this.options, vmac));
  }

  deleteVmac(vmac: NftVmac): Promise<void> {
    return this.run((s) => deleteVmac(s, this.options, vmac));
  }

  /** keepalived's exit: the tables this firewall made are deleted. */
  deleteTables(): Promise<void> {
    return this.run((s) => deleteTables(s, this.options));
  }

  /** True once a table of this firewall exists in the family. */
  hasTable(family: Family): boolean {
    return (family === 4 ? this.state.v4 : this.state.v6) !== undefined;
  }

  private run(plan: (s: NftRulesetState) => NftStep): Promise<void> {
    const next = this.queue.then(async () => {
      if (!this.probed) await this.probe();
      const step = plan(this.state);
      await this.nft.apply(step.ops);
      this.state = step.state;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async probe(): Promise<void> {
    const stale: Family[] = [];
    for (const [f, proto] of [
      [4, NFPROTO_IPV4],
      [6, NFPROTO_IPV6],
    ] as const) {
      if (await this.nft.tableExists(proto, this.options.table)) stale.push(f);
    }
    this.state = { ...this.state, staleTables: stale };
    this.probed = true;
  }
}
