/**
 * How mehdy/keepalived-exporter (the widely used Prometheus exporter, host mode) reads
 * keepalived's signal dumps, restated as rules so that our dumps can be checked against what
 * it accepts. Behaviour, not its code:
 *
 * keepalived.data (after SIGUSR1):
 * - an instance starts at a line beginning " VRRP Instance" that contains '=': the name is
 *   the text after '=' (trimmed);
 * - its properties are the following lines beginning with three spaces: `KEY = VALUE`
 *   (split on '='), or `KEY:` opening a list whose items are lines beginning with five
 *   spaces; "Virtual IP" is such a list (items `ADDR dev IFNAME …`, at least 3 words);
 * - State and Wantstate must be INIT, BACKUP, MASTER or FAULT (anything else is an error
 *   that fails the whole scrape); "Virtual Router ID" and "Gratuitous ARP delay" must be
 *   integers; "Interface" (or "Listening device") is the interface;
 * - any other line ends the instance.
 * keepalived.stats (after SIGUSR2):
 * - "VRRP Instance: NAME" at column 0 starts an instance; "  Section:" (ending in ':') opens a
 *   section; "    Key: N" lines inside it and "  Key: N" lines outside must be integers
 *   (anything else fails the scrape).
 * `keepalived -v` on stderr: the first line's second word, minus its first character, is the
 * version it uses to choose signals (--signum from 1.3.8) and script states (from 1.4.0).
 */

export const VRRP_STATES = ['INIT', 'BACKUP', 'MASTER', 'FAULT'] as const;

export interface ExporterData {
  iname: string;
  state: number;
  wantState: number;
  intf: string;
  garpDelay: number;
  vrid: number;
  vips: string[];
}

export interface ExporterStats {
  readonly [key: string]: number;
}

function stateIndex(v: string, what: string, iname: string): number {
  const i = VRRP_STATES.indexOf(v as (typeof VRRP_STATES)[number]);
  if (i < 0) throw new Error(`Unknown ${what} found: ${v} iname: ${iname}`);
  return i;
}

function int(v: string, what: string): number {
  if (!/^[+-]?[0-9]+$/.test(v)) throw new Error(`Failed to parse ${what}: '${v}'`);
  return Number(v);
}

export function parseData(text: string): Map<string, ExporterData> {
  const out = new Map<string, ExporterData>();
  let cur: ExporterData | undefined;
  let key = '';
  for (const l of text.split('\n')) {
    if (l.startsWith(' VRRP Instance') && l.includes('=')) {
      const name = (l.trim().split('=')[1] ?? '').trim();
      cur = { iname: name, state: -1, wantState: -1, intf: '', garpDelay: 0, vrid: 0, vips: [] };
      out.set(name, cur);
      key = '';
      continue;
    }
    if (l.startsWith('   ') && cur) {
      let val: string;
      if (l.startsWith('     ')) val = l.trim();
      else {
        const sep = l.includes('=') ? '=' : l.includes(':') ? ':' : undefined;
        if (sep === undefined) continue;
        const parts = l.trim().split(sep);
        key = (parts[0] ?? '').trim();
        if (key === 'Virtual IP') continue;
        val = (parts[1] ?? '').trim();
      }
      if ((key.startsWith('Virtual IP (') || key === 'Virtual IP') && val !== '') cur.vips.push(val.trim());
      if (key === 'State') cur.state = stateIndex(val, 'state', cur.iname);
      else if (key === 'Wantstate') cur.wantState = stateIndex(val, 'wantstate', cur.iname);
      else if (key === 'Interface' || key === 'Listening device') cur.intf = val;
      else if (key === 'Gratuitous ARP delay') cur.garpDelay = int(val, 'GArpDelay');
      else if (key === 'Virtual Router ID') cur.vrid = int(val, 'vrid');
      continue;
    }
    if (l.startsWith(' VRRP Version') || l.startsWith(' VRRP Script')) continue;
    cur = undefined;
  }
  return out;
}

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

export function parseStats(text: string): Map<string, ExporterStats> {
  const out = new Map<string, Record<string, number>>();
  let inst: Record<string, number> | undefined;
  let section = '';
  for (const l of text.split('\n')) {
    if (l.startsWith('VRRP Instance') && l.includes(':')) {
      inst = {};
      out.set((l.trim().split(':')[1] ?? '').trim(), inst);
    } else if (l.startsWith('  ') && l.endsWith(':')) {
      section = (l.trim().split(':')[0] ?? '').trim();
    } else if (l.startsWith('    ') && section !== '' && inst) {
      const [k, v] = l.trim().split(':');
      inst[`${section}/${(k ?? '').trim()}`] = int((v ?? '').trim(), `stats ${k ?? ''}`);
    } else if (l.startsWith('  ') && !l.endsWith(':') && !l.startsWith('    ') && inst) {
      const [k, v] = l.trim().split(':');
      section = '';
      inst[(k ?? '').trim()] = int((v ?? '').trim(), `stats ${k ?? ''}`);
    }
  }
  return out;
}

/** The version the exporter derives from `keepalived -v`'s stderr. */
export function exporterVersion(stderr: string): string {
  const lines = stderr.split('\n');
  if (lines.length < 2) throw new Error('Failed to parse keepalived version output');
  const words = (lines[0] ?? '').split(' ');
  if (words.length < 2) throw new Error('Unknown keepalived version format');
  return (words[1] ?? '').slice(1);
}
