/**
 * /proc/sys/net writes for the VRRP process: the per-interface and global settings keepalived
 * changes for VMACs (docs/data-plane.md "VMAC": all/default rp_filter, ipv6 disable_ipv6 on a
 * VMAC …) and restores at exit. Synchronous on purpose: /proc/sys/net resolves to the network
 * namespace of the thread that opens the file, and only the main thread is sure to be in the
 * daemon's namespace (libuv's pool threads may predate a setns for `net_namespace`); the
 * writes are a few bytes into the kernel, not disk I/O. Failures are returned, never thrown.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { type Result, fail, ok } from '../core/result.js';
import { isSyscallError } from '../core/errors.js';

export type SysctlFamily = 'ipv4' | 'ipv6';

export interface SysctlError {
  readonly path: string;
  /** errno name ('ENOENT' for an interface that is gone, 'EACCES' …). */
  readonly code: string;
  readonly message: string;
}

const IFNAMSIZ = 16;

/**
 * /proc/sys/net/{ipv4,ipv6}/conf/IFNAME/KEY; IFNAME may be `all` or `default`. Interface names
 * may hold dots (vrrp.51), so the path is built from parts, never from a dotted sysctl name.
 */
export function confPath(family: SysctlFamily, ifname: string, key: string): Result<string> {
  if (ifname.length === 0 || Buffer.byteLength(ifname) >= IFNAMSIZ || ifname.includes('/') || ifname === '.' || ifname === '..') return fail(`invalid interface name '${ifname}'`);
  if (!/^[a-z0-9_]+$/.test(key)) return fail(`invalid sysctl key '${key}'`);
  return ok(`/proc/sys/net/${family}/conf/${ifname}/${key}`);
}

function failure(path: string, e: unknown): { ok: false; reason: SysctlError } {
  const code = (isSyscallError(e) ? e.code : undefined) ?? 'EIO';
  return fail({ path, code, message: e instanceof Error ? e.message : String(e) });
}

export function readSysctl(path: string): Result<string, SysctlError> {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return ok(buf.subarray(0, n).toString('utf8').trim());
  } catch (e) {
    return failure(path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function writeSysctl(path: string, value: string): Result<void, SysctlError> {
  let fd: number | undefined;
  try {
    // No O_CREAT: a missing /proc entry (interface gone) is ENOENT, never a new file.
    fd = openSync(path, 'r+');
    writeSync(fd, value);
    return ok(undefined);
  } catch (e) {
    return failure(path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface SysctlChange {
  readonly path: string;
  readonly previous: string;
  readonly value: string;
}

/**
 * Sets values and remembers what they were, so restore() can put back the ones that were
 * changed (keepalived's "setting sysctl … from 0 to 1" at start, "resetting sysctl … to 1"
 * at exit). Setting a value already in place records nothing.
 */
export class SysctlRestorer {
  private readonly changes: SysctlChange[] = [];

  /** The change made, null when the value was already there. */
  set(path: string, value: string): Result<SysctlChange | null, SysctlError> {
    const prev = readSysctl(path);
    if (!prev.ok) return prev;
    if (prev.value === value) return ok(null);
    const w = writeSysctl(path, value);
    if (!w.ok) return w;
    const change = { path, previous: prev.value, value };
    // A second change of the same path keeps the first previous value for the restore.
    if (!this.changes.some((c) => c.path === path)) this.changes.push(change);
    return ok(change);
  }

  /** Writes the previous values back, last change first; returns what could not be restored. */
  restore(): { readonly restored: readonly SysctlChange[]; readonly failed: readonly SysctlError[] } {
    const restored: SysctlChange[] = [];
    const failed: SysctlError[] = [];
    for (const c of this.changes.splice(0).reverse()) {
      const w = writeSysctl(c.path, c.previous);
      if (w.ok) restored.push(c);
      else failed.push(w.reason);
    }
    return { restored, failed };
  }

  get pending(): readonly SysctlChange[] {
    return this.changes;
  }
}
