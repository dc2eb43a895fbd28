/**
 * Per-instance counters of dropped adverts, keyed by DropReason, and their mapping onto
 * keepalived's stats (the SIGUSR2 `keepalived.stats` sections and the JSON `stats` keys).
 * Pure values: the VRRP child keeps one DropCounters per instance (and one per socket for
 * drops before the instance is known) and replaces it on each count.
 */
import { DROP_REASONS, type DropReason } from './types.js';

/** keepalived's stats fields for receive errors (vrrp_stats in keepalived, JSON `stats`). */
export type KeepalivedStatField =
  | 'packet_len_err'
  | 'ip_ttl_err'
  | 'invalid_type_rcvd'
  | 'advert_interval_err'
  | 'addr_list_err'
  | 'invalid_authtype'
  | 'authtype_mismatch'
  | 'auth_failure'
  | 'auth_ext_missing'
  | 'auth_ext_malformed'
  | 'auth_ext_unknown_key'
  | 'auth_ext_invalid_hmac'
  | 'auth_ext_stale'
  | 'auth_ext_replay';

/**
 * Which keepalived counter a drop bumps; null where keepalived keeps none outside SNMP
 * (version, checksum, VRID) or drops silently.
 */
export const STAT_FIELD_OF: Readonly<Record<DropReason, KeepalivedStatField | null>> = {
  'packet-too-short': 'packet_len_err',
  'length-mismatch': 'packet_len_err',
  'ip-header': 'packet_len_err',
  ttl: 'ip_ttl_err',
  version: null,
  'invalid-type': 'invalid_type_rcvd',
  checksum: null,
  'vrid-unknown': null,
  'auth-invalid-type': 'invalid_authtype',
  'auth-type-mismatch': 'authtype_mismatch',
  'auth-failure': 'auth_failure',
  'ah-next-header': null,
  'auth-ext-missing': 'auth_ext_missing',
  'auth-ext-malformed': 'auth_ext_malformed',
  'auth-ext-unknown-key': 'auth_ext_unknown_key',
  'auth-ext-bad-hmac': 'auth_ext_invalid_hmac',
  'auth-ext-stale': 'auth_ext_stale',
  'auth-ext-replay': 'auth_ext_replay',
  'advert-interval': 'advert_interval_err',
  'address-list': 'addr_list_err',
  'own-packet': null,
  'unicast-src': null,
  family: null,
  'cast-mismatch': 'addr_list_err', // keepalived counts multicast/unicast mismatch as Address List
};

/**
 * `keepalived.stats` layout: section heading and line label for each field, in file order.
 * `authExt`: keepalived ≥ 2.4's section for auth_hmac, printed only for instances that have it
 * (so a 2.2.7 configuration dumps exactly 2.2.7's lines).
 */
export const STATS_LAYOUT: readonly { readonly section: string; readonly authExt?: true; readonly fields: readonly (readonly [KeepalivedStatField, string])[] }[] = [
  {
    section: 'Packet Errors',
    fields: [
      ['packet_len_err', 'Length'],
      ['ip_ttl_err', 'TTL'],
      ['invalid_type_rcvd', 'Invalid Type'],
      ['advert_interval_err', 'Advertisement Interval'],
      ['addr_list_err', 'Address List'],
    ],
  },
  {
    section: 'Authentication Errors',
    fields: [
      ['invalid_authtype', 'Invalid Type'],
      ['authtype_mismatch', 'Type Mismatch'],
      ['auth_failure', 'Failure'],
    ],
  },
  {
    section: 'Authentication Extension Errors',
    authExt: true,
    fields: [
      ['auth_ext_missing', 'Missing'],
      ['auth_ext_malformed', 'Malformed'],
      ['auth_ext_unknown_key', 'Unknown Key'],
      ['auth_ext_invalid_hmac', 'Invalid HMAC'],
      ['auth_ext_stale', 'Stale'],
      ['auth_ext_replay', 'Replay'],
    ],
  },
];

export type DropCounters = Readonly<Record<DropReason, number>>;

export function emptyDropCounters(): DropCounters {
  const c = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) c[r] = 0;
  return c;
}

/** New counters with `reason` (or each of `reasons`) incremented. */
export function countDrop(c: DropCounters, ...reasons: readonly DropReason[]): DropCounters {
  const next = { ...c };
  for (const r of reasons) next[r] += 1;
  return next;
}

/** keepalived's stats fields summed from the drop counters (several reasons share one field). */
export function keepalivedStats(c: DropCounters): Record<KeepalivedStatField, number> {
  const out: Record<KeepalivedStatField, number> = {
    packet_len_err: 0,
    ip_ttl_err: 0,
    invalid_type_rcvd: 0,
    advert_interval_err: 0,
    addr_list_err: 0,
    invalid_authtype: 0,
    authtype_mismatch: 0,
    auth_failure: 0,
    auth_ext_missing: 0,
    auth_ext_malformed: 0,
    auth_ext_unknown_key: 0,
    auth_ext_invalid_hmac: 0,
    auth_ext_stale: 0,
    auth_ext_replay: 0,
  };
  for (const r of DROP_REASONS) {
    const f = STAT_FIELD_OF[r];
    if (f !== null) out[f] += c[r];
  }
  return out;
}

/** The error sections of a `keepalived.stats` instance block, indented as keepalived writes them. */
export function formatStatsErrorLines(c: DropCounters, authExt = false): string[] {
  const s = keepalivedStats(c);
  const lines: string[] = [];
  for (const sec of STATS_LAYOUT) {
    if (sec.authExt === true && !authExt) continue;
    lines.push(`  ${sec.section}:`);
    for (const [field, label] of sec.fields) lines.push(`    ${label}: ${s[field]}`);
  }
  return lines;
}
