/**
 * The names route and rule lines may use instead of numbers, as ip(8) and keepalived resolve
 * them: routing tables (iproute2's rt_tables and rt_tables.d/*.conf), route protocols
 * (rt_protos, rt_protos.d), scopes (rt_scopes), realms (rt_realms), dsfield values
 * (rt_dsfield), interface groups (group) and IP protocols (/etc/protocols, for ipproto).
 * Pure: the caller reads the files (src/sys/iproute2-files.ts) and hands their text here;
 * iproute2's built-in names apply when a file is missing.
 */
export type NameKind = 'tables' | 'protos' | 'scopes' | 'realms' | 'dsfield' | 'group' | 'ipproto';

/** The file each kind is read from (iproute2's, or `protocols` for /etc/protocols). */
export const NAME_FILES: Readonly<Record<NameKind, string>> = {
  tables: 'rt_tables',
  protos: 'rt_protos',
  scopes: 'rt_scopes',
  realms: 'rt_realms',
  dsfield: 'rt_dsfield',
  group: 'group',
  ipproto: 'protocols',
};

/** iproute2's names without any file (lib/rt_names.c defaults). */
const BUILTIN: Readonly<Record<NameKind, readonly (readonly [string, number])[]>> = {
  tables: [['unspec', 0], ['default', 253], ['main', 254], ['local', 255]],
  protos: [['unspec', 0], ['redirect', 1], ['kernel', 2], ['boot', 3], ['static', 4], ['gated', 8], ['ra', 9], ['mrt', 10], ['zebra', 11], ['bird', 12], ['dnrouted', 13], ['xorp', 14], ['ntk', 15], ['dhcp', 16], ['keepalived', 18], ['babel', 42], ['openr', 99], ['bgp', 186], ['isis', 187], ['ospf', 188], ['rip', 189], ['eigrp', 192]],
  scopes: [['global', 0], ['site', 200], ['link', 253], ['host', 254], ['nowhere', 255]],
  realms: [['cosmos', 0]],
  dsfield: [],
  group: [['default', 0]],
  ipproto: [['icmp', 1], ['tcp', 6], ['udp', 17], ['ipv6-icmp', 58], ['sctp', 132]],
};

/** `NUMBER NAME` lines (`#` comments); /etc/protocols is `NAME NUMBER [ALIASES]`. */
export function parseNameFile(text: string, kind: NameKind): Map<string, number> {
  const out = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const words = (raw.split('#')[0] ?? '').trim().split(/\s+/).filter(Boolean);
    if (words.length < 2) continue;
    if (kind === 'ipproto') {
      const n = Number(words[1]);
      if (!Number.isInteger(n)) continue;
      for (const name of [words[0]!, ...words.slice(2)]) out.set(name, n);
      continue;
    }
    const [num, name] = words as [string, string];
    const n = /^0x[0-9a-f]+$/i.test(num) ? Number.parseInt(num, 16) : /^\d+$/.test(num) ? Number(num) : NaN;
    if (Number.isInteger(n)) out.set(name, n);
  }
  return out;
}

/** Resolves a word (a number, or a name of its kind) to a number; null when it is neither. */
export class HostNames {
  private readonly maps = new Map<NameKind, Map<string, number>>();

  /** `files(name)`: the texts of every file of that name (NAME_FILES), in the order they override each other. */
  constructor(files: (name: string) => readonly string[]) {
    for (const kind of Object.keys(BUILTIN) as NameKind[]) {
      const m = new Map(BUILTIN[kind]);
      for (const text of files(NAME_FILES[kind])) for (const [k, v] of parseNameFile(text, kind)) m.set(k, v);
      this.maps.set(kind, m);
    }
  }

  /** Numbers (decimal or 0x…) as they are; names through the kind's files. */
  lookup(kind: NameKind, word: string): number | null {
    if (/^0x[0-9a-f]+$/i.test(word)) return Number.parseInt(word, 16);
    if (/^\d+$/.test(word)) return Number(word);
    return this.maps.get(kind)?.get(word) ?? null;
  }

  /** `[FROM/]TO` realms as RTA_FLOW / FRA_FLOW: FROM << 16 | TO; null when a part is unknown. */
  realms(text: string): number | null {
    const parts = text.split('/');
    if (parts.length > 2) return null;
    const nums = parts.map((p) => this.lookup('realms', p));
    if (nums.some((n) => n === null || n > 0xffff)) return null;
    const [a, b] = nums as number[];
    return b === undefined ? a! : a! * 0x10000 + b;
  }
}

/** Built-in names only (tests, and a host without iproute2's files). */
export const builtinHostNames = (): HostNames => new HostNames(() => []);
