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
import { chown } from 'node:fs/promises';
import type { Logger } from '../core/logger.js';
import { fifoEventLine, fifoEventSide, type FifoEvent } from './fifo-lines.js';
import type { ScriptRunner } from './runner.js';
import type { FifoPlan } from './script-plan.js';
import type { RunnableScript } from './script-pass.js';
import type { ScriptIds } from './script-security.js';
import { errnoNumber } from '../sys/safe-file.js';

export interface FifoSpec {
  readonly path: string;
  /** Owner of a FIFO we create (the entry's user, else the default script user); absent: ours. */
  readonly owner?: ScriptIds;
  /** `*_fifo_script` as vetted: started with the FIFO path appended, as its user. */
  readonly script?: RunnableScript;
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
  /** The fifo script's umask (default keepalived's 0177). */
  readonly umask?: number;
}

const OPEN_FLAGS = constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/** keepalived's default umask (global_defs `umask`, `-u`): IXUSR|IRWXG|IRWXO. */
const KEEPALIVED_UMASK = 0o177;

/** keepalived mkfifo()s with 0644 under its umask. */
export function fifoMode(umask: number | undefined): number {
  return 0o644 & ~(umask ?? KEEPALIVED_UMASK);
}

/** A FIFO script's process group: its pid once started, and whether it was asked to stop. */
interface ScriptGroup {
  pid: number | null;
  stopped: boolean;
}

function terminateGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    /* exited already */
  }
}

export class NotifyFifo {
  private fd: number | null;
  private written = 0;
  private dropped = 0;
  private errors = 0;
  /** The fifo script's process group, to stop it at close. */
  private scriptGroup: ScriptGroup | null = null;

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
        const owner = spec.owner;
        if (owner && (owner.uid !== 0 || owner.gid !== 0)) {
          try {
            await chown(spec.path, owner.uid, owner.gid);
          } catch {
            log.info(`Failed to set uid:gid for fifo ${spec.path}`);
          }
        }
      } else if (!exists(spec.path)) {
        log.info(`Unable to create ${kind}notify fifo ${spec.path}`, { error: err });
        return null;
      }
    }
    // Its pid arrives once a spawning thread has started it: a stop asked before that is kept.
    const group: ScriptGroup = { pid: null, stopped: false };
    const script = spec.script;
    const onSpawn = (pid: number): void => {
      if (group.stopped) terminateGroup(pid);
      else group.pid = pid;
    };
    if (script) void deps.runner.run([...script.argv, spec.path], { uid: script.uid, gid: script.gid, ...(deps.umask === undefined ? {} : { umask: deps.umask }), onSpawn });
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
    fifo.scriptGroup = script ? group : null;
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

  /** The fifo script's pid (its process group) once started; null without one or after stopScript. */
  get scriptPid(): number | null {
    return this.scriptGroup?.stopped === false ? this.scriptGroup.pid : null;
  }

  /** SIGTERM to the fifo script's process group (once). */
  stopScript(): void {
    const g = this.scriptGroup;
    if (g === null || g.stopped) return;
    g.stopped = true;
    if (g.pid !== null) terminateGroup(g.pid);
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
    this.stopScript();
  }
}

/** All the FIFOs of one child; every event line goes to each of them. */
export class NotifyFifoSet {
  private constructor(
    readonly side: 'vrrp' | 'lvs',
    readonly fifos: readonly NotifyFifo[],
  ) {}

  /** `plans` from script-plan.ts planFifos; `umask` the global one (FIFO mode). */
  static async open(side: 'vrrp' | 'lvs', plans: readonly FifoPlan[], umask: number | undefined, deps: FifoDeps): Promise<NotifyFifoSet> {
    const fifos: NotifyFifo[] = [];
    for (const p of plans) {
      const kind = p.kind === 'global' ? '' : `${p.kind} `;
      const f = await NotifyFifo.open(p, { mode: fifoMode(umask), ...(umask === undefined ? {} : { umask }), ...deps }, kind);
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

  stopScripts(): void {
    for (const f of this.fifos) f.stopScript();
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
