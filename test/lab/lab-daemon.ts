/**
 * The one launcher of keepalived-compatible daemons in the multi-process tests, benchmarks
 * and the demo: a daemon on a lab host (so nothing it does reaches the root namespace),
 * started with the lab's daemon contract (`-n -l -D --vrrp -f CONF -p PID -r VRRPPID -c
 * CHKPID`, changed per daemon by `args`) under the reaper wrapper. Its console log is kept
 * line by line with receive timestamps (µs), so scenarios can time events such as
 * "Entering MASTER STATE". Which binary: keepalivedCommand() → Debian's keepalived
 * (KEEPALIVED_BIN, default /usr/sbin/keepalived), keepalivedTsCommand() → keepalived-ts
 * (KTS_BIN, default dist/src/cli/keepalived-ts.js) run by this Node; daemonCommandFromEnv()
 * picks one by DEMO_DAEMON=keepalived (the demo's switch).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Lab, LabHost } from './netns.js';
import { childrenOf, isAlive, nowUs, processTree, signalAll, sleep } from './proc.js';
import { reaperArgv } from './reaper.js';
import { waitFor } from './wait.js';

export interface DaemonCommand {
  readonly label: string;
  /** argv before the daemon flags. */
  readonly prefix: readonly string[];
}

export const DEFAULT_KTS_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'keepalived-ts.js');

/** Debian's keepalived (KEEPALIVED_BIN, default /usr/sbin/keepalived); throws if it is missing. */
export function keepalivedCommand(env: NodeJS.ProcessEnv = process.env): DaemonCommand {
  const bin = env['KEEPALIVED_BIN'] ?? '/usr/sbin/keepalived';
  if (!existsSync(bin)) throw new Error(`${bin} not found: apt-get install keepalived`);
  return { label: 'keepalived', prefix: [bin] };
}

/**
 * keepalived-ts (KTS_BIN, default the compiled dist/src/cli/keepalived-ts.js) run by this
 * Node. `nodeArgs` go to Node itself (e.g. `--import` of a test module); the daemon's
 * children inherit them (fork keeps execArgv).
 */
export function keepalivedTsCommand(env: NodeJS.ProcessEnv = process.env, nodeArgs: readonly string[] = []): DaemonCommand {
  const bin = env['KTS_BIN'] ?? DEFAULT_KTS_BIN;
  if (!existsSync(bin)) throw new Error(`${bin} not found: run npm run build (or set KTS_BIN)`);
  return { label: 'keepalived-ts', prefix: [process.execPath, ...nodeArgs, bin] };
}

export function daemonCommandFromEnv(env: NodeJS.ProcessEnv = process.env): DaemonCommand {
  return env['DEMO_DAEMON'] === 'keepalived' ? keepalivedCommand(env) : keepalivedTsCommand(env);
}

export interface LogLine {
  readonly tUs: number;
  readonly text: string;
  /** Which launch of the daemon printed it (1, 2 …). */
  readonly run: number;
}

export interface LabDaemonOptions {
  /** Extra environment for the daemon (e.g. TMPDIR for its dumps). */
  readonly env?: NodeJS.ProcessEnv;
  /** The daemon's arguments from the lab contract (default: the contract as is). */
  readonly args?: (contract: readonly string[]) => readonly string[];
  /**
   * Run under the reaper (default). Off only when the launched process must be the daemon
   * itself, e.g. one that forks into the background (the reaper would wait for it).
   */
  readonly reaper?: boolean;
  /**
   * keepalived-ts only: also log JSON records (`--log-json=FILE`) whose `time` the daemon
   * stamped itself, for timing assertions that must not include how late this process read
   * a pipe (see records()).
   */
  readonly jsonLog?: boolean;
}

/** One record of the daemon's --log-json file: its own wall-clock stamp (ms) and message. */
export interface DaemonRecord {
  readonly tMs: number;
  readonly ident: string;
  readonly msg: string;
}

/** The lab contract with `-C` (the checker child alone) instead of `--vrrp`. */
export const checkerOnly = (contract: readonly string[]): readonly string[] => contract.map((a) => (a === '--vrrp' ? '-C' : a));

export type DaemonExit = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

export class LabDaemon {
  readonly lines: LogLine[] = [];
  readonly conf: string;
  readonly pidFile: string;
  readonly vrrpPidFile: string;
  readonly checkPidFile: string;
  /** The --log-json file (jsonLog option). */
  readonly jsonLogFile: string | undefined;
  private proc: ChildProcess | undefined;
  private exit: Promise<DaemonExit> | undefined;
  private runs = 0;

  constructor(
    private readonly lab: Lab,
    readonly host: LabHost,
    runDir: string,
    private readonly cmd: DaemonCommand,
    confText: string,
    private readonly opts: LabDaemonOptions = {},
  ) {
    this.conf = join(runDir, `${host.name}.conf`);
    this.pidFile = join(runDir, `${host.name}.pid`);
    this.vrrpPidFile = join(runDir, `${host.name}_vrrp.pid`);
    this.checkPidFile = join(runDir, `${host.name}_checkers.pid`);
    this.jsonLogFile = opts.jsonLog === true ? join(runDir, `${host.name}.log.json`) : undefined;
    writeFileSync(this.conf, confText);
  }

  /** The lab contract: foreground, console log with detail, VRRP only, this daemon's files. */
  contract(): string[] {
    return ['-n', '-l', '-D', '--vrrp', '-f', this.conf, '-p', this.pidFile, '-r', this.vrrpPidFile, '-c', this.checkPidFile];
  }

  argv(): string[] {
    const contract = this.contract();
    const json = this.jsonLogFile !== undefined ? [`--log-json=${this.jsonLogFile}`] : [];
    return [...this.cmd.prefix, ...(this.opts.args ? this.opts.args(contract) : contract), ...json];
  }

  /** The JSON records written so far (a line still being written is left for the next call). */
  records(): DaemonRecord[] {
    if (this.jsonLogFile === undefined) throw new Error(`${this.host.name}: started without jsonLog`);
    let text: string;
    try {
      text = readFileSync(this.jsonLogFile, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as { time: string; ident: string; msg: string })
      .map((r) => ({ tMs: Date.parse(r.time), ident: r.ident, msg: r.msg }));
  }

  /** The first JSON record matching `re` stamped at or after `afterMs`; throws after `ms`. */
  async waitRecord(re: RegExp, afterMs = 0, ms = 10_000): Promise<DaemonRecord> {
    return waitFor(() => this.records().find((r) => r.tMs >= afterMs && re.test(r.msg)), ms, () => `${this.host.name}: a log record matching ${re}; last lines:\n${this.tail()}`, { pollMs: 20 });
  }

  /** Launch; returns the launch time (µs). */
  start(): number {
    const run = ++this.runs;
    const t = nowUs();
    const argv = this.opts.reaper === false ? this.argv() : reaperArgv(this.argv());
    const env = this.opts.env;
    const p = this.lab.spawn(this.host, argv, env !== undefined && Object.keys(env).length > 0 ? { env: { ...process.env, ...env } } : {});
    this.proc = p;
    this.exit = new Promise((r) => p.once('exit', (code, signal) => r({ code, signal })));
    for (const s of [p.stdout, p.stderr]) {
      if (s) createInterface({ input: s }).on('line', (text) => this.lines.push({ tUs: nowUs(), text, run }));
    }
    return t;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Everything the daemon printed so far, one line per log line. */
  get log(): string {
    return this.lines.map((l) => `${l.text}\n`).join('');
  }

  /** The last `n` log lines, for failure messages. */
  tail(n = 30): string {
    return this.lines
      .slice(-n)
      .map((l) => `    ${l.text}`)
      .join('\n');
  }

  /** The daemon's main process (the reaper's child; the launched process without the reaper). */
  mainPid(): number | undefined {
    const w = this.proc?.pid;
    if (w === undefined) return undefined;
    return this.opts.reaper === false ? w : childrenOf(w)[0];
  }

  /** The first line matching `re` received at or after `afterUs`; throws with the log after `ms`. */
  async waitLine(re: RegExp, afterUs = 0, ms = 10_000): Promise<LogLine> {
    return waitFor(() => this.lines.find((x) => x.tUs >= afterUs && re.test(x.text)), ms, () => `${this.host.name}: a log line matching ${re}; last lines:\n${this.tail()}`, { pollMs: 10 });
  }

  /** The launched process's exit (under the reaper: the daemon's status, 128+N for signal N). */
  async waitExit(ms: number): Promise<DaemonExit> {
    const exit = this.exit;
    if (!exit) throw new Error(`${this.host.name}: daemon never started`);
    const r = await Promise.race([exit, sleep(ms).then(() => undefined)]);
    if (r === undefined) throw new Error(`${this.host.name}: daemon did not exit within ${ms} ms; last lines:\n${this.tail()}`);
    return r;
  }

  /** Replace the config file (for a relaunch or a SIGHUP reload). */
  writeConf(text: string): void {
    writeFileSync(this.conf, text);
  }

  /** Signal the daemon's main process (the parent, which forwards to its children). */
  signal(sig: NodeJS.Signals): void {
    const main = this.mainPid();
    if (main === undefined) throw new Error(`${this.host.name}: daemon not running`);
    process.kill(main, sig);
  }

  /** SIGKILL the daemon's whole tree, children first (the reaper reaps them); returns the kill time (µs). */
  hardKill(): number {
    const main = this.mainPid();
    if (main === undefined) throw new Error(`${this.host.name}: daemon not running`);
    const tree = processTree(main);
    const t = nowUs();
    signalAll(tree, 'SIGKILL');
    return t;
  }

  /**
   * SIGTERM (graceful stop) and wait up to `ms`; SIGKILL the tree if it does not exit.
   * Resolves with the time the SIGTERM was sent (µs), undefined if nothing was running.
   */
  async stop(ms = 15_000): Promise<number | undefined> {
    const p = this.proc;
    if (!p || !this.running) return undefined;
    const main = this.mainPid();
    const t = nowUs();
    if (main !== undefined) signalAll([main], 'SIGTERM');
    await waitFor(() => !this.running, ms, 'the daemon to exit', { pollMs: 20 }).catch(() => undefined);
    if (this.running) {
      const w = p.pid;
      if (w !== undefined) signalAll(processTree(w), 'SIGKILL');
    }
    return t;
  }

  /** Wait until the reaper (hence the daemon and its orphans) is gone. */
  async waitGone(ms = 5000): Promise<void> {
    const w = this.proc?.pid;
    if (w === undefined) return;
    await waitFor(() => !isAlive(w), ms, 'the daemon and its orphans to be gone', { pollMs: 10 }).catch(() => undefined);
  }
}

/** The pid a pid file names, if it holds a positive integer. */
export function readPid(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Polls until `path` names a live pid different from `not`. */
export async function waitPidFile(path: string, ms = 5000, not?: number): Promise<number> {
  return waitFor(
    () => {
      const p = readPid(path);
      return p !== undefined && p !== not && isAlive(p) ? p : undefined;
    },
    ms,
    () => `pid file ${path} to name a live process${not !== undefined ? ` other than ${not}` : ''} (last: ${readPid(path) ?? 'none'})`,
  );
}
