/**
 * The watchdog's table of child processes, as data (relayd's proc table): adding a child
 * kind means adding a row. Names and messages are keepalived's ("Starting VRRP child
 * process, pid=N", "Healthcheck child process(N) died: Respawning").
 */
import type { GlobalDefs } from '../config/model.js';
import type { ChildKind, CliOptions } from '../process/options.js';
import type { ProcessNameSettings } from '../process/process-title.js';

/** What the parent needs to know about the configuration before starting children. */
export interface ConfigSummary {
  /** Any vrrp_instance / static_* configuration. */
  readonly hasVrrp: boolean;
  /** Any virtual_server. */
  readonly hasChecker: boolean;
  /** global child_wait_time (s): how long shutdown waits before SIGKILL. */
  readonly childWaitTimeS: number;
  /** -d/--dump-conf: the effective config in keepalived syntax, logged by the parent at start. */
  readonly dumpText?: string;
  /**
   * Why the daemon cannot run this config ('fatal' diagnostics: the children keep the running
   * config on reload); undefined when it can.
   */
  readonly unusable?: string;
  /** Top-level `net_namespace` (`-s` overrides it). */
  readonly netNamespace?: string;
  /** Errors keepalived reports but runs with (the offending keyword is ignored). */
  readonly errorCount?: number;
  /** global_defs process_names / process_name / vrrp_process_name / checker_process_name. */
  readonly processNames?: ProcessNameSettings;
  /** `file:line:col: warning: 'x' is read but not acted on yet`, one per keyword: logged at start-up. */
  readonly notActedOn: readonly string[];
  /** For the parent's SIGUSR1 dump and the dump files' places (state_dump_file …). */
  readonly globalDefs: GlobalDefs;
}

/** Which subsystems have configuration (what choosing the children needs). */
export type SubsystemsConfigured = Pick<ConfigSummary, 'hasVrrp' | 'hasChecker'>;

export interface ChildSpec {
  readonly kind: ChildKind;
  /** Word used in keepalived's log lines. */
  readonly title: string;
  readonly pidFile: (o: CliOptions) => string;
  readonly hasConfig: (c: SubsystemsConfigured) => boolean;
  /** The -P/-C flag that selects only this child. */
  readonly onlyFlag: (o: CliOptions) => boolean;
}

export const CHILD_TABLE: readonly ChildSpec[] = [
  { kind: 'vrrp', title: 'VRRP', pidFile: (o) => o.vrrpPidFile, hasConfig: (c) => c.hasVrrp, onlyFlag: (o) => o.vrrpOnly },
  { kind: 'checker', title: 'Healthcheck', pidFile: (o) => o.checkersPidFile, hasConfig: (c) => c.hasChecker, onlyFlag: (o) => o.checkOnly },
];

/**
 * keepalived: -P/-C restrict the set; a child runs when its subsystem has configuration
 * or --all is given.
 */
export function selectChildren(o: CliOptions, c: SubsystemsConfigured, table: readonly ChildSpec[] = CHILD_TABLE): ChildSpec[] {
  const restricted = table.some((s) => s.onlyFlag(o));
  return table.filter((s) => (!restricted || s.onlyFlag(o)) && (o.all || s.hasConfig(c)));
}
