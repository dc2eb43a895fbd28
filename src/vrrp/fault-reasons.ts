/**
 * keepalived 2.2.7's start-up lines for the faults an instance starts with (VRRP child), e.g.
 * "(VI_1): entering FAULT state (interface eth1 down)", "(VI_1): entering FAULT state (tracked file
 * tf has status -254)", "(VI_1) entering FAULT state (tracked process pr quorum not achieved)":
 * one per fault source, the instance's
 * own interface first, logged for every instance before any of them (or its sync group)
 * starts. Pure.
 */
import type { VrrpInstanceConfig } from '../config/model.js';

/** keepalived's words for a fault source (tracking.ts names them `interface:NAME` …). */
export function faultReason(source: string): string {
  const [kind, name] = source.split(':', 2);
  switch (kind) {
    case 'interface':
      return `interface ${name ?? ''} down`;
    case 'no-source-address':
      return 'no source address';
    case 'file':
      // A file faults only at the bottom of its range (value × weight clamped, −254).
      return `tracked file ${name ?? ''} has status -254`;
    case 'process':
      return `tracked process ${name ?? ''} quorum not achieved`;
    default:
      return source;
  }
}

export function startupFaultLines(cfg: Pick<VrrpInstanceConfig, 'name' | 'interface' | 'family'>, faultSources: readonly string[]): string[] {
  const own = `interface:${cfg.interface ?? ''}`;
  const ordered = [...faultSources.filter((s) => s === own), ...faultSources.filter((s) => s !== own)];
  return ordered.map((s) =>
    // keepalived 2.2.7 words an IPv4 instance without an address on its interface differently, and
    // writes that line and the process line without the colon (checked in a namespace).
    s === 'no-source-address' && cfg.family === 4 ? `(${cfg.name}) entering FAULT state (no IPv4 address for interface)` : `(${cfg.name})${s.startsWith('process:') ? '' : ':'} entering FAULT state (${faultReason(s)})`,
  );
}
