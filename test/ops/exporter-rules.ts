/**
 * How mehdy/keepalived-exporter (the widely used Prometheus exporter, host mode) reads
 * keepalived's signal dumps, restated as rules so that our dumps can be checked against what
 * it accepts. Behaviour, not its code:
 *
 * keepalived.data and keepalived.stats: as src/test-kit/keepalived-exporter.ts states them
 * (parseExporterData, parseExporterStats; the unit tests use them too), re-exported here;
 * a VIP item is `ADDR dev IFNAME …` (at least 3 words).
 * `keepalived -v` on stderr: the first line's second word, minus its first character, is the
 * version it uses to choose signals (--signum from 1.3.8) and script states (from 1.4.0).
 */

export { parseExporterData as parseData, parseExporterStats as parseStats } from '../../src/test-kit/keepalived-exporter.js';

/** A VIP item: `ADDR dev IFNAME …` → [address, interface]. */
export function parseVip(vip: string): [string, string] {
  const w = vip.split(' ');
  if (w.length < 3) throw new Error(`Failed to parse VIP from keepalived data: '${vip}'`);
  return [w[0] ?? '', w[2] ?? ''];
}

/** The stats the exporter turns into metrics (others are read and ignored). */
export const EXPORTED_STATS = [
  'Advertisements/Received', 'Advertisements/Sent', 'Became master', 'Released master',
  'Packet Errors/Length', 'Packet Errors/TTL', 'Packet Errors/Invalid Type', 'Packet Errors/Advertisement Interval', 'Packet Errors/Address List',
  'Authentication Errors/Invalid Type', 'Authentication Errors/Type Mismatch', 'Authentication Errors/Failure',
  'Priority Zero/Received', 'Priority Zero/Sent',
] as const;

/** The version the exporter derives from `keepalived -v`'s stderr. */
export function exporterVersion(stderr: string): string {
  const lines = stderr.split('\n');
  if (lines.length < 2) throw new Error('Failed to parse keepalived version output');
  const words = (lines[0] ?? '').split(' ');
  if (words.length < 2) throw new Error('Unknown keepalived version format');
  return (words[1] ?? '').slice(1);
}
