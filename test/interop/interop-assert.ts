/** Reporting for the interop tests: every check as a test diagnostic, failures in one assertion message. */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { InteropResult } from './interop-scenario.js';

/** Checks per round: elect, steady, preempt, split brain, graceful, hard, wire + prio0 for each side. */
const CHECKS_PER_ROUND = 10;

export function assertInterop(t: TestContext, r: InteropResult): void {
  for (const c of r.checks) t.diagnostic(`round ${c.round} ${c.ok ? 'pass' : 'FAIL'} ${c.name}: ${c.detail}`);
  const failed = r.checks.filter((c) => !c.ok).map((c) => `round ${c.round} ${c.name}: ${c.detail}`);
  assert.deepEqual(failed, [], `interop checks failed (run dir kept: ${r.runDir}):\n${failed.join('\n')}\n${r.logTails}`);
  assert.equal(r.checks.length, 2 * CHECKS_PER_ROUND, 'every check of both rounds ran');
}
