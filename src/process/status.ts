/**
 * The daemon's one status model (docs/status-api.md). The children produce it (the VRRP child
 * per instance, the checker child per virtual server), send it to the parent as coalesced
 * updates (only what changed since the last one, so N instances changing one by one cost
 * O(N) in total, never O(N²)), and the parent holds the latest copy (watchdog/status-store.ts)
 * to answer `keepalived-ts status`, systemd's STATUS= line and, later, the HTTP API.
 *
 * Plain data, safe for structured clone. Times are wall-clock epoch milliseconds (the
 * children and the parent share the machine's clock); ages are computed by whoever reads.
 * Every update is validated on receipt (parseStatusUpdate): a malformed one is a protocol
 * error, never a crash.
 */
import { fail, ok, type Result } from '../core/result.js';

/** Bumped when a field changes meaning or disappears; additions keep the version. */
export const STATUS_SCHEMA_VERSION = 1;

export type VrrpStateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';
export const VRRP_STATE_NAMES: readonly VrrpStateName[] = ['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP'];

/**
 * What a VRRP instance tracks. Only `interface` is produced today; the other kinds are the
 * shapes track_script, track_file, track_process and track_bfd will report in.
 */
export type TrackerKind = 'interface' | 'script' | 'file' | 'process' | 'bfd';
export const TRACKER_KINDS: readonly TrackerKind[] = ['interface', 'script', 'file', 'process', 'bfd'];

export type TrackerState = 'up' | 'down' | 'unknown';
const TRACKER_STATES: readonly TrackerState[] = ['up', 'down', 'unknown'];

export interface TrackerStatus {
  readonly kind: TrackerKind;
  readonly name: string;
  readonly state: TrackerState;
  /** keepalived.conf(5) `weight`: 0 = a failure puts the instance in FAULT; else the priority delta. */
  readonly weight: number;
}

export interface TransitionStatus {
  readonly from: VrrpStateName;
  readonly to: VrrpStateName;
  /** One of the FSM's TransitionReason names (src/vrrp/fsm-types.ts). */
  readonly reason: string;
  readonly atWallMs: number;
}

export interface VrrpInstanceStatus {
  readonly name: string;
  readonly vrid: number;
  readonly family: 4 | 6;
  readonly interface: string | null;
  readonly version: 2 | 3;
  readonly state: VrrpStateName;
  /** Priority advertised now (base plus tracker weights, RFC 5798 §5.2.4). */
  readonly effectivePriority: number;
  /** Configured `priority`. */
  readonly basePriority: number;
  /** Our advert source address. */
  readonly sourceAddress: string | null;
  /** The master as seen from here: ourselves when MASTER, else the last advert's sender. */
  readonly masterAddress: string | null;
  readonly masterPriority: number | null;
  /** When the last advert from the master was accepted (null: none yet). */
  readonly lastAdvertWallMs: number | null;
  /** `address/prefix dev IFNAME` per virtual_ipaddress and virtual_ipaddress_excluded. */
  readonly vips: readonly string[];
  readonly trackers: readonly TrackerStatus[];
  /** Active fault sources (`interface:eth1`, `no-source-address` …); FAULT while non-empty. */
  readonly faultSources: readonly string[];
  readonly syncGroup: string | null;
  readonly lastTransition: TransitionStatus | null;
}

export type CheckerState = 'up' | 'down';

export interface CheckerStatus {
  /** TCP_CHECK, HTTP_GET … as in keepalived.conf. */
  readonly type: string;
  readonly state: CheckerState;
}

export interface RealServerStatus {
  /** keepalived's `[ADDR]:PROTO:PORT` form. */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly alive: boolean;
  readonly configuredWeight: number;
  /** With misc_dynamic / FILE_CHECK weight changes applied. */
  readonly effectiveWeight: number;
  readonly checkers: readonly CheckerStatus[];
}

export interface VirtualServerStatus {
  readonly name: string;
  readonly quorumUp: boolean;
  readonly realServers: readonly RealServerStatus[];
}

/** One child→parent status update: `full` replaces the child's part, otherwise it is merged. */
export interface StatusUpdate {
  readonly schema: number;
  /** Per child, +1 per update; a gap makes the parent ask for a full one. */
  readonly seq: number;
  readonly full: boolean;
  readonly instances: readonly VrrpInstanceStatus[];
  readonly removedInstances: readonly string[];
  readonly virtualServers: readonly VirtualServerStatus[];
  readonly removedVirtualServers: readonly string[];
}

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T => list.some((x) => x === v);
const strings = (v: unknown): v is readonly string[] => Array.isArray(v) && v.every(isStr);

function list<T>(v: unknown, what: string, item: (x: unknown) => T | undefined): Result<T[]> {
  if (!Array.isArray(v)) return fail(`${what}: not a list`);
  const out: T[] = [];
  for (const x of v) {
    const parsed = item(x);
    if (parsed === undefined) return fail(`${what}: bad entry`);
    out.push(parsed);
  }
  return ok(out);
}

function tracker(v: unknown): TrackerStatus | undefined {
  if (!isObj(v) || !oneOf(TRACKER_KINDS, v['kind']) || !isStr(v['name']) || !oneOf(TRACKER_STATES, v['state']) || !isInt(v['weight'])) return undefined;
  return { kind: v['kind'], name: v['name'], state: v['state'], weight: v['weight'] };
}

function transition(v: unknown): TransitionStatus | null | undefined {
  if (v === null) return null;
  if (!isObj(v) || !oneOf(VRRP_STATE_NAMES, v['from']) || !oneOf(VRRP_STATE_NAMES, v['to']) || !isStr(v['reason']) || !isNum(v['atWallMs'])) return undefined;
  return { from: v['from'], to: v['to'], reason: v['reason'], atWallMs: v['atWallMs'] };
}

function instance(v: unknown): VrrpInstanceStatus | undefined {
  if (!isObj(v)) return undefined;
  const { name, vrid, family, version, state, effectivePriority, basePriority, masterPriority, lastAdvertWallMs } = v;
  if (!isStr(name) || !isInt(vrid) || (family !== 4 && family !== 6) || (version !== 2 && version !== 3)) return undefined;
  if (!oneOf(VRRP_STATE_NAMES, state) || !isInt(effectivePriority) || !isInt(basePriority)) return undefined;
  if (!isStrOrNull(v['interface']) || !isStrOrNull(v['sourceAddress']) || !isStrOrNull(v['masterAddress']) || !isStrOrNull(v['syncGroup'])) return undefined;
  if (masterPriority !== null && !isInt(masterPriority)) return undefined;
  if (lastAdvertWallMs !== null && !isNum(lastAdvertWallMs)) return undefined;
  if (!strings(v['vips']) || !strings(v['faultSources'])) return undefined;
  const trackers = list(v['trackers'], 'trackers', tracker);
  const last = transition(v['lastTransition']);
  if (!trackers.ok || last === undefined) return undefined;
  return {
    name, vrid, family, interface: v['interface'], version, state, effectivePriority, basePriority,
    sourceAddress: v['sourceAddress'], masterAddress: v['masterAddress'], masterPriority, lastAdvertWallMs,
    vips: v['vips'], trackers: trackers.value, faultSources: v['faultSources'], syncGroup: v['syncGroup'], lastTransition: last,
  };
}

function checker(v: unknown): CheckerStatus | undefined {
  if (!isObj(v) || !isStr(v['type']) || (v['state'] !== 'up' && v['state'] !== 'down')) return undefined;
  return { type: v['type'], state: v['state'] };
}

function realServer(v: unknown): RealServerStatus | undefined {
  if (!isObj(v) || !isStr(v['name']) || !isStr(v['address']) || !isInt(v['port']) || typeof v['alive'] !== 'boolean') return undefined;
  if (!isInt(v['configuredWeight']) || !isInt(v['effectiveWeight'])) return undefined;
  const checkers = list(v['checkers'], 'checkers', checker);
  if (!checkers.ok) return undefined;
  return { name: v['name'], address: v['address'], port: v['port'], alive: v['alive'], configuredWeight: v['configuredWeight'], effectiveWeight: v['effectiveWeight'], checkers: checkers.value };
}

function virtualServer(v: unknown): VirtualServerStatus | undefined {
  if (!isObj(v) || !isStr(v['name']) || typeof v['quorumUp'] !== 'boolean') return undefined;
  const rss = list(v['realServers'], 'realServers', realServer);
  if (!rss.ok) return undefined;
  return { name: v['name'], quorumUp: v['quorumUp'], realServers: rss.value };
}

/** Validates an update received over IPC. */
export function parseStatusUpdate(v: unknown): Result<StatusUpdate> {
  if (!isObj(v)) return fail('status: not an object');
  if (v['schema'] !== STATUS_SCHEMA_VERSION) return fail(`status: schema ${String(v['schema'])} not supported (want ${STATUS_SCHEMA_VERSION})`);
  if (!isInt(v['seq']) || typeof v['full'] !== 'boolean') return fail('status: seq/full');
  if (!strings(v['removedInstances']) || !strings(v['removedVirtualServers'])) return fail('status: removed lists');
  const instances = list(v['instances'], 'status: instances', instance);
  if (!instances.ok) return instances;
  const vss = list(v['virtualServers'], 'status: virtualServers', virtualServer);
  if (!vss.ok) return vss;
  return ok({
    schema: STATUS_SCHEMA_VERSION,
    seq: v['seq'],
    full: v['full'],
    instances: instances.value,
    removedInstances: v['removedInstances'],
    virtualServers: vss.value,
    removedVirtualServers: v['removedVirtualServers'],
  });
}

/**
 * The producer's side of the coalescing: names marked changed during one event-loop turn
 * are sent together. Pure bookkeeping; the child's daemon owns the timer and the send.
 */
export class StatusOutbox {
  private seq = 0;
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();
  /** The first update is always full. */
  private fullWanted = true;
  private scheduled = false;

  /** Each mark returns true when the caller must schedule a flush (none is pending). */
  markChanged(name: string): boolean {
    this.removed.delete(name);
    this.changed.add(name);
    return this.schedule();
  }

  markRemoved(name: string): boolean {
    this.changed.delete(name);
    this.removed.add(name);
    return this.schedule();
  }

  /** Everything (start-up, reload, or the parent asked for a fresh copy). */
  markFull(): boolean {
    this.fullWanted = true;
    return this.schedule();
  }

  /** What to send now: every name (full) or the changed ones, and the removed ones. */
  take(): { readonly seq: number; readonly full: boolean; readonly changed: readonly string[]; readonly removed: readonly string[] } {
    const out = { seq: ++this.seq, full: this.fullWanted, changed: [...this.changed], removed: this.fullWanted ? [] : [...this.removed] };
    this.fullWanted = false;
    this.scheduled = false;
    this.changed.clear();
    this.removed.clear();
    return out;
  }

  private schedule(): boolean {
    if (this.scheduled) return false;
    this.scheduled = true;
    return true;
  }
}
