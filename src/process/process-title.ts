/**
 * Process titles (what ps, top and pgrep show) for the parent and each child. keepalived
 * names its processes only when asked (keepalived.conf(5) global_defs: `process_names`, or a
 * `process_name` / `vrrp_process_name` / `checker_process_name` of its own); keepalived-ts
 * always names them so that they are not three anonymous `node` processes: by default
 * `keepalived-ts`, `keepalived-ts: vrrp`, `keepalived-ts: checker`, and keepalived's own
 * defaults (keepalived, keepalived_vrrp, keepalived_ipvs) when `process_names` is set.
 */
import type { ChildKind } from './options.js';

export type ProcessRole = 'parent' | ChildKind;

/** The global_defs keywords that name processes, as the config model carries them. */
export interface ProcessNameSettings {
  readonly processNames?: boolean;
  readonly parent?: string;
  readonly vrrp?: string;
  readonly checker?: string;
}

const OURS: Readonly<Record<ProcessRole, string>> = { parent: 'keepalived-ts', vrrp: 'keepalived-ts: vrrp', checker: 'keepalived-ts: checker' };
const KEEPALIVED: Readonly<Record<ProcessRole, string>> = { parent: 'keepalived', vrrp: 'keepalived_vrrp', checker: 'keepalived_ipvs' };

export function defaultProcessTitle(role: ProcessRole): string {
  return OURS[role];
}

/** An explicit name wins; `process_names` selects keepalived's defaults; else ours. */
export function processTitle(role: ProcessRole, s: ProcessNameSettings | undefined): string {
  const explicit = s?.[role];
  if (explicit !== undefined && explicit !== '') return explicit;
  return s?.processNames === true ? KEEPALIVED[role] : OURS[role];
}
