/**
 * Which runtime each child process runs (the rows of the watchdog's child table point here).
 */
import type { ChildKind } from '../cli/options.js';
import { runCheckerChild } from '../check/daemon.js';
import { runVrrpChild } from '../vrrp/daemon.js';
import type { ChildRunner } from './child-api.js';

export const CHILD_RUNNERS: Readonly<Record<ChildKind, ChildRunner>> = {
  vrrp: runVrrpChild,
  checker: runCheckerChild,
};
