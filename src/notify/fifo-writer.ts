/**
 * Notify FIFOs (notify_fifo, vrrp_notify_fifo, lvs_notify_fifo; keepalived.conf(5)), run by
 * the VRRP and checker children. Like keepalived: create the FIFO (0644 less keepalived's
 * umask, 0177 by default: 0600) if it does not exist and remember that we did, start the
 * `*_fifo_script` with the FIFO path appended, then open it O_RDWR|O_NONBLOCK|O_NOFOLLOW.
 * Holding both ends means opening never blocks and writing never raises EPIPE; a full FIFO
 * (slow or absent reader) makes the write fail with EAGAIN and the line is dropped and
 * counted. At close the FIFO is unlinked first (only if we created it) so a looping reader
 * cannot reopen it, and the fifo script's process group gets SIGTERM, as keepalived 2.2.7
 * does (checked).
 */
import { execFile } from 'node:child_process';
import { closeSync, constants, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type { Logger } from '../core/logger.js';
import type { GlobalDefs, ScriptSpec } from '../config/model.js';
import { fifoEventLine, fifoEventSide, type FifoEvent } from './fifo-lines.js';
import type { ScriptRunner } from './runner.js';
import { errnoNumber } from '../sys/safe-file.js';

export interface FifoSpec {
  readonly path: string;
  /** The `*notify_fifo FIFO [USER [GROUP]]` entry: owner of a FIFO we create. */
  readonly fifo?: ScriptSpec;
  /** `*_fifo_script`: started with the FIFO path appended. */
  readonly script?: ScriptSpec;
}

export interface FifoStats {
  readonly written: number;
  /** Lines dropped because the FIFO was full (EAGAIN). */
  readonly dropped: number;
  /** Lines lost to any other write error (or after close). */
  readonly errors: number;
}

export interface FifoDeps {
  readonly log: Logger;
  readonly runner: ScriptRunner;
  /** Mode for a FIFO we create; default fifoMode(undefined) = 0600. */
  readonly mode?: number;
}

const OPEN_FLAGS = constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/** keepalived's default umask (global_defs `umask`, `-u`): IXUSR|IRWXG|IRWXO. */
const KEEPALIVED_UMASK = 0o177;

/** keepalived mkfifo()s with 0644 under its umask. */
export function fifoMode(umask: number | undefined): number {
  return 0o644 & ~(umask ?? KEEPALIVED_UMASK);
}

export class NotifyFifo {
  private fd: number | null;
  private written = 0;
  private dropped = 0;
  private errors = 0;
  /** The fifo script's process (group) id, to stop it at close. */
  scriptPid: number | null = null;

  private constructor(
    readonly path: string,
    fd: number,
    /** Set when we created the FIFO: only then is it removed at close. */
    readonly created: boolean,
    private readonly log: Logger,
  ) {
    this.fd = fd;
  }

  /** Create (if absent), start the script, open. Null (logged) when the FIFO cannot be used. */
  static async open(spec: FifoSpec, deps: FifoDeps, kind = ''): Promise<NotifyFifo | null> {
    const { log } = deps;
    let created = false;
    if (!exists(spec.path)) {
      const err = await mkfifo(spec.path, deps.mode ?? fifoMode(undefined));
      if (err === null) {
        created = true;
        const owner = ownerOf(spec.fifo);
        if (owner && (await chown(spec.path, owner)) !== null) log.info(`Failed to set uid:gid for fifo ${spec.path}`);
      } else if (!exists(spec.path)) {
        log.info(`Unable to create ${kind}notify fifo ${spec.path}`, { error: err });
        return null;
      }
    }
    let scriptPid: number | null = null;
    if (spec.script) void deps.runner.run([...spec.script.argv, spec.path], { onSpawn: (pid) => (scriptPid = pid) });
    let fd: number;
    try {
      fd = openSync(spec.path, OPEN_FLAGS);
    } catch (e) {
      // keepalived prints the errno number (40: a symbolic link at the path, not followed).
      log.info(`Unable to open ${kind}notify fifo ${spec.path} - errno ${errnoNumber(errnoOf(e))}`);
      if (created) removeQuietly(spec.path);
      return null;
    }
    const fifo = new NotifyFifo(spec.path, fd, created, log);
    fifo.scriptPid = scriptPid;
    return fifo;
  }

  /** Write one line; never blocks, never throws. True when the whole line went in. */
  write(line: string): boolean {
    if (this.fd === null) {
      this.errors++;
      return false;
    }
    const buf = Buffer.from(line, 'utf8');
    try {
      // A write of ≤ PIPE_BUF bytes to a pipe is atomic: all or EAGAIN.
      const n = writeSync(this.fd, buf);
      if (n === buf.length) {
        this.written++;
        return true;
      }
      this.errors++;
      return false;
    } catch (e) {
      if (errnoOf(e) === 'EAGAIN') {
        this.dropped++;
        if (this.dropped === 1 || this.dropped % 100 === 0) this.log.debug(`notify fifo ${this.path} full - ${this.dropped} line(s) dropped`);
      } else {
        this.errors++;
        this.log.debug(`write to notify fifo ${this.path} failed - ${errnoOf(e)}`);
      }
      return false;
    }
  }

  stats(): FifoStats {
    return { written: this.written, dropped: this.dropped, errors: this.errors };
  }

  close(): void {
    if (this.fd === null) return;
    if (this.created) removeQuietly(this.path);
    try {
      closeSync(this.fd);
    } catch {
      /* already gone */
    }
    this.fd = null;
    if (this.scriptPid !== null) {
      try {
        process.kill(-this.scriptPid, 'SIGTERM');
      } catch {
        /* exited already */
      }
      this.scriptPid = null;
    }
  }
}

/**
 * The FIFOs one child writes: the global notify_fifo plus its own (vrrp_notify_fifo for
 * the VRRP child, lvs_notify_fifo for the checker). A specific FIFO with the same path as
 * the global one is ignored, as keepalived does.
 */
export function fifoSpecsFor(side: 'vrrp' | 'lvs', g: GlobalDefs): FifoSpec[] {
  const global = spec(g.notifyFifo, g.notifyFifoScript);
  const own = side === 'vrrp' ? spec(g.vrrpNotifyFifo, g.vrrpNotifyFifoScript) : spec(g.lvsNotifyFifo, g.lvsNotifyFifoScript);
  const out: FifoSpec[] = [];
  if (global) out.push(global);
  if (own && own.path !== global?.path) out.push(own);
  return out;
}

function spec(fifo: ScriptSpec | undefined, script: ScriptSpec | undefined): FifoSpec | undefined {
  const path = fifo?.argv[0];
  if (!path) return undefined;
  return script ? { path, fifo, script } : { path, fifo };
}

/** All the FIFOs of one child; every event line goes to each of them. */
export class NotifyFifoSet {
  private constructor(
    readonly side: 'vrrp' | 'lvs',
    readonly fifos: readonly NotifyFifo[],
  ) {}

  static async open(side: 'vrrp' | 'lvs', g: GlobalDefs, deps: FifoDeps): Promise<NotifyFifoSet> {
    const fifos: NotifyFifo[] = [];
    for (const s of fifoSpecsFor(side, g)) {
      const kind = s.path === g.notifyFifo?.argv[0] ? '' : side === 'vrrp' ? 'vrrp ' : 'lvs ';
      const f = await NotifyFifo.open(s, { mode: fifoMode(g.umask), ...deps }, kind);
      if (f) fifos.push(f);
    }
    return new NotifyFifoSet(side, fifos);
  }

  /** Write the event's line to every FIFO of this child; events of the other side are ignored. */
  emit(e: FifoEvent): void {
    if (fifoEventSide(e) !== this.side) return;
    const line = fifoEventLine(e);
    for (const f of this.fifos) f.write(line);
  }

  close(): void {
    for (const f of this.fifos) f.close();
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Node has no mkfifo(3); coreutils' mkfifo(1) does it. Resolves to null or the error text. */
function mkfifo(path: string, mode: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('mkfifo', ['-m', mode.toString(8), '--', path], (err, _out, stderr) => {
      resolve(err ? (stderr.trim() || err.message) : null);
    });
  });
}

function ownerOf(fifo: ScriptSpec | undefined): string | null {
  if (!fifo || (fifo.user === undefined && fifo.group === undefined)) return null;
  return `${fifo.user ?? ''}${fifo.group !== undefined ? `:${fifo.group}` : ''}`;
}

function chown(path: string, owner: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('chown', ['--', owner, path], (err, _out, stderr) => resolve(err ? (stderr.trim() || err.message) : null));
  });
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already removed */
  }
}

function errnoOf(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : String(e);
}
