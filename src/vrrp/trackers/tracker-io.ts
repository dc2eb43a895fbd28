/**
 * The real TrackerIo of the VRRP child (tracker-set.ts): vrrp_scripts started by the daemon's
 * one script spawner (sys/script-process.ts) as the script pass cleared them, track files (track-file-io.ts), and process events from the
 * kernel's process connector where it can be subscribed (the initial network namespace,
 * proc-connector-client.ts) or else from /proc scans every PROCESS_SCAN_MS (process-scan.ts).
 */
import { constants as osConstants } from 'node:os';
import { readFileSync } from 'node:fs';
import type { Logger } from '../../core/logger.js';
import { spawnScriptProcess, type ProcessEnd } from '../../sys/script-process.js';
import { strerror } from '../../sys/safe-file.js';
import { openProcConnector } from '../../netlink/proc-connector-client.js';
import type { ProcConnectorEvent } from '../../netlink/proc-connector.js';
import { diffScans, parseProcStat, scanProcs, type ProcInfo } from './process-scan.js';
import type { ProcEvent, ProcIdentity } from './track-processes.js';
import { initTrackFiles, realTrackFilePorts } from './track-file-io.js';
import type { ProcessWatch, TrackerIo } from './tracker-set.js';
import type { GroupExit } from './vrrp-scripts.js';
import { assertNever } from '../../core/result.js';

/** How often /proc is scanned where process events cannot be had (bench/RESULTS.md, trackers). */
export const PROCESS_SCAN_MS = 250;

/** wait(2)'s view of a script's end, as vrrp-scripts.ts counts it. */
function groupExit(e: ProcessEnd): GroupExit {
  switch (e.type) {
    case 'exited':
      return e;
    case 'signaled':
      return { type: 'signaled', signal: osConstants.signals[e.signal] };
    case 'spawn-error':
      return { type: 'spawn-error', message: `${e.syscall}: ${e.message}` };
    default:
      return assertNever(e);
  }
}

function scanWatch(withCmdline: boolean, onEvents: (evs: readonly ProcEvent[]) => void): ProcessWatch {
  let prev: Map<number, ProcInfo> = scanProcs(withCmdline);
  const timer = setInterval(() => {
    const next = scanProcs(withCmdline);
    const evs = diffScans(prev, next);
    prev = next;
    if (evs.length > 0) onEvents(evs);
  }, PROCESS_SCAN_MS);
  timer.unref();
  return { initial: [...prev], close: () => clearInterval(timer) };
}

/** What /proc says a process runs now; null when it is gone (or a zombie). */
function identity(pid: number, withCmdline: boolean): ProcIdentity | null {
  try {
    const st = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
    if (st === null) return null;
    if (!withCmdline) return { comm: st.comm, argv: null };
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    return { comm: st.comm, argv: raw.length === 0 ? [] : raw.replace(/\0$/, '').split('\0') };
  } catch {
    return null;
  }
}

/**
 * The kernel's process events where they can be had (the initial network namespace), else
 * /proc scans, with keepalived's line for the failed subscription.
 */
function watchProcesses(opts: { readonly withCmdline: boolean; readonly log: Logger }, onEvents: (evs: readonly ProcEvent[]) => void): ProcessWatch {
  const toEvents = (evs: readonly ProcConnectorEvent[]): ProcEvent[] =>
    evs.flatMap((ev): ProcEvent[] => {
      switch (ev.type) {
        case 'fork':
          return [{ type: 'fork', pid: ev.childTgid, ppid: ev.parentTgid }];
        case 'exit':
          return [{ type: 'exit', pid: ev.tgid }];
        case 'exec':
        case 'comm': {
          const id = identity(ev.tgid, opts.withCmdline);
          return id === null ? [] : [{ type: 'exec', pid: ev.tgid, id }];
        }
      }
    });
  const resync = (): void => {
    opts.log.info('Process events were lost - re-reading /proc');
    onEvents([{ type: 'resync', procs: scanProcs(opts.withCmdline) }]);
  };
  const conn = openProcConnector((evs) => onEvents(toEvents(evs)), resync);
  if (conn.ok) return { initial: [...scanProcs(opts.withCmdline)], close: () => conn.handle.close() };
  opts.log.info(`Failed to set/clear process event listen - errno ${conn.errno} - ${strerror(conn.reason)}`);
  opts.log.info(`Tracking processes by scanning /proc every ${PROCESS_SCAN_MS} ms`);
  return scanWatch(opts.withCmdline, onEvents);
}

export function realTrackerIo(log: Logger): TrackerIo {
  const files = realTrackFilePorts(log);
  return {
    spawnScript: (_cfg, run, umask) => {
      const p = spawnScriptProcess(run.argv, { uid: run.uid, gid: run.gid, umask });
      return { done: p.ended.then(groupExit), signalGroup: (sig) => p.signalGroup(sig) };
    },
    files: { resolve: files.resolve, read: files.read, watch: files.watch },
    initTrackFiles,
    watchProcesses,
  };
}

