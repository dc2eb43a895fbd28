/**
 * keepalived 2.2.7's start-up lines for the faults an instance starts with (VRRP child), e.g.
 * "(VI_1): entering FAULT state (interface eth1 down)": one per fault source, the instance's
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
    default:
      return source;
  }
}

export function startupFaultLines(cfg: Pick<VrrpInstanceConfig, 'name' | 'interface' | 'family'>, faultSources: readonly string[]): string[] {
  const own = `interface:${cfg.interface ?? ''}`;
  const ordered = [...faultSources.filter((s) => s === own), ...faultSources.filter((s) => s !== own)];
  return ordered.map((s) =>
    // keepalived 2.2.7 words an IPv4 instance without an address on its interface differently (and without the colon).
    s === 'no-source-address' && cfg.family === 4 ? `(${cfg.name}) entering FAULT state (no IPv4 address for interface)` : `(${cfg.name}): entering FAULT state (${faultReason(s)})`,
  );
}
