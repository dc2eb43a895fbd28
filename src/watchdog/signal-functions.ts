/**
 * keepalived's signal functions (keepalived(8), SIGNALS and `--signum=SIGFUNC`) and what the
 * parent and the children say about the real-time ones. Pure: numbers and log lines.
 *
 * Node installs handlers only for the signals it has names for; a real-time signal is fatal
 * to a Node process unless caught natively (rt-signals.ts). keepalived catches them all in
 * every process: JSON and STATS_CLEAR have meanings (not acted on yet here: logged and
 * ignored), TDUMP only in builds with thread dumps (Debian's 2.2.7 has none: `--signum=TDUMP`
 * is "Unknown sigfunc TDUMP" and the signal is ignored), and any other real-time signal is
 * ignored.
 */

/** glibc's SIGRTMIN (NPTL keeps 32 and 33) and Linux's SIGRTMAX (_NSIG - 1). */
export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

export interface SignalFunction {
  readonly name: 'STOP' | 'RELOAD' | 'DATA' | 'STATS' | 'STATS_CLEAR' | 'JSON' | 'TDUMP';
  readonly signum: number;
  /** Printed by `--signum` (false: unknown to Debian's keepalived 2.2.7 build). */
  readonly listed: boolean;
  /** What keepalived does that we do not do yet (the signal is then logged and ignored). */
  readonly notActedOn?: string;
}

export const SIGNAL_FUNCTIONS: readonly SignalFunction[] = [
  { name: 'STOP', signum: 15, listed: true },
  { name: 'RELOAD', signum: 1, listed: true },
  { name: 'DATA', signum: 10, listed: true },
  { name: 'STATS', signum: 12, listed: true },
  { name: 'STATS_CLEAR', signum: SIGRTMAX - 1, listed: true, notActedOn: 'printing and clearing the statistics' },
  { name: 'JSON', signum: SIGRTMIN + 2, listed: true, notActedOn: 'writing keepalived.json' },
  { name: 'TDUMP', signum: SIGRTMAX, listed: false, notActedOn: 'the thread dump' },
];

/** `--signum=NAME` → number, as Debian's keepalived 2.2.7 prints them. */
export const SIGNUM: Readonly<Record<string, number>> = Object.fromEntries(SIGNAL_FUNCTIONS.filter((f) => f.listed).map((f) => [f.name, f.signum]));

/** `SIGRTMIN+2`, `SIGRTMAX-1`, `SIGRTMAX`: the name from the nearer end, as kill -l prints it. */
export function realtimeSignalName(signum: number, rtmin = SIGRTMIN, rtmax = SIGRTMAX): string {
  if (signum === rtmin) return 'SIGRTMIN';
  if (signum === rtmax) return 'SIGRTMAX';
  return signum - rtmin <= (rtmax - rtmin) / 2 ? `SIGRTMIN+${signum - rtmin}` : `SIGRTMAX-${rtmax - signum}`;
}

/** The line a process logs when a real-time signal arrives (it is ignored either way). */
export function realtimeSignalLine(signum: number, rtmin = SIGRTMIN, rtmax = SIGRTMAX): string {
  const name = realtimeSignalName(signum, rtmin, rtmax);
  const fn = SIGNAL_FUNCTIONS.find((f) => f.signum === signum && f.notActedOn !== undefined);
  if (fn?.notActedOn !== undefined) return `Received ${name} (${fn.name}, signal ${signum}): ${fn.notActedOn} is not acted on yet - ignoring it`;
  return `Ignoring signal ${signum} (${name}): keepalived gives it no meaning`;
}
