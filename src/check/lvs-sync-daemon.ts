/**
 * global_defs lvs_timeouts and lvs_sync_daemon in the checker child (keepalived.conf(5)),
 * as keepalived 2.x's checker process does them:
 * - lvs_timeouts: at start (and on reload when changed) one IPVS_CMD_SET_CONFIG with the
 *   three timeouts, 0 for an unset one (the kernel leaves a 0 timeout unchanged); nothing
 *   when none is set. keepalived ignores a failure beyond one log line.
 * - lvs_sync_daemon without a VRRP instance: the checker owns the kernel's sync daemons:
 *   it stops any left over from an abnormal exit, then starts both the master and the
 *   backup daemon (syncid default 0); at shutdown it stops both (also with -I, like
 *   keepalived). On reload only a changed spec restarts them.
 * - lvs_sync_daemon naming a VRRP instance belongs to the VRRP process (backup at start,
 *   master while the instance is MASTER): the checker leaves it alone.
 */
import type { GlobalDefs, LvsSyncDaemonSpec } from '../config/model.js';
import type { Logger } from '../core/logger.js';
import type { IpvsClient, IpvsSyncDaemonSpec } from '../ipvs/ipvs-types.js';
import { errorMessage } from '../core/errors.js';


export type LvsTimeouts = { readonly tcpS: number; readonly tcpfinS: number; readonly udpS: number };

/** The SET_CONFIG values, or null when lvs_timeouts sets nothing. */
export function lvsTimeoutsFrom(g: GlobalDefs): LvsTimeouts | null {
  const t = g.lvsTimeouts;
  const out = { tcpS: t?.tcpS ?? 0, tcpfinS: t?.tcpfinS ?? 0, udpS: t?.udpS ?? 0 };
  return out.tcpS === 0 && out.tcpfinS === 0 && out.udpS === 0 ? null : out;
}

/** The sync daemon the checker child runs (master and backup), or null when it runs none. */
export function checkerSyncDaemon(g: GlobalDefs): LvsSyncDaemonSpec | null {
  const s = g.lvsSyncDaemon;
  return s && s.vrrpInstance === undefined ? s : null;
}

export function syncDaemonSpec(s: LvsSyncDaemonSpec, state: 'master' | 'backup'): IpvsSyncDaemonSpec {
  return {
    state,
    interface: s.interface,
    syncId: s.syncId ?? 0,
    ...(s.maxlen !== undefined ? { maxLen: s.maxlen } : {}),
    ...(s.group !== undefined ? { mcastGroup: s.group } : {}),
    ...(s.port !== undefined ? { mcastPort: s.port } : {}),
    ...(s.ttl !== undefined ? { mcastTtl: s.ttl } : {}),
  };
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Drives timeouts and sync daemons on one IPVS client; every error is logged, never thrown. */
export class LvsGlobals {
  private running: LvsSyncDaemonSpec | null = null;

  constructor(
    private readonly client: IpvsClient,
    private readonly log: Logger,
  ) {}

  /** Start-up (`prev` undefined) or reload (`prev` the running global_defs). */
  async apply(g: GlobalDefs, prev?: GlobalDefs): Promise<void> {
    const t = lvsTimeoutsFrom(g);
    if (t && (prev === undefined || !sameJson(t, lvsTimeoutsFrom(prev)))) {
      try {
        await this.client.setTimeouts(t);
      } catch (e) {
        this.log.info(`Failed to set ipvs timeouts (${errorMessage(e)})`);
      }
    }
    const want = checkerSyncDaemon(g);
    if (prev !== undefined && sameJson(want, this.running)) return;
    if (this.running !== null || (prev === undefined && want !== null)) await this.stopAll();
    this.running = null;
    if (!want) return;
    for (const state of ['master', 'backup'] as const) {
      try {
        await this.client.startDaemon(syncDaemonSpec(want, state));
      } catch (e) {
        this.log.error(`IPVS: cannot start the ${state} sync daemon on ${want.interface}: ${errorMessage(e)}`);
      }
    }
    this.running = want;
  }

  /** Shutdown: stop the daemons we started. */
  async stop(): Promise<void> {
    if (this.running === null) return;
    this.running = null;
    await this.stopAll();
  }

  /** Both states, errors ignored (stopping a daemon that is not running fails with ESRCH). */
  private async stopAll(): Promise<void> {
    for (const state of ['master', 'backup'] as const) {
      try {
        await this.client.stopDaemon(state);
      } catch {
        /* not running */
      }
    }
  }
}
