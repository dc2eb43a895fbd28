/**
 * Keeps the kernel's IPVS table in step with the checker engine: opens the client through
 * an injected factory, reconciles our services at start (after lvs_flush), then applies
 * each Step's ops in order, pipelined. Without IPVS (no ip_vs in the kernel,
 * KA_ERR_IPVS_UNAVAILABLE) it logs one clear line and becomes a no-op, so health checks,
 * scripts and status keep running.
 */
import type { Logger } from '../core/logger.js';
import type { IpvsClient, IpvsOp, IpvsTable } from '../ipvs/ipvs-types.js';
import { serviceKeyText } from './ipvs-desired.js';
import { diffTables, type TableDiff } from './table-diff.js';
import { errorMessage } from '../core/errors.js';

export type OpenIpvs = (log: Logger) => Promise<IpvsClient>;

const errCode = (e: unknown): unknown => (typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined);
const UNAVAILABLE = 'KA_ERR_IPVS_UNAVAILABLE';

/** The default factory: the ipvs module's netlink client, loaded on first use (start-up cost stays off the VRRP child). */
export const openNetlinkIpvs: OpenIpvs = async (log) => {
  const { NetlinkIpvsClient } = await import('../ipvs/ipvs-client.js');
  return NetlinkIpvsClient.open(log);
};

/**
 * Ops in flight at once. Netlink requests on one socket are handled by the kernel in the
 * order sent, so pipelining keeps the order while a busy event loop no longer costs one
 * loop turn per op; the window keeps the acks well inside the socket's receive buffer.
 */
const IPVS_WINDOW = 64;

/** Ops whose outcome can change what a later op means: nothing else is in flight around them. */
const isBarrier = (op: IpvsOp): boolean => op.type === 'edit-dest' || op.type === 'flush';

export class IpvsSync {
  private client: IpvsClient | null = null;
  private readonly pending: IpvsOp[] = [];
  private head = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
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
      this.log.error(`IPVS: Can't initialize ipvs: ${errorMessage(e)} - ${why}: health checks, notify scripts and status keep running without IPVS`);
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
        this.log.error(`IPVS: cannot read the current table: ${errorMessage(e)}`);
      }
    }
    ops.push(...this.reconcile(desired, current));
    this.apply(ops);
    await this.idle();
  }

  /** Queue ops (applied in order, pipelined); errors are logged per op and never stop the queue. */
  apply(ops: readonly IpvsOp[]): void {
    if (!this.client || ops.length === 0) return;
    for (const op of ops) this.pending.push(op);
    this.pump();
  }

  private pump(): void {
    const c = this.client;
    while (c && this.head < this.pending.length && this.inFlight < IPVS_WINDOW) {
      const op = this.pending[this.head]!;
      if (isBarrier(op) && this.inFlight > 0) break;
      this.head++;
      this.inFlight++;
      void c.apply(op).then(
        () => {
          this.applied++;
          this.settled();
        },
        (e: unknown) => {
          this.log.error(`IPVS: ${op.type} failed: ${errorMessage(e)}`);
          if (errCode(e) === UNAVAILABLE && this.client === c) this.client = null;
          this.settled();
        },
      );
      if (isBarrier(op)) break;
    }
    if (!this.client) {
      this.pending.length = 0;
      this.head = 0;
    } else if (this.head === this.pending.length) {
      this.pending.length = 0;
      this.head = 0;
    }
    if (this.inFlight === 0 && this.head === this.pending.length) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private settled(): void {
    this.inFlight--;
    this.pump();
  }

  /** Resolves once every queued op has been answered. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.head === this.pending.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.idle();
    this.client?.close();
    this.client = null;
  }
}
