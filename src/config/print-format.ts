/**
 * Formatting helpers shared by the block printers: quoting, indented blocks, script and
 * notify lines, µs-exact timers.
 */
import type { NotifyScripts, ScriptSpec } from './common.js';

export const quote = (s: string): string => (/[\s#!{}"]/.test(s) || s === '' ? `"${s}"` : s);

export function block(head: string, body: readonly string[]): string[] {
  return [`${head} {`, ...body.map((l) => `    ${l}`), '}'];
}

/**
 * `KW "script" [USER [GROUP]]`. With a user the script is always quoted: an unquoted
 * script followed by words is the classic mistake the parser warns about.
 */
export function scriptLine(kw: string, s: ScriptSpec | undefined, forceQuote = false): string[] {
  if (!s) return [];
  const text = forceQuote || s.user !== undefined ? `"${s.text}"` : quote(s.text);
  return [[kw, text, ...(s.user !== undefined ? [s.user] : []), ...(s.group !== undefined ? [s.group] : [])].join(' ')];
}

const NOTIFY: ReadonlyArray<readonly [string, keyof NotifyScripts]> = [
  ['notify_master', 'master'],
  ['notify_backup', 'backup'],
  ['notify_fault', 'fault'],
  ['notify_stop', 'stop'],
  ['notify_deleted', 'deleted'],
  ['notify_master_rx_lower_pri', 'masterRxLowerPri'],
  ['notify', 'generic'],
];
export const NOTIFY_KEYWORDS = NOTIFY.map(([kw]) => kw);

/** The `notify_*` lines of an instance or sync group. */
export const notifyLines = (n: NotifyScripts): string[] => NOTIFY.flatMap(([kw, k]) => scriptLine(kw, n[k]));

/**
 * Milliseconds (µs resolution, as the LVS timers store them) as decimal seconds with at
 * most 6 places, so the re-parse reads back the same value (no float noise like 1.2345670000000001).
 */
export function secsExact(ms: number): string {
  const us = Math.round(ms * 1000);
  if (!Number.isSafeInteger(us)) return String(Math.round(ms / 1000));
  const whole = Math.floor(us / 1e6);
  const frac = us % 1e6;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
}
