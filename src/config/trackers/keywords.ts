/**
 * Keyword tables of the tracker blocks (keepalived.conf(5): `vrrp_script`, `track_file`,
 * `vrrp_track_process`, `bfd_instance`) and the rows that reference trackers from a
 * vrrp_instance or vrrp_sync_group (`track_interface`, `track_script`, `track_file`,
 * `track_process`, `track_bfd`). Messages keep Debian 2.2.7's wording (`keepalived -t`).
 * The VRRP child does not run trackers yet: their rows are `not-yet` (trackers/sync-group issue).
 */
import { formatIp, parseIp } from '../../core/ip.js';
import type { Draft, LocMap, SourceLoc, TrackInterfaceSpec } from '../common.js';
import type { ParseCtx } from '../diagnostics.js';
import { argLoc, argText, noExtraArgs, parseIntStrict, readIntText, requireArg } from '../keywords/args.js';
import { boolKw, defineTable, derived, flagKw, listFieldKw, scriptKw, SECONDS_AS_WHOLE_MS, stringKw, wordsKw, type KeywordDef, type RowOpts } from '../keywords/table.js';
import type { ConfigNode } from '../source/tree.js';
import type { BfdInstanceConfig, TrackerRef, TrackerRefs, TrackFileConfig, TrackProcessConfig, VrrpScriptConfig } from './model.js';

interface Named {
  readonly name: string;
  readonly loc: SourceLoc;
}

export type VrrpScriptDraft = Draft<VrrpScriptConfig> & Named & { locs: LocMap; user?: { user: string; group?: string } };
export type TrackFileDraft = Draft<TrackFileConfig> & Named;
export type TrackProcessDraft = Draft<TrackProcessConfig> & Named;
export type BfdDraft = Draft<BfdInstanceConfig> & Named & { ttlFamily?: 4 | 6 };

/** `weight N [reverse]` of a tracker block; `message` names the block in errors. */
function weightRow<B extends { weight?: number; reverse?: boolean; name: string }>(min: number, max: number, dflt: number, message: (b: B, text: string) => string, reverseOk = true): KeywordDef<B> {
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
    else if (r !== undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `${b.name} unknown weight option ${r}`.trim(), argLoc(node, 1));
    noExtraArgs(node, ctx, 2);
  }, { field: 'weight', default: dflt });
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
  scriptKw<S>('script', 'script', { default: derived('required') }),
  wordsKw<S>('interval', 'SECS (ms resolution)', (s, node, ctx) => {
    const n = num(node, ctx, 0, MAX_SECS, 3, (t) => `(${s.name}): vrrp script interval '${t}' must be between 1 and ${MAX_SECS} - ignoring`);
    if (n === undefined) return;
    if (n === 0) ctx.diags.warn('KA_CFG_OUT_OF_RANGE', `(${s.name}): vrrp script interval must be greater than 0, setting to 1`, argLoc(node, 0));
    s.intervalMs = n === 0 ? 1000 : Math.round(n * 1000);
  }, { field: 'intervalMs', default: 1, unit: SECONDS_AS_WHOLE_MS }),
  wordsKw<S>('timeout', 'SECS', (s, node, ctx) => {
    const n = num(node, ctx, 0, MAX_SECS, 3, (t) => `(${s.name}): vrrp script timeout '${t}' invalid - ignoring`);
    if (n === undefined) return;
    if (n === 0) ctx.diags.warn('KA_CFG_OUT_OF_RANGE', `(${s.name}): vrrp script timeout must be greater than 0, setting to 1`, argLoc(node, 0));
    s.timeoutMs = n === 0 ? 1000 : Math.round(n * 1000);
  }, { default: derived('= interval') }),
  weightRow<S>(-253, 253, 0, (s, t) => `vrrp_script ${s.name} weight ${t} must be in [-253, 253]`),
  ...(['rise', 'fall'] as const).map((k) =>
    wordsKw<S>(k, 'N (1..2147483647)', (s, node, ctx) => {
      const n = num(node, ctx, 1, 2147483647, 0, (t) => `(${s.name}): vrrp script ${k} value '${t}' invalid, defaulting to 1`);
      s[k] = n ?? 1;
    }, { field: k, default: 1 }),
  ),
  wordsKw<S>('user', 'USER [GROUP]', (s, node, ctx) => {
    const user = requireArg(node, ctx, 'a user name');
    noExtraArgs(node, ctx, 2);
    if (user === undefined) return;
    const group = argText(node, 1);
    s.user = group === undefined ? { user } : { user, group };
  }, { default: derived('script_user') }),
  flagKw<S>('init_fail', 'initFail'),
], 'not-yet');

// ---- track_file -----------------------------------------------------------------------

type F = TrackFileDraft;

export const TRACK_FILE_TABLE = defineTable<F>('track_file', [
  stringKw<F>('file', 'path', { default: derived('required') }),
  weightRow<F>(-254, 254, 1, (f, t) => `Weight (${t}) for track_file ${f.name} must be between [-254..254] inclusive. Ignoring...`),
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
  }, { field: 'initFile', runtime: 'not-yet', runtimeNote: 'the file is not created or written' }),
], 'partly');

// ---- vrrp_track_process ---------------------------------------------------------------

type P = TrackProcessDraft;

const delayRow = (name: string, set: (p: P, ms: number) => void, o: RowOpts & { readonly field?: 'forkDelayMs' | 'terminateDelayMs' } = {}): KeywordDef<P> =>
  wordsKw<P>(name, 'SECS', (p, node, ctx) => {
    const n = num(node, ctx, 0, MAX_SECS, 6, (t) => `${name} '${t}' for vrrp_track_process ${p.name} is invalid - ignoring`);
    if (n !== undefined) set(p, Math.round(n * 1000));
  }, { default: 0, unit: SECONDS_AS_WHOLE_MS, ...o });

export const TRACK_PROCESS_TABLE = defineTable<P>('vrrp_track_process', [
  wordsKw<P>('process', 'NAME [ARGS…]', (p, node, ctx) => {
    const name = requireArg(node, ctx, 'a process name');
    if (name === undefined) return;
    p.process = name;
    p.params = node.args.slice(1).map((t) => t.text);
  }, { default: derived('required') }),
  wordsKw<P>('param_match', 'initial|partial', (p, node, ctx) => {
    const v = requireArg(node, ctx, 'initial or partial');
    noExtraArgs(node, ctx, 1);
    if (v === 'initial' || v === 'partial') p.paramMatch = v;
    else if (v !== undefined) ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid param_match type ${v} - ignoring`, argLoc(node, 0), { hint: 'initial|partial' });
  }, { field: 'paramMatch', default: 'exact' }),
  weightRow<P>(-254, 254, 0, (p, t) => `Weight (${t}) for vrrp_track_process ${p.name} must be between [-254..254] inclusive. Ignoring...`),
  wordsKw<P>('quorum', 'N (1..65535)', (p, node, ctx) => {
    const n = num(node, ctx, 1, 65535, 0, (t) => `Quorum (${t}) for vrrp_track_process ${p.name} must be between [1..65535] inclusive. Ignoring...`);
    if (n !== undefined) p.quorum = n;
  }, { field: 'quorum', default: 1 }),
  wordsKw<P>('quorum_max', 'N (0..65535)', (p, node, ctx) => {
    const n = num(node, ctx, 0, 65535, 0, (t) => `Quorum max (${t}) for vrrp_track_process ${p.name} must be between [0..65535] inclusive. Ignoring...`);
    if (n !== undefined) p.quorumMax = n;
  }, { default: derived('unlimited') }),
  delayRow('fork_delay', (p, ms) => (p.forkDelayMs = ms), { field: 'forkDelayMs' }),
  delayRow('terminate_delay', (p, ms) => (p.terminateDelayMs = ms), { field: 'terminateDelayMs' }),
  delayRow('delay', (p, ms) => {
    p.forkDelayMs = ms;
    p.terminateDelayMs = ms;
  }),
  flagKw<P>('full_command', 'fullCommand'),
], 'not-yet');

// ---- bfd_instance ---------------------------------------------------------------------

type B = BfdDraft;

const bfdInt = (name: string, min: number, max: number, set: (b: B, n: number) => void, what: string, o: RowOpts & { readonly field?: 'minRxMs' | 'minTxMs' | 'idleTxMs' | 'multiplier' | 'maxHops' } = {}): KeywordDef<B> =>
  wordsKw<B>(name, `N (${min}..${max})`, (b, node, ctx) => {
    const ms = name.endsWith('_rx') || name.endsWith('_tx');
    const n = num(node, ctx, min, max, ms ? 3 : 0, (t) => `Configuration error: BFD instance ${b.name} ${what} value ${t} ${ms ? 'is ' : ''}not valid (must be in range [${min}-${max}]), ignoring`);
    if (n !== undefined) set(b, n);
  }, o);

const bfdAddr = (name: string, set: (b: B, a: string) => void, field?: 'neighborIp' | 'sourceIp'): KeywordDef<B> =>
  wordsKw<B>(name, 'IP', (b, node, ctx) => {
    const t = requireArg(node, ctx, 'an IP address');
    noExtraArgs(node, ctx, 1);
    if (t === undefined) return;
    const ip = parseIp(t);
    if (ip) set(b, formatIp(ip));
    else ctx.diags.error('KA_CFG_INVALID_ADDRESS', `Configuration error: BFD instance ${b.name} ${name} value ${t} is not a valid address, ignoring`, argLoc(node, 0));
  }, field !== undefined ? { field } : {});

export const BFD_INSTANCE_TABLE = defineTable<B>('bfd_instance', [
  bfdAddr('neighbor_ip', (b, a) => (b.neighborIp = a), 'neighborIp'),
  bfdAddr('neighbour_ip', (b, a) => (b.neighborIp = a), 'neighborIp'),
  bfdAddr('source_ip', (b, a) => (b.sourceIp = a), 'sourceIp'),
  bfdInt('min_rx', 1, 4294967, (b, n) => (b.minRxMs = n), 'min_rx', { field: 'minRxMs', default: 10 }),
  bfdInt('min_tx', 1, 4294967, (b, n) => (b.minTxMs = n), 'min_tx', { field: 'minTxMs', default: 10 }),
  bfdInt('idle_tx', 1, 4294967, (b, n) => (b.idleTxMs = n), 'idle_tx', { field: 'idleTxMs', default: 1000 }),
  bfdInt('multiplier', 1, 255, (b, n) => (b.multiplier = n), 'multiplier', { field: 'multiplier', default: 5 }),
  flagKw<B>('passive', 'passive'),
  bfdInt('ttl', 1, 255, (b, n) => {
    b.ttl = n;
    b.ttlFamily = 4;
  }, 'ttl/hoplimit', { default: derived('255') }),
  bfdInt('hoplimit', 1, 255, (b, n) => {
    b.ttl = n;
    b.ttlFamily = 6;
  }, 'ttl/hoplimit', { default: derived('64') }),
  bfdInt('max_hops', -1, 255, (b, n) => (b.maxHops = n), 'max_hops', { field: 'maxHops', default: 0 }),
  boolKw<B>('multihop', 'multihop', { default: false }),
  weightRow<B>(-253, 253, 0, (b, t) => `Configuration error: BFD instance ${b.name} weight value ${t} not valid (must be in range [-253-253]), ignoring`),
  flagKw<B>('vrrp', 'vrrpOnly'),
  flagKw<B>('checker', 'checkerOnly'),
], 'not-yet');

// ---- track_* lines of vrrp_instance and vrrp_sync_group --------------------------------

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

const TRACK_LIMITS = {
  trackScripts: { min: -254, max: 254, noun: 'script' },
  trackFiles: { min: -254, max: 254, noun: 'file' },
  trackProcesses: { min: -254, max: 254, noun: 'process' },
  trackBfds: { min: -253, max: 253, noun: 'bfd' },
} as const satisfies Record<keyof TrackerRefs, TrackerRefLimits>;

const TRACK_KEYWORDS = { trackScripts: 'track_script', trackFiles: 'track_file', trackProcesses: 'track_process', trackBfds: 'track_bfd' } as const;

/** The builder of a block that tracks: a vrrp_instance or vrrp_sync_group draft. */
export type TrackingDraft = Draft<TrackerRefs> & { readonly name: string; trackInterfaces?: TrackInterfaceSpec[] };

/**
 * `track_script { NAME [weight N [reverse]] }` and its siblings. In a vrrp_instance a
 * repeated name is dropped and a script weight of ±254 becomes ±253, as keepalived does;
 * a vrrp_sync_group keeps the lines as written.
 */
function trackRefRow(key: keyof TrackerRefs, inInstance: boolean): KeywordDef<TrackingDraft> {
  const name = TRACK_KEYWORDS[key];
  const lim = TRACK_LIMITS[key];
  return listFieldKw<TrackingDraft, TrackerRef>(name, `NAME [weight N [reverse|noreverse]] (${lim.min}..${lim.max})`, key, (line, ctx, d) => {
    const ref = parseTrackerRef(d.name, line, lim, ctx);
    if (!ref || !inInstance) return ref;
    if (key === 'trackScripts' && (ref.weight === 254 || ref.weight === -254)) {
      ctx.diags.warn('KA_CFG_OUT_OF_RANGE', `(${d.name}) weight for ${ref.name} cannot be +/-254. Setting to +/-253`, line.loc);
      return { ...ref, weight: ref.weight > 0 ? 253 : -253 };
    }
    if (d[key]?.some((r) => r.name === ref.name)) {
      ctx.diags.warn('KA_CFG_DUPLICATE', `(${d.name}) duplicate ${name} ${ref.name} - ignoring`, line.loc);
      return undefined;
    }
    return ref;
  }, { runtime: 'not-yet' });
}

/** `IF weight N [reverse]` of a vrrp_instance: ±254 is out of range, a repeated interface is dropped. */
function instanceTrackInterface(d: TrackingDraft, line: ConfigNode, ctx: ParseCtx): TrackInterfaceSpec | undefined {
  let weight = 0;
  let reverse = false;
  const w = argText(line, 0);
  if (w === 'weight') {
    const t = argText(line, 1);
    if (t === undefined) {
      ctx.diags.error('KA_CFG_MISSING_ARG', `(${d.name}) track_interface ${line.keyword}: 'weight' requires a number - ignoring`, argLoc(line, 0));
      return undefined;
    }
    const n = readIntText(t, argLoc(line, 1), 'weight', ctx, -254, 254);
    if (n === undefined) return undefined;
    if (n < -253 || n > 253) {
      ctx.diags.error('KA_CFG_OUT_OF_RANGE', `(${d.name}) weight ${n} for ${line.keyword} must be between [-253..253] inclusive. Ignoring...`, argLoc(line, 1));
      return undefined;
    }
    weight = n;
    const r = argText(line, 2);
    if (r === 'reverse') reverse = true;
    else if (r !== undefined && r !== 'noreverse') ctx.diags.warn('KA_CFG_UNKNOWN_KEYWORD', `(${d.name}) unknown track_interface option '${r}' - ignoring`, argLoc(line, 2));
  } else if (w !== undefined) {
    ctx.diags.warn('KA_CFG_UNKNOWN_KEYWORD', `(${d.name}) unknown track_interface option '${w}' - ignoring`, argLoc(line, 0));
  }
  if (d.trackInterfaces?.some((t) => t.name === line.keyword)) {
    ctx.diags.warn('KA_CFG_DUPLICATE', `(${d.name}) duplicate track_interface ${line.keyword} - ignoring`, line.loc);
    return undefined;
  }
  return { name: line.keyword, weight, reverse };
}

/** `IF [weight N [reverse]]` of a vrrp_sync_group (-253..253). */
function groupTrackInterface(line: ConfigNode, ctx: ParseCtx): TrackInterfaceSpec | undefined {
  if (argText(line, 0) !== 'weight') return { name: line.keyword, weight: 0, reverse: false };
  const t = argText(line, 1);
  const n = t === undefined ? undefined : readIntText(t, argLoc(line, 1), 'weight', ctx, -253, 253);
  return n === undefined ? undefined : { name: line.keyword, weight: n, reverse: argText(line, 2) === 'reverse' };
}

/** `track_interface { IF [weight N [reverse]] }` of vrrp_instance (`inInstance`) or vrrp_sync_group. */
export function trackInterfaceRow(inInstance: boolean, o: RowOpts): KeywordDef<TrackingDraft> {
  return inInstance
    ? listFieldKw<TrackingDraft, TrackInterfaceSpec>('track_interface', 'IF [weight N [reverse]]', 'trackInterfaces', (line, ctx, d) => instanceTrackInterface(d, line, ctx), o)
    : listFieldKw<TrackingDraft, TrackInterfaceSpec>('track_interface', 'IF [weight N [reverse]] (-253..253)', 'trackInterfaces', (line, ctx) => groupTrackInterface(line, ctx), o);
}

/** `track_script`, `track_file`, `track_process`, `track_bfd` of vrrp_instance (`inInstance`) or vrrp_sync_group. */
export const trackRefRows = (inInstance: boolean): KeywordDef<TrackingDraft>[] => (['trackScripts', 'trackFiles', 'trackProcesses', 'trackBfds'] as const).map((k) => trackRefRow(k, inInstance));
