/**
 * Text pieces the VRRP child's dumps share (keepalived.data, its tracker sections,
 * keepalived.json): keepalived 2.2.7's spelling of booleans, seconds, times, addresses and
 * commands. Pure.
 */
import type { Family } from '../core/ip.js';
import { ctime } from '../core/log-sinks.js';
import type { IpAddressSpec, NotifyScripts, ScriptSpec } from '../config/model.js';
import type { ScriptIds } from './dump-snapshot.js';

export const onOff = (b: boolean): string => (b ? 'true' : 'false');
export const secs = (ms: number): number => Math.floor(ms / 1000);
export const familyName = (f: Family): string => (f === 4 ? 'IPv4' : 'IPv6');

/** `1795691401.916930 (Thu Nov 26 11:10:01.916930 2026)`, keepalived's timestamp in dumps. */
export function formatDumpTime(wallMs: number): string {
  const totalUs = Math.round(wallMs * 1000);
  const sec = Math.floor(totalUs / 1e6);
  const us = String(totalUs - sec * 1e6).padStart(6, '0');
  const c = ctime(sec * 1000);
  return `${sec}.${us} (${c.slice(0, 19)}.${us}${c.slice(19)})`;
}

/**
 * An address as keepalived 2.2.7 writes it in .data and .json: a host address without its
 * prefix (`198.51.100.81 dev eth0 …`, but `198.51.100.82/24 dev eth0 …`; exporters take the
 * first word as the VIP label), ` set` while the instance holds it.
 */
export function vipText(v: IpAddressSpec, ifname: string, set: boolean): string {
  const prefix = v.prefixLen === (v.family === 4 ? 32 : 128) ? '' : `/${v.prefixLen}`;
  const brd = v.broadcast !== undefined && v.broadcast !== '-' && v.broadcast !== '+' ? ` brd ${v.broadcast}` : '';
  const label = v.label !== undefined ? ` label ${v.label}` : '';
  return `${v.address}${prefix}${brd} dev ${v.dev ?? ifname} scope ${v.scope ?? 'global'}${label}${set ? ' set' : ''}`;
}

/** keepalived's way of showing a command: each word in single quotes. */
export const quoteArgv = (s: ScriptSpec): string => s.argv.map((a) => `'${a}'`).join(' ');

const SCRIPT_LABELS: readonly (readonly [keyof NotifyScripts, string])[] = [
  ['backup', 'Backup state transition script'],
  ['master', 'Master state transition script'],
  ['fault', 'Fault state transition script'],
  ['stop', 'Stop state transition script'],
  ['deleted', 'Deleted state transition script'],
  ['generic', 'Generic state transition script'],
  ['masterRxLowerPri', 'Master receive lower priority state transition script'],
];

/** The notify script lines of an instance or a sync group. */
export function notifyScriptLines(n: NotifyScripts, ids: ScriptIds): string[] {
  const out: string[] = [];
  for (const [key, label] of SCRIPT_LABELS) {
    const s = n[key];
    if (s) out.push(`   ${label} = ${quoteArgv(s)}, uid:gid ${ids.uid}:${ids.gid}`);
  }
  return out;
}

