/**
 * Comparing our config test with Debian's `keepalived -t` (tests only): run keepalived on a
 * file, optionally inside a network namespace, and map both sides to keepalived's exit
 * classes (0 clean, 4 cannot run, 5 errors but runnable, 6 security / not configured).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { configTestExitCode, type Diagnostic } from '../../src/config/diagnostics.js';
import { loadConfig, type LoadResult } from '../../src/config/parse-config.js';
import { executableExists } from '../../src/config/read-config.js';
import { fsSourceReader } from '../../src/config/source/fs-reader.js';

export const KEEPALIVED_BIN = '/usr/sbin/keepalived';

/** Fails loudly (never skips) without the Debian package. */
export function requireDebianKeepalived(): void {
  assert.ok(existsSync(KEEPALIVED_BIN), `${KEEPALIVED_BIN} is required (apt-get install keepalived)`);
}

export interface KeepalivedTestRun {
  readonly status: number | null;
  readonly stderr: string;
}

/** `keepalived -t -f FILE -i ID`, run from the file's directory (messages name it as given). */
export function runKeepalivedTest(file: string, o: { readonly netns?: string; readonly configId?: string; readonly timeoutMs?: number } = {}): KeepalivedTestRun {
  const argv = [KEEPALIVED_BIN, '-t', '-f', basename(file), '-i', o.configId ?? 'low'];
  const [cmd, ...args] = o.netns !== undefined ? ['ip', 'netns', 'exec', o.netns, ...argv] : argv;
  const r = spawnSync(cmd!, args, { cwd: dirname(file), encoding: 'utf8', timeout: o.timeoutMs ?? 20000 });
  assert.ok(!r.error, `${file}: cannot run keepalived -t: ${String(r.error)}`);
  return { status: r.status, stderr: `${r.stdout}${r.stderr}` };
}

/** keepalived's complaints about interfaces missing on this host: not a property of the file. */
const INTERFACE_LINE = [/interface \S+ for .* doesn't exist/, /tracked interface \S+ doesn't exist/, /Non-existent interface specified in configuration/, /Cannot find an IP address to use for interface/];

export const isInterfaceLine = (line: string): boolean => INTERFACE_LINE.some((re) => re.test(line));

/**
 * keepalived's exit class with environment-dependent interface warnings set aside: a run
 * whose only complaints are missing interfaces counts as clean (our compiler does not check
 * interface existence).
 */
export function keepalivedClass(run: KeepalivedTestRun): number | null {
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
  if (run.status === 5 && lines.length > 0 && lines.every(isInterfaceLine)) return 0;
  return run.status;
}

/** Our loader as `keepalived-ts -t -i low` would run it on a sample. */
export function loadSample(file: string, configId = 'low'): LoadResult {
  return loadConfig(file, { reader: fsSourceReader, configId, scriptExists: executableExists });
}

/** Our exit class, optionally without diagnostics of some codes (e.g. KA_CFG_UNSUPPORTED). */
export function ourClass(diags: readonly Diagnostic[], withoutCodes: readonly string[] = []): number {
  return configTestExitCode(diags.filter((d) => !withoutCodes.includes(d.code)));
}

/** Runs `fn` with a fresh network namespace holding only `lo`; always deletes it. */
export function withBareNetns<T>(tag: string, fn: (ns: string) => T): T {
  assert.ok(typeof process.getuid !== 'function' || process.getuid() === 0, 'needs root (ip netns add)');
  const ns = `kts${process.pid % 100000}-${tag}`;
  execFileSync('ip', ['netns', 'add', ns], { stdio: 'pipe' });
  try {
    return fn(ns);
  } finally {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'pipe' });
  }
}
