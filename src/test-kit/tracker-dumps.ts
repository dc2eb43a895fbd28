/**
 * The trackers capture (test/fixtures/keepalived-dumps/trackers, made by
 * test/lab/capture-keepalived-dumps.ts): Debian keepalived 2.2.7 with vrrp_script, track_file,
 * track_process, a sync group, a tracked interface, a BACKUP with a master, a v3 and a PASS
 * instance, and the files it wrote on DATA, STATS, STATS_CLEAR and JSON. `snapshotAt` rebuilds
 * the state keepalived had when it wrote a file (states, times, counters, tracker results), so
 * a test can compare our text for the same state with keepalived's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIp } from '../core/ip.js';
import type { KeepalivedConfig } from '../config/model.js';
import { parseConfigText } from '../config/parse-config.js';
import { emptyDropCounters } from '../vrrp/drop-counters.js';
import { instanceTracking, trackerSnapshots, type DumpSnapshot, type InstanceSnapshot, type TrackerStates } from '../vrrp/dump-snapshot.js';
import { fsmParamsFromConfig, initialFsmState, type FsmState, type VrrpState } from '../vrrp/fsm.js';
import { memoryReader } from './memory-reader.js';
import { REPO_ROOT } from './vrrp-adverts.js';

export const TRACKERS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'keepalived-dumps', 'trackers');

export const readTrackerFixture = (name: string): string => readFileSync(join(TRACKERS_DIR, name), 'utf8');

export const trackersConfig = (): KeepalivedConfig =>
  parseConfigText(readTrackerFixture('keepalived.conf'), 'keepalived.conf', { reader: memoryReader({}), configId: 'n1' }).config;

/** What the capture's trackers reported (its keepalived.data): the slot the tracker runtime fills. */
export const CAPTURED_TRACKER_STATES: TrackerStates = {
  script: (n) =>
    n === 'chk_up' ? { result: 4, status: 'GOOD', state: 'idle', insecure: false } : n === 'chk_down' ? { result: 0, status: 'BAD', state: 'idle', insecure: false } : undefined,
  file: (n) => (n === 'tf' ? { value: 3 } : undefined),
  process: (n) => (n === 'tp' ? { currentProcesses: 0, haveQuorum: false, forkDelayTimerRunning: false, terminateDelayTimerRunning: false } : undefined),
  group: () => undefined,
};

/** One instance's state at the capture, as the dump shows it (wall-clock ms: the snapshot's clock is the identity). */
export interface CapturedInstance {
  readonly state: VrrpState;
  readonly lastTransitionMs: number;
  /** MASTER: adver timer; BACKUP: master-down timer. */
  readonly readTimeoutMs: number | null;
  readonly masterPriority?: number;
  readonly counters?: Partial<FsmState['counters']>;
  readonly effectivePriority?: number;
}

const H1 = parseIp('192.0.2.11')!.bytes;
const H2 = parseIp('192.0.2.12')!.bytes;

/** A DumpSnapshot of the capture's config with each instance as given. */
export function snapshotAt(config: KeepalivedConfig, at: Readonly<Record<string, CapturedInstance>>, states: TrackerStates = CAPTURED_TRACKER_STATES): DumpSnapshot {
  const instances = config.vrrpInstances.map((cfg): InstanceSnapshot => {
    const c = at[cfg.name];
    if (!c) throw new Error(`no captured state for ${cfg.name}`);
    const s = initialFsmState(fsmParamsFromConfig(cfg, H1));
    const master = c.state === 'MASTER';
    const fsm: FsmState = {
      ...s,
      state: c.state,
      wantState: c.state === 'MASTER' ? 'MASTER' : 'BACKUP',
      lastTransitionAtMs: c.lastTransitionMs,
      adverAtMs: master ? c.readTimeoutMs : null,
      masterDownAtMs: master ? null : c.readTimeoutMs,
      effectivePriority: c.effectivePriority ?? s.effectivePriority,
      lastMasterAddress: c.masterPriority !== undefined ? H2 : null,
      lastMasterPriority: c.masterPriority ?? null,
      counters: { ...s.counters, ...c.counters },
    };
    const group = config.vrrpSyncGroups.find((g) => g.members.includes(cfg.name))?.name;
    return { cfg, fsm, srcIp: H1, drops: emptyDropCounters(), tracking: instanceTracking(cfg, config), ...(group !== undefined ? { syncGroup: group } : {}) };
  });
  return {
    globalDefs: config.globalDefs,
    scriptIds: { uid: 0, gid: 0 },
    clock: { nowMs: 0, wallMs: 0 },
    instances,
    sockets: [],
    interfaces: [],
    ...trackerSnapshots({ config, instances, states }),
  };
}

/** The states keepalived reported in the captured keepalived.json (times, counters, master priority). */
export function jsonCaptureStates(): Record<string, CapturedInstance> {
  const doc = JSON.parse(readTrackerFixture('keepalived.json')) as { data: Record<string, number | string>; stats: Record<string, number> }[];
  const names: Record<number, VrrpState> = { 0: 'INIT', 1: 'BACKUP', 2: 'MASTER', 3: 'FAULT' };
  return Object.fromEntries(
    doc.map(({ data, stats }) => [
      String(data['iname']),
      {
        state: names[Number(data['state'])] ?? 'INIT',
        lastTransitionMs: Number(data['last_transition']) * 1000,
        readTimeoutMs: null,
        effectivePriority: Number(data['effective_priority']),
        ...(Number(data['master_priority']) > 0 ? { masterPriority: Number(data['master_priority']) } : {}),
        counters: { advertRcvd: stats['advert_rcvd'] ?? 0, advertSent: stats['advert_sent'] ?? 0, becameMaster: stats['become_master'] ?? 0, releasedMaster: stats['release_master'] ?? 0 },
      },
    ]),
  );
}
