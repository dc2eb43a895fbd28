/**
 * Model of the tracker blocks (keepalived.conf(5): vrrp_script, track_file,
 * vrrp_track_process, bfd_instance) and of the `track_*` lines that reference them from
 * a vrrp_instance or vrrp_sync_group. Read-only plain data.
 */
import type { ScriptSpec, SourceLoc } from '../common.js';

/** A `track_script`/`track_file`/`track_process`/`track_bfd` line inside an instance or sync group. */
export interface TrackerRef {
  readonly name: string;
  /** Explicit weight on the line; undefined = the tracker's own weight. */
  readonly weight?: number;
  /** `reverse`/`noreverse` on the line; undefined = the tracker's own. */
  readonly reverse?: boolean;
  readonly loc: SourceLoc;
}

/** The resolved `track_script`/`track_file`/`track_process`/`track_bfd` entries of an instance or sync group. */
export interface TrackerRefs {
  readonly trackScripts: readonly TrackerRef[];
  readonly trackFiles: readonly TrackerRef[];
  readonly trackProcesses: readonly TrackerRef[];
  readonly trackBfds: readonly TrackerRef[];
}

export interface VrrpScriptConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly script: ScriptSpec;
  readonly intervalMs: number;
  /** Default = interval; `timeout 0` is reset to 1 s like keepalived. */
  readonly timeoutMs: number;
  readonly weight: number;
  readonly reverse: boolean;
  readonly rise: number;
  readonly fall: number;
  readonly initFail: boolean;
}

export interface TrackFileConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly path: string;
  readonly weight: number;
  readonly reverse: boolean;
  readonly initFile?: { readonly value: number; readonly overwrite: boolean };
}

export type ParamMatch = 'exact' | 'initial' | 'partial';

export interface TrackProcessConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly process: string;
  /** Parameters to match (empty = any). */
  readonly params: readonly string[];
  readonly paramMatch: ParamMatch;
  readonly weight: number;
  readonly reverse: boolean;
  readonly quorum: number;
  /** Default unlimited (4294967295). */
  readonly quorumMax: number;
  readonly forkDelayMs: number;
  readonly terminateDelayMs: number;
  readonly fullCommand: boolean;
}

export interface BfdInstanceConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly neighborIp: string;
  readonly sourceIp?: string;
  readonly minRxMs: number;
  readonly minTxMs: number;
  readonly idleTxMs: number;
  readonly multiplier: number;
  readonly passive: boolean;
  /** `ttl` (IPv4) / `hoplimit` (IPv6): default 255 / 64. */
  readonly ttl: number;
  readonly maxHops: number;
  readonly multihop: boolean;
  readonly weight: number;
  readonly reverse: boolean;
  /** `vrrp` / `checker`: send events only to that process; both false = both. */
  readonly vrrpOnly: boolean;
  readonly checkerOnly: boolean;
}
