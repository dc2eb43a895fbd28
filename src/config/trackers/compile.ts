/**
 * Compiler of the tracker blocks: drafts → the model with the rows' defaults, incomplete
 * trackers dropped with keepalived's warnings; and the `track_*` lines of instances and
 * sync groups resolved against them (unknown names warned and dropped, weighted trackers
 * removed from sync-group members unless sync_group_tracking_weight, and from address
 * owners). Pure; Debian 2.2.7's wording (`keepalived -t`).
 */
import type { Draft, ScriptSpec } from '../common.js';
import type { DiagSink } from '../diagnostics.js';
import type { GlobalDefs } from '../global-defs/model.js';
import { plainFields } from '../keywords/table.js';
import { BFD_INSTANCE_TABLE, TRACK_FILE_TABLE, TRACK_PROCESS_TABLE, VRRP_SCRIPT_TABLE, type BfdDraft, type TrackFileDraft, type TrackProcessDraft, type VrrpScriptDraft } from './keywords.js';
import type { BfdInstanceConfig, TrackerRef, TrackerRefs, TrackFileConfig, TrackProcessConfig, VrrpScriptConfig } from './model.js';

const UNLIMITED = 4294967295;

export interface TrackerDrafts {
  readonly vrrpScripts: readonly VrrpScriptDraft[];
  readonly trackFiles: readonly TrackFileDraft[];
  readonly trackProcesses: readonly TrackProcessDraft[];
  readonly bfdInstances: readonly BfdDraft[];
}

export interface Trackers {
  readonly vrrpScripts: readonly VrrpScriptConfig[];
  readonly trackFiles: readonly TrackFileConfig[];
  readonly trackProcesses: readonly TrackProcessConfig[];
  readonly bfdInstances: readonly BfdInstanceConfig[];
}

function vrrpScript(s: VrrpScriptDraft, g: GlobalDefs, diags: DiagSink): VrrpScriptConfig | undefined {
  if (s.script === undefined) {
    diags.warn('KA_CFG_TRACKER_INCOMPLETE', `No script set for vrrp_script ${s.name} - removing`, s.loc, { hint: "add 'script \"/path args\"'" });
    return undefined;
  }
  // With script security the default user must resolve; like the security verdict this
  // assumes no `keepalived_script` account (Debian's default), so the script is dropped.
  if (g.enableScriptSecurity && g.scriptUser === undefined && s.user === undefined && s.script.user === undefined) {
    diags.warn('KA_CFG_SCRIPT_USER', `Unable to set default user for vrrp script ${s.name} - removing`, s.loc, {
      hint: "the default user keepalived_script does not exist: set 'script_user' in global_defs or 'user' in the vrrp_script",
    });
    return undefined;
  }
  const plain = plainFields<Omit<VrrpScriptConfig, 'name' | 'loc' | 'script' | 'timeoutMs' | 'reverse'>>(VRRP_SCRIPT_TABLE, s);
  const script: ScriptSpec = s.user !== undefined && s.script.user === undefined ? { ...s.script, user: s.user.user, ...(s.user.group !== undefined ? { group: s.user.group } : {}) } : s.script;
  return { ...plain, name: s.name, loc: s.loc, script, timeoutMs: s.timeoutMs ?? plain.intervalMs, reverse: s.reverse === true };
}

function trackFile(f: TrackFileDraft, diags: DiagSink): TrackFileConfig | undefined {
  if (f.path === undefined) {
    diags.warn('KA_CFG_TRACKER_INCOMPLETE', `No file set for track_file ${f.name} - ignoring`, f.loc, { hint: "add 'file PATH'" });
    return undefined;
  }
  return { ...plainFields<Omit<TrackFileConfig, 'name' | 'loc' | 'path' | 'reverse'>>(TRACK_FILE_TABLE, f), name: f.name, loc: f.loc, path: f.path, reverse: f.reverse === true };
}

function trackProcess(p: TrackProcessDraft, diags: DiagSink): TrackProcessConfig | undefined {
  if (p.process === undefined) {
    diags.warn('KA_CFG_TRACKER_INCOMPLETE', `No process specified for vrrp_track_process ${p.name} - removing`, p.loc, { hint: "add 'process NAME'" });
    return undefined;
  }
  const plain = plainFields<Omit<TrackProcessConfig, 'name' | 'loc' | 'process' | 'params' | 'reverse' | 'quorumMax'>>(TRACK_PROCESS_TABLE, p);
  let quorumMax = p.quorumMax ?? UNLIMITED;
  if (quorumMax < plain.quorum) {
    diags.warn('KA_CFG_OUT_OF_RANGE', `Track process ${p.name} quorum_max ${quorumMax} < quorum ${plain.quorum} - setting quorum_max to quorum`, p.loc);
    quorumMax = plain.quorum;
  }
  return { ...plain, name: p.name, loc: p.loc, process: p.process, params: p.params ?? [], reverse: p.reverse === true, quorumMax };
}

function bfdInstance(b: BfdDraft, diags: DiagSink): BfdInstanceConfig | undefined {
  if (b.neighborIp === undefined) {
    diags.error('KA_CFG_TRACKER_INCOMPLETE', `Configuration error: BFD instance ${b.name} has no neighbor address set, disabling instance`, b.loc, { hint: "add 'neighbor_ip IP'" });
    return undefined;
  }
  const plain = plainFields<Omit<BfdInstanceConfig, 'name' | 'loc' | 'neighborIp' | 'ttl' | 'reverse'>>(BFD_INSTANCE_TABLE, b);
  return { ...plain, name: b.name, loc: b.loc, neighborIp: b.neighborIp, ttl: b.ttl ?? (b.neighborIp.includes(':') ? 64 : 255), reverse: b.reverse === true };
}

const present = <T>(x: T | undefined): x is T => x !== undefined;

export function compileTrackers(d: TrackerDrafts, g: GlobalDefs, diags: DiagSink): Trackers {
  return {
    vrrpScripts: d.vrrpScripts.map((s) => vrrpScript(s, g, diags)).filter(present),
    trackFiles: d.trackFiles.map((f) => trackFile(f, diags)).filter(present),
    trackProcesses: d.trackProcesses.map((p) => trackProcess(p, diags)).filter(present),
    bfdInstances: d.bfdInstances.map((b) => bfdInstance(b, diags)).filter(present),
  };
}

type Kind = keyof TrackerRefs;
const NOUN: Record<Kind, string> = { trackScripts: 'script', trackFiles: 'file', trackProcesses: 'process', trackBfds: 'bfd' };
const BLOCK: Record<Kind, string> = { trackScripts: 'vrrp_script', trackFiles: 'track_file', trackProcesses: 'vrrp_track_process', trackBfds: 'bfd_instance' };

interface Tracked {
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
}

function pool(t: Trackers, k: Kind): readonly Tracked[] {
  switch (k) {
    case 'trackScripts':
      return t.vrrpScripts;
    case 'trackFiles':
      return t.trackFiles;
    case 'trackProcesses':
      return t.trackProcesses;
    case 'trackBfds':
      return t.bfdInstances;
  }
}

/**
 * Resolves one block's `track_*` lines: unknown names are dropped with keepalived's warning;
 * the line's weight/reverse default to the tracker's. `dropWeighted` (sync-group member
 * without sync_group_tracking_weight, or an address owner) removes weighted entries.
 */
export function resolveTrackerRefs(owner: string, refs: Draft<TrackerRefs>, t: Trackers, dropWeighted: 'SYNC group' | 'address_owner' | null, diags: DiagSink): TrackerRefs {
  const resolve = (k: Kind): TrackerRef[] => {
    const out: TrackerRef[] = [];
    for (const r of refs[k] ?? []) {
      const tracker = pool(t, k).find((x) => x.name === r.name);
      if (!tracker) {
        diags.warn('KA_CFG_TRACKER_UNKNOWN', `(${owner}) track ${NOUN[k]} ${r.name} not found, ignoring...`, r.loc, { hint: `no ${BLOCK[k]} block named '${r.name}'` });
        continue;
      }
      const weight = r.weight ?? tracker.weight;
      const reverse = r.reverse ?? tracker.reverse;
      if (dropWeighted !== null && weight !== 0) {
        // 2.2.7's wording: files name their weight, the others say "with weights".
        const what = k === 'trackFiles' ? `with weight ${weight}` : 'with weights';
        diags.warn('KA_CFG_SYNC_GROUP_TRACKER', `(${owner}) ignoring tracked ${NOUN[k]} ${r.name} ${what} due to ${dropWeighted}`, r.loc, {
          hint: dropWeighted === 'address_owner' ? 'a priority-255 instance is never changed by weighted trackers' : 'add sync_group_tracking_weight to the vrrp_sync_group to keep it',
        });
        continue;
      }
      out.push({ name: r.name, weight, reverse, loc: r.loc });
    }
    return out;
  };
  return { trackScripts: resolve('trackScripts'), trackFiles: resolve('trackFiles'), trackProcesses: resolve('trackProcesses'), trackBfds: resolve('trackBfds') };
}
