/**
 * Runs the compiled keepalived-ts binary as a foreground daemon for process tests:
 * captures its console log, waits for lines, reads its pid files. The daemon runs the real
 * VRRP child, so it always runs inside a lab namespace of its own (one host, eth0 on a
 * private switch): nothing it does can reach the root namespace (`ip netns exec` execs,
 * so the spawned pid is the daemon's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, sleep } from '../lab/proc.js';
import { createLab, type Lab } from '../lab/netns.js';

export { isAlive, parentOf, sleep } from '../lab/proc.js';

/** dist/src/cli/keepalived-ts.js, relative to this compiled file (dist/test/watchdog/). */
export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'keepalived-ts.js');

export interface DaemonFiles {
  readonly dir: string;
  readonly conf: string;
  readonly pid: string;
  readonly vrrpPid: string;
  readonly checkPid: string;
}

export function makeFiles(confText = 'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    virtual_ipaddress {\n        192.0.2.100/24\n    }\n}\n'): DaemonFiles {
  const dir = mkdtempSync(join(tmpdir(), 'kts-wd-'));
  const conf = join(dir, 'keepalived.conf');
  writeFileSync(conf, confText);
  return { dir, conf, pid: join(dir, 'keepalived.pid'), vrrpPid: join(dir, 'vrrp.pid'), checkPid: join(dir, 'check.pid') };
}

export function removeFiles(f: DaemonFiles): void {
  rmSync(f.dir, { recursive: true, force: true });
}

export function stdArgs(f: DaemonFiles): string[] {
  return ['-n', '-l', '-D', '--vrrp', '-f', f.conf, '-p', f.pid, '-r', f.vrrpPid, '-c', f.checkPid];
}

let lab: Lab | undefined;
/** The namespace every Daemon of this process runs in (created on first use, removed at exit). */
export function daemonNetns(): string {
  lab ??= createLab(1, 'wd');
  return lab.host(1).ns;
}

export class Daemon {
  readonly proc: ChildProcess;
  log = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.proc = spawn('ip', ['netns', 'exec', daemonNetns(), process.execPath, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const add = (d: Buffer): void => void (this.log += d.toString());
    this.proc.stdout?.on('data', add);
    this.proc.stderr?.on('data', add);
    this.exited = new Promise((r) => this.proc.once('exit', (code, signal) => r({ code, signal })));
  }

  get pid(): number {
    if (this.proc.pid === undefined) throw new Error('daemon did not start');
    return this.proc.pid;
  }

  /** Resolves with the matching line; rejects (with the log so far) after `ms`. */
  async waitFor(re: RegExp, ms = 5000, from = 0): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = re.exec(this.log.slice(from));
      if (m) return m[0];
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} in log:\n${this.log}`);
      await sleep(20);
    }
  }

  async waitExit(ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const t = sleep(ms).then(() => 'timeout' as const);
    const r = await Promise.race([this.exited, t]);
    if (r === 'timeout') throw new Error(`daemon ${this.pid} did not exit within ${ms} ms; log:\n${this.log}`);
    return r;
  }

  /** Last resort in `finally`: SIGKILL the parent and the child named in the pid file. */
  kill(f?: DaemonFiles): void {
    if (f) {
      const child = readPid(f.vrrpPid);
      if (child !== undefined && isAlive(child)) process.kill(child, 'SIGKILL');
    }
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}

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
  const deadline = Date.now() + ms;
  for (;;) {
    const p = readPid(path);
    if (p !== undefined && p !== not && isAlive(p)) return p;
    if (Date.now() > deadline) throw new Error(`pid file ${path} did not name a live process (last: ${p ?? 'none'})`);
    await sleep(20);
  }
}
