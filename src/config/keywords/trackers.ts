/**
 * Keyword tables of the tracker blocks (reference §1a.3 track_file, §1a.4 vrrp_script,
 * §1a.5 vrrp_track_process, §1a.13 bfd_instance, §1a.7 garp_group) and the `track_*`
 * reference lists used inside vrrp_instance and vrrp_sync_group. Messages keep Debian
 * 2.2.7's wording (checked with `keepalived -t`).
 */
import { formatIp, parseIp } from '../../core/ip.js';
import type { BfdDraft, GarpGroupDraft, TrackFileDraft, TrackProcessDraft, VrrpScriptDraft } from '../draft-vrrp-extra.js';
import type { TrackerRef } from '../model-vrrp-extra.js';
import type { ConfigNode } from '../source/tree.js';
import { argLoc, argText, noExtraArgs, parseIntStrict, readDecimalText, requireArg } from './args.js';
import { boolKw, defineTable, flagKw, type KeywordDef, listKw, scriptKw, stringKw, wordsKw } from './table.js';
import { type ParseCtx } from '../diagnostics.js';

/** `weight N [reverse]` of a tracker block; `kw` names the block in messages. */
function weightRow<B extends { weight?: number; reverse?: boolean }>(min: number, max: number, message: (b: B, text: string) => string, reverseOk = true): KeywordDef<B> {
  return wordsKw<B>('weight', `N [reverse] (${min}..${max})`, (b, node, ctx) => {
    const t = requireArg(node, ctx, 'a number');
    if (t === undefined) return;
    const n = parseIntStrict(t);
    if (n === null || n < min || n > max) {
      ctx.diags.error('KA_CFG_OUT_OF_RANGE', message(b, t), argLoc(node, 0), { hint: `${min}..${max}` });
      return;
    }
    b.weight = n;
    const r = argText(node, 1);
    if (r === 'reverse' && reverseOk) b.reverse = true;
    else if (r === 'noreverse') b.reverse = false;
    else if (r !== undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `${(b as { name?: string }).name ?? ''} unknown weight option ${r}`.trim(), argLoc(node, 1));
    noExtraArgs(node, ctx, 2);
  });
}

const num = (node: ConfigNode, ctx: ParseCtx, min: number, max: number, decimals: number, message: (t: string) => string): number | undefined => {
  const t = requireArg(node, ctx, 'a number');
  noExtraArgs(node, ctx, 1);
  if (t === undefined) return undefined;
  const n = /^[-+]?\d*(\.\d*)?$/.test(t) && t !== '' ? Number(t) : NaN;
  const dp = t.split('.')[1]?.length ?? 0;
  if (Number.isNaN(n) || n < min || n > max || dp > decimals) {
    ctx.diags.error('KA_CFG_OUT_OF_RANGE', message(t), argLoc(node, 0));
    return undefined;
  }
  return n;
};

// ---- vrrp_script ----------------------------------------------------------------------

type S = VrrpScriptDraft;
const MAX_SECS = 4294;

export const VRRP_SCRIPT_TABLE = defineTable<S>('vrrp_script', [
  scriptKw<S>('script', (s, v) => (s.script = v)),
  wordsKw<S>('interval', 'SECS (ms resolution)', (s, node, ctx) => {
    const n = num(node, ctx, 0, MAX_SECS, 3, (t) => `(${s.name}): vrrp script interval '${t}' must be between 1 and ${MAX_SECS} - ignoring`);
    if (n === undefined) return;
    if (n === 0) ctx.diags.warn('KA_CFG_OUT_OF_RANGE', `(${s.name}): vrrp script interval must be greater than 0, setting to 1`, argLoc(node, 0));
    s.intervalMs = n === 0 ? 1000 : Math.round(n * 1000);
  }, { default: '1' }),
  wordsKw<S>('timeout', 'SECS', (s, node, ctx) => {
    const n = num(node, ctx, 0, MAX_SECS, 3, (t) => `(${s.name}): vrrp script timeout '${t}' invalid - ignoring`);
    if (n === undefined) return;
    if (n === 0) ctx.diags.warn('KA_CFG_OUT_OF_RANGE', `(${s.name}): vrrp script timeout must be greater than 0, setting to 1`, argLoc(node, 0));
    s.timeoutMs = n === 0 ? 1000 : Math.round(n * 1000);
  }, { default: '= interval' }),
  weightRow<S>(-253, 253, (s, t) => `vrrp_script ${s.name} weight ${t} must be in [-253, 253]`),
  ...(['rise', 'fall'] as const).map((k) =>
    wordsKw<S>(k, 'N (1..2147483647)', (s, node, ctx) => {
      const n = num(node, ctx, 1, 2147483647, 0, (t) => `(${s.name}): vrrp script ${k} value '${t}' invalid, defaulting to 1`);
      s[k] = n ?? 1;
    }, { default: '1' }),
  ),
  wordsKw<S>('user', 'USER [GROUP]', (s, node, ctx) => {
    const user = requireArg(node, ctx, 'a user name');
    noExtraArgs(node, ctx, 2);
    if (user === undefined) return;
    const group = argText(node, 1);
    s.user = group === undefined ? { user } : { user, group };
  }, { default: 'script_user' }),
  flagKw<S>('init_fail', (s) => (s.initFail = true), { default: 'off' }),
]);

// ---- track_file -----------------------------------------------------------------------

type F = TrackFileDraft;

export const TRACK_FILE_TABLE = defineTable<F>('track_file', [
  stringKw<F>('file', (f, v) => (f.path = v), { default: 'required' }),
  weightRow<F>(-254, 254, (f, t) => `Weight (${t}) for track_file ${f.name} must be between [-254..254] inclusive. Ignoring...`),
  wordsKw<F>('init_file', '[VALUE] [overwrite]', (f, node, ctx) => {
    let value = 0;
    let overwrite = false;
    node.args.forEach((a, i) => {
      const n = parseIntStrict(a.text);
      if (a.text === 'overwrite') overwrite = true;
      else if (n !== null && i === 0) value = n;
      else ctx.diags.error('KA_CFG_INVALID_VALUE', `Unknown track file init option ${a.text}`, argLoc(node, i));
    });
    f.initFile = { value, overwrite };
  }),
]);

// ---- vrrp_track_process ---------------------------------------------------------------

type P = TrackProcessDraft;

const delayRow = (name: string, set: (p: P, ms: number) => void): KeywordDef<P> =>
  wordsKw<P>(name, 'SECS', (p, node, ctx) => {
    const n = num(node, ctx, 0, MAX_SECS, 6, (t) => `${name} '${t}' for vrrp_track_process ${p.name} is invalid - ignoring`);
    if (n !== undefined) set(p, Math.round(n * 1000));
  }, { default: '0' });

export const TRACK_PROCESS_TABLE = defineTable<P>('vrrp_track_process', [
  wordsKw<P>('process', 'NAME [ARGS…]', (p, node, ctx) => {
    const name = requireArg(node, ctx, 'a process name');
    if (name === undefined) return;
    p.process = name;
    p.params = node.args.slice(1).map((t) => t.text);
  }, { default: 'required' }),
  wordsKw<P>('param_match', 'initial|partial', (p, node, ctx) => {
    const v = requireArg(node, ctx, 'initial or partial');
    noExtraArgs(node, ctx, 1);
    if (v === 'initial' || v === 'partial') p.paramMatch = v;
    else if (v !== undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid param_match type ${v} - ignoring`, argLoc(node, 0), { hint: 'initial|partial' });
  }, { default: 'exact' }),
  weightRow<P>(-254, 254, (p, t) => `Weight (${t}) for vrrp_track_process ${p.name} must be between [-254..254] inclusive. Ignoring...`),
  wordsKw<P>('quorum', 'N (1..65535)', (p, node, ctx) => {
    const n = num(node, ctx, 1, 65535, 0, (t) => `Quorum (${t}) for vrrp_track_process ${p.name} must be between [1..65535] inclusive. Ignoring...`);
    if (n !== undefined) p.quorum = n;
  }, { default: '1' }),
  wordsKw<P>('quorum_max', 'N (0..65535)', (p, node, ctx) => {
    const n = num(node, ctx, 0, 65535, 0, (t) => `Quorum max (${t}) for vrrp_track_process ${p.name} must be between [0..65535] inclusive. Ignoring...`);
    if (n !== undefined) p.quorumMax = n;
  }, { default: 'unlimited' }),
  delayRow('fork_delay', (p, ms) => (p.forkDelayMs = ms)),
  delayRow('terminate_delay', (p, ms) => (p.terminateDelayMs = ms)),
  delayRow('delay', (p, ms) => {
    p.forkDelayMs = ms;
    p.terminateDelayMs = ms;
  }),
  flagKw<P>('full_command', (p) => (p.fullCommand = true), { default: 'off' }),
]);

// ---- bfd_instance ---------------------------------------------------------------------

type B = BfdDraft;

const bfdInt = (name: string, min: number, max: number, set: (b: B, n: number) => void, what = name, dflt = ''): KeywordDef<B> =>
  wordsKw<B>(name, `N (${min}..${max})`, (b, node, ctx) => {
    const n = num(node, ctx, min, max, name.endsWith('_rx') || name.endsWith('_tx') ? 3 : 0, (t) => `Configuration error: BFD instance ${b.name} ${what} value ${t} ${name.endsWith('_rx') || name.endsWith('_tx') ? 'is ' : ''}not valid (must be in range [${min}-${max}]), ignoring`);
    if (n !== undefined) set(b, n);
  }, { default: dflt });

const bfdAddr = (name: string, set: (b: B, a: string) => void): KeywordDef<B> =>
  wordsKw<B>(name, 'IP', (b, node, ctx) => {
    const t = requireArg(node, ctx, 'an IP address');
    noExtraArgs(node, ctx, 1);
    if (t === undefined) return;
    const ip = parseIp(t);
    if (ip) set(b, formatIp(ip));
    else ctx.diags.error('KA_CFG_INVALID_ADDRESS', `Configuration error: BFD instance ${b.name} ${name} value ${t} is not a valid address, ignoring`, argLoc(node, 0));
  });

export const BFD_INSTANCE_TABLE = defineTable<B>('bfd_instance', [
  bfdAddr('neighbor_ip', (b, a) => (b.neighborIp = a)),
  bfdAddr('neighbour_ip', (b, a) => (b.neighborIp = a)),
  bfdAddr('source_ip', (b, a) => (b.sourceIp = a)),
  bfdInt('min_rx', 1, 4294967, (b, n) => (b.minRxMs = n), 'min_rx', '10'),
  bfdInt('min_tx', 1, 4294967, (b, n) => (b.minTxMs = n), 'min_tx', '10'),
  bfdInt('idle_tx', 1, 4294967, (b, n) => (b.idleTxMs = n), 'idle_tx', '1000'),
  bfdInt('multiplier', 1, 255, (b, n) => (b.multiplier = n), 'multiplier', '5'),
  flagKw<B>('passive', (b) => (b.passive = true), { default: 'off' }),
  bfdInt('ttl', 1, 255, (b, n) => {
    b.ttl = n;
    b.ttlFamily = 4;
  }, 'ttl/hoplimit', '255'),
  bfdInt('hoplimit', 1, 255, (b, n) => {
    b.ttl = n;
    b.ttlFamily = 6;
  }, 'ttl/hoplimit', '64'),
  bfdInt('max_hops', -1, 255, (b, n) => (b.maxHops = n), 'max_hops', '0'),
  boolKw<B>('multihop', (b, v) => (b.multihop = v), { default: 'off (port 3784)' }),
  weightRow<B>(-253, 253, (b, t) => `Configuration error: BFD instance ${b.name} weight value ${t} not valid (must be in range [-253-253]), ignoring`),
  flagKw<B>('vrrp', (b) => (b.vrrpOnly = true)),
  flagKw<B>('checker', (b) => (b.checkerOnly = true)),
]);

// ---- garp_group -----------------------------------------------------------------------

type G = GarpGroupDraft;

const garpSecs = (name: string, set: (g: G, ms: number) => void): KeywordDef<G> =>
  wordsKw<G>(name, 'SECS', (g, node, ctx) => {
    const t = requireArg(node, ctx, 'a number');
    noExtraArgs(node, ctx, 1);
    const n = t === undefined ? undefined : readDecimalText(t, argLoc(node, 0), name, ctx, 0, 4294.967295, 6);
    if (n !== undefined) set(g, n * 1000);
  });

export const GARP_GROUP_TABLE = defineTable<G>('garp_group', [
  garpSecs('garp_interval', (g, ms) => (g.garpIntervalMs = ms)),
  garpSecs('gna_interval', (g, ms) => (g.gnaIntervalMs = ms)),
  stringKw<G>('interface', (g, v) => g.interfaces.push(v)),
  listKw<G>('interfaces', 'IF', (g, line) => g.interfaces.push(line.keyword, ...line.args.map((a) => a.text))),
]);

// ---- track_* reference lists -----------------------------------------------------------

export interface TrackerRefLimits {
  /** Valid weight range on the line. */
  readonly min: number;
  readonly max: number;
  /** keepalived's noun in messages: `script`, `file`, `process`, `bfd`. */
  readonly noun: string;
}

/** One `NAME [weight N [reverse|noreverse]]` line of a `track_*` block. */
export function parseTrackerRef(owner: string, line: ConfigNode, lim: TrackerRefLimits, ctx: ParseCtx): TrackerRef | undefined {
  const ref: { -readonly [K in keyof TrackerRef]?: TrackerRef[K] } = { name: line.keyword, loc: line.loc };
  for (let i = 0; i < line.args.length; i++) {
    const w = line.args[i]!.text;
    if (w === 'reverse' || w === 'noreverse') {
      ref.reverse = w === 'reverse';
    } else if (w === 'weight') {
      const t = line.args[i + 1]?.text;
      i++;
      const n = t === undefined ? null : parseIntStrict(t);
      if (n === null || n < lim.min || n > lim.max) {
        ctx.diags.error('KA_CFG_OUT_OF_RANGE', `(${owner}) weight for track ${lim.noun} ${line.keyword} must be in [${lim.min}..${lim.max}] inclusive. Ignoring...`, argLoc(line, i), { hint: `${lim.min}..${lim.max}` });
        return undefined;
      }
      ref.weight = n;
    } else {
      ctx.diags.error('KA_CFG_INVALID_VALUE', `(${owner}) unknown track ${lim.noun} option '${w}' - ignoring`, argLoc(line, i));
    }
  }
  return ref as TrackerRef;
}

export const TRACK_LIMITS = {
  script: { min: -254, max: 254, noun: 'script' },
  file: { min: -254, max: 254, noun: 'file' },
  process: { min: -254, max: 254, noun: 'process' },
  bfd: { min: -253, max: 253, noun: 'bfd' },
} as const satisfies Record<string, TrackerRefLimits>;
