/**
 * What the VRRP child writes for each dump signal (keepalived(8) SIGNALS: DATA = SIGUSR1,
 * STATS = SIGUSR2, STATS_CLEAR, JSON; TDUMP is keepalived-ts's timer dump): the file, where
 * global_defs puts it (state_dump_file, stats_dump_file, json_dump_file, json_version), the
 * text, and keepalived 2.2.7's log line for it. Pure: daemon.ts takes the snapshot, writes the
 * file and clears the counters after STATS_CLEAR.
 */
import { assertNever } from '../core/result.js';
import type { GlobalDefs } from '../config/model.js';
import type { DumpTarget } from './child-deps.js';
import { formatDataDump, formatStatsDump } from './dump.js';
import { formatJsonDump } from './dump-json.js';
import type { DumpSnapshot, InstanceSnapshot } from './dump-snapshot.js';
import { nextDeadline } from './fsm.js';

export type DumpKind = 'data' | 'stats' | 'stats-clear' | 'json';

/** keepalived 2.2.7's line, followed by ` for process(PID) on signal`. */
export const DUMP_LOG_LINE: Readonly<Record<DumpKind, string>> = {
  data: 'Printing VRRP data',
  stats: 'Printing VRRP stats',
  'stats-clear': 'Printing and clearing VRRP stats',
  json: 'Printing VRRP as json',
};

/** keepalived's default file names (in $TMPDIR or /tmp unless global_defs moves them). */
export const DUMP_FILE_NAME: Readonly<Record<DumpKind, string>> = {
  data: 'keepalived.data',
  stats: 'keepalived.stats',
  'stats-clear': 'keepalived.stats',
  json: 'keepalived.json',
};

export function dumpTarget(kind: DumpKind, g: GlobalDefs): DumpTarget {
  const configured = kind === 'data' ? g.stateDumpFile : kind === 'json' ? g.jsonDumpFile : g.statsDumpFile;
  return { name: DUMP_FILE_NAME[kind], configured };
}

/**
 * The file and text a dump signal produces, or null when keepalived writes nothing (JSON with
 * no instance).
 */
export function renderDump(kind: DumpKind, snap: DumpSnapshot): { readonly target: DumpTarget; readonly text: string } | null {
  const target = dumpTarget(kind, snap.globalDefs);
  switch (kind) {
    case 'data':
      return { target, text: formatDataDump(snap) };
    case 'stats':
    case 'stats-clear':
      return { target, text: formatStatsDump(snap) };
    case 'json':
      return snap.instances.length === 0 ? null : { target, text: formatJsonDump(snap) };
    default:
      return assertNever(kind, 'dump kind');
  }
}

const inMs = (atMs: number, nowMs: number): string => `${Math.max(0, Math.round(atMs - nowMs))} ms`;

/**
 * The VRRP part of the TDUMP timer dump: each instance's state and its one pending timer
 * (adver timer as MASTER, master-down timer as BACKUP), relative to now.
 */
export function instanceTimerLines(instances: readonly InstanceSnapshot[], nowMs: number): string[] {
  return instances.map(({ cfg, fsm }) => {
    const at = nextDeadline(fsm);
    const timer = at === null ? 'no timer' : `${fsm.state === 'MASTER' ? 'advert timer' : 'master down timer'} in ${inMs(at, nowMs)}`;
    return `(${cfg.name}) ${fsm.state}, effective priority ${fsm.effectivePriority}: ${timer}`;
  });
}
