/**
 * Which runtime each child process runs (the rows of the watchdog's child table point here).
 */
import type { ChildKind } from '../cli/options.js';
import { runVrrpChild } from '../vrrp/daemon.js';
import type { ChildRunner } from './child-api.js';

/**
 * The health-checker child is issue 5. Until it exists the child says so and idles, so a
 * config with both VRRP and virtual servers still runs its VRRP part (keepalived would
 * run both; failing the whole daemon would be worse than running half of it).
 */
const checkerNotImplemented: ChildRunner = async (ctx) => {
  ctx.log.warn('Health checkers are not implemented in this version: virtual_server blocks are ignored (no checks, no IPVS changes)');
  return { reload: async () => undefined, shutdown: async () => undefined };
};

export const CHILD_RUNNERS: Readonly<Record<ChildKind, ChildRunner>> = {
  vrrp: runVrrpChild,
  checker: checkerNotImplemented,
};
