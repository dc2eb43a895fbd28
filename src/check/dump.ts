/**
 * SIGUSR1 dump of the checker child (`keepalived_check.data`, keepalived(8) SIGNALS):
 * virtual servers with quorum and live weight, real servers with alive/weight and each
 * checker's state. keepalived says the format is not stable; this one is ours, line
 * oriented.
 */
import { effectiveWeight, liveWeight, type EngineState } from './lvs-state.js';

export const DATA_FILE_CHECK = 'keepalived_check.data';

export function formatCheckerDump(state: EngineState, info: { readonly ipvs: boolean; readonly runs: number }): string {
  const out = ['------< Health checkers >------', ` IPVS = ${info.ipvs ? 'available' : 'not available'}`, ` Probe runs = ${info.runs}`];
  for (const vs of state.vss) {
    out.push(` Virtual Server = ${vs.name}`, `   Quorum = ${vs.cfg.quorum}, hysteresis = ${vs.cfg.hysteresis}, state = ${vs.quorumUp ? 'UP' : 'DOWN'}, live weight = ${liveWeight(vs)}`);
    for (const rs of vs.rss) {
      out.push(`   Real Server = ${rs.name}`, `     Alive = ${rs.alive ? 'yes' : 'no'}, weight = ${effectiveWeight(rs)}, failed checkers = ${rs.failed}`);
      for (const c of rs.checkers) out.push(`     ${c.cfg.type}: ${c.fsm.up ? 'UP' : 'DOWN'}${c.fsm.hasRun ? '' : ' (not run yet)'}`);
    }
  }
  return `${out.join('\n')}\n`;
}
