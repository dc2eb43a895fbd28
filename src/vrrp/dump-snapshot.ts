/**
 * What the VRRP child's dumps are made of — keepalived.data (SIGUSR1), keepalived.stats
 * (SIGUSR2, STATS_CLEAR) and keepalived.json (JSON), keepalived(8) SIGNALS: plain data taken
 * when the signal arrives, so every formatter (dump.ts, dump-trackers.ts, dump-json.ts) is a
 * pure function of it. Pure.
 *
 * Trackers and sync groups: their configuration (which scripts, files and processes an
 * instance tracks, with the weight in force, and the group members) comes from the model;
 * their run-time state (a script's result and status, a file's value, a process count, a
 * group's state) comes through TrackerStates, the slot the tracker and sync-group runtimes
 * fill (daemon.ts: the sync-group drivers report; the trackers' slots are still empty). A
 * tracker state not reported is left out of the dumps (no line, no field), never invented.
 */
import type { Family } from '../core/ip.js';
import type { GlobalDefs, KeepalivedConfig, TrackerRef, TrackFileConfig, TrackProcessConfig, VrrpInstanceConfig, VrrpScriptConfig, VrrpSyncGroupConfig } from '../config/model.js';
import type { AddrInfo, LinkInfo } from '../netlink/rtnl-model.js';
import type { DropCounters } from './drop-counters.js';
import type { FsmState, VrrpState } from './fsm-types.js';

/** One tracked object of an instance and the weight it carries there (keepalived's "Tracked …" lists). */
export interface TrackedWeight {
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
}

/** What an instance tracks, as keepalived lists it in its dumps. */
export interface InstanceTracking {
  readonly interfaces: readonly TrackedWeight[];
  readonly scripts: readonly TrackedWeight[];
  readonly files: readonly TrackedWeight[];
  readonly processes: readonly TrackedWeight[];
}

/** One instance as the dumps see it. */
export interface InstanceSnapshot {
  readonly cfg: VrrpInstanceConfig;
  readonly fsm: FsmState;
  /** The advert source address in use. */
  readonly srcIp: Uint8Array;
  readonly drops: DropCounters;
  readonly syncGroup?: string;
  readonly tracking: InstanceTracking;
}

/** One VRRP receive socket (per interface and family) and the drops counted before an instance was known. */
export interface SocketSnapshot {
  readonly ifname: string;
  readonly family: Family;
  /** The group it joined, or null for a unicast-only socket. */
  readonly group: string | null;
  readonly instances: readonly { readonly name: string; readonly vrid: number }[];
  /** The IP protocol it receives: VRRP (112), or AH (51) for `auth_type AH` instances. */
  readonly protocol?: 'VRRP' | 'AH';
  readonly rxDatagrams: number;
  readonly drops: DropCounters;
}

export interface InterfaceSnapshot {
  readonly link: LinkInfo;
  readonly addrs: readonly AddrInfo[];
}

/**
 * Converts the FSM's monotonic milliseconds (clock.nowMs) to wall-clock ones: the dumps print
 * wall time, the FSM never sees it.
 */
export interface DumpClock {
  readonly nowMs: number;
  readonly wallMs: number;
}

// ---- run-time state of trackers and groups: the slot their runtimes fill -------------------

/** keepalived's words for a vrrp_script's run (`State = idle` …) and result (`Status = GOOD` …). */
export type ScriptRunState = 'idle' | 'running' | 'requested termination' | 'forcing termination';
export type ScriptStatus = 'INIT' | 'INIT/FAILED' | 'INIT/GOOD' | 'BAD' | 'GOOD';

export interface ScriptRuntime {
  /** keepalived's `Result`: the rise/fall counter (rise + fall - 1 when fully good). */
  readonly result: number;
  readonly status: ScriptStatus;
  readonly state: ScriptRunState;
  /** Refused by script security (enable_script_security). */
  readonly insecure: boolean;
}

export interface TrackFileRuntime {
  /** The value read from the file (keepalived's `Status`). */
  readonly value: number;
}

export interface TrackProcessRuntime {
  readonly currentProcesses: number;
  readonly haveQuorum: boolean;
  readonly forkDelayTimerRunning: boolean;
  readonly terminateDelayTimerRunning: boolean;
}

export interface SyncGroupRuntime {
  readonly state: VrrpState;
  /** Members with a fault of their own (keepalived's "num member fault"). */
  readonly membersFault: number;
  /** Members not started yet (keepalived's "num member init"). */
  readonly membersInit: number;
}

/**
 * Run-time state of the trackers and sync groups, by name (undefined: not reported, so left
 * out). The tracker runtime reports scripts, files and processes; the sync-group runtime its
 * groups; `tracking` may replace the config-derived list of what an instance tracks (group
 * trackers applied to members, …).
 */
export interface TrackerStates {
  script(name: string): ScriptRuntime | undefined;
  file(name: string): TrackFileRuntime | undefined;
  process(name: string): TrackProcessRuntime | undefined;
  group(name: string): SyncGroupRuntime | undefined;
  tracking?(cfg: VrrpInstanceConfig): InstanceTracking | undefined;
}

/** Nothing reported yet. */
export const NO_TRACKER_STATES: TrackerStates = { script: () => undefined, file: () => undefined, process: () => undefined, group: () => undefined };

// ---- tracker and group snapshots ------------------------------------------------------------

/** An instance that tracks an object, and the weight it tracks it with. */
export interface TrackedBy {
  readonly instance: string;
  readonly weight: number;
  readonly reverse: boolean;
}

export interface ScriptSnapshot {
  readonly cfg: VrrpScriptConfig;
  readonly trackedBy: readonly TrackedBy[];
  readonly runtime?: ScriptRuntime;
}

export interface TrackFileSnapshot {
  readonly cfg: TrackFileConfig;
  readonly trackedBy: readonly TrackedBy[];
  readonly runtime?: TrackFileRuntime;
}

export interface TrackProcessSnapshot {
  readonly cfg: TrackProcessConfig;
  readonly trackedBy: readonly TrackedBy[];
  readonly runtime?: TrackProcessRuntime;
}

export interface SyncGroupDump {
  readonly cfg: VrrpSyncGroupConfig;
  /** The group's state: its runtime's (sync-group-driver.ts), else read from the members (FAULT if any is, else their common state). */
  readonly state: VrrpState;
  readonly membersFault: number;
  readonly membersInit: number;
}

/** The ids scripts run as (` uid:gid 0:0` in the dumps). */
export interface ScriptIds {
  readonly uid: number;
  readonly gid: number;
}

/** Everything the three dumps are written from. */
export interface DumpSnapshot {
  readonly globalDefs: GlobalDefs;
  readonly scriptIds: ScriptIds;
  readonly clock: DumpClock;
  readonly instances: readonly InstanceSnapshot[];
  readonly sockets: readonly SocketSnapshot[];
  readonly interfaces: readonly InterfaceSnapshot[];
  readonly syncGroups: readonly SyncGroupDump[];
  readonly scripts: readonly ScriptSnapshot[];
  readonly trackFiles: readonly TrackFileSnapshot[];
  readonly trackProcesses: readonly TrackProcessSnapshot[];
}

/** An instance that tracks nothing. */
export const NO_TRACKING: InstanceTracking = { interfaces: [], scripts: [], files: [], processes: [] };

// ---- builders ----------------------------------------------------------------------------

function weighted(refs: readonly TrackerRef[], own: ReadonlyMap<string, { readonly weight: number; readonly reverse: boolean }>): TrackedWeight[] {
  const out: TrackedWeight[] = [];
  for (const r of refs) {
    const def = own.get(r.name);
    if (def) out.push({ name: r.name, weight: r.weight ?? def.weight, reverse: r.reverse ?? def.reverse });
  }
  return out;
}

/**
 * What an instance tracks, as keepalived lists it (keepalived.conf(5) track_interface,
 * track_script, track_file, track_process): the weight and reverse of the track line, else the
 * tracker's own. Its own interface is not a tracked interface (keepalived: "Ignoring
 * track_interface … since own interface"); the config compiler already dropped the weighted
 * trackers a sync group or an address owner ignores (config/trackers/compile.ts).
 */
export function instanceTracking(cfg: VrrpInstanceConfig, config: Pick<KeepalivedConfig, 'vrrpScripts' | 'trackFiles' | 'trackProcesses'>): InstanceTracking {
  const byName = <T extends { readonly name: string; readonly weight: number; readonly reverse: boolean }>(list: readonly T[]): Map<string, T> => new Map(list.map((x) => [x.name, x]));
  return {
    interfaces: cfg.trackInterfaces.filter((t) => t.name !== cfg.interface),
    scripts: weighted(cfg.trackScripts, byName(config.vrrpScripts)),
    files: weighted(cfg.trackFiles, byName(config.trackFiles)),
    processes: weighted(cfg.trackProcesses, byName(config.trackProcesses)),
  };
}

function trackedBy(instances: readonly InstanceSnapshot[], list: (t: InstanceTracking) => readonly TrackedWeight[], name: string): TrackedBy[] {
  return instances.flatMap((i) => list(i.tracking).filter((t) => t.name === name).map((t) => ({ instance: i.cfg.name, weight: t.weight, reverse: t.reverse })));
}

/** A group's state read from its members, for a group whose runtime reports none. */
export function membersState(states: readonly VrrpState[]): VrrpState {
  if (states.includes('FAULT')) return 'FAULT';
  const first = states[0];
  return first !== undefined && states.every((s) => s === first) ? first : 'BACKUP';
}

export interface TrackerSnapshotInput {
  readonly config: Pick<KeepalivedConfig, 'vrrpScripts' | 'trackFiles' | 'trackProcesses' | 'vrrpSyncGroups'>;
  readonly instances: readonly InstanceSnapshot[];
  readonly states: TrackerStates;
}

/** The tracker and group parts of a DumpSnapshot, in configuration order. */
export function trackerSnapshots(input: TrackerSnapshotInput): Pick<DumpSnapshot, 'syncGroups' | 'scripts' | 'trackFiles' | 'trackProcesses'> {
  const { config, instances, states } = input;
  const withRuntime = <R>(r: R | undefined): { runtime: R } | object => (r !== undefined ? { runtime: r } : {});
  const stateOf = new Map(instances.map((i) => [i.cfg.name, i.fsm.state]));
  return {
    syncGroups: config.vrrpSyncGroups.map((cfg) => {
      const run = states.group(cfg.name);
      if (run) return { cfg, ...run };
      const members = cfg.members.map((m) => stateOf.get(m) ?? 'INIT');
      return { cfg, state: membersState(members), membersFault: members.filter((s) => s === 'FAULT').length, membersInit: members.filter((s) => s === 'INIT').length };
    }),
    scripts: config.vrrpScripts.map((cfg) => ({ cfg, trackedBy: trackedBy(instances, (t) => t.scripts, cfg.name), ...withRuntime(states.script(cfg.name)) })),
    trackFiles: config.trackFiles.map((cfg) => ({ cfg, trackedBy: trackedBy(instances, (t) => t.files, cfg.name), ...withRuntime(states.file(cfg.name)) })),
    trackProcesses: config.trackProcesses.map((cfg) => ({ cfg, trackedBy: trackedBy(instances, (t) => t.processes, cfg.name), ...withRuntime(states.process(cfg.name)) })),
  };
}
