/**
 * The real TrackerIo of the VRRP child (tracker-set.ts): vrrp_scripts as process groups
 * (notify/runner.ts spawnGroupScript) under their user/group, keepalived's load-time check
 * that a script can be run, track files (track-file-io.ts), and process events from the
 * kernel's process connector where it can be subscribed (the initial network namespace,
 * proc-connector-client.ts) or else from /proc scans every PROCESS_SCAN_MS (process-scan.ts).
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import type { Logger } from '../../core/logger.js';
import type { VrrpScriptConfig } from '../../config/model.js';
import { spawnGroupScript, scriptEnv } from '../../notify/runner.js';
import { lookupUserGroup } from '../../sys/accounts.js';
import { strerror } from '../../sys/safe-file.js';
import { openProcConnector } from '../../netlink/proc-connector-client.js';
import type { ProcConnectorEvent } from '../../netlink/proc-connector.js';
import { diffScans, parseProcStat, scanProcs, type ProcInfo } from './process-scan.js';
import type { ProcEvent, ProcIdentity } from './track-processes.js';
import { initTrackFiles, realTrackFilePorts } from './track-file-io.js';
import type { ProcessWatch, TrackerIo } from './tracker-set.js';

/** How often /proc is scanned where process events cannot be had (bench/RESULTS.md, trackers). */
export const PROCESS_SCAN_MS = 250;

/** The uid:gid a script runs as (its user/group; TrackerSet has filled in script_user/script_group), root by default. */
export function scriptIds(cfg: VrrpScriptConfig): { uid: number; gid: number } {
  const ids = lookupUserGroup(cfg.script.user, cfg.script.group);
  return { uid: ids.uid ?? 0, gid: ids.gid ?? 0 };
}

function checkScript(cfg: VrrpScriptConfig): readonly string[] | null {
  const path = cfg.script.argv[0] ?? '';
  try {
    statSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'EACCES';
    return [`Script ${path} cannot be accessed - ${strerror(code)}`, `Disabling track script ${cfg.name} since not found/accessible`];
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    const { uid, gid } = scriptIds(cfg);
    return [`WARNING - script '${path}' is not executable for uid:gid ${uid}:${gid} - disabling.`];
  }
  return null;
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
  opts.log.info(`Failed to set/clear process event listen - errno ${conn.errno} - ${strerror(conn.reason)}; scanning /proc every ${PROCESS_SCAN_MS} ms`);
  return scanWatch(opts.withCmdline, onEvents);
}

export function realTrackerIo(log: Logger): TrackerIo {
  const env = scriptEnv();
  const files = realTrackFilePorts(log);
  return {
    spawnScript: (cfg) => spawnGroupScript(cfg.script.argv, { env, ...scriptIds(cfg) }),
    checkScript,
    scriptIds,
    files: { resolve: files.resolve, read: files.read, watch: files.watch },
    initTrackFiles,
    watchProcesses,
  };
}

