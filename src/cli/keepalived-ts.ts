#!/usr/bin/env node
/**
 * The keepalived-ts executable (keepalived(8) command line). Dispatches to:
 * help/version/--signum texts; --config-test (config pipeline seam); a watchdog child
 * (--child=KIND, only ever started by the parent); or the parent, which daemonises first
 * unless -n (re-executes itself detached with --dont-fork and exits). Each branch imports
 * its modules on demand: a child loads only its own subsystem, the parent no child code
 * (start-up time is module loading, which matters on slow hosts and in emulated guests).
 */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './args.js';
import { helpText, versionText } from './usage.js';
import { assertNever } from '../core/result.js';

const ENTRY = fileURLToPath(import.meta.url);

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.reason.message}\n`);
    return 1;
  }
  for (const w of parsed.value.warnings) process.stderr.write(`${w}\n`);
  const cmd = parsed.value.command;
  switch (cmd.type) {
    case 'help':
      process.stdout.write(helpText());
      return 0;
    case 'version':
      // keepalived writes -v to stderr (exporters read the version there).
      process.stderr.write(versionText());
      return 0;
    case 'signum':
      process.stdout.write(`${cmd.signal}\n`);
      return 0;
    case 'genhash': {
      const { runGenhash } = await import('../genhash/genhash.js');
      const status = await runGenhash(cmd.argv, { stdout: (s) => void process.stdout.write(s), stderr: (s) => void process.stderr.write(s) });
      // process.exit would cut a piped -v dump at the pipe buffer size: drain stdout first.
      await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
      return status;
    }
    case 'status': {
      const { runStatus } = await import('./status-client.js');
      return runStatus(cmd, { stdout: (s) => void process.stdout.write(s), stderr: (s) => void process.stderr.write(s) });
    }
    case 'config-test': {
      const { configTester } = await import('./config-test.js');
      return configTester({
        configFile: cmd.options.configFile,
        options: cmd.options,
        ...(cmd.logFile !== undefined ? { logFile: cmd.logFile } : {}),
        ...(cmd.json === true ? { json: true } : {}),
        ...(cmd.noHostChecks === true ? { noHostChecks: true } : {}),
        ...(cmd.notActedOn === true ? { notActedOn: true } : {}),
      });
    }
    case 'run': {
      const o = cmd.options;
      if (o.child !== undefined) {
        const [{ runChildProcess }, { CHILD_RUNNERS }] = await Promise.all([import('../watchdog/child-entry.js'), import('../watchdog/child-runners.js')]);
        await runChildProcess(o.child, CHILD_RUNNERS);
        return new Promise<number>(() => undefined); // the child exits from inside
      }
      if (!o.dontFork) {
        const bg = spawn(process.execPath, [...process.execArgv, ENTRY, ...argv, '--dont-fork'], { detached: true, stdio: 'ignore' });
        bg.unref();
        return 0;
      }
      const [{ runParent }, { configSummaryLoader }] = await Promise.all([import('../watchdog/parent.js'), import('./config-test.js')]);
      return runParent({ options: o, argv, entryScript: ENTRY, loadConfigSummary: (path) => configSummaryLoader(path, o) });
    }
    default:
      return assertNever(cmd, 'command');
  }
}

// Installed (or linked) under the name genhash, the binary is genhash(1).
const invokedAsGenhash = basename(process.argv[1] ?? '').replace(/\.js$/, '') === 'genhash';
main(invokedAsGenhash ? ['--genhash', ...process.argv.slice(2)] : process.argv.slice(2)).then(
  (status) => process.exit(status),
  (e: unknown) => {
    process.stderr.write(`keepalived-ts: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(70);
  },
);
