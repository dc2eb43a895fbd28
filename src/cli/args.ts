/**
 * keepalived(8)'s command line (OPTIONS) as a pure parser: argv in, a CliCommand or a
 * usage error out, never a throw and never a process exit. getopt_long semantics: short
 * flags combine (`-nlD`), a required argument may be attached (`-fFILE`) or the next word,
 * an optional argument must be attached (`-t[FILE]`, `--config-test[=FILE]`), long
 * options take `--opt=value` or `--opt value` and may be abbreviated when unambiguous.
 * Messages follow Debian's keepalived 2.2.7 wording where one exists.
 */
import { fail, ok, type Result } from '../core/result.js';
import { SIGNUM } from '../watchdog/signal-functions.js';
import {
  CHILD_KINDS,
  DEFAULT_OPTIONS,
  FACILITY_DAEMON,
  FACILITY_LOCAL0,
  FACILITY_USER,
  type ChildKind,
  type CliOptions,
} from '../process/options.js';

/** What the command line asks the program to do. */
export type CliCommand =
  | { readonly type: 'run'; readonly options: CliOptions }
  | { readonly type: 'config-test'; readonly options: CliOptions; readonly logFile?: string; readonly json?: boolean; readonly noHostChecks?: boolean; readonly notActedOn?: boolean }
  | { readonly type: 'help' }
  | { readonly type: 'version' }
  | { readonly type: 'signum'; readonly name: string; readonly signal: number }
  | { readonly type: 'genhash'; readonly argv: readonly string[] }
  /** keepalived-ts extension: `status [--json] [--socket PATH] [INSTANCE]` plus the daemon's own flags (-p …). */
  | { readonly type: 'status'; readonly options: CliOptions; readonly json: boolean; readonly socket?: string; readonly instance?: string };

export interface CliUsageError {
  readonly code: 'KA_ERR_CLI_USAGE';
  readonly message: string;
}

export interface ParsedArgs {
  readonly command: CliCommand;
  /** Problems keepalived reports but does not stop for (bad facility, bad umask, stray words). */
  readonly warnings: readonly string[];
  /** The stray words themselves (keepalived ignores them; `status` takes one as the instance). */
  readonly positional?: readonly string[];
}

type Draft = { -readonly [K in keyof CliOptions]: CliOptions[K] };
type ArgMode = 'none' | 'required' | 'optional';

/** Early exits an option can request; anything else keeps parsing. */
type Stop = { readonly type: 'help' } | { readonly type: 'version' } | { readonly type: 'signum'; readonly name: string; readonly signal: number };

interface ParseState {
  readonly opts: Draft;
  readonly warnings: string[];
  readonly positional: string[];
  configTest?: { logFile?: string };
  /** keepalived-ts extension --json: `-t` prints one JSON document for tools. */
  json?: boolean;
  /** keepalived-ts extension --no-host-checks: `-t` checks the file only (host-checks.ts). */
  noHostChecks?: boolean;
  /** keepalived-ts extension --not-acted-on: `-t` lists only the keywords the daemon does not (fully) act on. */
  notActedOn?: boolean;
}

interface OptSpec {
  readonly long: string;
  readonly short?: string;
  readonly arg: ArgMode;
  /** Returns an error message (fatal usage error), a Stop, or nothing. */
  readonly apply: (st: ParseState, value: string | undefined) => string | Stop | undefined;
}


const flag =
  (key: { [K in keyof Draft]-?: Draft[K] extends boolean ? K : never }[keyof Draft]) =>
  (st: ParseState): undefined => {
    st.opts[key] = true;
    return undefined;
  };

function need(value: string | undefined): string {
  // Only called for 'required' options, for which the parser always supplies a value.
  return value ?? '';
}

export function parseFacility(text: string): number | undefined {
  if (/^[0-7]$/.test(text)) return FACILITY_LOCAL0 + Number(text);
  const m = /^local([0-7])$/.exec(text);
  if (m) return FACILITY_LOCAL0 + Number(m[1]);
  if (text === 'user') return FACILITY_USER;
  if (text === 'daemon') return FACILITY_DAEMON;
  return undefined;
}

/** strtoul(…, 0) for the umask: 0x.. hex, 0.. octal, else decimal; whole string must be a number. */
export function parseUmask(text: string): number | undefined {
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) n = parseInt(text.slice(2), 16);
  else if (/^0[0-7]*$/.test(text)) n = parseInt(text, 8);
  else if (/^[1-9][0-9]*$/.test(text)) n = parseInt(text, 10);
  else return undefined;
  return n <= 0o777 ? n : undefined;
}

const SPECS: readonly OptSpec[] = [
  { long: 'use-file', short: 'f', arg: 'required', apply: (st, v) => void (st.opts.configFile = need(v)) },
  { long: 'vrrp', short: 'P', arg: 'none', apply: flag('vrrpOnly') },
  { long: 'check', short: 'C', arg: 'none', apply: flag('checkOnly') },
  { long: 'no_bfd', short: 'B', arg: 'none', apply: flag('noBfd') },
  { long: 'all', arg: 'none', apply: flag('all') },
  { long: 'log-console', short: 'l', arg: 'none', apply: flag('logConsole') },
  { long: 'log-detail', short: 'D', arg: 'none', apply: flag('logDetail') },
  {
    long: 'log-facility',
    short: 'S',
    arg: 'required',
    apply: (st, v) => {
      const f = parseFacility(need(v));
      if (f === undefined) st.warnings.push(`Invalid log facility '${need(v)}'`);
      else st.opts.logFacility = f;
      return undefined;
    },
  },
  { long: 'log-file', short: 'g', arg: 'optional', apply: (st, v) => void (st.opts.logFile = v ?? '/tmp/keepalived.log') },
  { long: 'flush-log-file', arg: 'none', apply: flag('flushLogFile') },
  { long: 'no-syslog', short: 'G', arg: 'none', apply: flag('noSyslog') },
  { long: 'log-json', arg: 'optional', apply: (st, v) => void (st.opts.logJson = v ?? '-') },
  {
    long: 'umask',
    short: 'u',
    arg: 'required',
    apply: (st, v) => {
      const m = parseUmask(need(v));
      if (m === undefined) st.warnings.push(`Invalid --umask option ${need(v)}`);
      else st.opts.umask = m;
      return undefined;
    },
  },
  { long: 'release-vips', short: 'X', arg: 'none', apply: flag('releaseVips') },
  { long: 'dont-release-vrrp', short: 'V', arg: 'none', apply: flag('dontReleaseVrrp') },
  { long: 'dont-release-ipvs', short: 'I', arg: 'none', apply: flag('dontReleaseIpvs') },
  { long: 'dont-respawn', short: 'R', arg: 'none', apply: flag('dontRespawn') },
  { long: 'dont-fork', short: 'n', arg: 'none', apply: flag('dontFork') },
  { long: 'dump-conf', short: 'd', arg: 'none', apply: flag('dumpConf') },
  { long: 'pid', short: 'p', arg: 'required', apply: (st, v) => void (st.opts.pidFile = need(v)) },
  { long: 'vrrp_pid', short: 'r', arg: 'required', apply: (st, v) => void (st.opts.vrrpPidFile = need(v)) },
  { long: 'checkers_pid', short: 'c', arg: 'required', apply: (st, v) => void (st.opts.checkersPidFile = need(v)) },
  { long: 'bfd_pid', short: 'b', arg: 'required', apply: (st, v) => void (st.opts.bfdPidFile = need(v)) },
  // -T is handled before the loop: everything after it belongs to genhash.
  { long: 'genhash', short: 'T', arg: 'none', apply: () => 'The --genhash (-T) option must be the first option used' },
  { long: 'address-monitoring', short: 'a', arg: 'none', apply: flag('addressMonitoring') },
  { long: 'namespace', short: 's', arg: 'required', apply: (st, v) => void (st.opts.namespace = need(v)) },
  { long: 'all-config', short: 'e', arg: 'none', apply: flag('allConfig') },
  { long: 'config-id', short: 'i', arg: 'required', apply: (st, v) => void (st.opts.configId = need(v)) },
  { long: 'snmp', short: 'x', arg: 'none', apply: flag('snmp') },
  { long: 'snmp-agent-socket', short: 'A', arg: 'required', apply: (st, v) => void (st.opts.snmpAgentSocket = need(v)) },
  { long: 'core-dump', short: 'm', arg: 'none', apply: flag('coreDump') },
  { long: 'core-dump-pattern', short: 'M', arg: 'optional', apply: (st, v) => void (st.opts.coreDumpPattern = v ?? 'core') },
  {
    long: 'signum',
    arg: 'required',
    apply: (_st, v) => {
      const signal = SIGNUM[need(v)];
      return signal === undefined ? `Unknown sigfunc ${need(v)}` : { type: 'signum', name: need(v), signal };
    },
  },
  { long: 'config-test', short: 't', arg: 'optional', apply: (st, v) => void (st.configTest = v === undefined ? {} : { logFile: v }) },
  { long: 'json', arg: 'none', apply: (st) => void (st.json = true) },
  { long: 'no-host-checks', arg: 'none', apply: (st) => void (st.noHostChecks = true) },
  { long: 'not-acted-on', arg: 'none', apply: (st) => void (st.notActedOn = true) },
  {
    long: 'config-fd',
    arg: 'required',
    apply: (st, v) => {
      if (!/^[0-9]+$/.test(need(v))) return `Invalid --config-fd ${need(v)}`;
      st.opts.configFd = Number(v);
      return undefined;
    },
  },
  {
    long: 'perf',
    arg: 'optional',
    apply: (st, v) => {
      const p = v ?? 'run';
      if (p !== 'all' && p !== 'run' && p !== 'end') return `Unknown perf start point ${p}`;
      st.opts.perf = p;
      return undefined;
    },
  },
  { long: 'debug', arg: 'optional', apply: (st, v) => void (st.opts.debug = v ?? '') },
  { long: 'no-mem-check', arg: 'none', apply: () => undefined },
  { long: 'mem-check-log', short: 'L', arg: 'none', apply: () => undefined },
  { long: 'openssl-mem-check', arg: 'none', apply: () => undefined },
  { long: 'ignore-sigint', arg: 'none', apply: flag('ignoreSigint') },
  {
    long: 'child',
    arg: 'required',
    apply: (st, v) => {
      const kind = CHILD_KINDS.find((k) => k === v);
      if (kind === undefined) return `Unknown child kind ${need(v)}`;
      st.opts.child = kind satisfies ChildKind;
      return undefined;
    },
  },
  { long: 'version', short: 'v', arg: 'none', apply: () => ({ type: 'version' }) },
  { long: 'help', short: 'h', arg: 'none', apply: () => ({ type: 'help' }) },
];

const BY_SHORT = new Map(SPECS.filter((s) => s.short !== undefined).map((s) => [s.short as string, s]));

/** Exact long name, else the unique option it abbreviates (getopt_long). */
function findLong(name: string): OptSpec | string {
  const exact = SPECS.find((s) => s.long === name);
  if (exact) return exact;
  const cands = SPECS.filter((s) => s.long.startsWith(name));
  if (cands.length === 1 && cands[0]) return cands[0];
  if (cands.length > 1) return `Option '--${name}' is ambiguous; possibilities: ${cands.map((c) => `'--${c.long}'`).join(' ')}`;
  return `Unknown option --${name}`;
}

const usage = (message: string): { readonly ok: false; readonly reason: CliUsageError } => fail({ code: 'KA_ERR_CLI_USAGE', message });

/**
 * `status`: its own --json and --socket, at most one instance name, and otherwise the
 * daemon's command line (so `-p FILE` finds the socket beside that pid file).
 */
function parseStatusArgs(argv: readonly string[]): Result<ParsedArgs, CliUsageError> {
  const rest: string[] = [];
  let json = false;
  let socket: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i] as string;
    if (w === '--json') json = true;
    else if (w === '--socket') {
      socket = argv[++i];
      if (socket === undefined) return usage('Missing parameter for option --socket');
    } else if (w.startsWith('--socket=')) socket = w.slice('--socket='.length);
    else rest.push(w);
  }
  const parsed = parseArgs(rest);
  if (!parsed.ok) return parsed;
  if (parsed.value.command.type !== 'run') return usage('status: unexpected option');
  const extra = parsed.value.positional ?? [];
  if (extra.length > 1) return usage(`status: one instance name at most (got ${extra.join(', ')})`);
  const instance = extra[0];
  const command: CliCommand = {
    type: 'status',
    options: parsed.value.command.options,
    json,
    ...(socket !== undefined ? { socket } : {}),
    ...(instance !== undefined ? { instance } : {}),
  };
  return ok({ command, warnings: parsed.value.warnings.filter((w) => !w.startsWith('Ignoring extra argument')) });
}

/** Parse the arguments after the program name (process.argv.slice(2)). */
export function parseArgs(argv: readonly string[]): Result<ParsedArgs, CliUsageError> {
  if (argv[0] === '-T' || argv[0] === '--genhash') return ok({ command: { type: 'genhash', argv: argv.slice(1) }, warnings: [] });
  if (argv[0] === 'status') return parseStatusArgs(argv.slice(1));
  const st: ParseState = { opts: { ...DEFAULT_OPTIONS }, warnings: [], positional: [] };
  const run = (spec: OptSpec, value: string | undefined): string | Stop | undefined => spec.apply(st, value);

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    let outcome: string | Stop | undefined;
    if (word === '--') {
      for (const rest of argv.slice(i + 1)) {
        st.warnings.push(`Ignoring extra argument '${rest}'`);
        st.positional.push(rest);
      }
      break;
    } else if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const attached = eq < 0 ? undefined : word.slice(eq + 1);
      const spec = findLong(name);
      if (typeof spec === 'string') return usage(spec);
      if (spec.arg === 'none' && attached !== undefined) return usage(`Option '--${spec.long}' doesn't allow an argument`);
      let value = attached;
      if (spec.arg === 'required' && value === undefined) {
        value = argv[++i];
        if (value === undefined) return usage(`Missing parameter for option --${spec.long}`);
      }
      outcome = run(spec, value);
    } else if (word.startsWith('-') && word.length > 1) {
      for (let j = 1; j < word.length; j++) {
        const ch = word[j] as string;
        const spec = BY_SHORT.get(ch);
        if (!spec) return usage(`Unknown option -${ch}`);
        if (spec.arg === 'none') {
          outcome = run(spec, undefined);
          if (outcome !== undefined) break;
          continue;
        }
        let value: string | undefined = word.length > j + 1 ? word.slice(j + 1) : undefined;
        if (spec.arg === 'required' && value === undefined) {
          value = argv[++i];
          if (value === undefined) return usage(`Missing parameter for option -${ch}`);
        }
        outcome = run(spec, value);
        break;
      }
    } else {
      st.warnings.push(`Ignoring extra argument '${word}'`);
      st.positional.push(word);
    }
    if (typeof outcome === 'string') return usage(outcome);
    if (outcome !== undefined) return ok({ command: outcome, warnings: st.warnings });
  }

  const options: CliOptions = st.opts;
  if (options.vrrpOnly && options.checkOnly) st.warnings.push('--vrrp and --check given together: running both');
  if (st.configTest) {
    const extra = { ...(st.json === true ? { json: true } : {}), ...(st.noHostChecks === true ? { noHostChecks: true } : {}), ...(st.notActedOn === true ? { notActedOn: true } : {}) };
    const command: CliCommand =
      st.configTest.logFile === undefined ? { type: 'config-test', options, ...extra } : { type: 'config-test', options, logFile: st.configTest.logFile, ...extra };
    return ok({ command, warnings: st.warnings });
  }
  if (st.json === true) st.warnings.push('--json only applies to -t/--config-test: ignored');
  if (st.noHostChecks === true) st.warnings.push('--no-host-checks only applies to -t/--config-test: ignored');
  if (st.notActedOn === true) st.warnings.push('--not-acted-on only applies to -t/--config-test: ignored');
  return ok({ command: { type: 'run', options }, warnings: st.warnings, positional: st.positional });
}

/**
 * The argv a process must be given to reproduce `opts` (used to re-exec the daemon in the
 * background and to start children). Only options that differ from the defaults appear.
 */
export function optionsToArgv(opts: CliOptions): string[] {
  const out: string[] = [];
  const d = DEFAULT_OPTIONS;
  const bool: ReadonlyArray<[keyof CliOptions, string]> = [
    ['vrrpOnly', '--vrrp'],
    ['checkOnly', '--check'],
    ['noBfd', '--no_bfd'],
    ['all', '--all'],
    ['logConsole', '--log-console'],
    ['logDetail', '--log-detail'],
    ['flushLogFile', '--flush-log-file'],
    ['noSyslog', '--no-syslog'],
    ['releaseVips', '--release-vips'],
    ['dontReleaseVrrp', '--dont-release-vrrp'],
    ['dontReleaseIpvs', '--dont-release-ipvs'],
    ['dontRespawn', '--dont-respawn'],
    ['dontFork', '--dont-fork'],
    ['dumpConf', '--dump-conf'],
    ['addressMonitoring', '--address-monitoring'],
    ['allConfig', '--all-config'],
    ['snmp', '--snmp'],
    ['coreDump', '--core-dump'],
    ['ignoreSigint', '--ignore-sigint'],
  ];
  for (const [k, name] of bool) if (opts[k] === true) out.push(name);
  const str: ReadonlyArray<[keyof CliOptions, string]> = [
    ['configFile', '--use-file'],
    ['pidFile', '--pid'],
    ['vrrpPidFile', '--vrrp_pid'],
    ['checkersPidFile', '--checkers_pid'],
    ['bfdPidFile', '--bfd_pid'],
    ['logFile', '--log-file'],
    ['logJson', '--log-json'],
    ['namespace', '--namespace'],
    ['configId', '--config-id'],
    ['snmpAgentSocket', '--snmp-agent-socket'],
    ['coreDumpPattern', '--core-dump-pattern'],
    ['perf', '--perf'],
    ['debug', '--debug'],
    ['child', '--child'],
  ];
  for (const [k, name] of str) {
    const v = opts[k];
    if (typeof v === 'string' && v !== d[k]) out.push(`${name}=${v}`);
  }
  if (opts.logFacility !== d.logFacility) {
    out.push(`--log-facility=${opts.logFacility === FACILITY_USER ? 'user' : opts.logFacility === FACILITY_DAEMON ? 'daemon' : `local${opts.logFacility - FACILITY_LOCAL0}`}`);
  }
  if (opts.umask !== undefined) out.push(`--umask=0${opts.umask.toString(8)}`);
  if (opts.configFd !== undefined) out.push(`--config-fd=${opts.configFd}`);
  return out;
}
