/**
 * Which runtime each child process runs. INTEGRATION SEAM: replace `stubVrrpChild` with
 * `runVrrpChild` from '../vrrp/daemon.js' (same ChildRunner signature) and delete the stub.
 */
import type { ChildKind } from '../cli/options.js';
import type { ChildRunner } from './child-api.js';
import { stubVrrpChild } from './stub-vrrp-child.js';

const checkerNotImplemented: ChildRunner = async () => {
  throw new Error('the health-checker child is not implemented yet');
};

export const CHILD_RUNNERS: Readonly<Record<ChildKind, ChildRunner>> = {
  vrrp: stubVrrpChild,
  checker: checkerNotImplemented,
};
