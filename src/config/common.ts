/**
 * Types every stage and block of the config pipeline shares: where a word was read, the
 * reader port of the source stage, script invocations, address lines and the builder
 * shape keyword handlers write into. Plain data only.
 */
import type { Family } from '../core/ip.js';

export interface SourceLoc {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based column of the first character of the offending word. */
  readonly col: number;
}

/** Where each keyword of a block was last seen, for diagnostics raised after parsing. */
export type LocMap = Record<string, SourceLoc>;

/** A model record while its block is read: every field optional and writable, lists appendable. */
export type Draft<T> = { -readonly [K in keyof T]?: T[K] extends readonly (infer E)[] ? E[] : T[K] };

/**
 * What the daemon does with a keyword at run time: `acts` as keepalived does, acts `partly`
 * (the row's note says what is missing), or reads it and does `not-yet` act on it.
 */
export type KeywordRuntime = 'acts' | 'partly' | 'not-yet';

/** One keyword of the file whose run-time status is not `acts` (collected while parsing). */
export interface KeywordUse {
  /** The table's block name (`vrrp_instance`, `global_defs`, …). */
  readonly block: string;
  readonly keyword: string;
  readonly loc: SourceLoc;
  readonly runtime: Exclude<KeywordRuntime, 'acts'>;
  readonly note?: string;
}

/** The source stage's view of the file system (source/fs-reader.ts is the real one). */
export interface SourceReader {
  /** File contents, or null if it cannot be read. */
  read(path: string): string | null;
  /**
   * Files matching a `*?[]` pattern (braces already expanded), sorted. A relative
   * pattern is resolved against cwd (the including file's directory) and the results
   * carry that prefix (`posix.join(cwd, match)`), ready for read().
   */
  glob(pattern: string, cwd: string): string[];
  /**
   * What a path is (for the include `read` check); without it every readable path is a
   * regular file. null: does not exist.
   */
  kind?(path: string): 'file' | 'directory' | 'executable' | 'other' | null;
}

/** A script invocation: argv[0] is the program, as keepalived splits `script`/`notify*` words. */
export interface ScriptSpec {
  readonly argv: readonly string[];
  /** The original text, for dumps and logs. */
  readonly text: string;
  readonly user?: string;
  readonly group?: string;
}

/** `notify_*` scripts of a vrrp_instance or vrrp_sync_group. */
export interface NotifyScripts {
  readonly master?: ScriptSpec;
  readonly backup?: ScriptSpec;
  readonly fault?: ScriptSpec;
  readonly stop?: ScriptSpec;
  readonly deleted?: ScriptSpec;
  readonly masterRxLowerPri?: ScriptSpec;
  /** `notify`: argv + INSTANCE|GROUP name state priority. */
  readonly generic?: ScriptSpec;
}

export type AddressScope = 'global' | 'site' | 'link' | 'host' | 'nowhere';

/** One `virtual_ipaddress` / `virtual_ipaddress_excluded` / `static_ipaddress` line. */
export interface IpAddressSpec {
  readonly family: Family;
  /** Canonical text of the address (no prefix). */
  readonly address: string;
  readonly prefixLen: number;
  /** Explicit broadcast; `'+'`/`'-'` as in ip(8); undefined = none. */
  readonly broadcast?: string;
  /** Interface; undefined = the instance interface (VIPs) or default_interface (static). */
  readonly dev?: string;
  readonly scope?: AddressScope;
  readonly label?: string;
  readonly peer?: string;
  readonly noDad?: boolean;
  readonly noPrefixRoute?: boolean;
  readonly noTrack?: boolean;
  /** `preferred_lft N|forever` in seconds (forever: 0xffffffff); keepalived sends it for IPv6 only. */
  readonly preferredLft?: number;
  /** `home` (IFA_F_HOMEADDRESS). */
  readonly home?: boolean;
  /** `mngtmpaddr` (IFA_F_MANAGETEMPADDR). */
  readonly manageTempAddr?: boolean;
  /** `autojoin` (IFA_F_MCAUTOJOIN: the kernel joins the multicast group). */
  readonly autoJoin?: boolean;
  /** `track_group G` (static addresses only). */
  readonly trackGroup?: string;
  /** The line as written, for dumps and diagnostics. */
  readonly text: string;
  readonly loc: SourceLoc;
}

/** One `track_interface` line of a vrrp_instance or vrrp_sync_group. */
export interface TrackInterfaceSpec {
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
}
