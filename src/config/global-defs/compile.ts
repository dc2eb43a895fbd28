/**
 * global_defs compiler: the rows' defaults (plainFields), then what keepalived derives:
 * router_id from the host name, the lower-priority GARP settings from the master ones,
 * vrrp_lower_prio_no_advert from vrrp_strict. Pure.
 */
import { plainFields } from '../keywords/table.js';
import { GLOBAL_DEFS_TABLE, newGlobalDefsDraft, type GlobalDefsDraft } from './keywords.js';
import type { GarpSettings, GlobalDefs } from './model.js';

export function compileGlobalDefs(d: GlobalDefsDraft, hostname: string): GlobalDefs {
  const plain = plainFields<Omit<GlobalDefs, 'routerId' | 'lowerPrioNoAdvert' | 'garp'> & { garp: Omit<GarpSettings, 'lowerPrioDelayMs' | 'lowerPrioRepeat'> }>(GLOBAL_DEFS_TABLE, d);
  return {
    ...plain,
    // script_user's optional GROUP rides on the same row.
    ...(d.scriptGroup !== undefined ? { scriptGroup: d.scriptGroup } : {}),
    routerId: d.routerId ?? hostname,
    garp: { ...plain.garp, lowerPrioDelayMs: d.garp.lowerPrioDelayMs ?? plain.garp.masterDelayMs, lowerPrioRepeat: d.garp.lowerPrioRepeat ?? plain.garp.masterRepeat },
    lowerPrioNoAdvert: d.lowerPrioNoAdvert ?? plain.vrrpStrict,
  };
}

/** The GARP settings of a config that sets none: the rows' defaults (tests and simulations use them). */
export const DEFAULT_GARP: GarpSettings = compileGlobalDefs(newGlobalDefsDraft(), '').garp;
