/**
 * Which runtime each child process runs (the rows of the watchdog's child table point here).
 * Loaded on demand: a child process imports only its own subsystem.
 */
import type { ChildKind } from '../process/options.js';
import type { ChildRunner } from '../process/child-api.js';

export const CHILD_RUNNERS: Readonly<Record<ChildKind, ChildRunner>> = {
  vrrp: async (ctx) => (await import('../vrrp/daemon.js')).runVrrpChild(ctx),
  checker: async (ctx) => (await import('../check/daemon.js')).runCheckerChild(ctx),
};
