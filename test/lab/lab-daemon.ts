/**
 * A keepalived-compatible daemon on a lab host, started with the lab's daemon contract
 * (`-n -l -D --vrrp -f CONF -p PID -r VRRPPID -c CHKPID`) under the reaper wrapper. Its
 * console log is kept line by line with receive timestamps (µs), so scenarios can time
 * events such as "Entering MASTER STATE". Which binary: keepalivedCommand() → Debian's
 * keepalived (KEEPALIVED_BIN, default /usr/sbin/keepalived), keepalivedTsCommand() →
 * keepalived-ts (KTS_BIN, default dist/src/cli/keepalived-ts.js) run by this Node;
 * daemonCommandFromEnv() picks one by DEMO_DAEMON=keepalived (the demo's switch).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Lab, LabHost } from './netns.js';
import { childrenOf, isAlive, nowUs, processTree, signalAll, sleep } from './proc.js';
import { reaperArgv } from './reaper.js';

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

/** keepalived-ts (KTS_BIN, default the compiled dist/src/cli/keepalived-ts.js) run by this Node. */
export function keepalivedTsCommand(env: NodeJS.ProcessEnv = process.env): DaemonCommand {
  const bin = env['KTS_BIN'] ?? DEFAULT_KTS_BIN;
  if (!existsSync(bin)) throw new Error(`${bin} not found: run npm run build (or set KTS_BIN)`);
  return { label: 'keepalived-ts', prefix: [process.execPath, bin] };
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

export class LabDaemon {
  readonly lines: LogLine[] = [];
  readonly conf: string;
  readonly pidFile: string;
  readonly vrrpPidFile: string;
  readonly checkPidFile: string;
  private proc: ChildProcess | undefined;
  private runs = 0;

  constructor(
    private readonly lab: Lab,
    readonly host: LabHost,
    runDir: string,
    private readonly cmd: DaemonCommand,
    confText: string,
    /** Extra environment for the daemon (e.g. TMPDIR for its dumps). */
    private readonly env: NodeJS.ProcessEnv = {},
  ) {
    this.conf = join(runDir, `${host.name}.conf`);
    this.pidFile = join(runDir, `${host.name}.pid`);
    this.vrrpPidFile = join(runDir, `${host.name}_vrrp.pid`);
    this.checkPidFile = join(runDir, `${host.name}_checkers.pid`);
    writeFileSync(this.conf, confText);
  }

  argv(): string[] {
    return [...this.cmd.prefix, '-n', '-l', '-D', '--vrrp', '-f', this.conf, '-p', this.pidFile, '-r', this.vrrpPidFile, '-c', this.checkPidFile];
  }

  /** Launch; returns the launch time (µs). */
  start(): number {
    const run = ++this.runs;
    const t = nowUs();
    const p = this.lab.spawn(this.host, reaperArgv(this.argv()), Object.keys(this.env).length > 0 ? { env: { ...process.env, ...this.env } } : {});
    this.proc = p;
    for (const s of [p.stdout, p.stderr]) {
      if (s) createInterface({ input: s }).on('line', (text) => this.lines.push({ tUs: nowUs(), text, run }));
    }
    return t;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The daemon's main process (the reaper's child). */
  mainPid(): number | undefined {
    const w = this.proc?.pid;
    return w === undefined ? undefined : childrenOf(w)[0];
  }

  async waitLine(re: RegExp, afterUs = 0, ms = 10_000): Promise<LogLine> {
    const deadline = Date.now() + ms;
    for (;;) {
      const l = this.lines.find((x) => x.tUs >= afterUs && re.test(x.text));
      if (l) return l;
      if (Date.now() > deadline) throw new Error(`${this.host.name}: no log line matching ${re} within ${ms} ms`);
      await sleep(10);
    }
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
    const deadline = Date.now() + ms;
    while (this.running && Date.now() < deadline) await sleep(20);
    if (this.running) {
      const w = p.pid;
      if (w !== undefined) signalAll(processTree(w), 'SIGKILL');
    }
    return t;
  }

  /** Wait until the reaper (hence the daemon and its orphans) is gone. */
  async waitGone(ms = 5000): Promise<void> {
    const w = this.proc?.pid;
    const deadline = Date.now() + ms;
    while (w !== undefined && isAlive(w) && Date.now() < deadline) await sleep(10);
  }
}
