/**
 * How mehdy/keepalived-exporter (the usual Prometheus exporter for keepalived) reads the dumps
 * it asks for with `keepalived --signum=DATA|STATS|JSON`, restated as rules a test can apply to
 * ours. Its behaviour, not its code:
 *
 * keepalived.json (JSON mode): decoded into a list of `{data, stats}` (json_version 1 only: an
 * object at the top fails). Typed as Go decodes it: `iname`, `ifp_ifname` strings; `state`,
 * `wantstate`, `garp_delay`, `vrid` and every stats field integers (a fraction or exponent
 * fails the scrape); `vips` a list of strings; other fields ignored. State 0..3 names INIT,
 * BACKUP, MASTER, FAULT (another number only warns).
 * keepalived.data: instances as `parseExporterData` reads them; scripts: a line beginning
 * " VRRP Script" with '=' starts one (name after '='), then `   Status = …` (GOOD or BAD, else
 * a warning) and `   State = …` (idle, running, requested termination, forcing termination);
 * a line not beginning with four spaces ends it.
 * keepalived.stats: as `parseExporterStats` reads it.
 */

export const EXPORTER_STATES = ['INIT', 'BACKUP', 'MASTER', 'FAULT'] as const;
export const EXPORTER_SCRIPT_STATUSES = ['BAD', 'GOOD'] as const;
export const EXPORTER_SCRIPT_STATES = ['idle', 'running', 'requested termination', 'forcing termination'] as const;

export interface ExporterVrrp {
  readonly iname: string;
  readonly state: number;
  readonly wantstate: number;
  readonly intf: string;
  readonly garpDelay: number;
  readonly vrid: number;
  readonly vips: readonly string[];
  readonly stats: Readonly<Record<string, number>>;
}

const STATS_KEYS = [
  'advert_rcvd', 'advert_sent', 'become_master', 'release_master', 'packet_len_err', 'advert_interval_err', 'ip_ttl_err',
  'invalid_type_rcvd', 'addr_list_err', 'invalid_authtype', 'authtype_mismatch', 'auth_failure', 'pri_zero_rcvd', 'pri_zero_sent',
] as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Go's decoding of a JSON number into an int: digits only (the raw text decides, not the value). */
function goInt(raw: string, v: Json | undefined, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !/^-?[0-9]+$/.test(raw)) throw new Error(`json: cannot unmarshal ${JSON.stringify(v)} into int (${what})`);
  return v;
}

function goString(v: Json | undefined, what: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new Error(`json: cannot unmarshal ${JSON.stringify(v)} into string (${what})`);
  return v;
}

/** The raw text of every `"key":number` (int fields must be written without fraction or exponent). */
function rawNumbers(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of text.matchAll(/"([a-z_]+)":(-?[0-9][0-9.eE+-]*)/g)) {
    const list = out.get(m[1] ?? '') ?? [];
    list.push(m[2] ?? '');
    out.set(m[1] ?? '', list);
  }
  return out;
}

/** The exporter's reading of keepalived.json; throws where its decoder fails. */
export function parseExporterJson(text: string): ExporterVrrp[] {
  const doc = JSON.parse(text) as Json;
  if (!Array.isArray(doc)) throw new Error('json: cannot unmarshal object into []VRRP');
  const raw = rawNumbers(text);
  const rawOf = (key: string, index: number): string => raw.get(key)?.[index] ?? '';
  return doc.map((entry, n) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new Error('json: cannot unmarshal into VRRP');
    const data = entry['data'];
    const stats = entry['stats'];
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('json: data');
    if (typeof stats !== 'object' || stats === null || Array.isArray(stats)) throw new Error('json: stats');
    const vips = data['vips'];
    if (vips !== undefined && (!Array.isArray(vips) || vips.some((v) => typeof v !== 'string'))) throw new Error('json: vips');
    return {
      iname: goString(data['iname'], 'iname'),
      state: goInt(rawOf('state', n), data['state'], 'state'),
      wantstate: goInt(rawOf('wantstate', n), data['wantstate'], 'wantstate'),
      intf: goString(data['ifp_ifname'], 'ifp_ifname'),
      garpDelay: goInt(rawOf('garp_delay', n), data['garp_delay'], 'garp_delay'),
      vrid: goInt(rawOf('vrid', n), data['vrid'], 'vrid'),
      vips: (vips ?? []) as string[],
      stats: Object.fromEntries(STATS_KEYS.map((k) => [k, goInt(rawOf(k, n), stats[k], k)])),
    };
  });
}

export interface ExporterScript {
  readonly name: string;
  status: string;
  state: string;
}

/** The exporter's reading of the VRRP Script sections of keepalived.data. */
export function parseExporterScripts(text: string): ExporterScript[] {
  const out: ExporterScript[] = [];
  let cur: ExporterScript | undefined;
  for (const l of text.split('\n')) {
    if (l.startsWith(' VRRP Script') && l.includes('=')) {
      cur = { name: (l.split('=')[1] ?? '').trim(), status: '', state: '' };
      out.push(cur);
    } else if (l.startsWith('   ') && cur) {
      if (!l.includes('=')) continue;
      const [k = '', v = ''] = l.trim().split('=');
      if (k.trim() === 'Status') cur.status = v.trim();
      else if (k.trim() === 'State') cur.state = v.trim();
    } else if (!l.startsWith('    ')) cur = undefined;
  }
  return out;
}

const int = (v: string, what: string): number => {
  if (!/^[+-]?[0-9]+$/.test(v)) throw new Error(`strconv.Atoi: parsing '${v}' (${what})`);
  return Number(v);
};

/**
 * The exporter's reading of keepalived.data's instances: " VRRP Instance = NAME" starts one;
 * lines beginning with three spaces are `KEY = VALUE` or `KEY:` (a list whose items begin with
 * five spaces; "Virtual IP (N)" items are VIPs); State/Wantstate must be a state name, Virtual
 * Router ID and Gratuitous ARP delay integers (else the scrape fails); any other line ends it.
 */
export function parseExporterData(text: string): Map<string, Omit<ExporterVrrp, 'stats'>> {
  type Mut = { -readonly [K in keyof Omit<ExporterVrrp, 'stats'>]: K extends 'vips' ? string[] : ExporterVrrp[K] };
  const out = new Map<string, Mut>();
  let cur: Mut | undefined;
  let key = '';
  const state = (v: string): number => {
    const i = EXPORTER_STATES.indexOf(v as (typeof EXPORTER_STATES)[number]);
    if (i < 0) throw new Error(`Unknown state found: ${v}`);
    return i;
  };
  for (const l of text.split('\n')) {
    if (l.startsWith(' VRRP Instance') && l.includes('=')) {
      const name = (l.trim().split('=')[1] ?? '').trim();
      cur = { iname: name, state: -1, wantstate: -1, intf: '', garpDelay: 0, vrid: 0, vips: [] };
      out.set(name, cur);
      key = '';
    } else if (l.startsWith('   ') && cur) {
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
      if ((key.startsWith('Virtual IP (') || key === 'Virtual IP') && val !== '') cur.vips.push(val);
      if (key === 'State') cur.state = state(val);
      else if (key === 'Wantstate') cur.wantstate = state(val);
      else if (key === 'Interface' || key === 'Listening device') cur.intf = val;
      else if (key === 'Gratuitous ARP delay') cur.garpDelay = int(val, 'Gratuitous ARP delay');
      else if (key === 'Virtual Router ID') cur.vrid = int(val, 'Virtual Router ID');
    } else if (!(l.startsWith(' VRRP Version') || l.startsWith(' VRRP Script'))) cur = undefined;
  }
  return out;
}

/**
 * The exporter's reading of keepalived.stats: "VRRP Instance: NAME" starts an instance, a
 * two-space line ending in ':' a section; "    Key: N" in a section and "  Key: N" outside
 * must be integers (else the scrape fails). Keys are `Section/Key` or `Key`.
 */
export function parseExporterStats(text: string): Map<string, Readonly<Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  let inst: Record<string, number> | undefined;
  let section = '';
  for (const l of text.split('\n')) {
    const kv = (): [string, string] => {
      const [k = '', v = ''] = l.trim().split(':');
      return [k.trim(), v.trim()];
    };
    if (l.startsWith('VRRP Instance') && l.includes(':')) {
      inst = {};
      out.set((l.split(':')[1] ?? '').trim(), inst);
    } else if (l.startsWith('  ') && l.endsWith(':')) section = (l.trim().split(':')[0] ?? '').trim();
    else if (l.startsWith('    ') && section !== '') {
      const [k, v] = kv();
      const n = int(v, k);
      if (inst) inst[`${section}/${k}`] = n;
    } else if (l.startsWith('  ') && !l.startsWith('    ')) {
      const [k, v] = kv();
      section = '';
      const n = int(v, k);
      if (inst) inst[k] = n;
    }
  }
  return out;
}
