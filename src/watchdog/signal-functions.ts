/**
 * keepalived's signal functions (keepalived(8), SIGNALS and `--signum=SIGFUNC`) and what the
 * parent and the children say about the real-time ones. Pure: numbers and log lines.
 *
 * Node installs handlers only for the signals it has names for; a real-time signal is fatal
 * to a Node process unless caught natively (rt-signals.ts). keepalived catches them all in
 * every process: JSON (SIGRTMIN+2) and STATS_CLEAR (SIGRTMAX-1) make the VRRP process write
 * keepalived.json and print then clear its statistics (the parent passes them on to it);
 * TDUMP (SIGRTMAX) exists only in builds with thread dumps (Debian's 2.2.7 has none:
 * `--signum=TDUMP` is "Unknown sigfunc TDUMP" and the signal is ignored) — keepalived-ts
 * answers it in every process with a timer dump in the log (docs/compatibility.md,
 * "Signals"); any other real-time signal is ignored.
 */
import type { RealtimeSignalFunction } from '../process/ipc.js';

/** glibc's SIGRTMIN (NPTL keeps 32 and 33) and Linux's SIGRTMAX (_NSIG - 1). */
export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

export interface SignalFunction {
  readonly name: 'STOP' | 'RELOAD' | 'DATA' | 'STATS' | RealtimeSignalFunction;
  readonly signum: number;
  /** Printed by `--signum` (false: unknown to Debian's keepalived 2.2.7 build). */
  readonly listed: boolean;
}

export const SIGNAL_FUNCTIONS: readonly SignalFunction[] = [
  { name: 'STOP', signum: 15, listed: true },
  { name: 'RELOAD', signum: 1, listed: true },
  { name: 'DATA', signum: 10, listed: true },
  { name: 'STATS', signum: 12, listed: true },
  { name: 'STATS_CLEAR', signum: SIGRTMAX - 1, listed: true },
  { name: 'JSON', signum: SIGRTMIN + 2, listed: true },
  { name: 'TDUMP', signum: SIGRTMAX, listed: false },
];

/** `--signum=NAME` → number, as Debian's keepalived 2.2.7 prints them. */
export const SIGNUM: Readonly<Record<string, number>> = Object.fromEntries(SIGNAL_FUNCTIONS.filter((f) => f.listed).map((f) => [f.name, f.signum]));

/** The function a real-time signal carries, counted from the ends the running system has. */
export function realtimeFunction(signum: number, rtmin = SIGRTMIN, rtmax = SIGRTMAX): RealtimeSignalFunction | undefined {
  if (signum === rtmin + 2) return 'JSON';
  if (signum === rtmax - 1) return 'STATS_CLEAR';
  if (signum === rtmax) return 'TDUMP';
  return undefined;
}

/** `SIGRTMIN+2`, `SIGRTMAX-1`, `SIGRTMAX`: the name from the nearer end, as kill -l prints it. */
export function realtimeSignalName(signum: number, rtmin = SIGRTMIN, rtmax = SIGRTMAX): string {
  if (signum === rtmin) return 'SIGRTMIN';
  if (signum === rtmax) return 'SIGRTMAX';
  return signum - rtmin <= (rtmax - rtmin) / 2 ? `SIGRTMIN+${signum - rtmin}` : `SIGRTMAX-${rtmax - signum}`;
}

/** The line a process logs for a real-time signal it ignores (one it acts on logs its own lines). */
export function ignoredRealtimeSignalLine(signum: number, rtmin = SIGRTMIN, rtmax = SIGRTMAX): string {
  const name = realtimeSignalName(signum, rtmin, rtmax);
  const fn = realtimeFunction(signum, rtmin, rtmax);
  if (fn !== undefined) return `Ignoring signal ${signum} (${name}, ${fn}): only the VRRP process acts on it`;
  return `Ignoring signal ${signum} (${name}): keepalived gives it no meaning`;
}

/** The first line of a TDUMP timer dump. */
export const timerDumpHeading = (who: string, pid: number): string => `Timer dump of the ${who} process(${pid}) on signal`;
