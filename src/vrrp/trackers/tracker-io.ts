/**
 * The real TrackerIo of the VRRP child (tracker-set.ts): vrrp_scripts as process groups
 * (notify/runner.ts spawnGroupScript) under their user/group, keepalived's load-time check
 * that a script can be run, track files (track-file-io.ts), and process events from the
 * kernel's process connector where it can be subscribed (the initial network namespace,
 * proc-connector-client.ts) or else from /proc scans every PROCESS_SCAN_MS (process-scan.ts).
 */
import { accessSync, constants, statSync } from 'node:fs';
import type { Logger } from '../../core/logger.js';
import type { VrrpScriptConfig } from '../../config/model.js';
import { spawnGroupScript, scriptEnv } from '../../notify/runner.js';
import { lookupUserGroup } from '../../sys/accounts.js';
import { strerror } from '../../sys/safe-file.js';
import { diffScans, scanProcs, type ProcInfo } from './process-scan.js';
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

function scanWatch(withCmdline: boolean, onEvents: (evs: ReturnType<typeof diffScans>) => void): ProcessWatch {
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

export function realTrackerIo(log: Logger): TrackerIo {
  const env = scriptEnv();
  const files = realTrackFilePorts(log);
  return {
    spawnScript: (cfg) => spawnGroupScript(cfg.script.argv, { env, ...scriptIds(cfg) }),
    checkScript,
    scriptIds,
    files: { resolve: files.resolve, read: files.read, watch: files.watch },
    initTrackFiles,
    watchProcesses: (opts, onEvents) => scanWatch(opts.withCmdline, onEvents),
  };
}

