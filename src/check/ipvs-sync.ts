/**
 * Keeps the kernel's IPVS table in step with the checker engine: opens the client through
 * an injected factory, reconciles our services at start (after lvs_flush), then applies
 * each Step's ops strictly in order on one queue. Without IPVS (no ip_vs in the kernel,
 * KA_ERR_IPVS_UNAVAILABLE) it logs one clear line and becomes a no-op, so health checks,
 * scripts and status keep running.
 */
import type { Logger } from '../core/logger.js';
import type { IpvsClient, IpvsOp, IpvsTable } from '../ipvs/ipvs-types.js';
import { serviceKeyText } from './ipvs-desired.js';
import { diffTables, type TableDiff } from './table-diff.js';

export type OpenIpvs = (log: Logger) => Promise<IpvsClient>;

const errCode = (e: unknown): unknown => (typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined);
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const UNAVAILABLE = 'KA_ERR_IPVS_UNAVAILABLE';

/** The default factory: the ipvs module's netlink client, loaded lazily (it may be absent). */
export const openNetlinkIpvs: OpenIpvs = async (log) => {
  const path = '../ipvs/ipvs-client.js';
  let mod: { NetlinkIpvsClient?: { open(log: Logger): IpvsClient | Promise<IpvsClient> } };
  try {
    mod = (await import(path)) as typeof mod;
  } catch (e) {
    throw Object.assign(new Error(`no IPVS client in this build (${errText(e)})`), { code: UNAVAILABLE });
  }
  if (!mod.NetlinkIpvsClient) throw Object.assign(new Error('no IPVS client in this build'), { code: UNAVAILABLE });
  return mod.NetlinkIpvsClient.open(log);
};

export class IpvsSync {
  private client: IpvsClient | null = null;
  private queue: Promise<void> = Promise.resolve();
  /** Ops applied successfully (tests, dump). */
  applied = 0;

  constructor(
    private readonly log: Logger,
    private readonly reconcile: TableDiff = diffTables,
  ) {}

  get available(): boolean {
    return this.client !== null;
  }

  /** Open IPVS; false (after one error line) when the kernel or build has none. */
  async open(factory: OpenIpvs): Promise<boolean> {
    this.log.info('Initializing ipvs');
    try {
      this.client = await factory(this.log);
      return true;
    } catch (e) {
      const why = errCode(e) === UNAVAILABLE ? 'IPVS not available' : 'IPVS cannot be used';
      this.log.error(`IPVS: Can't initialize ipvs: ${errText(e)} - ${why}: health checks, notify scripts and status keep running without IPVS`);
      this.client = null;
      return false;
    }
  }

  /** Start-up: optional flush, then make our services match `desired` (others are left alone). */
  async initial(desired: IpvsTable, flush: boolean): Promise<void> {
    const c = this.client;
    if (!c) return;
    const ops: IpvsOp[] = [];
    let current: IpvsTable = [];
    if (flush) ops.push({ type: 'flush' });
    else {
      try {
        const ours = new Set(desired.map((e) => serviceKeyText(e.service.key)));
        current = (await c.dump()).filter((e) => ours.has(serviceKeyText(e.service.key)));
      } catch (e) {
        this.log.error(`IPVS: cannot read the current table: ${errText(e)}`);
      }
    }
    ops.push(...this.reconcile(desired, current));
    this.apply(ops);
    await this.idle();
  }

  /** Queue ops (in order); errors are logged per op and never stop the queue. */
  apply(ops: readonly IpvsOp[]): void {
    if (!this.client || ops.length === 0) return;
    const c = this.client;
    this.queue = this.queue.then(async () => {
      for (const op of ops) {
        if (this.client !== c) return;
        try {
          await c.apply(op);
          this.applied++;
        } catch (e) {
          this.log.error(`IPVS: ${op.type} failed: ${errText(e)}`);
          if (errCode(e) === UNAVAILABLE) this.client = null;
        }
      }
    });
  }

  idle(): Promise<void> {
    return this.queue;
  }

  async close(): Promise<void> {
    await this.idle();
    this.client?.close();
    this.client = null;
  }
}
