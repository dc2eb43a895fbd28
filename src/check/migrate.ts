/**
 * Reload (SIGHUP) for the checker child, pure: carry health across a config change by
 * identity, never by position (keepalived(8) SIGNALS, HUP; keepalived issues #2318, #608,
 * #1163). A VS is matched by VirtualServerConfig.identity, an RS by address+port within it,
 * a checker by its type and canonical config; matched checkers keep their up/down state,
 * retry budget and weight delta (failed stays failed), everything else starts fresh. Maps
 * throughout: O(VS + RS + checkers), so 30,000 real servers migrate in milliseconds.
 */
import type { CheckerFsmState } from './checker-fsm.js';
import { buildState, sameChecker, type CheckerSlot, type EngineState, type LvsConfig, type RsState, type VsState } from './lvs-state.js';

export interface Migration {
  readonly state: EngineState;
  /** Checkers whose state was carried over. */
  readonly carriedCheckers: number;
  /** Virtual servers matched in the old state. */
  readonly carriedVs: number;
  /** Alive RSs of the old state that the new config no longer has (their VS may be gone too). */
  readonly removedAlive: readonly { readonly vs: VsState; readonly rs: RsState }[];
  /** Carried RSs that are alive on both sides and whose configured weight changed. */
  readonly weightChanges: readonly { readonly vs: VsState; readonly rs: RsState; readonly fromWeight: number }[];
}

export function migrateState(old: EngineState, config: LvsConfig): Migration {
  const next = buildState(config);
  const oldVs = new Map<string, VsState>();
  for (const vs of old.vss) oldVs.set(vs.cfg.identity, vs);
  let carriedCheckers = 0;
  let carriedVs = 0;
  const weightChanges: { vs: VsState; rs: RsState; fromWeight: number }[] = [];
  for (const vs of next.vss) {
    const o = oldVs.get(vs.cfg.identity);
    if (!o) continue;
    carriedVs++;
    vs.quorumUp = o.quorumUp;
    const oldRs = new Map(o.rss.map((r) => [r.key, r]));
    for (const rs of vs.rss) {
      const prev = oldRs.get(rs.key);
      if (!prev) continue;
      // A handful of checkers per RS: match each new one with the first equal unmatched old one.
      const used = new Set<CheckerSlot>();
      for (const c of rs.checkers) {
        const match = prev.checkers.find((o) => !used.has(o) && o.cfg.type === c.cfg.type && sameChecker(o.cfg, c.cfg));
        if (!match) continue;
        used.add(match);
        c.fsm = carried(match.fsm);
        c.weightDelta = match.weightDelta;
        carriedCheckers++;
      }
      rs.failed = rs.checkers.filter((c) => !c.fsm.up).length;
      rs.alive = rs.failed === 0;
      if (rs.alive && prev.alive && rs.cfg.weight !== prev.cfg.weight) weightChanges.push({ vs, rs, fromWeight: prev.cfg.weight });
    }
  }
  const newVs = new Map(next.vss.map((v) => [v.cfg.identity, v]));
  const removedAlive: { vs: VsState; rs: RsState }[] = [];
  for (const vs of old.vss) {
    const n = newVs.get(vs.cfg.identity);
    const keep = new Set(n ? n.rss.map((r) => r.key) : []);
    for (const rs of vs.rss) if (rs.alive && !keep.has(rs.key)) removedAlive.push({ vs, rs });
  }
  return { state: next, carriedCheckers, carriedVs, removedAlive, weightChanges };
}

const carried = (s: CheckerFsmState): CheckerFsmState => ({ ...s });
