/**
 * Which scripts of a loaded configuration may run, and as whom: every script the VRRP child
 * runs (vrrp_script, instance and sync-group notify scripts, the FIFO scripts) and every one
 * the checker child runs (MISC_CHECK, quorum_up/quorum_down, notify_up/notify_down, the FIFO
 * scripts) goes through one ScriptPass, in the order keepalived 2.2.7 checks them, so the log
 * lines come out in keepalived's order. A script that must not run is simply absent from the
 * plan: callers look a configured ScriptSpec up and run what they find. Pure.
 */
import type { GlobalDefs, KeepalivedConfig, NotifyScripts, ScriptSpec } from '../config/model.js';
import type { VirtualServerConfig } from '../config/lvs/model.js';
import type { ScriptIds } from './script-security.js';
import type { RunnableScript, ScriptKind, ScriptPass } from './script-pass.js';

/** Configured script → what runs. Keyed by the model's own objects (the model is immutable). */
export type ScriptTable = ReadonlyMap<ScriptSpec, RunnableScript>;

/** A notify FIFO as the daemon will open it. */
export interface FifoPlan {
  readonly path: string;
  /** 'global' for notify_fifo, else the child's own (vrrp_notify_fifo / lvs_notify_fifo). */
  readonly kind: 'global' | 'vrrp' | 'lvs';
  /** Owner given to a FIFO the daemon creates (the entry's user, else the default script user). */
  readonly owner: ScriptIds;
  readonly script?: RunnableScript;
}

export interface VrrpScriptPlan {
  /** vrrp_script blocks that may run, by name. */
  readonly track: ReadonlyMap<string, RunnableScript>;
  /** Instance and sync-group notify scripts. */
  readonly notify: ScriptTable;
  readonly fifos: readonly FifoPlan[];
  /** Who a script without a user of its own runs as (the dumps show it). */
  readonly defaultIds: ScriptIds;
}

export interface CheckerScriptPlan {
  /** MISC_CHECK scripts, notify_up/down, quorum_up/down that may run. */
  readonly scripts: ScriptTable;
  readonly fifos: readonly FifoPlan[];
}

/** keepalived's order of an instance's notify scripts when it checks them. */
const INSTANCE_ORDER: readonly (keyof NotifyScripts)[] = ['backup', 'master', 'fault', 'stop', 'deleted', 'generic', 'masterRxLowerPri'];
const GROUP_ORDER: readonly (keyof NotifyScripts)[] = ['backup', 'master', 'fault', 'stop', 'generic'];

function vetNotify(n: NotifyScripts, order: readonly (keyof NotifyScripts)[], pass: ScriptPass, out: Map<ScriptSpec, RunnableScript>): void {
  for (const k of order) {
    const spec = n[k];
    if (!spec) continue;
    const r = pass.vet(spec, { type: 'notify' });
    if (r) out.set(spec, r);
  }
}

/**
 * The FIFOs one child opens: notify_fifo, then its own (a path equal to notify_fifo's is
 * ignored, as keepalived does). An entry whose owner cannot be set is dropped (keepalived
 * reads the entry like a script); its script is vetted after the entries.
 */
export function planFifos(side: 'vrrp' | 'lvs', g: GlobalDefs, pass: ScriptPass): FifoPlan[] {
  const own = side === 'vrrp' ? { fifo: g.vrrpNotifyFifo, script: g.vrrpNotifyFifoScript, prefix: 'vrrp_' as const } : { fifo: g.lvsNotifyFifo, script: g.lvsNotifyFifoScript, prefix: 'lvs_' as const };
  const entries = [
    { kind: 'global' as const, fifo: g.notifyFifo, script: g.notifyFifoScript, prefix: '' as const, scriptKind: 'notify_fifo' as const },
    { kind: side, ...own, scriptKind: side === 'vrrp' ? ('vrrp_notify_fifo' as const) : ('lvs_notify_fifo' as const) },
  ];
  const out: FifoPlan[] = [];
  for (const e of entries) {
    const path = e.fifo?.argv[0];
    if (!e.fifo || !path || (e.kind !== 'global' && path === g.notifyFifo?.argv[0])) continue;
    const owner = pass.fifoOwner(e.fifo, e.prefix);
    if (!owner) continue;
    const script = e.script ? pass.vet(e.script, { type: e.scriptKind }) : null;
    out.push({ path, kind: e.kind, owner, ...(script ? { script } : {}) });
  }
  return out;
}

/** The FIFO entries and scripts of global_defs, as keepalived reads them (users first). */
function readFifoUsers(side: 'vrrp' | 'lvs', g: GlobalDefs, pass: ScriptPass): void {
  const own = side === 'vrrp' ? ([g.vrrpNotifyFifo, g.vrrpNotifyFifoScript, 'vrrp_', 'vrrp_notify_fifo'] as const) : ([g.lvsNotifyFifo, g.lvsNotifyFifoScript, 'lvs_', 'lvs_notify_fifo'] as const);
  for (const [fifo, script, prefix, kind] of [[g.notifyFifo, g.notifyFifoScript, '', 'notify_fifo'] as const, own]) {
    if (fifo) pass.fifoOwner(fifo, prefix);
    if (script) pass.ids(script, { type: kind });
  }
}

/**
 * Every script of the VRRP child: users in the order keepalived reads them (global_defs,
 * vrrp_scripts, instances, sync groups), then the checks in its order (vrrp_scripts,
 * instances, sync groups, FIFOs).
 */
export function planVrrpScripts(config: KeepalivedConfig, pass: ScriptPass): VrrpScriptPlan {
  readFifoUsers('vrrp', config.globalDefs, pass);
  for (const s of config.vrrpScripts) pass.ids(s.script, { type: 'track', name: s.name, loc: s.loc });
  for (const v of [...config.vrrpInstances, ...config.vrrpSyncGroups]) for (const k of INSTANCE_ORDER) if (v.notify[k]) pass.ids(v.notify[k], { type: 'notify' });
  const track = new Map<string, RunnableScript>();
  for (const s of config.vrrpScripts) {
    const r = pass.vet(s.script, { type: 'track', name: s.name, loc: s.loc });
    if (r) track.set(s.name, r);
  }
  const notify = new Map<ScriptSpec, RunnableScript>();
  for (const v of config.vrrpInstances) vetNotify(v.notify, INSTANCE_ORDER, pass, notify);
  for (const sg of config.vrrpSyncGroups) vetNotify(sg.notify, GROUP_ORDER, pass, notify);
  const fifos = planFifos('vrrp', config.globalDefs, pass);
  return { track, notify, fifos, defaultIds: pass.defaultScriptIds };
}

function vetInto(spec: ScriptSpec | undefined, kind: ScriptKind, pass: ScriptPass, out: Map<ScriptSpec, RunnableScript>): void {
  if (!spec) return;
  const r = pass.vet(spec, kind);
  if (r) out.set(spec, r);
}

/**
 * Every script of the checker child: users as keepalived reads them (global_defs, then each
 * virtual server's quorum scripts and its real servers' notify_up/notify_down and MISC_CHECKs),
 * then the checks in its order: per virtual server its MISC_CHECKs then quorum_up/quorum_down,
 * then every real server's notify_up/notify_down, then the FIFOs.
 */
export function planCheckerScripts(config: KeepalivedConfig, pass: ScriptPass): CheckerScriptPlan {
  readFifoUsers('lvs', config.globalDefs, pass);
  for (const vs of config.virtualServers) {
    for (const q of [vs.quorumUp, vs.quorumDown]) if (q) pass.ids(q, { type: 'quorum' });
    for (const rs of vs.realServers) {
      for (const n of [rs.notifyUp, rs.notifyDown]) if (n) pass.ids(n, { type: 'notify' });
      for (const c of rs.checkers) if (c.type === 'MISC_CHECK') pass.ids(c.script, { type: 'misc', loc: c.loc });
    }
  }
  const scripts = new Map<ScriptSpec, RunnableScript>();
  for (const vs of config.virtualServers) {
    for (const rs of vs.realServers) for (const c of rs.checkers) if (c.type === 'MISC_CHECK') vetInto(c.script, { type: 'misc', loc: c.loc }, pass, scripts);
    vetInto(vs.quorumUp, { type: 'quorum' }, pass, scripts);
    vetInto(vs.quorumDown, { type: 'quorum' }, pass, scripts);
  }
  for (const vs of config.virtualServers) {
    for (const rs of vs.realServers) {
      vetInto(rs.notifyUp, { type: 'notify' }, pass, scripts);
      vetInto(rs.notifyDown, { type: 'notify' }, pass, scripts);
    }
  }
  return { scripts, fifos: planFifos('lvs', config.globalDefs, pass) };
}

/**
 * The virtual servers with what keepalived removes: MISC_CHECKs whose script may not run (a
 * real server left without checkers is then always up, as in keepalived). Other objects are
 * kept as they are, so reload matching by identity still works.
 */
export function withoutDisabledCheckers(vss: readonly VirtualServerConfig[], scripts: ScriptTable): VirtualServerConfig[] {
  return vss.map((vs) => {
    if (!vs.realServers.some((rs) => rs.checkers.some((c) => c.type === 'MISC_CHECK' && !scripts.has(c.script)))) return vs;
    return {
      ...vs,
      realServers: vs.realServers.map((rs) => (rs.checkers.some((c) => c.type === 'MISC_CHECK' && !scripts.has(c.script)) ? { ...rs, checkers: rs.checkers.filter((c) => c.type !== 'MISC_CHECK' || scripts.has(c.script)) } : rs)),
    };
  });
}
