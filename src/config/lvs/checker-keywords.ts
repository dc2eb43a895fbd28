/**
 * Keyword tables of the checker blocks inside real_server (keepalived.conf(5)): the
 * shared connection and timing rows, then one table per checker, the HTTP `url { }`
 * block and the deprecated SMTP `host { }` block. Messages follow keepalived 2.2.7.
 */
import type { ParseCtx } from '../diagnostics.js';
import { argLoc, argText, noExtraArgs, readIntText, requireArg } from '../keywords/args.js';
import { blockKw, defineTable, derived, flagKw, intKw, recordingLocs, scriptKw, stringKw, wordsKw, type KeywordDef, type KeywordTable, type RowOpts } from '../keywords/table.js';
import type { ConfigNode } from '../source/tree.js';
import { LONG_TIMER_MAX_S, SHORT_TIMER_MAX_S, UINT_MAX, WEIGHT_MAX, msTimerKw, optBoolKw, readAddress } from './args.js';
import type { CheckerDraft, ConnectionDraft, UrlDraft } from './draft.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SMTP_HELO_NAME, DEFAULT_VS_DELAY_LOOP_MS, DNS_QUERY_TYPES, type CheckerType, type StatusCodeRange } from './model.js';

type K = CheckerDraft;

/** `bind_if` and `fwmark` are applied by the TCP, HTTP, SSL and PING probes only. */
const NOT_APPLIED: RowOpts = { runtime: 'not-yet', runtimeNote: 'not applied by this checker yet' };

function connectionRows<B extends ConnectionDraft>(socketOptions: RowOpts = {}): KeywordDef<B>[] {
  return [
    wordsKw<B>('connect_ip', 'IP', (c, node, ctx) => {
      const a = readAddress(node, ctx);
      if (a) c.connectIp = a;
    }, { default: derived('real server address') }),
    intKw<B>('connect_port', 1, 65535, (c, n) => (c.connectPort = n), { default: derived('real server port') }),
    wordsKw<B>('bindto', 'IP', (c, node, ctx) => {
      const a = readAddress(node, ctx);
      if (a) c.bindTo = a;
    }, { default: derived('kernel choice') }),
    stringKw<B>('bind_if', (c, v) => (c.bindIf = v), { default: derived('none (needed for IPv6 link-local bindto)'), ...socketOptions }),
    intKw<B>('bind_port', 1, 65535, (c, n) => (c.bindPort = n), { default: derived('ephemeral') }),
    intKw<B>('fwmark', 0, UINT_MAX, (c, n) => (c.fwmark = n), { default: derived('none (SO_MARK)'), ...socketOptions }),
    msTimerKw<B>('connect_timeout', SHORT_TIMER_MAX_S, (c, ms) => (c.connectTimeoutMs = ms), derived(`real server / virtual server (${DEFAULT_CONNECT_TIMEOUT_MS / 1000})`)),
  ];
}

/** retry/delay_before_retry/warmup/delay_loop/alpha/log_all_failures (MISC_CHECK has only these). */
function timingRows(): KeywordDef<K>[] {
  return [
    intKw<K>('retry', 0, UINT_MAX, (c, n) => (c.retry = n), { default: derived('real server, else per checker') }),
    msTimerKw<K>('delay_before_retry', LONG_TIMER_MAX_S, (c, ms) => (c.delayBeforeRetryMs = ms), derived('real server, else per checker')),
    msTimerKw<K>('warmup', LONG_TIMER_MAX_S, (c, ms) => (c.warmupMs = ms), derived('real server, else delay_loop'), 0),
    msTimerKw<K>('delay_loop', LONG_TIMER_MAX_S, (c, ms) => (c.delayLoopMs = ms), derived(`real server / virtual server (${DEFAULT_VS_DELAY_LOOP_MS / 1000})`)),
    optBoolKw<K>('alpha', (c, v) => (c.alpha = v), (v) => `Invalid alpha parameter ${v}`, derived('real server')),
    optBoolKw<K>('log_all_failures', (c, v) => (c.logAllFailures = v), (v) => `Invalid log_all_failures parameter ${v}`, derived('checker_log_all_failures')),
  ];
}

const netRows = (socketOptions: RowOpts = {}): KeywordDef<K>[] => [...connectionRows<K>(socketOptions), ...timingRows()];

// ---- HTTP_GET / SSL_GET --------------------------------------------------------------

/** `status_code N|A-B …`: every word a code or range within 100..599. */
function statusCodes(u: UrlDraft, node: ConfigNode, ctx: ParseCtx): void {
  if (node.args.length === 0) {
    ctx.diags.error('KA_CFG_MISSING_ARG', "'status_code' requires at least one code", node.loc);
    return;
  }
  node.args.forEach((t, i) => {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(t.text);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo < 100 || hi > 599 || hi < lo) {
      ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid HTTP_GET status code '${t.text}'`, argLoc(node, i), { hint: 'a code or range within 100-599, e.g. 200-299' });
      return;
    }
    u.statusCodes.push([lo, hi] satisfies StatusCodeRange);
  });
}

/** A close without close_notify ends the response whether tls_compliant is set or not. */
const TLS_COMPLIANT: RowOpts = { runtime: 'partly', runtimeNote: 'a close without close_notify always ends the response normally' };

const URL_TABLE: KeywordTable<UrlDraft> = defineTable<UrlDraft>(
  'url',
  recordingLocs<UrlDraft>([
    stringKw<UrlDraft>('path', (u, v) => (u.path = v), { default: derived('required') }),
    wordsKw<UrlDraft>('digest', 'MD5HEX', (u, node, ctx) => {
      const v = requireArg(node, ctx, 'an MD5 digest');
      noExtraArgs(node, ctx, 1);
      if (v === undefined) return;
      if (v.length !== 32) {
        ctx.diags.error('KA_CFG_INVALID_VALUE', `digest '${v}' character length should be 32 rather than ${v.length}`, argLoc(node, 0), { hint: 'genhash prints the digest of a page' });
        return;
      }
      const bad = v.search(/[^0-9a-fA-F]/);
      if (bad >= 0) {
        ctx.diags.error('KA_CFG_INVALID_VALUE', `Unable to interpret hex digit in '${v}' at offset ${bad - (bad % 2)}/${bad - (bad % 2) + 1}`, argLoc(node, 0));
        return;
      }
      u.digest = v.toLowerCase();
    }),
    wordsKw<UrlDraft>('status_code', 'N|A-B …', statusCodes, { default: '200-299', scalar: false }),
    stringKw<UrlDraft>('virtualhost', (u, v) => (u.virtualhost = v), { default: derived('checker virtualhost') }),
    wordsKw<UrlDraft>('regex', 'RE', (u, node, ctx) => {
      const v = requireArg(node, ctx, 'a regular expression');
      noExtraArgs(node, ctx, 1);
      if (v !== undefined) u.regex = v;
    }),
    flagKw<UrlDraft>('regex_no_match', (u) => (u.regexNoMatch = true), { default: false }),
    wordsKw<UrlDraft>('regex_options', 'OPTS…', (u, node) => (u.regexOptions = node.args.map((t) => t.text).join(' '))),
    intKw<UrlDraft>('regex_min_offset', 0, UINT_MAX, (u, n) => (u.regexMinOffset = n), { default: 0 }),
    intKw<UrlDraft>('regex_max_offset', 0, UINT_MAX, (u, n) => (u.regexMaxOffset = n), { default: derived('none') }),
    wordsKw<UrlDraft>('regex_stack', 'START MAX', (u, node, ctx) => {
      noExtraArgs(node, ctx, 2);
      const s = argText(node, 0);
      const m = argText(node, 1);
      if (s === undefined || m === undefined) {
        ctx.diags.error('KA_CFG_MISSING_ARG', "'regex_stack' requires START and MAX", node.loc);
        return;
      }
      const start = readIntText(s, argLoc(node, 0), 'regex_stack', ctx, 1, UINT_MAX);
      const max = readIntText(m, argLoc(node, 1), 'regex_stack', ctx, 1, UINT_MAX);
      if (start !== undefined && max !== undefined) u.regexStack = { start, max };
    }, { runtime: 'not-yet', runtimeNote: 'JS RegExp has no match stack to size' }),
    optBoolKw<UrlDraft>('tls_compliant', (u, v) => (u.tlsCompliant = v), (v) => `Invalid tls_compliant parameter ${v}`, false, TLS_COMPLIANT),
  ]),
);

const HTTP_VERSIONS = ['1.0', '1.0C', '1.1'] as const;

function httpRows(ssl: boolean): KeywordDef<K>[] {
  const rows: KeywordDef<K>[] = [
    ...netRows(),
    blockKw<K, UrlDraft>('url', URL_TABLE, (_c, node, ctx) => {
      noExtraArgs(node, ctx, 0);
      return { loc: node.loc, locs: {}, statusCodes: [] };
    }, (c, u) => c.urls.push(u)),
    wordsKw<K>('http_protocol', '1.0|1.0C|1.1', (c, node, ctx) => {
      const v = requireArg(node, ctx, '1.0, 1.0C or 1.1');
      noExtraArgs(node, ctx, 1);
      if (v === undefined) return;
      const hit = HTTP_VERSIONS.find((h) => h.toLowerCase() === v.toLowerCase());
      if (hit) c.httpProtocol = hit;
      else ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid http_protocol version ${v}`, argLoc(node, 0), { hint: '1.0, 1.0C or 1.1' });
    }, { default: '1.0' }),
    stringKw<K>('virtualhost', (c, v) => (c.virtualhost = v), { default: derived('real server virtualhost') }),
    optBoolKw<K>('fast_recovery', (c, v) => (c.fastRecovery = v), (v) => `Invalid fast_recovery parameter ${v}`, false),
    intKw<K>('nb_get_retry', 0, UINT_MAX, (c, n, node, ctx) => {
      ctx.diags.warn('KA_CFG_DEPRECATED', "nb_get_retry is deprecated - please use 'retry'", node.loc, { hint: "replace 'nb_get_retry' with 'retry'" });
      c.retry = n;
    }, { default: derived('retry'), deprecatedFor: 'retry' }),
  ];
  if (ssl) {
    rows.push(
      optBoolKw<K>('enable_sni', (c, v) => (c.enableSni = v), (v) => `Invalid enable_sni parameter ${v}`, false),
      stringKw<K>('sni_name', (c, v) => (c.sniName = v), { default: derived('the effective virtualhost (2.4.3+)') }),
      optBoolKw<K>('tls_compliant', (c, v) => (c.tlsCompliant = v), (v) => `Invalid tls_compliant parameter ${v}`, false, TLS_COMPLIANT),
    );
  }
  return rows;
}

// ---- the other checkers ---------------------------------------------------------------

const SMTP_HOST_TABLE = defineTable<ConnectionDraft>('host', recordingLocs(connectionRows<ConnectionDraft>(NOT_APPLIED)));

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

const specific: Record<Exclude<CheckerType, 'HTTP_GET' | 'SSL_GET'>, () => KeywordDef<K>[]> = {
  TCP_CHECK: () => netRows(),
  PING_CHECK: () => netRows(),
  SMTP_CHECK: () => [
    ...netRows(NOT_APPLIED),
    stringKw<K>('helo_name', (c, v) => (c.heloName = v), { default: DEFAULT_SMTP_HELO_NAME }),
    // Deprecated but, as in keepalived 2.2.7, accepted silently: warning would turn a
    // clean `-t` into exit 5. Each host { } becomes its own SMTP_CHECK.
    blockKw<K, ConnectionDraft>('host', SMTP_HOST_TABLE, (_c, node, ctx) => {
      noExtraArgs(node, ctx, 0);
      return { loc: node.loc, locs: {} };
    }, (c, h) => c.hosts.push(h)),
  ],
  DNS_CHECK: () => [
    ...netRows(NOT_APPLIED),
    wordsKw<K>('type', DNS_QUERY_TYPES.join('|'), (c, node, ctx) => {
      const v = requireArg(node, ctx, 'a query type');
      noExtraArgs(node, ctx, 1);
      if (v === undefined) return;
      const hit = DNS_QUERY_TYPES.find((t) => t === v.toUpperCase());
      if (hit) c.queryType = hit;
      else ctx.diags.error('KA_CFG_INVALID_VALUE', `Unknown DNS check type ${v} - ignoring`, argLoc(node, 0), { hint: DNS_QUERY_TYPES.join(', ') });
    }, { default: 'SOA' }),
    stringKw<K>('name', (c, v) => (c.name = v), { default: '.' }),
  ],
  UDP_CHECK: () => [
    ...netRows(NOT_APPLIED),
    wordsKw<K>('payload', 'HEX', (c, node, ctx) => {
      const v = requireArg(node, ctx, 'a hex string');
      noExtraArgs(node, ctx, 1);
      if (v === undefined) return;
      if (HEX.test(v)) c.payload = v.toLowerCase();
      else ctx.diags.error('KA_CFG_INVALID_VALUE', 'Invalid hex string for UDP_CHECK payload', argLoc(node, 0), { hint: 'an even number of hex digits' });
    }, { default: derived('random') }),
    wordsKw<K>('require_reply', '[HEX]', (c, node, ctx) => {
      noExtraArgs(node, ctx, 1);
      c.requireReply = true;
      const v = argText(node, 0);
      if (v === undefined) return;
      if (/^(?:[0-9a-fA-FxX]{2})+$/.test(v)) c.replyPattern = v.toLowerCase();
      else ctx.diags.error('KA_CFG_INVALID_VALUE', 'Invalid hex string for UDP_CHECK require_reply', argLoc(node, 0), { hint: 'hex digits, X for any nibble' });
    }, { default: false }),
    intKw<K>('min_reply_length', 0, 65535, (c, n) => (c.minReplyLength = n), { default: 0 }),
    intKw<K>('max_reply_length', 0, 65535, (c, n) => (c.maxReplyLength = n), { default: 255 }),
  ],
  MISC_CHECK: () => [
    ...timingRows(),
    scriptKw<K>('misc_path', (c, s) => (c.script = s), { default: derived('required') }),
    // 0 = unset (the delay loop), as keepalived stores it.
    msTimerKw<K>('misc_timeout', SHORT_TIMER_MAX_S, (c, ms) => (ms > 0 ? (c.miscTimeoutMs = ms) : delete c.miscTimeoutMs), derived('delay_loop'), 0),
    optBoolKw<K>('misc_dynamic', (c, v) => (c.dynamic = v), (v) => `Invalid misc_dynamic parameter ${v}`, false),
    wordsKw<K>('user', 'USER [GROUP]', (c, node, ctx) => {
      const user = requireArg(node, ctx, 'a user name');
      noExtraArgs(node, ctx, 2);
      if (user === undefined) return;
      const group = argText(node, 1);
      // Applied to the script by the compiler (misc_path may come after user).
      c.miscUser = { user, ...(group !== undefined ? { group } : {}) };
    }, { default: derived('script_user') }),
  ],
  FILE_CHECK: () => [
    stringKw<K>('track_file', (c, v) => (c.trackFile = v), { default: derived('required') }),
    stringKw<K>('file', (c, v) => (c.trackFile = v), { default: derived('(alias of track_file)') }),
    wordsKw<K>('weight', 'N [reverse]', (c, node, ctx) => {
      const t = requireArg(node, ctx, 'a weight');
      noExtraArgs(node, ctx, 2);
      if (t === undefined) return;
      const n = readIntText(t, argLoc(node, 0), 'weight', ctx, -WEIGHT_MAX, WEIGHT_MAX);
      if (n !== undefined) c.weight = n;
      const r = argText(node, 1);
      if (r === 'reverse') c.reverse = true;
      else if (r !== undefined && r !== 'noreverse') ctx.diags.warn('KA_CFG_UNKNOWN_KEYWORD', `unknown FILE_CHECK weight option '${r}' - ignoring`, argLoc(node, 1));
    }, { default: 1 }),
    flagKw<K>('dynamic', (c) => (c.dynamic = true), { default: false }),
  ],
  BFD_CHECK: () => [
    stringKw<K>('name', (c, v) => (c.name = v), { default: derived('required') }),
    optBoolKw<K>('alpha', (c, v) => (c.alpha = v), (v) => `Invalid alpha parameter ${v}`, derived('real server')),
  ],
};

function checkerTable(type: CheckerType): KeywordTable<K> {
  const rows = type === 'HTTP_GET' || type === 'SSL_GET' ? httpRows(type === 'SSL_GET') : specific[type]();
  return defineTable<K>(type, recordingLocs<K>(rows), type === 'BFD_CHECK' ? 'not-yet' : 'acts');
}

export const CHECKER_TYPES: readonly CheckerType[] = ['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'SMTP_CHECK', 'DNS_CHECK', 'MISC_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK', 'BFD_CHECK'];

export const CHECKER_TABLES: ReadonlyMap<CheckerType, KeywordTable<K>> = new Map(CHECKER_TYPES.map((t) => [t, checkerTable(t)]));
export { URL_TABLE, SMTP_HOST_TABLE };
