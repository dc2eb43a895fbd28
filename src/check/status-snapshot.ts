/**
 * One virtual server as the status model sees it (src/process/status.ts, docs/status-api.md):
 * each real server with its configured and effective weight, whether it is alive, and the
 * state of each of its checkers. Pure, from the checker engine's state (lvs-state.ts).
 */
import type { VirtualServerStatus } from '../process/status.js';
import { effectiveWeight, type VsState } from './lvs-state.js';

export function virtualServerStatus(vs: VsState): VirtualServerStatus {
  return {
    name: vs.name,
    quorumUp: vs.quorumUp,
    realServers: vs.rss.map((rs) => ({
      name: rs.name,
      address: rs.cfg.address,
      port: rs.cfg.port,
      alive: rs.alive,
      configuredWeight: rs.cfg.weight,
      effectiveWeight: effectiveWeight(rs),
      checkers: rs.checkers.map((c) => ({ type: c.cfg.type, state: c.fsm.up ? 'up' : 'down' })),
    })),
  };
}
