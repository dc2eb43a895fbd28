/**
 * The health state of every virtual and real server, pure (no I/O, no clock): RS alive iff
 * none of its checkers is failed, effective weight (configured + misc_dynamic/FILE_CHECK
 * deltas), VS live weight, quorum with hysteresis, sorry server swap, inhibit_on_failure,
 * and the desired IPVS table for the current health (keepalived.conf(5) "Virtual
 * server(s)"). Every change returns a Step: keepalived's log lines, scripts, RS/VS events,
 * and the IpvsOps that move the kernel from the old desired entries of that VS to the new
 * ones. Runs in the checker child.
 */
import type { CheckerConfig, RealServerConfig, VirtualServerConfig, VirtualServerGroupConfig } from '../config/lvs/model.js';
import type { IpvsServiceEntry, IpvsTable } from '../ipvs/ipvs-types.js';
import type { ProbeOutcome } from './probe.js';
import { applyResult, fsmParams, initialCheckerState, type CheckerFsmParams, type CheckerFsmState, type CheckerStep } from './checker-fsm.js';
import { emptyStep, type CheckerEffect, type Step } from './effects.js';
import { checkerDownLine, checkerUpLine, formatChecker, formatRs, formatVs, LINES, urlPassedLine } from './format.js';
import { ipvsDest, serviceSlots, type ServiceSlot } from './ipvs-desired.js';
import { diffTables } from './table-diff.js';

export interface CheckerSlot {
  readonly cfg: CheckerConfig;
  readonly params: CheckerFsmParams;
  fsm: CheckerFsmState;
  /** Weight delta from misc_dynamic / FILE_CHECK dynamic (0 otherwise). */
  weightDelta: number;
}

export interface RsState {
  readonly cfg: RealServerConfig;
  /** `address|port` (reload identity within its VS). */
  readonly key: string;
  /** FMT_RS. */
  readonly name: string;
  readonly checkers: CheckerSlot[];
  /** Number of checkers currently failed (keepalived's num_failed_checkers). */
  failed: number;
  alive: boolean;
}

export interface VsState {
  readonly cfg: VirtualServerConfig;
  readonly name: string;
  readonly slots: readonly ServiceSlot[];
  readonly rss: RsState[];
  quorumUp: boolean;
}

export interface EngineState {
  readonly vss: VsState[];
}

export interface CheckerRef {
  readonly vs: number;
  readonly rs: number;
  readonly checker: number;
}

export interface LvsConfig {
  readonly virtualServers: readonly VirtualServerConfig[];
  readonly virtualServerGroups: readonly VirtualServerGroupConfig[];
}

const MAX_WEIGHT = 2 ** 31 - 1;

/**
 * Whether two checker configs are the same checker for reload: every setting equal, source
 * locations ignored. A structural walk, no strings: 30,000 RSs compare in milliseconds.
 */
export function sameChecker(a: CheckerConfig, b: CheckerConfig): boolean {
  return sameData(a, b);
}

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let na = 0;
  for (const k in ra) {
    if (k === 'loc') continue;
    na++;
    if (!(k in rb) || !sameData(ra[k], rb[k])) return false;
  }
  let nb = 0;
  for (const k in rb) if (k !== 'loc') nb++;
  return na === nb;
}

function paramsOf(c: CheckerConfig): CheckerFsmParams {
  if (c.type === 'FILE_CHECK') return { retry: 0, delayBeforeRetryMs: 0, delayLoopMs: 0, warmupMs: 0, alpha: false, urlCount: 1, fastRecovery: false };
  if (c.type === 'BFD_CHECK') return { retry: 0, delayBeforeRetryMs: 0, delayLoopMs: 0, warmupMs: 0, alpha: c.alpha, urlCount: 1, fastRecovery: false };
  if (c.type === 'HTTP_GET' || c.type === 'SSL_GET') return fsmParams(c, { urlCount: c.urls.length, fastRecovery: c.fastRecovery });
  return fsmParams(c);
}

export function newRsState(cfg: RealServerConfig, vs: VirtualServerConfig): RsState {
  const checkers = cfg.checkers.map((c): CheckerSlot => {
    const params = paramsOf(c);
    return { cfg: c, params, fsm: initialCheckerState(params), weightDelta: 0 };
  });
  const failed = checkers.filter((c) => !c.fsm.up).length;
  return { cfg, key: rsKey(cfg), name: formatRs(cfg, vs), checkers, failed, alive: failed === 0 };
}

export const rsKey = (rs: Pick<RealServerConfig, 'address' | 'port'>): string => `${rs.address}|${rs.port}`;

/** Fresh state for a config: non-alpha RSs alive, quorum not yet evaluated (see startStep). */
export function buildState(config: LvsConfig): EngineState {
  return {
    vss: config.virtualServers.map((cfg) => ({
      cfg,
      name: formatVs(cfg),
      slots: serviceSlots(cfg, config.virtualServerGroups),
      rss: cfg.realServers.map((rs) => newRsState(rs, cfg)),
      quorumUp: false,
    })),
  };
}

export function effectiveWeight(rs: RsState): number {
  let w = rs.cfg.weight;
  for (const c of rs.checkers) w += c.weightDelta;
  return Math.min(MAX_WEIGHT, Math.max(0, w));
}

export function liveWeight(vs: VsState): number {
  let sum = 0;
  for (const rs of vs.rss) if (rs.alive) sum += effectiveWeight(rs);
  return sum;
}

const sorryActive = (vs: VsState): boolean => vs.cfg.sorryServer !== undefined && !vs.quorumUp;

/** The IPVS entries this VS should have now. */
export function vsEntries(vs: VsState): IpvsServiceEntry[] {
  const sorry = vs.cfg.sorryServer;
  const swapped = sorryActive(vs);
  const dests: { rs: RsState | null; weight: number }[] = [];
  for (const rs of vs.rss) {
    if (!swapped && rs.alive) dests.push({ rs, weight: effectiveWeight(rs) });
    else if (rs.cfg.inhibitOnFailure) dests.push({ rs, weight: 0 });
  }
  if (sorry && (swapped || sorry.inhibit)) dests.push({ rs: null, weight: swapped ? 1 : 0 });
  return vs.slots.map((slot) => ({
    service: slot.service,
    dests: dests.map((d) => ipvsDest(d.rs ? d.rs.cfg : sorry!, slot, d.weight)),
  }));
}

export function desiredTable(state: EngineState): IpvsTable {
  return state.vss.flatMap(vsEntries);
}

const vsRef = (vs: VsState): { vs: string; vsIdentity: string; smtpAlert: boolean } => ({ vs: vs.name, vsIdentity: vs.cfg.identity, smtpAlert: vs.cfg.smtpAlert });

/** Re-evaluate quorum (keepalived's update_quorum_state); `startup` marks the first evaluation. */
function updateQuorum(vs: VsState, out: CheckerEffect[], startup = false): void {
  const { quorum: q, hysteresis: h } = vs.cfg;
  const live = liveWeight(vs);
  const sorry = vs.cfg.sorryServer;
  const sorryName = sorry ? formatRs(sorry, vs.cfg) : '';
  if (!vs.quorumUp && live >= q + h) {
    vs.quorumUp = true;
    out.push({ type: 'log', level: 'info', msg: LINES.gained(q, h, live, vs.name) });
    // At start-up the sorry server was never added, so keepalived has nothing to remove or re-add.
    if (sorry && !startup) out.push({ type: 'log', level: 'info', msg: LINES.sorryRemove(sorryName, vs.name) }, { type: 'log', level: 'info', msg: LINES.poolAdd(vs.name) });
    if (vs.cfg.quorumUp) out.push({ type: 'run-script', script: vs.cfg.quorumUp, why: 'quorum_up' });
    out.push({ type: 'vs-quorum-up', ...vsRef(vs), quorum: q, hysteresis: h, threshold: q + h, live, ...(startup ? { startup } : {}) });
  } else if (startup && !vs.quorumUp) {
    // Starting without quorum (alpha): no log line or script in 2.2.7, but FIFO/mail say DOWN.
    out.push({ type: 'vs-quorum-down', ...vsRef(vs), quorum: q, hysteresis: h, threshold: q + h, live, startup });
  } else if (vs.quorumUp && (live < q - h || live === 0)) {
    vs.quorumUp = false;
    out.push({ type: 'log', level: 'info', msg: LINES.lost(q, h, live, vs.name) });
    if (sorry) out.push({ type: 'log', level: 'info', msg: LINES.sorryAdd(sorryName, vs.name) }, { type: 'log', level: 'info', msg: LINES.poolRemove(vs.name) });
    if (vs.cfg.quorumDown) out.push({ type: 'run-script', script: vs.cfg.quorumDown, why: 'quorum_down' });
    out.push({ type: 'vs-quorum-down', ...vsRef(vs), quorum: q, hysteresis: h, threshold: q - h, live });
  }
}

/** Quorum of every VS (reload): effects only, the table comes from desiredTable. */
export function evaluateQuorum(state: EngineState, vss: readonly VsState[] = state.vss): Step {
  const step = emptyStep();
  for (const vs of vss) updateQuorum(vs, step.effects);
  return step;
}

/** Start-up: quorum of every VS, then keepalived's "Activating healthchecker" lines. */
export function startStep(state: EngineState): Step {
  const step = emptyStep();
  for (const vs of state.vss) updateQuorum(vs, step.effects, true);
  for (const vs of state.vss) {
    for (const rs of vs.rss) {
      if (rs.checkers.length > 0) step.effects.push({ type: 'log', level: 'info', msg: LINES.activating(rs.name, vs.name) });
    }
  }
  return step;
}

/** Run `mutate`, then emit RS/quorum consequences, `mutate`'s tail effects, and the IPVS ops of this VS. */
function changeVs(vs: VsState, mutate: (out: CheckerEffect[]) => CheckerEffect | null | void): Step {
  const before = vsEntries(vs);
  const effects: CheckerEffect[] = [];
  const tail = mutate(effects);
  updateQuorum(vs, effects);
  if (tail) effects.push(tail);
  return { effects, ops: diffTables(vsEntries(vs), before) };
}

function rsTransition(vs: VsState, rs: RsState, alive: boolean, cause: CheckerConfig, reason: string | undefined, out: CheckerEffect[]): void {
  rs.alive = alive;
  const inhibit = rs.cfg.inhibitOnFailure;
  out.push({ type: 'log', level: 'info', msg: alive ? LINES.rsAdd(rs.name, vs.name, inhibit) : LINES.rsRemove(rs.name, vs.name, inhibit) });
  const script = alive ? rs.cfg.notifyUp : rs.cfg.notifyDown;
  if (script) out.push({ type: 'run-script', script, why: alive ? 'notify_up' : 'notify_down' });
  out.push({
    type: alive ? 'rs-up' : 'rs-down',
    ...vsRef(vs),
    rs: rs.name,
    rsSmtpAlert: rs.cfg.smtpAlert,
    checkerType: cause.type,
    ...(reason !== undefined ? { reason } : {}),
  });
}

/**
 * Set one checker's up/down flag and the RS's failed count; emits the RS transition if any.
 * Returns the checker's own event (mail), which goes after the quorum re-evaluation.
 */
function setCheckerUp(vs: VsState, rs: RsState, c: CheckerSlot, up: boolean, reason: string | undefined, out: CheckerEffect[]): CheckerEffect | null {
  if (c.fsm.up === up) return null;
  rs.failed += up ? -1 : 1;
  const alive = rs.failed === 0;
  const changed = alive !== rs.alive;
  if (changed) rsTransition(vs, rs, alive, c.cfg, reason, out);
  return {
    type: up ? 'checker-up' : 'checker-down',
    ...vsRef(vs),
    rs: rs.name,
    rsSmtpAlert: rs.cfg.smtpAlert,
    checkerType: c.cfg.type,
    ...(reason !== undefined ? { reason } : {}),
    rsAlive: alive,
    rsChanged: changed,
  };
}

function slotAt(state: EngineState, ref: CheckerRef): { vs: VsState; rs: RsState; c: CheckerSlot } {
  const vs = state.vss[ref.vs];
  const rs = vs?.rss[ref.rs];
  const c = rs?.checkers[ref.checker];
  if (!vs || !rs || !c) throw new RangeError(`no checker ${ref.vs}/${ref.rs}/${ref.checker}`);
  return { vs, rs, c };
}

/**
 * A polled checker's probe finished: advance its FSM. Returns the Step and the delay
 * before its next run. `logAllFailures` lines are emitted here too.
 */
export function checkerResult(state: EngineState, ref: CheckerRef, outcome: ProbeOutcome): { step: Step; delayMs: number; next: CheckerStep } {
  const { vs, rs, c } = slotAt(state, ref);
  const ok = outcome.type === 'success';
  const next = applyResult(c.params, c.fsm, ok);
  const dynamic = ok && c.cfg.type === 'MISC_CHECK' && c.cfg.dynamic;
  const logFailure = !ok && 'logAllFailures' in c.cfg && c.cfg.logAllFailures;
  // Steady results, and transitions that leave the RS's alive state as it was (a first
  // success, one of several checkers failing), touch neither the weights nor IPVS: skip
  // the table diff (and the quorum, which depends on nothing else).
  const flips = next.state.up !== c.fsm.up;
  const aliveAfter = rs.failed + (flips ? (next.state.up ? -1 : 1) : 0) === 0;
  const quiet = aliveAfter === rs.alive && !dynamic;
  if (quiet && !flips && !next.transition && next.urlPassed === undefined && !logFailure) {
    c.fsm = next.state;
    return { step: emptyStep(), delayMs: next.delayMs, next };
  }
  const apply = (out: CheckerEffect[]): CheckerEffect | null => {
    const chk = formatChecker(c.cfg, rs.cfg, vs.cfg);
    if (logFailure) {
      out.push({ type: 'log', level: 'info', msg: `${chk}: check failed: ${outcome.type === 'failure' ? outcome.reason : ''}` });
    }
    if (next.urlPassed !== undefined && (c.cfg.type === 'HTTP_GET' || c.cfg.type === 'SSL_GET')) {
      const url = c.cfg.urls[next.urlPassed];
      if (url) out.push({ type: 'log', level: 'info', msg: urlPassedLine(chk, url.path, url.digest !== undefined) });
    }
    if (dynamic && c.cfg.type === 'MISC_CHECK') {
      const delta = outcome.dynamicWeight === undefined ? 0 : outcome.dynamicWeight - rs.cfg.weight;
      changeWeight(vs, rs, c, delta, out);
    }
    const t = next.transition;
    if (t) out.push({ type: 'log', level: 'info', msg: t.type === 'up' ? checkerUpLine(c.cfg, chk) : checkerDownLine(c.cfg, chk, t.retries) });
    const tail = setCheckerUp(vs, rs, c, next.state.up, outcome.type === 'failure' ? outcome.reason : undefined, out);
    c.fsm = next.state;
    return tail;
  };
  let step: Step;
  if (quiet) {
    step = emptyStep();
    const tail = apply(step.effects);
    if (tail) step.effects.push(tail);
  } else step = changeVs(vs, apply);
  return { step, delayMs: next.delayMs, next };
}

function changeWeight(vs: VsState, rs: RsState, c: CheckerSlot, delta: number, out: CheckerEffect[]): void {
  if (c.weightDelta === delta) return;
  const old = effectiveWeight(rs);
  c.weightDelta = delta;
  const now = effectiveWeight(rs);
  if (old !== now) out.push({ type: 'log', level: 'info', msg: `Changing weight from ${old} to ${now} for ${rs.alive ? 'active' : 'inactive'} service ${rs.name} of VS ${vs.name}` });
}

/** Event-driven checkers (FILE_CHECK, BFD_CHECK) and tests: force a checker up or down. */
export function setCheckerState(state: EngineState, ref: CheckerRef, up: boolean, reason?: string): Step {
  const { vs, rs, c } = slotAt(state, ref);
  return changeVs(vs, (out) => {
    const tail = setCheckerUp(vs, rs, c, up, reason, out);
    c.fsm = { ...c.fsm, up, hasRun: true };
    return tail;
  });
}

/** FILE_CHECK dynamic / misc_dynamic: a new weight delta for one checker. */
export function setWeightDelta(state: EngineState, ref: CheckerRef, delta: number): Step {
  const { vs, rs, c } = slotAt(state, ref);
  return changeVs(vs, (out) => changeWeight(vs, rs, c, delta, out));
}

/**
 * Shutdown: remove what we added (per RS, then the services), or nothing with -I; `omega`
 * VSs also run notify_down for alive RSs and quorum_down. The flush variants are the daemon's.
 */
export function shutdownStep(state: EngineState, opts: { readonly releaseIpvs: boolean }): Step {
  const step = emptyStep();
  for (const vs of state.vss) {
    const entries = vsEntries(vs);
    if (opts.releaseIpvs) {
      for (const rs of vs.rss) if (rs.alive || rs.cfg.inhibitOnFailure) step.effects.push({ type: 'log', level: 'info', msg: LINES.rsShutdown(rs.name, vs.name) });
      for (const e of entries) {
        for (const d of e.dests) step.ops.push({ type: 'del-dest', key: e.service.key, dest: { family: d.family, address: d.address, port: d.port } });
        step.ops.push({ type: 'del-service', key: e.service.key });
      }
    }
    if (!vs.cfg.omega) continue;
    for (const rs of vs.rss) {
      if (!rs.alive) continue;
      if (rs.cfg.notifyDown) step.effects.push({ type: 'run-script', script: rs.cfg.notifyDown, why: 'notify_down' });
      const cause = rs.checkers[0]?.cfg.type ?? 'TCP_CHECK';
      step.effects.push({ type: 'rs-down', ...vsRef(vs), rs: rs.name, rsSmtpAlert: rs.cfg.smtpAlert, checkerType: cause, shutdown: true });
    }
    if (vs.quorumUp) {
      const { quorum: q, hysteresis: h } = vs.cfg;
      if (vs.cfg.quorumDown) step.effects.push({ type: 'run-script', script: vs.cfg.quorumDown, why: 'quorum_down' });
      step.effects.push({ type: 'vs-quorum-down', ...vsRef(vs), quorum: q, hysteresis: h, threshold: q - h, live: liveWeight(vs), shutdown: true });
    }
  }
  return step;
}
