/**
 * Reload (SIGHUP) for the checker child, pure: carry health across a config change by
 * identity, never by position (keepalived(8) SIGNALS, HUP; keepalived issues #2318, #608,
 * #1163). A VS is matched by VirtualServerConfig.identity, an RS by address+port within it,
 * a checker by its type and canonical config; matched checkers keep their up/down state,
 * retry budget and weight delta (failed stays failed), everything else starts fresh.
 *
 * The work is O(changes): the parent sends only the virtual servers that changed and the
 * child keeps the objects of the others (src/config/slices.ts), so a virtual server whose
 * config object is the old one keeps its whole state object, untouched; only the others are
 * rebuilt and matched, with maps.
 */
import type { CheckerFsmState } from './checker-fsm.js';
import { buildState, sameChecker, vsEntries, type CheckerSlot, type EngineState, type LvsConfig, type RsState, type VsState } from './lvs-state.js';
import type { IpvsTable } from '../ipvs/ipvs-types.js';

export interface Migration {
  readonly state: EngineState;
  /** Checkers whose state was carried over. */
  readonly carriedCheckers: number;
  /** Virtual servers matched in the old state. */
  readonly carriedVs: number;
  /** Virtual servers kept as they were (same config object: nothing to rebuild). */
  readonly unchangedVs: number;
  /** Alive RSs of the old state that the new config no longer has (their VS may be gone too). */
  readonly removedAlive: readonly { readonly vs: VsState; readonly rs: RsState }[];
  /** Carried RSs that are alive on both sides and whose configured weight changed. */
  readonly weightChanges: readonly { readonly vs: VsState; readonly rs: RsState; readonly fromWeight: number }[];
  /** For each checker slot of a rebuilt virtual server that continues an old one: the old slot. */
  readonly carriedFrom: ReadonlyMap<CheckerSlot, CheckerSlot>;
  /** The new state's virtual servers that were rebuilt (changed or added), and the old ones they replace or that left. */
  readonly rebuilt: readonly VsState[];
  readonly dropped: readonly VsState[];
}

export interface MigrateOptions {
  /** virtual_server_group changed: every group VS is rebuilt (its services come from the groups). */
  readonly groupsChanged?: boolean;
}

export function migrateState(old: EngineState, config: LvsConfig, opts: MigrateOptions = {}): Migration {
  const oldByCfg = new Map<object, VsState>();
  for (const vs of old.vss) oldByCfg.set(vs.cfg, vs);
  const kept = new Set<VsState>();
  const carriedFrom = new Map<CheckerSlot, CheckerSlot>();
  // Kept first: a VS whose config object did not change is the same state object.
  const keptAt: (VsState | undefined)[] = config.virtualServers.map((cfg) => {
    const same = oldByCfg.get(cfg);
    if (same === undefined || kept.has(same) || (opts.groupsChanged === true && cfg.address.type === 'group')) return undefined;
    kept.add(same);
    return same;
  });
  const toBuild = config.virtualServers.filter((_, i) => keptAt[i] === undefined);
  const built = buildState({ virtualServers: toBuild, virtualServerGroups: config.virtualServerGroups }).vss;
  const dropped = old.vss.filter((vs) => !kept.has(vs));
  const oldVs = new Map<string, VsState>();
  for (const vs of dropped) oldVs.set(vs.cfg.identity, vs);
  let carriedCheckers = 0;
  for (const vs of kept) for (const rs of vs.rss) carriedCheckers += rs.checkers.length;
  let carriedVs = kept.size;
  const weightChanges: { vs: VsState; rs: RsState; fromWeight: number }[] = [];
  for (const vs of built) {
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
        carriedFrom.set(c, match);
        carriedCheckers++;
      }
      rs.failed = rs.checkers.filter((c) => !c.fsm.up).length;
      rs.alive = rs.failed === 0;
      if (rs.alive && prev.alive && rs.cfg.weight !== prev.cfg.weight) weightChanges.push({ vs, rs, fromWeight: prev.cfg.weight });
    }
  }
  let next = 0;
  const vss = keptAt.map((k) => k ?? built[next++]!);
  const newVs = new Map(built.map((v) => [v.cfg.identity, v]));
  const removedAlive: { vs: VsState; rs: RsState }[] = [];
  for (const vs of dropped) {
    const n = newVs.get(vs.cfg.identity);
    const keep = new Set(n ? n.rss.map((r) => r.key) : []);
    for (const rs of vs.rss) if (rs.alive && !keep.has(rs.key)) removedAlive.push({ vs, rs });
  }
  return { state: { vss }, carriedCheckers, carriedVs, unchangedVs: kept.size, removedAlive, weightChanges, carriedFrom, rebuilt: built, dropped };
}

/** The IPVS entries a migration touches: the rebuilt services now, and the dropped ones as they were. */
export function migratedTables(m: Migration): { readonly to: IpvsTable; readonly from: IpvsTable } {
  return { to: m.rebuilt.flatMap(vsEntries), from: m.dropped.flatMap(vsEntries) };
}

const carried = (s: CheckerFsmState): CheckerFsmState => ({ ...s });
