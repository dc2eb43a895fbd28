/**
 * Keyword tables of `virtual_server_group NAME { }`, `virtual_server … { }`,
 * `real_server IP [PORT] { }` and the top-level `SSL { }` (keepalived.conf(5)),
 * plus the top-level rows that open them. Checker blocks are in checker-keywords.ts.
 */
import type { ParseCtx } from '../diagnostics.js';
import { argLoc, argText, noExtraArgs, readIntText, requireArg } from '../keywords/args.js';
import { blockKw, defineTable, derived, flagKw, intKw, recordingLocs, scriptKw, stringKw, wordsKw, type KeywordDef } from '../keywords/table.js';
import type { ConfigNode } from '../source/tree.js';
import { LONG_TIMER_MAX_S, SHORT_TIMER_MAX_S, UINT_MAX, WEIGHT_MAX, msTimerKw, optBoolKw, readEndpoint, readForwarding } from './args.js';
import { CHECKER_TABLES, CHECKER_TYPES } from './checker-keywords.js';
import { newCheckerDraft, type LvsDraft, type RealServerDraft, type ServerDefaultsDraft, type SslDraft, type VirtualServerDraft, type VsAddressDraft, type VsgDraft } from './draft.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_PERSISTENCE_TIMEOUT_S, DEFAULT_VS_DELAY_LOOP_MS, LVS_SCHEDULERS, type LvsProtocol } from './model.js';
import { parseVsgAddress } from './services.js';

type V = VirtualServerDraft;
type R = RealServerDraft;

/** Rows shared by virtual_server and real_server (RS values default to the VS ones). */
function serverDefaultRows<B extends ServerDefaultsDraft>(who: string): KeywordDef<B>[] {
  return [
    intKw<B>('retry', 1, UINT_MAX, (b, n) => (b.retry = n), { default: derived('per checker') }),
    msTimerKw<B>('delay_before_retry', LONG_TIMER_MAX_S, (b, ms) => (b.delayBeforeRetryMs = ms), derived('per checker')),
    msTimerKw<B>('warmup', LONG_TIMER_MAX_S, (b, ms) => (b.warmupMs = ms), derived('delay_loop'), 0),
    msTimerKw<B>('delay_loop', LONG_TIMER_MAX_S, (b, ms) => (b.delayLoopMs = ms), who === 'virtual server' ? DEFAULT_VS_DELAY_LOOP_MS / 1000 : derived('virtual server')),
    msTimerKw<B>('connect_timeout', SHORT_TIMER_MAX_S, (b, ms) => (b.connectTimeoutMs = ms), who === 'virtual server' ? DEFAULT_CONNECT_TIMEOUT_MS / 1000 : derived('virtual server')),
    optBoolKw<B>('alpha', (b, v) => (b.alpha = v), (v) => `Invalid ${who} alpha parameter ${v}`, false),
    optBoolKw<B>('inhibit_on_failure', (b, v) => (b.inhibitOnFailure = v), (v) => `Invalid ${who} inhibit_on_failure parameter ${v}`, false),
    intKw<B>('weight', 0, WEIGHT_MAX, (b, n) => (b.weight = n), { default: who === 'virtual server' ? 1 : derived('virtual server weight (1)') }),
    ...['lvs_method', 'lb_kind'].map((name) =>
      wordsKw<B>(name, 'NAT|DR|TUN [type ipip|gue|gre] [port N] [csum opt]', (b, node, ctx) => {
        const f = readForwarding(node, ctx, who === 'real server' ? ' for real server' : '');
        if (f) b.forwarding = f;
      }, { default: derived(who === 'virtual server' ? 'NAT (warned)' : 'virtual server method') }),
    ),
    stringKw<B>('virtualhost', (b, v) => (b.virtualhost = v), { default: derived('none (ip:port)') }),
    optBoolKw<B>('smtp_alert', (b, v) => (b.smtpAlert = v), (v) => `Invalid ${who} smtp_alert parameter ${v}`, who === 'virtual server' ? derived('global smtp_alert (false)') : derived('true unless global smtp_alert set')),
    stringKw<B>('snmp_name', (b, v) => (b.snmpName = v), { default: derived('none'), runtime: 'not-yet', runtimeNote: 'no SNMP agent yet' }),
  ];
}

const checkerRows: KeywordDef<R>[] = CHECKER_TYPES.map((type) =>
  blockKw<R, ReturnType<typeof newCheckerDraft>>(type, CHECKER_TABLES.get(type)!, (_r, node, ctx) => {
    noExtraArgs(node, ctx, 0);
    return newCheckerDraft(type, node.loc);
  }, (r, c) => r.checkers.push(c)),
);

export const REAL_SERVER_TABLE = defineTable<R>('real_server', [
  ...recordingLocs<R>([
    ...serverDefaultRows<R>('real server'),
    wordsKw<R>('uthreshold', 'N', (r, node, ctx) => threshold(r, node, ctx, 'upperThreshold', 'uthreshold')),
    wordsKw<R>('lthreshold', 'N', (r, node, ctx) => threshold(r, node, ctx, 'lowerThreshold', 'lthreshold')),
    scriptKw<R>('notify_up', (r, s) => (r.notifyUp = s)),
    scriptKw<R>('notify_down', (r, s) => (r.notifyDown = s)),
  ]),
  ...checkerRows,
]);

function threshold(r: R, node: ConfigNode, ctx: ParseCtx, key: 'upperThreshold' | 'lowerThreshold', kw: string): void {
  const t = requireArg(node, ctx, 'a number');
  noExtraArgs(node, ctx, 1);
  if (t === undefined) return;
  if (!/^\d+$/.test(t)) {
    ctx.diags.error('KA_CFG_INVALID_NUMBER', `Invalid real_server ${kw} '${t}' - ignoring`, argLoc(node, 0));
    return;
  }
  const n = readIntText(t, argLoc(node, 0), kw, ctx, 0, UINT_MAX);
  if (n !== undefined) r[key] = n;
}

const PROTOCOLS: readonly LvsProtocol[] = ['TCP', 'UDP', 'SCTP'];
const FLAG_KEYWORDS = ['ops', 'hashed', 'flag-1', 'flag-2', 'flag-3', 'sh-port', 'sh-fallback', 'mh-port', 'mh-fallback'];

function persistenceGranularity(v: V, node: ConfigNode, ctx: ParseCtx): void {
  const t = requireArg(node, ctx, 'a netmask or prefix length');
  noExtraArgs(node, ctx, 1);
  if (t === undefined) return;
  if (t.includes('.')) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t);
    const n = m ? m.slice(1).reduce((acc, o) => acc * 256 + Number(o), 0) : -1;
    const inv = n >= 0 ? (~n >>> 0) : -1;
    // A solid mask: its complement + 1 is a power of two.
    if (n < 0 || !m!.slice(1).every((o) => Number(o) <= 255) || (inv & (inv + 1)) !== 0) {
      ctx.diags.error('KA_CFG_INVALID_VALUE', `IPv4 persistence_granularity netmask is not solid - ${t}`, argLoc(node, 0));
      return;
    }
    v.persistenceGranularity = { family: 4, netmask: t };
  } else {
    const n = /^\d+$/.test(t) ? Number(t) : NaN;
    if (!(n >= 1 && n <= 128)) {
      ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid IPv6 persistence_granularity specified - ${t}`, argLoc(node, 0));
      return;
    }
    v.persistenceGranularity = { family: 6, prefixLen: n };
  }
}

export const VIRTUAL_SERVER_TABLE = defineTable<V>('virtual_server', [
  ...recordingLocs<V>([
    ...serverDefaultRows<V>('virtual server'),
    ...['lvs_sched', 'lb_algo'].map((name) =>
      wordsKw<V>(name, LVS_SCHEDULERS.join('|'), (v, node, ctx) => {
        const s = requireArg(node, ctx, 'a scheduler');
        noExtraArgs(node, ctx, 1);
        if (s === undefined) return;
        if ((LVS_SCHEDULERS as readonly string[]).includes(s)) v.scheduler = s;
        else {
          ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid lvs_scheduler '${s}' - ignoring`, argLoc(node, 0), {
            hint: (LVS_SCHEDULERS as readonly string[]).includes(s.toLowerCase()) ? `schedulers are case-sensitive: use '${s.toLowerCase()}'` : LVS_SCHEDULERS.join(' '),
          });
        }
      }, { default: derived('wlc (warned)') }),
    ),
    wordsKw<V>('protocol', 'TCP|UDP|SCTP', (v, node, ctx) => {
      const p = requireArg(node, ctx, 'TCP, UDP or SCTP');
      noExtraArgs(node, ctx, 1);
      if (p === undefined) return;
      const hit = PROTOCOLS.find((x) => x === p.toUpperCase());
      if (hit) v.protocol = hit;
      else ctx.diags.error('KA_CFG_INVALID_VALUE', `Unknown protocol ${p} - ignoring`, argLoc(node, 0), { hint: 'TCP, UDP or SCTP' });
    }, { default: derived('UDP (warned)') }),
    wordsKw<V>('persistence_timeout', '[N]', (v, node, ctx) => {
      noExtraArgs(node, ctx, 1);
      const t = argText(node, 0);
      if (t === undefined) v.persistenceTimeoutS = DEFAULT_PERSISTENCE_TIMEOUT_S;
      else {
        const n = readIntText(t, argLoc(node, 0), 'persistence_timeout', ctx, 1, 2678400);
        if (n !== undefined) v.persistenceTimeoutS = n;
      }
    }, { default: derived(`0 (keyword alone: ${DEFAULT_PERSISTENCE_TIMEOUT_S})`) }),
    wordsKw<V>('persistence_granularity', 'MASK|PREFIXLEN', persistenceGranularity, { default: derived('/32 (/128)') }),
    stringKw<V>('persistence_engine', (v, s) => (v.persistenceEngine = s), { default: derived('none') }),
    ...FLAG_KEYWORDS.map((name) => flagKw<V>(name, (v, node) => v.flags.push({ name, loc: node.loc }), { default: false })),
    optBoolKw<V>('omega', (v, b) => (v.omega = b), (x) => `Invalid virtual server omega parameter ${x}`, false),
    intKw<V>('quorum', 1, UINT_MAX, (v, n) => (v.quorum = n), { default: 1 }),
    intKw<V>('hysteresis', 0, UINT_MAX, (v, n) => (v.hysteresis = n), { default: 0 }),
    scriptKw<V>('quorum_up', (v, s) => (v.quorumUp = s)),
    scriptKw<V>('quorum_down', (v, s) => (v.quorumDown = s)),
    wordsKw<V>('sorry_server', 'IP [PORT]', (v, node, ctx) => {
      noExtraArgs(node, ctx, 2);
      const e = readEndpoint(node, 0, ctx, 'sorry server');
      if (e) v.sorryServer = { endpoint: e, loc: node.loc };
    }),
    flagKw<V>('sorry_server_inhibit', (v, node, ctx) => {
      if (v.sorryServer) v.sorryServer.inhibit = true;
      else ctx.diags.error('KA_CFG_ORDER', 'Ignoring sorry_server inhibit used before or without sorry_server', node.loc, { hint: 'put sorry_server_inhibit after sorry_server' });
    }, { default: false }),
    wordsKw<V>('sorry_server_lvs_method', 'NAT|DR|TUN …', (v, node, ctx) => {
      const f = readForwarding(node, ctx, '');
      if (f === undefined) return;
      if (v.sorryServer) v.sorryServer.forwarding = f;
      else ctx.diags.error('KA_CFG_ORDER', 'sorry_server forwarding used without sorry_server', node.loc, { hint: 'put sorry_server_lvs_method after sorry_server' });
    }, { default: derived('virtual server method') }),
    flagKw<V>('ha_suspend', (v) => (v.haSuspend = true), { default: false }),
    wordsKw<V>('ip_family', 'inet|inet6', (v, node, ctx) => {
      const f = requireArg(node, ctx, 'inet or inet6');
      noExtraArgs(node, ctx, 1);
      if (f === 'inet') v.ipFamily = 4;
      else if (f === 'inet6') v.ipFamily = 6;
      else if (f !== undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `unknown address family ${f}`, argLoc(node, 0), { hint: 'inet or inet6' });
    }, { default: derived('from the servers') }),
  ]),
  blockKw<V, R>('real_server', REAL_SERVER_TABLE, (_v, node, ctx) => {
    noExtraArgs(node, ctx, 2);
    const endpoint = readEndpoint(node, 0, ctx, 'real server');
    return endpoint ? { loc: node.loc, locs: {}, endpoint, checkers: [] } : undefined;
  }, (v, r) => v.realServers.push(r)),
]);

/** One VSG line: `IP[-END|/LEN] [PORT]` or `fwmark N [inet|inet6]`. */
function vsgLine(g: VsgDraft, line: ConfigNode, ctx: ParseCtx): void {
  if (line.keyword === 'fwmark') {
    noExtraArgs(line, ctx, 2);
    const t = argText(line, 0);
    if (t === undefined) {
      ctx.diags.error('KA_CFG_MISSING_ARG', "'fwmark' requires a number", line.loc);
      return;
    }
    const n = readIntText(t, argLoc(line, 0), 'fwmark', ctx, 1, UINT_MAX);
    const fam = argText(line, 1);
    if (n === undefined) return;
    if (fam !== undefined && fam !== 'inet' && fam !== 'inet6') {
      ctx.diags.error('KA_CFG_INVALID_VALUE', `unknown address family ${fam} for fwmark ${n} - ignoring`, argLoc(line, 1), { hint: 'inet or inet6' });
      return;
    }
    g.entries.push({ type: 'fwmark', fwmark: n, ...(fam !== undefined ? { family: fam === 'inet' ? 4 : 6 } : {}), loc: line.loc });
    return;
  }
  noExtraArgs(line, ctx, 1);
  const portText = argText(line, 0);
  const port = portText === undefined ? 0 : readIntText(portText, argLoc(line, 0), 'port', ctx, 0, 65535);
  const r = parseVsgAddress(line.keyword);
  if (!r.ok) {
    const msg = r.reason.startsWith('Address range end')
      ? `${r.reason} - ${line.keyword} - skipping`
      : `Invalid virtual server group IP address ${line.keyword}${portText !== undefined ? ` /port/${portText}` : ''} - skipping`;
    ctx.diags.error('KA_CFG_INVALID_ADDRESS', msg, line.loc, { hint: 'IP, IP-LAST, IP-IP or IP/PREFIX, then an optional port' });
    return;
  }
  if (port === undefined) return;
  const text = portText !== undefined ? `${line.keyword} ${portText}` : line.keyword;
  g.entries.push({ type: 'range', ...r.value, port, text, loc: line.loc });
}

function openVs(_c: unknown, node: ConfigNode, ctx: ParseCtx): V | undefined {
  const first = requireArg(node, ctx, 'an address, fwmark N or group NAME');
  if (first === undefined) return undefined;
  let address: VsAddressDraft | undefined;
  if (first === 'fwmark' || first === 'group') {
    noExtraArgs(node, ctx, 2);
    const t = argText(node, 1);
    if (t === undefined) {
      ctx.diags.error('KA_CFG_MISSING_ARG', `'virtual_server ${first}' requires a ${first === 'fwmark' ? 'number' : 'group name'}`, node.loc);
      return undefined;
    }
    if (first === 'group') address = { type: 'group', group: t };
    else {
      const n = readIntText(t, argLoc(node, 1), 'fwmark', ctx, 1, UINT_MAX);
      if (n === undefined) return undefined;
      address = { type: 'fwmark', fwmark: n };
    }
  } else {
    noExtraArgs(node, ctx, 2);
    const e = readEndpoint(node, 0, ctx, 'virtual server');
    if (!e) return undefined;
    address = { type: 'ip', endpoint: e };
  }
  return { loc: node.loc, locs: {}, address, flags: [], realServers: [] };
}

function vsgBlock(lvs: LvsDraft, node: ConfigNode, ctx: ParseCtx): void {
  const name = requireArg(node, ctx, 'a name');
  noExtraArgs(node, ctx, 1);
  if (name === undefined) return;
  if (lvs.groups.some((g) => g.name === name)) {
    ctx.diags.error('KA_CFG_DUPLICATE', `virtual_server_group ${name} already defined`, argLoc(node, 0), { hint: 'the second definition is ignored' });
    return;
  }
  const g: VsgDraft = { name, loc: node.loc, entries: [] };
  for (const line of node.children ?? []) {
    if (line.children !== null) ctx.diags.warn('KA_CFG_UNEXPECTED_BRACE', "Unexpected '{' - ignoring", line.loc, { hint: 'virtual_server_group entries take no block; it is skipped' });
    vsgLine(g, line, ctx);
  }
  if (g.entries.length === 0) {
    ctx.diags.warn('KA_CFG_VSG_EMPTY', `virtual server group ${name} has no entries - removing`, node.loc);
    return;
  }
  lvs.groups.push(g);
}

const SSL_TABLE = defineTable<SslDraft>('SSL', [
  stringKw<SslDraft>('password', (s, v) => (s.password = v), { default: derived('none') }),
  stringKw<SslDraft>('ca', (s, v) => (s.caFile = v), { default: derived('none') }),
  stringKw<SslDraft>('certificate', (s, v) => (s.certFile = v), { default: derived('none') }),
  stringKw<SslDraft>('key', (s, v) => (s.keyFile = v), { default: derived('none') }),
]);

/** The top-level rows that open the LVS blocks (top-level.ts), over whatever holds the LvsDraft. */
export const LVS_TOP_LEVEL_ROWS: KeywordDef<{ lvs: LvsDraft }>[] = [
  {
    // A list block with a name (NAME { entries }): applyTable checks the `{`.
    name: 'virtual_server_group',
    form: { type: 'list', item: 'IP[-END|/LEN] [PORT] | fwmark N [inet|inet6]' },
    scalar: false,
    runtime: 'partly',
    runtimeNote: 'every entry becomes its own IPVS service: no per-entry alive counting',
    apply: (c, node, ctx) => vsgBlock(c.lvs, node, ctx),
  },
  blockKw<{ lvs: LvsDraft }, V>('virtual_server', VIRTUAL_SERVER_TABLE, openVs, (c, v) => c.lvs.virtualServers.push(v)),
  blockKw<{ lvs: LvsDraft }, SslDraft>('SSL', SSL_TABLE, (c, node, ctx) => {
    noExtraArgs(node, ctx, 0);
    if (c.lvs.ssl) ctx.diags.warn('KA_CFG_DUPLICATE', 'SSL context already specified - replacing', node.loc);
    return {};
  }, (c, s) => (c.lvs.ssl = s)),
];

export { SSL_TABLE };
