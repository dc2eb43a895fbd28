/**
 * Process events from scans of /proc, for `vrrp_track_process` where the kernel's process
 * connector cannot be used (any network namespace but the initial one: keepalived logs
 * "Failed to set/clear process event listen" there and never sees a process change). Each scan
 * reads /proc/PID/stat (name, parent, state: zombies do not count) of every process, and
 * /proc/PID/cmdline only when a tracker matches command lines, as keepalived does at start;
 * the difference from the previous scan becomes fork/exec/exit events (a new process running
 * its parent's program is a fork). Cost measured in bench/RESULTS.md (trackers).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ProcEvent, ProcIdentity } from './track-processes.js';

export interface ProcInfo extends ProcIdentity {
  readonly ppid: number;
}

/** Parses /proc/PID/stat: `pid (comm) state ppid …`; null for a zombie or a malformed line. */
export function parseProcStat(text: string): { comm: string; ppid: number } | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' ');
  if (rest[0] === 'Z' || rest[0] === 'X') return null;
  const ppid = Number(rest[1]);
  return Number.isInteger(ppid) ? { comm: text.slice(open + 1, close), ppid } : null;
}

/** The running processes now (pid → identity). */
export function scanProcs(withCmdline: boolean, root = '/proc'): Map<number, ProcInfo> {
  const out = new Map<number, ProcInfo>();
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return out;
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 49 || c > 57) continue;
    const pid = Number(name);
    try {
      const st = parseProcStat(readFileSync(`${root}/${name}/stat`, 'latin1'));
      if (st === null) continue;
      let argv: string[] | null = null;
      if (withCmdline) {
        const raw = readFileSync(`${root}/${name}/cmdline`, 'latin1');
        argv = raw.length === 0 ? [] : raw.replace(/\0$/, '').split('\0');
      }
      out.set(pid, { comm: st.comm, ppid: st.ppid, argv });
    } catch {
      /* gone between readdir and read */
    }
  }
  return out;
}

const same = (a: ProcIdentity, b: ProcIdentity): boolean => a.comm === b.comm && (a.argv === null || b.argv === null || a.argv.join('\0') === b.argv.join('\0'));

/** The events that turn scan `prev` into scan `next`. */
export function diffScans(prev: ReadonlyMap<number, ProcInfo>, next: ReadonlyMap<number, ProcInfo>): ProcEvent[] {
  const events: ProcEvent[] = [];
  for (const [pid, p] of next) {
    const old = prev.get(pid);
    if (old === undefined) {
      const parent = prev.get(p.ppid) ?? next.get(p.ppid);
      if (parent !== undefined && same(parent, p)) events.push({ type: 'fork', pid, ppid: p.ppid });
      else events.push({ type: 'exec', pid, id: p });
    } else if (!same(old, p)) {
      events.push({ type: 'exec', pid, id: p });
    }
  }
  for (const pid of prev.keys()) if (!next.has(pid)) events.push({ type: 'exit', pid });
  return events;
}
