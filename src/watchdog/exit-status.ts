/**
 * What the watchdog does when a child exits (as Debian's keepalived 2.2.7 does): statuses 1
 * (fatal), 2 (config) and 4 (missing permission) are permanent — the parent terminates with
 * that status; anything else (other statuses, signals) is respawned unless -R. Pure.
 */
import { constants } from 'node:os';

const { signals } = constants;
export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_CONFIG = 2;
export const EXIT_MISSING_PERMISSION = 4;
export const EXIT_NOT_CONFIGURED = 6;
export const EXIT_PROGRAM_ERROR = 70;

export type ChildExit =
  | { readonly type: 'permanent'; readonly status: 1 | 2 | 4; readonly name: 'FATAL' | 'CONFIG' | 'MISSING_PERMISSION' }
  | { readonly type: 'transient'; readonly status: number | null; readonly signal: string | null };

export function classifyExit(status: number | null, signal: string | null): ChildExit {
  if (signal === null) {
    if (status === EXIT_FATAL) return { type: 'permanent', status: 1, name: 'FATAL' };
    if (status === EXIT_CONFIG) return { type: 'permanent', status: 2, name: 'CONFIG' };
    if (status === EXIT_MISSING_PERMISSION) return { type: 'permanent', status: 4, name: 'MISSING_PERMISSION' };
  }
  return { type: 'transient', status, signal };
}

/** A crash (a signal, or a status other than 0) rather than the clean exit of a stop. */
export function diedUncleanly(status: number | null, signal: string | null): boolean {
  return signal !== null || status !== EXIT_OK;
}

const SIGNAL_TEXT: Readonly<Record<string, [number, string]>> = {
  SIGHUP: [1, 'Hangup'],
  SIGINT: [2, 'Interrupt'],
  SIGQUIT: [3, 'Quit'],
  SIGILL: [4, 'Illegal instruction'],
  SIGABRT: [6, 'Aborted'],
  SIGBUS: [7, 'Bus error'],
  SIGFPE: [8, 'Floating point exception'],
  SIGKILL: [9, 'Killed'],
  SIGUSR1: [10, 'User defined signal 1'],
  SIGSEGV: [11, 'Segmentation fault'],
  SIGUSR2: [12, 'User defined signal 2'],
  SIGPIPE: [13, 'Broken pipe'],
  SIGALRM: [14, 'Alarm clock'],
  SIGTERM: [15, 'Terminated'],
};

/** keepalived's log line for a child's exit: "pid N exited due to signal 9 (Killed)" etc. */
export function describeExit(pid: number, exit: ChildExit): string {
  if (exit.type === 'permanent') return `pid ${pid} exited with permanent error ${exit.name}. Terminating`;
  if (exit.signal !== null) {
    const t = SIGNAL_TEXT[exit.signal];
    if (t) return `pid ${pid} exited due to signal ${t[0]} (${t[1]})`;
    const n = (signals as Readonly<Record<string, number>>)[exit.signal];
    return n === undefined ? `pid ${pid} exited due to signal ${exit.signal}` : `pid ${pid} exited due to signal ${n} (${exit.signal})`;
  }
  return `pid ${pid} exited with status ${exit.status ?? 'unknown'}`;
}
