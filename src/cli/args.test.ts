import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optionsToArgv, parseArgs, parseFacility, parseUmask, type ParsedArgs } from './args.js';
import { DEFAULT_OPTIONS, type CliOptions } from '../process/options.js';
import { helpText, versionText } from './usage.js';

function parsed(argv: string[]): ParsedArgs {
  const r = parseArgs(argv);
  if (!r.ok) assert.fail(`unexpected usage error: ${r.reason.message}`);
  return r.value;
}

function runOpts(argv: string[]): CliOptions {
  const c = parsed(argv).command;
  assert.equal(c.type, 'run');
  if (c.type !== 'run') throw new Error('unreachable');
  return c.options;
}

function usageError(argv: string[]): string {
  const r = parseArgs(argv);
  assert.equal(r.ok, false, `expected a usage error for ${argv.join(' ')}`);
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.reason.code, 'KA_ERR_CLI_USAGE');
  return r.reason.message;
}

test('no arguments gives the keepalived defaults', () => {
  assert.deepEqual(runOpts([]), DEFAULT_OPTIONS);
  assert.equal(DEFAULT_OPTIONS.configFile, '/etc/keepalived/keepalived.conf');
  assert.equal(DEFAULT_OPTIONS.pidFile, '/run/keepalived.pid');
});

test('the lab command line: -n -l -D --vrrp -f CONF -p P -r R -c C', () => {
  const o = runOpts(['-n', '-l', '-D', '--vrrp', '-f', '/x/k.conf', '-p', '/x/p', '-r', '/x/r', '-c', '/x/c']);
  assert.equal(o.dontFork, true);
  assert.equal(o.logConsole, true);
  assert.equal(o.logDetail, true);
  assert.equal(o.vrrpOnly, true);
  assert.equal(o.configFile, '/x/k.conf');
  assert.equal(o.pidFile, '/x/p');
  assert.equal(o.vrrpPidFile, '/x/r');
  assert.equal(o.checkersPidFile, '/x/c');
});

test('combined short flags and attached short values', () => {
  const o = runOpts(['-nlDP', '-f/a.conf', '-RXp/p.pid']);
  assert.equal(o.dontFork && o.logConsole && o.logDetail && o.vrrpOnly && o.dontRespawn && o.releaseVips, true);
  assert.equal(o.configFile, '/a.conf');
  assert.equal(o.pidFile, '/p.pid');
});

test('long options with = and with a separate value, and unambiguous abbreviations', () => {
  const o = runOpts(['--use-file=/a', '--vrrp_pid', '/r', '--checkers_pid=/c', '--dont-f', '--log-con']);
  assert.equal(o.configFile, '/a');
  assert.equal(o.vrrpPidFile, '/r');
  assert.equal(o.checkersPidFile, '/c');
  assert.equal(o.dontFork, true);
  assert.equal(o.logConsole, true);
  // '--vrrp' is exact even though '--vrrp_pid' shares the prefix.
  assert.equal(runOpts(['--vrrp']).vrrpOnly, true);
  assert.match(usageError(['--dont-re']), /ambiguous/);
});

test('config test: -t, -tFILE, --config-test, --config-test=FILE', () => {
  for (const [argv, logFile] of [
    [['-t'], undefined],
    [['-t/tmp/log'], '/tmp/log'],
    [['--config-test'], undefined],
    [['--config-test=/tmp/l2', '-f', '/k.conf'], '/tmp/l2'],
  ] as const) {
    const c = parsed([...argv]).command;
    assert.equal(c.type, 'config-test');
    if (c.type !== 'config-test') continue;
    assert.equal(c.logFile, logFile);
  }
  // An optional argument is never taken from the next word.
  const c = parsed(['-t', '-f', '/k.conf']).command;
  assert.equal(c.type === 'config-test' && c.options.configFile, '/k.conf');
});

test('usage errors use keepalived wording', () => {
  assert.equal(usageError(['--foo']), 'Unknown option --foo');
  assert.equal(usageError(['-q']), 'Unknown option -q');
  assert.equal(usageError(['-f']), 'Missing parameter for option -f');
  assert.equal(usageError(['--pid']), 'Missing parameter for option --pid');
  assert.match(usageError(['--vrrp=1']), /doesn't allow an argument/);
  assert.equal(usageError(['--signum=FOO']), 'Unknown sigfunc FOO');
  assert.match(usageError(['-n', '-T']), /first option/);
  assert.match(usageError(['--child=bfd']), /Unknown child kind/);
  assert.match(usageError(['--perf=x']), /perf/);
});

test('help, version, signum and genhash stop parsing', () => {
  assert.deepEqual(parsed(['-n', '-h', '--bogus']).command, { type: 'help' });
  assert.deepEqual(parsed(['--version']).command, { type: 'version' });
  assert.deepEqual(parsed(['--signum=RELOAD']).command, { type: 'signum', name: 'RELOAD', signal: 1 });
  assert.deepEqual(parsed(['--signum', 'STATS_CLEAR']).command, { type: 'signum', name: 'STATS_CLEAR', signal: 63 });
  assert.equal(usageError(['--signum=TDUMP']), 'Unknown sigfunc TDUMP', 'as Debian keepalived 2.2.7');
  assert.deepEqual(parsed(['-T', '-s', '1.2.3.4', '-u', '/x']).command, { type: 'genhash', argv: ['-s', '1.2.3.4', '-u', '/x'] });
});

test('non-fatal problems become warnings, as in keepalived', () => {
  const p = parsed(['-S', '9', '-u', 'abc', 'stray']);
  assert.deepEqual(p.warnings, ["Invalid log facility '9'", 'Invalid --umask option abc', "Ignoring extra argument 'stray'"]);
  assert.equal(p.command.type === 'run' && p.command.options.logFacility, DEFAULT_OPTIONS.logFacility);
});

test('facility and umask parsing', () => {
  assert.equal(parseFacility('0'), 16);
  assert.equal(parseFacility('local7'), 23);
  assert.equal(parseFacility('user'), 1);
  assert.equal(parseFacility('daemon'), 3);
  assert.equal(parseFacility('local8'), undefined);
  assert.equal(parseUmask('022'), 0o22);
  assert.equal(parseUmask('18'), 18);
  assert.equal(parseUmask('0x1f'), 0x1f);
  assert.equal(parseUmask('08'), undefined);
  assert.equal(parseUmask('07777'), undefined);
});

test('optional-value options and extensions', () => {
  const o = runOpts(['-g', '-M', '--log-json', '--debug', '--perf']);
  assert.equal(o.logFile, '/tmp/keepalived.log');
  assert.equal(o.coreDumpPattern, 'core');
  assert.equal(o.logJson, '-');
  assert.equal(o.debug, '');
  assert.equal(o.perf, 'run');
  const o2 = runOpts(['-g/var/log/k.log', '--log-json=/tmp/j', '--child', 'vrrp', '--config-fd=7']);
  assert.equal(o2.logFile, '/var/log/k.log');
  assert.equal(o2.logJson, '/tmp/j');
  assert.equal(o2.child, 'vrrp');
  assert.equal(o2.configFd, 7);
});

test('optionsToArgv round-trips through parseArgs', () => {
  const argv = ['-nlDPR', '-f', '/k.conf', '-p', '/p', '-r', '/r', '-c', '/c', '-S', 'local3', '-u', '027', '--log-json=/j', '-i', 'node1', '--child=vrrp', '-g'];
  const o = runOpts(argv);
  assert.deepEqual(runOpts(optionsToArgv(o)), o);
  assert.deepEqual(optionsToArgv(DEFAULT_OPTIONS), []);
});

test('help and version texts', () => {
  const h = helpText();
  assert.match(h, /^Usage: keepalived-ts \[OPTION\.\.\.\]/);
  for (const f of ['--use-file', '--vrrp_pid', '--config-test', '--dont-respawn', '--log-json', '--signum']) assert.ok(h.includes(f), f);
  // Exporters take the second word of the first line as keepalived's version.
  assert.match(versionText(), /^Keepalived v2\.2\.7 \(keepalived-ts v0\.1\.0\)\n/);
});

test('--json goes with -t; alone it is warned and ignored', () => {
  const r = parseArgs(['-t', '--json']);
  assert.ok(r.ok);
  assert.deepEqual(r.value.command.type === 'config-test' && r.value.command.json, true);
  const d = parseArgs(['--json', '--config-test=/tmp/x', '-d']);
  assert.ok(d.ok);
  assert.ok(d.value.command.type === 'config-test' && d.value.command.json === true && d.value.command.logFile === '/tmp/x' && d.value.command.options.dumpConf);
  const alone = parseArgs(['--json']);
  assert.ok(alone.ok);
  assert.equal(alone.value.command.type, 'run');
  assert.deepEqual(alone.value.warnings, ['--json only applies to -t/--config-test: ignored']);
});

test('--no-host-checks goes with -t; alone it is ignored with a warning', () => {
  const t = parsed(['-t', '--no-host-checks']);
  assert.ok(t.command.type === 'config-test' && t.command.noHostChecks === true);
  assert.ok(parsed(['-t']).command.type === 'config-test' && !('noHostChecks' in parsed(['-t']).command));
  assert.ok(parsed(['--no-host-checks']).warnings.includes('--no-host-checks only applies to -t/--config-test: ignored'));
  assert.ok(helpText().includes('--no-host-checks'));
});

test('status: its own --json/--socket, one instance name, and the daemon flags (-p finds the socket)', () => {
  const r = parseArgs(['status', '-n', '-l', '-p', '/run/k1.pid', '--json', 'VI_1']);
  assert.ok(r.ok);
  const c = r.value.command;
  assert.equal(c.type, 'status');
  assert.ok(c.type === 'status' && c.json && c.instance === 'VI_1' && c.options.pidFile === '/run/k1.pid' && c.socket === undefined);
  assert.deepEqual(r.value.warnings, []);
  const s = parseArgs(['status', '--socket=/tmp/x.ctl']);
  assert.ok(s.ok && s.value.command.type === 'status' && s.value.command.socket === '/tmp/x.ctl' && !s.value.command.json);
  assert.equal(parseArgs(['status', 'VI_1', 'VI_2']).ok, false);
  assert.equal(parseArgs(['status', '--socket']).ok, false);
  assert.equal(parseArgs(['status', '-h']).ok, false);
});
