/**
 * `-h` and `-v` texts. The option list mirrors keepalived(8) so operators recognise it;
 * keepalived-ts extensions are listed last and marked as such.
 */
import { COMPAT_VERSION, KTS_VERSION } from '../process/version.js';

/**
 * `-v` (on stderr, as keepalived). The first line's second word is the keepalived version
 * whose behaviour and file formats we reproduce: tools such as keepalived exporters parse it
 * (`Keepalived vX.Y.Z`) to choose the signals and dump formats they expect.
 */
export function versionText(): string {
  return [
    `Keepalived v${COMPAT_VERSION} (keepalived-ts v${KTS_VERSION})`,
    '',
    `Running on Node.js ${process.version} (${process.platform}/${process.arch})`,
    'keepalived-ts is a TypeScript re-implementation of keepalived; it is not affiliated with the keepalived project.',
    '',
  ].join('\n');
}

/** keepalived(8)'s options as `-h` lists them (also keepalived-ts(8), man-pages.ts). */
export const OPTION_ROWS: ReadonlyArray<readonly [string, string]> = [
  ['-f, --use-file=FILE', "Use the specified configuration file\n default '/etc/keepalived/keepalived.conf'"],
  ['-P, --vrrp', 'Only run with VRRP subsystem'],
  ['-C, --check', 'Only run with Health-checker subsystem'],
  ['-B, --no_bfd', "Don't run BFD subsystem"],
  ['    --all', 'Force all child processes to run, even if have no configuration'],
  ['-l, --log-console', 'Log messages to local console'],
  ['-D, --log-detail', 'Detailed log messages'],
  ['-S, --log-facility=([0-7]|local[0-7]|user|daemon)', '\nSet syslog facility to LOG_LOCAL[0-7], user or daemon (default)'],
  ['-g, --log-file[=FILE]', "Also log to FILE (default '/tmp/keepalived.log'); children\n insert _vrrp / _healthcheckers before the extension"],
  ['    --flush-log-file', 'Flush the log file after each write'],
  ['-G, --no-syslog', "Don't log via syslog"],
  ['-u, --umask=MASK', 'umask for file creation (in numeric form)'],
  ['-X, --release-vips', 'Drop VIP on transition from signal.'],
  ['-V, --dont-release-vrrp', "Don't remove VRRP VIPs and VROUTEs on daemon stop"],
  ['-I, --dont-release-ipvs', "Don't remove IPVS topology on daemon stop"],
  ['-R, --dont-respawn', "Don't respawn child processes"],
  ['-n, --dont-fork', "Don't fork the daemon process"],
  ['-d, --dump-conf', 'Dump the configuration data'],
  ['-p, --pid=FILE', 'Use specified pidfile for parent process'],
  ['-r, --vrrp_pid=FILE', 'Use specified pidfile for VRRP child process'],
  ['-T, --genhash', 'Enter into genhash utility mode (this should be the first option used).'],
  ['-c, --checkers_pid=FILE', 'Use specified pidfile for checkers child process'],
  ['-a, --address-monitoring', 'Report all address additions/deletions notified via netlink'],
  ['-b, --bfd_pid=FILE', 'Use specified pidfile for BFD child process'],
  ['-x, --snmp', 'Enable SNMP subsystem'],
  ['-A, --snmp-agent-socket=FILE', 'Use the specified socket for master agent'],
  ['-s, --namespace=NAME', 'Run in network namespace NAME (overrides config)'],
  ['-m, --core-dump', 'Produce core dump if terminate abnormally'],
  ['-M, --core-dump-pattern=PATN', "Also set /proc/sys/kernel/core_pattern to PATN (default 'core')"],
  ['-e, --all-config', 'Error if any configuration file missing (same as includet)'],
  ['-i, --config-id id', "Skip any configuration lines beginning '@' that don't match id\n or any lines beginning @^ that do match.\n The config-id defaults to the node name if option not used"],
  ['    --signum=SIGFUNC', 'Return signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON'],
  ['-t, --config-test[=LOG_FILE]', 'Check the configuration for obvious errors, output to\n stderr by default'],
  ['    --ignore-sigint', "Don't exit on SIGINT"],
  ['-v, --version', 'Display the version number'],
  ['-h, --help', 'Display this help message'],
];

export const EXTENSION_ROWS: ReadonlyArray<readonly [string, string]> = [
  ['status [--json] [--socket PATH] [INSTANCE]', 'Ask the running daemon over its control socket (root):\n each VRRP instance and virtual server, or one instance in\n detail; the socket is found from -p as the daemon was started'],
  ['    --json', 'With -t/--config-test: print one JSON document on stdout,\n {exitCode, diagnostics: [{file, line, col, severity, code, class,\n message, hint}], notActedOn: [{block, keyword, status, note,\n places}]}, for tools (file/line/col/hint/note null when absent)'],
  ['    --not-acted-on', "With -t/--config-test: list only the keywords of the file that\n keepalived-ts reads but does not act on (or only partly), one per\n line with every place it is used"],
  ['    --no-host-checks', "With -t/--config-test: check the file only, not this host\n (interfaces, script programs, script users and groups,\n net_namespace), to validate a config for another machine"],
  ['-d with -t', 'Print the effective configuration in keepalived syntax (secrets\n masked) on stdout after the test'],
  ['    --log-json[=FILE]', "Also write every log record as one JSON object per line to FILE\n ('-' or no value: stdout). Fields: time, level, ident, pid, msg, plus\n structured fields of the record"],
];

function render(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const col = 31;
  const out: string[] = [];
  for (const [flags, text] of rows) {
    const [first = '', ...rest] = text.split('\n');
    const head = `  ${flags}`;
    if (first === '') out.push(head);
    else out.push(head.length < col ? `${head.padEnd(col)}${first}` : `${head}\n${''.padEnd(col)}${first}`);
    for (const r of rest) out.push(`${''.padEnd(col)}${r.trimStart()}`);
  }
  return out;
}

export function helpText(program = 'keepalived-ts'): string {
  return [`Usage: ${program} [OPTION...]`, ...render(OPTION_ROWS), '', 'keepalived-ts extensions:', ...render(EXTENSION_ROWS), ''].join('\n');
}
