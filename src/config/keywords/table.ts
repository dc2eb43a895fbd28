/**
 * Keyword tables: one table per block, each keyword a row of data: name, argument form,
 * default, run-time status, and either the model field it sets (a plain row) or a handler
 * writing into the block's builder. Plain rows carry the whole keyword: `plainFields`
 * fills their defaults for the compiler, `plainLines` prints them for the dump, and the
 * docs render both columns from them. Adding a block = a new table plus a `blockKw` row in
 * its parent. `applyTable` walks a block's statements: unknown keywords are reported with a
 * did-you-mean hint and, unlike keepalived, their whole `{ … }` is skipped so braces stay
 * in sync.
 */
import { type IpAddress, formatIp, isMulticast, parseIp } from '../../core/ip.js';
import type { KeywordRuntime, NotifyScripts, ScriptSpec, SourceLoc } from '../common.js';
import type { ParseCtx } from '../diagnostics.js';
import { quote, scriptLine, secsExact } from '../print-format.js';
import type { ConfigNode } from '../source/tree.js';
import { argLoc, noExtraArgs, readBool, readDecimal, readInt, readScript, requireArg } from './args.js';
import { suggest } from './suggest.js';

export type ArgForm =
  | { readonly type: 'flag' }
  | { readonly type: 'int'; readonly min: number; readonly max: number }
  | { readonly type: 'timer'; readonly min: number; readonly max: number; readonly decimals: number }
  | { readonly type: 'bool' }
  | { readonly type: 'string' }
  | { readonly type: 'address' }
  | { readonly type: 'script' }
  | { readonly type: 'words'; readonly syntax: string }
  | { readonly type: 'list'; readonly item: string }
  | { readonly type: 'block'; readonly table: string; readonly sub: TableInfo }
  | { readonly type: 'unsupported' };

/** A default keepalived applies, in the keyword's own units (seconds, not ms). */
export type DefaultValue = number | string | boolean;

/** A default that is not one value: derived from other keywords, or applied outside the model. */
export interface DefaultNote {
  readonly note: string;
}

export type KeywordDefault = DefaultValue | DefaultNote;

/** A default derived from other keywords (`= vrrp_garp_master_delay`, `100 (255 with state MASTER)`). */
export const derived = (note: string): DefaultNote => ({ note });
/** keepalived's default, which the model does not fill in: the field stays unset and the subsystem acting on it applies `note`. */
export const keptUnset = (note: string): DefaultNote => ({ note });

export const isDefaultValue = (d: KeywordDefault | undefined): d is DefaultValue => d !== undefined && typeof d !== 'object';

/** A number's units in the file and in the model (seconds in the file, ms in the model …). */
export interface Unit {
  readonly toModel: (v: number) => number;
  readonly toText: (v: number) => string;
}

/** Seconds in the file, milliseconds in the model. */
export const SECONDS_AS_MS: Unit = { toModel: (s) => s * 1000, toText: (ms) => secsExact(ms) };
/** The same, rounded to whole milliseconds. */
export const SECONDS_AS_WHOLE_MS: Unit = { toModel: (s) => Math.round(s * 1000), toText: (ms) => secsExact(ms) };

/** A row without its handler: what the docs (config-doc.ts) and the run-time report are made of. */
export interface KeywordInfo {
  readonly name: string;
  readonly form: ArgForm;
  /** keepalived's default: a value (plain rows: filled by `plainFields`) or a note. */
  readonly default?: KeywordDefault;
  /** Set on a deprecated alias: the keyword to use instead. */
  readonly deprecatedFor?: string;
  /** A repeated scalar overwrites the previous value (with a warning). */
  readonly scalar: boolean;
  /** Plain rows: the model field the keyword sets (`garp.masterDelayMs` for a nested record). */
  readonly field?: string;
  /** Plain number rows: file units → model units. */
  readonly unit?: Unit;
  /** Whether the daemon acts on it at run time; undefined = the table's. */
  readonly runtime?: KeywordRuntime;
  /** What is done or missing, for `partly` and `not-yet` (docs/compatibility.md). */
  readonly runtimeNote?: string;
}

export interface TableInfo {
  readonly block: string;
  readonly defs: ReadonlyMap<string, KeywordInfo>;
  /** Run-time status of the rows that do not set their own. */
  readonly runtime: KeywordRuntime;
}

export interface KeywordDef<B> extends KeywordInfo {
  readonly apply: (b: B, node: ConfigNode, ctx: ParseCtx) => void;
}

export interface KeywordTable<B> extends TableInfo {
  /** Block name used in messages and docs (`global_defs`, `vrrp_instance`, …). */
  readonly block: string;
  readonly defs: ReadonlyMap<string, KeywordDef<B>>;
}

export function defineTable<B>(block: string, defs: readonly KeywordDef<B>[], runtime: KeywordRuntime = 'acts'): KeywordTable<B> {
  const map = new Map<string, KeywordDef<B>>();
  for (const d of defs) {
    if (map.has(d.name)) throw new Error(`keyword table ${block}: duplicate row '${d.name}'`);
    map.set(d.name, d);
  }
  return { block, defs: map, runtime };
}

export const runtimeOf = (d: KeywordInfo, t: TableInfo): KeywordRuntime => d.runtime ?? t.runtime;

const takesBlock = (f: ArgForm): boolean => f.type === 'list' || f.type === 'block';

/** Applies a block's statements to its builder through the block's table. */
export function applyTable<B>(table: KeywordTable<B>, nodes: readonly ConfigNode[], b: B, ctx: ParseCtx): void {
  const apply = tableApplier(table, b, ctx);
  for (const node of nodes) apply(node);
}

/**
 * applyTable one node at a time, for a caller that streams the top level (parse-config.ts):
 * each block is applied as soon as it is complete and its tree can go.
 */
export function tableApplier<B>(table: KeywordTable<B>, b: B, ctx: ParseCtx): (node: ConfigNode) => void {
  const seen = new Set<string>();
  return (node) => {
    const def = table.defs.get(node.keyword);
    if (!def) {
      const near = suggest(node.keyword, [...table.defs.keys()]);
      ctx.diags.warn('KA_CFG_UNKNOWN_KEYWORD', `Unknown keyword '${node.keyword}'`, node.loc, {
        hint: [near ? `did you mean '${near}'?` : `not a ${table.block} keyword`, node.children ? 'its { } block is skipped' : ''].filter((s) => s).join('; '),
      });
      return;
    }
    if (def.form.type === 'unsupported') {
      ctx.diags.warn('KA_CFG_UNSUPPORTED', `'${node.keyword}' is not supported yet - ignoring`, node.loc, {
        hint: node.children ? 'its { } block is skipped' : 'keepalived-ts parses it but does not implement it',
      });
      return;
    }
    if (takesBlock(def.form) && node.children === null) {
      ctx.diags.error('KA_CFG_MISSING_BLOCK', "Missing '{' at beginning of configuration block", node.loc, { hint: `'${node.keyword}' takes a { } block` });
      return;
    }
    if (def.scalar && seen.has(def.name)) {
      ctx.diags.warn('KA_CFG_DUPLICATE', `Duplicate '${node.keyword}' - overwriting`, node.loc, { hint: 'the last value wins' });
    }
    seen.add(def.name);
    const runtime = runtimeOf(def, table);
    if (runtime !== 'acts') ctx.uses?.push({ block: table.block, keyword: node.keyword, loc: node.loc, runtime, ...(def.runtimeNote !== undefined ? { note: def.runtimeNote } : {}) });
    // Inside a block the daemon does not act on, the block stands for its keywords.
    def.apply(b, node, runtime === 'not-yet' && ctx.uses !== undefined ? { diags: ctx.diags } : ctx);
    if (!takesBlock(def.form) && node.children !== null) {
      ctx.diags.warn('KA_CFG_UNEXPECTED_BRACE', "Unexpected '{' - ignoring", node.children[0]?.loc ?? node.loc, {
        hint: `'${node.keyword}' takes no block; its lines are read at the enclosing level`,
      });
      applyTable(table, node.children, b, ctx);
    }
  };
}

// ---- row constructors -------------------------------------------------------------

type Set<B, T> = (b: B, v: T, node: ConfigNode, ctx: ParseCtx) => void;

/** Direct fields of B whose value type is T. */
type DirectField<B, T> = { [K in keyof B & string]-?: [NonNullable<B[K]>] extends [T] ? K : never }[keyof B & string];
/** Fields of B (or of one nested record, dotted) whose value type is T: where a plain row stores. */
export type FieldOf<B, T> =
  | DirectField<B, T>
  | { [K in keyof B & string]-?: NonNullable<B[K]> extends readonly unknown[] ? never : NonNullable<B[K]> extends object ? `${K}.${DirectField<NonNullable<B[K]>, T>}` : never }[keyof B & string];

/** A plain row's field (string) or a handler storing the value itself. */
export type Target<B, T> = Set<B, T> | FieldOf<B, T>;

export interface RowOpts {
  readonly default?: KeywordDefault;
  readonly deprecatedFor?: string;
  readonly runtime?: KeywordRuntime;
  readonly runtimeNote?: string;
  readonly unit?: Unit;
}

type Meta = Omit<KeywordInfo, 'name' | 'form' | 'scalar'>;

function meta(o: RowOpts, field?: string): Meta {
  return {
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.deprecatedFor !== undefined ? { deprecatedFor: o.deprecatedFor } : {}),
    ...(o.runtime !== undefined ? { runtime: o.runtime } : {}),
    ...(o.runtimeNote !== undefined ? { runtimeNote: o.runtimeNote } : {}),
    ...(field !== undefined ? { field } : {}),
    ...(field !== undefined && o.unit !== undefined ? { unit: o.unit } : {}),
  };
}

/** Reads a dotted field path (`garp.masterDelayMs`). */
export function getField(o: object, path: string): unknown {
  let v: unknown = o;
  for (const k of path.split('.')) v = v === undefined || v === null ? undefined : (v as Record<string, unknown>)[k];
  return v;
}

/** Writes a dotted field path, creating the nested record. */
export function setField(o: object, path: string, value: unknown): void {
  const keys = path.split('.');
  let rec = o as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) rec = (rec[k] ??= {}) as Record<string, unknown>;
  rec[keys[keys.length - 1]!] = value;
}

function store<B, T>(target: Target<B, T>, unit: Unit | undefined): Set<B, T> {
  if (typeof target !== 'string') return target;
  return (b, v) => setField(b as object, target, unit !== undefined && typeof v === 'number' ? unit.toModel(v) : v);
}

const fieldOf = <B, T>(target: Target<B, T>): string | undefined => (typeof target === 'string' ? target : undefined);

/** A flag; a field target is set true (its default is off). */
export function flagKw<B>(name: string, target: FieldOf<B, boolean> | ((b: B, node: ConfigNode, ctx: ParseCtx) => void), o: ValueOpts<B, boolean> = {}): KeywordDef<B> {
  const field = typeof target === 'string' ? target : o.field;
  const set = typeof target === 'string' ? (b: B): void => setField(b as object, target, true) : target;
  return {
    name,
    form: { type: 'flag' },
    scalar: false,
    ...meta(field !== undefined ? { default: false, ...o } : o, field),
    apply: (b, node, ctx) => {
      noExtraArgs(node, ctx, 0);
      set(b, node, ctx);
    },
  };
}

/** Options of a row; `field` declares the model field a handler target writes (for defaults, docs, dump). */
export type ValueOpts<B, T> = RowOpts & { readonly field?: FieldOf<B, T> | FieldOf<B, unknown> };

/** A one-argument scalar: `read` parses (and reports), the target stores a valid value. */
function valueKw<B, T>(name: string, form: ArgForm, read: (node: ConfigNode, ctx: ParseCtx) => T | undefined, target: Target<B, T>, o: ValueOpts<B, T>): KeywordDef<B> {
  const set = store(target, o.unit);
  return {
    name,
    form,
    scalar: true,
    ...meta(o, fieldOf(target) ?? o.field),
    apply: (b, node, ctx) => {
      const v = read(node, ctx);
      noExtraArgs(node, ctx, 1);
      if (v !== undefined) set(b, v, node, ctx);
    },
  };
}

export function intKw<B>(name: string, min: number, max: number, target: Target<B, number>, o: ValueOpts<B, number> = {}): KeywordDef<B> {
  return valueKw(name, { type: 'int', min, max }, (node, ctx) => readInt(node, ctx, min, max), target, o);
}

/** Seconds with decimals; a handler receives seconds as a float, a field gets `o.unit`'s value. */
export function timerKw<B>(name: string, min: number, max: number, decimals: number, target: Target<B, number>, o: ValueOpts<B, number> = {}): KeywordDef<B> {
  return valueKw(name, { type: 'timer', min, max, decimals }, (node, ctx) => readDecimal(node, ctx, min, max, decimals), target, o);
}

export function boolKw<B>(name: string, target: Target<B, boolean>, o: ValueOpts<B, boolean> = {}): KeywordDef<B> {
  return valueKw(name, { type: 'bool' }, readBool, target, o);
}

export function stringKw<B>(name: string, target: Target<B, string>, o: ValueOpts<B, string> = {}): KeywordDef<B> {
  return valueKw(name, { type: 'string' }, (node, ctx) => requireArg(node, ctx, 'a value'), target, o);
}

/** Free-form arguments parsed by the handler itself (addresses with options, `HOST [PORT]`, …). */
export function wordsKw<B>(
  name: string,
  syntax: string,
  apply: (b: B, node: ConfigNode, ctx: ParseCtx) => void,
  o: RowOpts & { readonly scalar?: boolean; readonly field?: FieldOf<B, unknown> } = {},
): KeywordDef<B> {
  return { name, form: { type: 'words', syntax }, scalar: o.scalar ?? true, ...meta(o, o.field), apply };
}

export function scriptKw<B>(name: string, target: Target<B, ScriptSpec>, o: ValueOpts<B, ScriptSpec> = {}): KeywordDef<B> {
  const set = store(target, undefined);
  return {
    name,
    form: { type: 'script' },
    scalar: true,
    ...meta(o, fieldOf(target) ?? o.field),
    apply: (b, node, ctx) => {
      const v = readScript(node, ctx);
      if (v !== undefined) set(b, v, node, ctx);
    },
  };
}

function listRow<B>(name: string, item: string, each: (b: B, line: ConfigNode, ctx: ParseCtx) => void, o: RowOpts, field: string | undefined): KeywordDef<B> {
  return {
    name,
    form: { type: 'list', item },
    scalar: false,
    ...meta(o, field),
    apply: (b, node, ctx) => {
      noExtraArgs(node, ctx, 0);
      for (const line of node.children ?? []) {
        if (line.children !== null) {
          ctx.diags.warn('KA_CFG_UNEXPECTED_BRACE', "Unexpected '{' - ignoring", line.loc, { hint: `${name} items take no block; it is skipped` });
        }
        each(b, line, ctx);
      }
    },
  };
}

/** A block whose lines are list items, each given to `onItem` (`field` declares the list it fills). */
export function listKw<B>(name: string, item: string, onItem: (b: B, line: ConfigNode, ctx: ParseCtx) => void, o: ValueOpts<B, readonly unknown[]> = {}): KeywordDef<B> {
  return listRow(name, item, onItem, o, o.field);
}

/** A list block whose lines `parse` turns into entries of `field` (undefined = the line was reported and dropped). */
export function listFieldKw<B, E>(name: string, item: string, field: FieldOf<B, readonly E[]>, parse: (line: ConfigNode, ctx: ParseCtx, b: B) => E | undefined, o: RowOpts = {}): KeywordDef<B> {
  return listRow<B>(name, item, (b, line, ctx) => {
    const e = parse(line, ctx, b);
    if (e === undefined) return;
    const list = getField(b as object, field) as E[] | undefined;
    if (list) list.push(e);
    else setField(b as object, field, [e]);
  }, o, field);
}

/** A sub-block with its own table: `open` makes the child builder, `close` folds it back. */
export function blockKw<B, C>(
  name: string,
  table: KeywordTable<C>,
  open: (b: B, node: ConfigNode, ctx: ParseCtx) => C | undefined,
  close: (b: B, c: C, node: ConfigNode, ctx: ParseCtx) => void,
  o: RowOpts & { readonly scalar?: boolean; readonly field?: FieldOf<B, unknown> } = {},
): KeywordDef<B> {
  return {
    name,
    form: { type: 'block', table: table.block, sub: table },
    scalar: o.scalar ?? false,
    ...meta(o, o.field),
    apply: (b, node, ctx) => {
      const c = open(b, node, ctx);
      if (c === undefined) return;
      applyTable(table, node.children ?? [], c, ctx);
      close(b, c, node, ctx);
    },
  };
}

/** Known keepalived keyword that keepalived-ts does not implement yet: warned, block skipped. */
export function unsupportedKw<B>(name: string): KeywordDef<B> {
  return { name, form: { type: 'unsupported' }, scalar: false, runtime: 'not-yet', apply: () => undefined };
}

/** An IP address (an ignored `/prefix` is tolerated, as keepalived does for source addresses); a field gets its canonical text. */
export function addressKw<B>(name: string, target: FieldOf<B, string> | Set<B, IpAddress>, o: ValueOpts<B, string> & { readonly multicast?: boolean } = {}): KeywordDef<B> {
  const set: Set<B, IpAddress> = typeof target === 'string' ? (b, ip) => setField(b as object, target, formatIp(ip)) : target;
  return {
    name,
    form: { type: 'address' },
    scalar: true,
    ...meta(o, typeof target === 'string' ? target : o.field),
    apply: (b, node, ctx) => {
      const v = requireArg(node, ctx, 'an IP address');
      noExtraArgs(node, ctx, 1);
      if (v === undefined) return;
      const ip = parseIp(v.replace(/\/\d+$/, ''));
      if (!ip) {
        ctx.diags.error('KA_CFG_INVALID_ADDRESS', `invalid IP address '${v}' for '${name}' - ignoring`, argLoc(node, 0));
      } else if (o.multicast === true && !isMulticast(ip)) {
        ctx.diags.error('KA_CFG_INVALID_ADDRESS', `'${name}' address ${v} is not a multicast address - ignoring`, argLoc(node, 0));
      } else set(b, ip, node, ctx);
    },
  };
}

/**
 * Deprecated keyword alias: accepted exactly like the keyword that replaced it, with
 * keepalived's `Keyword "old" is deprecated - please use "new"` warning.
 */
export function deprecatedKw<B>(oldName: string, current: KeywordDef<B>): KeywordDef<B> {
  return {
    ...current,
    name: oldName,
    deprecatedFor: current.name,
    apply: (b, node, ctx) => {
      ctx.diags.warn('KA_CFG_DEPRECATED', `Keyword "${oldName}" is deprecated - please use "${current.name}"`, node.loc, { hint: `rename it to '${current.name}'` });
      current.apply(b, node, ctx);
    },
  };
}

/** Wraps rows so each records where its keyword was last seen (for compile-time diagnostics). */
export function recordingLocs<B extends { locs: Record<string, SourceLoc> }>(defs: readonly KeywordDef<B>[]): KeywordDef<B>[] {
  return defs.map((d) => ({
    ...d,
    apply: (b: B, node: ConfigNode, ctx: ParseCtx) => {
      b.locs[d.name] = node.loc;
      d.apply(b, node, ctx);
    },
  }));
}

/** `notify_*` script rows shared by vrrp_instance and vrrp_sync_group. */
export function notifyKws<B extends { notify?: { -readonly [K in keyof NotifyScripts]?: ScriptSpec } }>(keys: ReadonlyArray<readonly [string, keyof NotifyScripts]>, o: RowOpts = {}): KeywordDef<B>[] {
  return keys.map(([name, key]) => scriptKw<B>(name, (b, s) => ((b.notify ??= {})[key] = s), o));
}

// ---- plain rows: defaults for the compiler, lines for the printer ---------------------

/** A plain row's default in model units ([] for a list, false for a flag). */
function modelDefault(d: KeywordInfo): unknown {
  if (d.form.type === 'list') return [];
  if (!isDefaultValue(d.default)) return undefined;
  return d.unit !== undefined && typeof d.default === 'number' ? d.unit.toModel(d.default) : d.default;
}

/**
 * The fields of a block's plain rows: the value the file gave, else the row's default.
 * The compiler spreads this into the model and adds what it derives by hand; `T` names
 * the model it is part of (the rows are typed against that model's draft).
 */
export function plainFields<T>(table: TableInfo, draft: object): T {
  const out: object = {};
  for (const d of table.defs.values()) {
    if (d.field === undefined || d.deprecatedFor !== undefined) continue;
    const given = getField(draft, d.field);
    const v = given !== undefined ? given : modelDefault(d);
    if (v !== undefined) setField(out, d.field, v);
  }
  return out as T;
}

/** A plain row's line for the dump, or undefined when its form has no generic spelling. */
function plainLine(d: KeywordInfo, v: unknown): string[] | undefined {
  switch (d.form.type) {
    case 'flag':
      return v === true ? [d.name] : [];
    case 'bool':
      return [`${d.name} ${String(v)}`];
    case 'int':
    case 'timer':
      return typeof v === 'number' ? [`${d.name} ${d.unit !== undefined ? d.unit.toText(v) : String(v)}`] : undefined;
    case 'string':
      return typeof v === 'string' ? [`${d.name} ${quote(v)}`] : undefined;
    case 'address':
      return typeof v === 'string' ? [`${d.name} ${v}`] : undefined;
    case 'script':
      return scriptLine(d.name, v as ScriptSpec);
    default:
      return undefined;
  }
}

/**
 * Dump lines of the plain rows a block printer does not write itself (`byHand`): so a new
 * plain keyword is printed, and re-read, without touching the printer.
 */
function plainLines(table: TableInfo, model: object, byHand: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const d of table.defs.values()) {
    if (d.field === undefined || d.deprecatedFor !== undefined || byHand.has(d.name)) continue;
    const v = getField(model, d.field);
    if (v !== undefined) out.push(...(plainLine(d, v) ?? []));
  }
  return out;
}

/** One entry of a block's dump: the keywords it writes (for `plainLines`) and its lines, in order. */
export type PrintEntry<T> = readonly [keywords: string | readonly string[], lines: (m: T) => string[]];

/** A block's dump body: its hand-written entries in order, then every other plain row. */
export function printEntries<T extends object>(table: TableInfo, model: T, entries: readonly PrintEntry<T>[]): string[] {
  const byHand = new Set(entries.flatMap(([k]) => (typeof k === 'string' ? [k] : k)));
  return [...entries.flatMap(([, lines]) => lines(model)), ...plainLines(table, model, byHand)];
}
