/**
 * Keyword tables: one table per block, each keyword a row of data (name, argument form,
 * default, handler writing into the block's builder). Adding a keyword = adding a row;
 * adding a block = a new table plus a `blockKw` row in its parent. `applyTable` walks a
 * block's statements: unknown keywords are reported with a did-you-mean hint and —
 * unlike keepalived — their whole `{ … }` is skipped so braces stay in sync.
 */
import type { DiagSink } from '../diagnostics.js';
import type { NotifyScripts, ScriptSpec, SourceLoc } from '../common.js';
import type { ConfigNode } from '../source/tree.js';
import { type IpAddress, isMulticast, parseIp } from '../../core/ip.js';
import { argLoc, noExtraArgs, readBool, readDecimal, readEnum, readInt, readScript, requireArg } from './args.js';
import { suggest } from './suggest.js';

export interface ParseCtx {
  readonly diags: DiagSink;
}

export type ArgForm =
  | { readonly type: 'flag' }
  | { readonly type: 'int'; readonly min: number; readonly max: number }
  | { readonly type: 'timer'; readonly min: number; readonly max: number; readonly decimals: number }
  | { readonly type: 'bool' }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly caseSensitive: boolean }
  | { readonly type: 'string' }
  | { readonly type: 'address' }
  | { readonly type: 'script' }
  | { readonly type: 'words'; readonly syntax: string }
  | { readonly type: 'list'; readonly item: string }
  | { readonly type: 'block'; readonly table: string; readonly sub: TableInfo }
  | { readonly type: 'unsupported' };

/** A row without its handler: what docs/configuration.md (config-doc.ts) is generated from. */
export interface KeywordInfo {
  readonly name: string;
  readonly form: ArgForm;
  /** keepalived's default, for docs and dumps. */
  readonly defaultText?: string;
  /** Set on a deprecated alias: the keyword to use instead. */
  readonly deprecatedFor?: string;
  /** A repeated scalar overwrites the previous value (with a warning). */
  readonly scalar: boolean;
}

export interface TableInfo {
  readonly block: string;
  readonly defs: ReadonlyMap<string, KeywordInfo>;
}

export interface KeywordDef<B> extends KeywordInfo {
  readonly apply: (b: B, node: ConfigNode, ctx: ParseCtx) => void;
}

export interface KeywordTable<B> {
  /** Block name used in messages and docs (`global_defs`, `vrrp_instance`, …). */
  readonly block: string;
  readonly defs: ReadonlyMap<string, KeywordDef<B>>;
}

export function defineTable<B>(block: string, defs: readonly KeywordDef<B>[]): KeywordTable<B> {
  const map = new Map<string, KeywordDef<B>>();
  for (const d of defs) {
    if (map.has(d.name)) throw new Error(`keyword table ${block}: duplicate row '${d.name}'`);
    map.set(d.name, d);
  }
  return { block, defs: map };
}

const takesBlock = (f: ArgForm): boolean => f.type === 'list' || f.type === 'block';

/** Applies a block's statements to its builder through the block's table. */
export function applyTable<B>(table: KeywordTable<B>, nodes: readonly ConfigNode[], b: B, ctx: ParseCtx): void {
  const seen = new Set<string>();
  for (const node of nodes) {
    const def = table.defs.get(node.keyword);
    if (!def) {
      const near = suggest(node.keyword, [...table.defs.keys()]);
      ctx.diags.warn('KA_CFG_UNKNOWN_KEYWORD', `Unknown keyword '${node.keyword}'`, node.loc, {
        hint: [near ? `did you mean '${near}'?` : `not a ${table.block} keyword`, node.children ? 'its { } block is skipped' : ''].filter((s) => s).join('; '),
      });
      continue;
    }
    if (def.form.type === 'unsupported') {
      ctx.diags.warn('KA_CFG_UNSUPPORTED', `'${node.keyword}' is not supported yet - ignoring`, node.loc, {
        hint: node.children ? 'its { } block is skipped' : 'keepalived-ts parses it but does not implement it',
      });
      continue;
    }
    if (takesBlock(def.form) && node.children === null) {
      ctx.diags.error('KA_CFG_MISSING_BLOCK', "Missing '{' at beginning of configuration block", node.loc, { hint: `'${node.keyword}' takes a { } block` });
      continue;
    }
    if (def.scalar && seen.has(def.name)) {
      ctx.diags.warn('KA_CFG_DUPLICATE', `Duplicate '${node.keyword}' - overwriting`, node.loc, { hint: 'the last value wins' });
    }
    seen.add(def.name);
    def.apply(b, node, ctx);
    if (!takesBlock(def.form) && node.children !== null) {
      ctx.diags.warn('KA_CFG_UNEXPECTED_BRACE', "Unexpected '{' - ignoring", node.children[0]?.loc ?? node.loc, {
        hint: `'${node.keyword}' takes no block; its lines are read at the enclosing level`,
      });
      applyTable(table, node.children, b, ctx);
    }
  }
}

// ---- row constructors -------------------------------------------------------------

type Set<B, T> = (b: B, v: T, node: ConfigNode, ctx: ParseCtx) => void;
type Opts = { readonly default?: string; readonly deprecatedFor?: string };
const dflt = (o: Opts): { defaultText?: string; deprecatedFor?: string } => ({
  ...(o.default !== undefined ? { defaultText: o.default } : {}),
  ...(o.deprecatedFor !== undefined ? { deprecatedFor: o.deprecatedFor } : {}),
});

export function flagKw<B>(name: string, set: (b: B, node: ConfigNode, ctx: ParseCtx) => void, o: Opts = {}): KeywordDef<B> {
  return {
    name,
    form: { type: 'flag' },
    scalar: false,
    ...dflt(o),
    apply: (b, node, ctx) => {
      noExtraArgs(node, ctx, 0);
      set(b, node, ctx);
    },
  };
}

/** A one-argument scalar: `read` parses (and reports), `set` stores a valid value. */
function valueKw<B, T>(name: string, form: ArgForm, read: (node: ConfigNode, ctx: ParseCtx) => T | undefined, set: Set<B, T>, o: Opts): KeywordDef<B> {
  return {
    name,
    form,
    scalar: true,
    ...dflt(o),
    apply: (b, node, ctx) => {
      const v = read(node, ctx);
      noExtraArgs(node, ctx, 1);
      if (v !== undefined) set(b, v, node, ctx);
    },
  };
}

export function intKw<B>(name: string, min: number, max: number, set: Set<B, number>, o: Opts = {}): KeywordDef<B> {
  return valueKw(name, { type: 'int', min, max }, (node, ctx) => readInt(node, ctx, min, max), set, o);
}

/** Seconds with decimals; the handler receives seconds as a float. */
export function timerKw<B>(name: string, min: number, max: number, decimals: number, set: Set<B, number>, o: Opts = {}): KeywordDef<B> {
  return valueKw(name, { type: 'timer', min, max, decimals }, (node, ctx) => readDecimal(node, ctx, min, max, decimals), set, o);
}

export function boolKw<B>(name: string, set: Set<B, boolean>, o: Opts = {}): KeywordDef<B> {
  return valueKw(name, { type: 'bool' }, readBool, set, o);
}

export function enumKw<B, E extends string>(
  name: string,
  values: readonly E[],
  caseSensitive: boolean,
  set: Set<B, E>,
  o: Opts & { readonly message?: (v: string) => string } = {},
): KeywordDef<B> {
  return valueKw(name, { type: 'enum', values, caseSensitive }, (node, ctx) => readEnum(node, ctx, values, caseSensitive, o.message), set, o);
}

export function stringKw<B>(name: string, set: Set<B, string>, o: Opts = {}): KeywordDef<B> {
  return valueKw(name, { type: 'string' }, (node, ctx) => requireArg(node, ctx, 'a value'), set, o);
}

/** Free-form arguments parsed by the handler itself (addresses with options, `HOST [PORT]`, …). */
export function wordsKw<B>(name: string, syntax: string, apply: (b: B, node: ConfigNode, ctx: ParseCtx) => void, o: Opts & { readonly scalar?: boolean } = {}): KeywordDef<B> {
  return { name, form: { type: 'words', syntax }, scalar: o.scalar ?? true, ...dflt(o), apply };
}

export function scriptKw<B>(name: string, set: Set<B, ScriptSpec>, o: Opts = {}): KeywordDef<B> {
  return {
    name,
    form: { type: 'script' },
    scalar: true,
    ...dflt(o),
    apply: (b, node, ctx) => {
      const v = readScript(node, ctx);
      if (v !== undefined) set(b, v, node, ctx);
    },
  };
}

/** A block whose lines are list items (`virtual_ipaddress { … }`); each line goes to `item`. */
export function listKw<B>(name: string, item: string, onItem: (b: B, line: ConfigNode, ctx: ParseCtx) => void, o: Opts = {}): KeywordDef<B> {
  return {
    name,
    form: { type: 'list', item },
    scalar: false,
    ...dflt(o),
    apply: (b, node, ctx) => {
      noExtraArgs(node, ctx, 0);
      for (const line of node.children ?? []) {
        if (line.children !== null) {
          ctx.diags.warn('KA_CFG_UNEXPECTED_BRACE', "Unexpected '{' - ignoring", line.loc, { hint: `${name} items take no block; it is skipped` });
        }
        onItem(b, line, ctx);
      }
    },
  };
}

/** A sub-block with its own table: `open` makes the child builder, `close` folds it back. */
export function blockKw<B, C>(
  name: string,
  table: KeywordTable<C>,
  open: (b: B, node: ConfigNode, ctx: ParseCtx) => C | undefined,
  close: (b: B, c: C, node: ConfigNode, ctx: ParseCtx) => void,
  o: Opts & { readonly scalar?: boolean } = {},
): KeywordDef<B> {
  return {
    name,
    form: { type: 'block', table: table.block, sub: table },
    scalar: o.scalar ?? false,
    ...dflt(o),
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
  return { name, form: { type: 'unsupported' }, scalar: false, apply: () => undefined };
}

/** An IP address (an ignored `/prefix` is tolerated, as keepalived does for source addresses). */
export function addressKw<B>(name: string, set: Set<B, IpAddress>, o: Opts & { readonly multicast?: boolean } = {}): KeywordDef<B> {
  return {
    name,
    form: { type: 'address' },
    scalar: true,
    ...dflt(o),
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
export function notifyKws<B extends { notify: { -readonly [K in keyof NotifyScripts]?: ScriptSpec } }>(keys: ReadonlyArray<readonly [string, keyof NotifyScripts]>): KeywordDef<B>[] {
  return keys.map(([name, key]) => scriptKw<B>(name, (b, s) => (b.notify[key] = s)));
}
