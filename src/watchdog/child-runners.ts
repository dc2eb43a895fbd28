/**
 * Which runtime each child process runs (the rows of the watchdog's child table point here).
 */
import type { ChildKind } from '../cli/options.js';
import { runVrrpChild } from '../vrrp/daemon.js';
import type { ChildRunner } from './child-api.js';

const checkerNotImplemented: ChildRunner = async () => {
  throw new Error('the health-checker child is not implemented yet');
};

export const CHILD_RUNNERS: Readonly<Record<ChildKind, ChildRunner>> = {
  vrrp: runVrrpChild,
  checker: checkerNotImplemented,
};
