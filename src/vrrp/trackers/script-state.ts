/**
 * The state of one `vrrp_script` (VRRP child), as keepalived 2.2.7 keeps it
 * (keepalived.conf(5) "VRRP script(s)"): a result counter from 0 to rise+fall−1 where
 * `result ≥ rise` is OK. A script that has not reported yet is in its init state and counts
 * neither way (an instance tracking it with weight 0 waits in INIT); `init_fail` starts it
 * failed instead. From OK it takes `fall` consecutive failures to fail, from failed `rise`
 * consecutive successes to succeed; one result of the other kind resets the run. Exit status 0
 * is a success; any other status, a signal or a kill at `timeout` is a failure. Pure: the
 * runner (vrrp-scripts.ts) reports each run's end, this decides and words the log lines.
 *
 * `init_fail` has no effect in keepalived 2.2.7: tracking a script (from an instance or a sync
 * group) puts it back in its init state, so a tracked script always starts unknown with its
 * counter one short of rise (checked against 2.2.7's data dump: `Result = 2`, `Init state =
 * INIT` for `rise 3` with `init_fail`). keepalived-ts does the same.
 */
import type { VrrpScriptConfig } from '../../config/model.js';

/** Before the first result `init`, then `done`. */
export type ScriptInitState = 'init' | 'done';

/** keepalived's run states, as its data dump words them. */
export type ScriptRunState = 'idle' | 'running' | 'requested termination' | 'forcing termination';

export interface ScriptState {
  /** 0 … rise+fall−1; OK from `rise` up. */
  readonly result: number;
  readonly init: ScriptInitState;
  /** The last exit status seen (keepalived logs a change: "Script `x` now returning N"). */
  readonly lastStatus: number;
  readonly run: ScriptRunState;
}

/**
 * How one run ended, as the runner saw it. `killed`: we sent the timeout's SIGTERM (or the
 * SIGKILL after it) before the process ended.
 */
export type ScriptRunEnd =
  | { readonly type: 'exited'; readonly status: number; readonly killed: 'no' | 'term' | 'kill' }
  | { readonly type: 'signaled'; readonly signal: number; readonly killed: 'no' | 'term' | 'kill' };

/** What a tracked instance sees of a script: no result yet, OK, or failed. */
export type ScriptStatus = 'init' | 'ok' | 'failed';

type Params = Pick<VrrpScriptConfig, 'name' | 'rise' | 'fall'>;

export function initialScriptState(cfg: Params): ScriptState {
  // "One success is enough" from init: the counter starts one short of rise.
  return { result: cfg.rise - 1, init: 'init', lastStatus: 0, run: 'idle' };
}

export function scriptStatus(cfg: Params, s: ScriptState): ScriptStatus {
  if (s.init === 'init') return 'init';
  return s.result >= cfg.rise ? 'ok' : 'failed';
}

/** keepalived 2.2.7's data dump: `Init state = …` and `Status = …` (the latter from the counter alone). */
export function scriptDumpWords(cfg: Params, s: ScriptState): { readonly initState: string; readonly status: string } {
  return { initState: s.init === 'init' ? 'INIT' : 'unknown', status: s.result >= cfg.rise ? 'GOOD' : 'BAD' };
}

export interface ScriptStep {
  readonly state: ScriptState;
  /** The script's verdict changed to this (instances re-evaluate), or null. */
  readonly changed: 'ok' | 'failed' | null;
  /** keepalived's log lines for this result, in order. */
  readonly logs: readonly string[];
}

const SIGTERM = 15;
const SIGKILL = 9;

/** One run's end → the new state, keepalived's logs and whether the verdict changed. */
export function scriptRunEnded(cfg: Params, s: ScriptState, end: ScriptRunEnd): ScriptStep {
  const logs: string[] = [];
  let success: boolean;
  let how: string;
  let lastStatus = s.lastStatus;
  if (end.type === 'exited') {
    if (end.status !== s.lastStatus) logs.push(`Script \`${cfg.name}\` now returning ${end.status}`);
    lastStatus = end.status;
    success = end.status === 0;
    how = success ? 'succeeded' : `failed (exited with status ${end.status})`;
  } else {
    success = false;
    // Killed by our own timeout signals: "timed_out"; any other signal: a failure naming it.
    const ours = (end.killed === 'term' && end.signal === SIGTERM) || (end.killed === 'kill' && (end.signal === SIGKILL || end.signal === SIGTERM));
    how = ours ? 'timed_out' : `failed (due to signal ${end.signal})`;
  }
  const max = cfg.rise + cfg.fall - 1;
  let result = s.result;
  let changed: ScriptStep['changed'] = null;
  if (success) {
    if (result < cfg.rise - 1) result++;
    else if (result !== max) {
      if (result < cfg.rise) changed = 'ok';
      result = max;
    }
  } else if (result > cfg.rise) {
    result--;
  } else {
    if (result === cfg.rise || s.init === 'init') changed = 'failed';
    result = 0;
  }
  if (changed !== null) logs.push(`VRRP_Script(${cfg.name}) ${how}`);
  return { state: { result, init: 'done', lastStatus, run: 'idle' }, changed, logs };
}

/** keepalived's line when an interval comes while the previous run is not over. */
export const skippedRunLog = (cfg: Params, s: ScriptState): string =>
  `Track script ${cfg.name} is ${s.run === 'running' ? 'already running' : 'being timed out'}, expect idle - skipping run`;
