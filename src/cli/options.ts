/**
 * The typed result of parsing keepalived(8)'s command line (reference §1c). Plain data:
 * it crosses the parent→child IPC boundary inside the Hello message, so no functions,
 * Maps or class instances. Defaults are keepalived's (Debian build, runstatedir /run).
 */

/** Children the watchdog can run (keepalived's VRRP and checker processes; BFD is not implemented). */
export type ChildKind = 'vrrp' | 'checker';

export const CHILD_KINDS: readonly ChildKind[] = ['vrrp', 'checker'];

/** Syslog facility codes (RFC 5424 §6.2.1) that `-S` can select. */
export const FACILITY_USER = 1;
export const FACILITY_DAEMON = 3;
export const FACILITY_LOCAL0 = 16;

export interface CliOptions {
  /** -f/--use-file */
  readonly configFile: string;
  /** -P/--vrrp: run only the VRRP child. */
  readonly vrrpOnly: boolean;
  /** -C/--check: run only the checker child. */
  readonly checkOnly: boolean;
  /** -B/--no_bfd */
  readonly noBfd: boolean;
  /** --all: start every child even without configuration for it. */
  readonly all: boolean;
  /** -l/--log-console */
  readonly logConsole: boolean;
  /** -D/--log-detail */
  readonly logDetail: boolean;
  /** -S/--log-facility, as a syslog facility code (default daemon = 3). */
  readonly logFacility: number;
  /** -g/--log-file[=FILE] (`/tmp/keepalived.log` when given without a value). */
  readonly logFile?: string;
  /** --flush-log-file */
  readonly flushLogFile: boolean;
  /** -G/--no-syslog */
  readonly noSyslog: boolean;
  /** keepalived-ts extension --log-json[=FILE]: one JSON object per record ('-' = stdout). */
  readonly logJson?: string;
  /** -u/--umask */
  readonly umask?: number;
  /** -X/--release-vips */
  readonly releaseVips: boolean;
  /** -V/--dont-release-vrrp */
  readonly dontReleaseVrrp: boolean;
  /** -I/--dont-release-ipvs */
  readonly dontReleaseIpvs: boolean;
  /** -R/--dont-respawn */
  readonly dontRespawn: boolean;
  /** -n/--dont-fork */
  readonly dontFork: boolean;
  /** -d/--dump-conf */
  readonly dumpConf: boolean;
  /** -p/--pid */
  readonly pidFile: string;
  /** -r/--vrrp_pid */
  readonly vrrpPidFile: string;
  /** -c/--checkers_pid */
  readonly checkersPidFile: string;
  /** -b/--bfd_pid */
  readonly bfdPidFile: string;
  /** -a/--address-monitoring */
  readonly addressMonitoring: boolean;
  /** -s/--namespace */
  readonly namespace?: string;
  /** -e/--all-config */
  readonly allConfig: boolean;
  /** -i/--config-id */
  readonly configId?: string;
  /** -x/--snmp */
  readonly snmp: boolean;
  /** -A/--snmp-agent-socket */
  readonly snmpAgentSocket?: string;
  /** -m/--core-dump */
  readonly coreDump: boolean;
  /** -M/--core-dump-pattern[=PAT] ('core' when given without a value). */
  readonly coreDumpPattern?: string;
  /** --config-fd (internal, reload_check_config) */
  readonly configFd?: number;
  /** --perf[=all|run|end] */
  readonly perf?: 'all' | 'run' | 'end';
  /** --debug[=OPTS] ('' when given without a value). */
  readonly debug?: string;
  /** --ignore-sigint */
  readonly ignoreSigint: boolean;
  /** Hidden: this process is a child started by the watchdog. */
  readonly child?: ChildKind;
}

export const DEFAULT_OPTIONS: CliOptions = {
  configFile: '/etc/keepalived/keepalived.conf',
  vrrpOnly: false,
  checkOnly: false,
  noBfd: false,
  all: false,
  logConsole: false,
  logDetail: false,
  logFacility: FACILITY_DAEMON,
  flushLogFile: false,
  noSyslog: false,
  releaseVips: false,
  dontReleaseVrrp: false,
  dontReleaseIpvs: false,
  dontRespawn: false,
  dontFork: false,
  dumpConf: false,
  pidFile: '/run/keepalived.pid',
  vrrpPidFile: '/run/keepalived_vrrp.pid',
  checkersPidFile: '/run/keepalived_checkers.pid',
  bfdPidFile: '/run/keepalived_bfd.pid',
  addressMonitoring: false,
  allConfig: false,
  snmp: false,
  coreDump: false,
  ignoreSigint: false,
};

/** What the command line asks the program to do. */
export type CliCommand =
  | { readonly type: 'run'; readonly options: CliOptions }
  | { readonly type: 'config-test'; readonly options: CliOptions; readonly logFile?: string; readonly json?: boolean; readonly noHostChecks?: boolean }
  | { readonly type: 'help' }
  | { readonly type: 'version' }
  | { readonly type: 'signum'; readonly name: string; readonly signal: number }
  | { readonly type: 'genhash'; readonly argv: readonly string[] };
