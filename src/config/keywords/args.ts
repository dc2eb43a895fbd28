/**
 * Argument readers for keyword handlers: numbers with ranges, timers with a fixed
 * number of decimals, booleans, scripts. Messages follow keepalived's wording
 * (`number 'x' outside range [a, b]`, `invalid number 'x'`) and carry the location of
 * the offending word. A reader returns undefined when the keyword must be ignored.
 */
import { splitScriptArgv, splitScriptWords } from '../source/lexer.js';
import type { ScriptSpec, SourceLoc } from '../common.js';
import type { ConfigNode } from '../source/tree.js';
import type { ParseCtx } from '../diagnostics.js';

const IGNORED = (kw: string): string => `'${kw}' ignored; the previous value or the default applies`;

export function argText(node: ConfigNode, i: number): string | undefined {
  return node.args[i]?.text;
}

export function argLoc(node: ConfigNode, i: number): SourceLoc {
  return node.argLocs[i] ?? node.loc;
}

/** The first argument, or a diagnostic when it is missing. */
export function requireArg(node: ConfigNode, ctx: ParseCtx, what = 'an argument'): string | undefined {
  const v = argText(node, 0);
  if (v === undefined) ctx.diags.error('KA_CFG_MISSING_ARG', `'${node.keyword}' requires ${what}`, node.loc);
  return v;
}

/** Warns about words after the ones a keyword takes (keepalived silently ignores them). */
export function noExtraArgs(node: ConfigNode, ctx: ParseCtx, taken: number): void {
  if (node.args.length > taken) {
    const extra = node.args.slice(taken).map((t) => t.text).join(' ');
    ctx.diags.warn('KA_CFG_EXTRA_ARGS', `extra arguments '${extra}' after '${node.keyword}' ignored`, argLoc(node, taken));
  }
}

export function parseIntStrict(s: string): number | null {
  return /^[-+]?\d+$/.test(s) ? Number(s) : null;
}

export function readIntText(text: string, loc: SourceLoc, kw: string, ctx: ParseCtx, min: number, max: number): number | undefined {
  const n = parseIntStrict(text);
  if (n === null) {
    ctx.diags.error('KA_CFG_INVALID_NUMBER', `invalid number '${text}'`, loc, { hint: IGNORED(kw) });
    return undefined;
  }
  if (n < min || n > max) {
    ctx.diags.error('KA_CFG_OUT_OF_RANGE', `number '${text}' outside range [${min}, ${max}]`, loc, { hint: IGNORED(kw) });
    return undefined;
  }
  return n;
}

export function readInt(node: ConfigNode, ctx: ParseCtx, min: number, max: number): number | undefined {
  const v = requireArg(node, ctx, 'a number');
  if (v === undefined) return undefined;
  return readIntText(v, argLoc(node, 0), node.keyword, ctx, min, max);
}

/** A decimal number of seconds with at most `decimals` fractional digits. */
export function readDecimalText(text: string, loc: SourceLoc, kw: string, ctx: ParseCtx, min: number, max: number, decimals: number): number | undefined {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    ctx.diags.error('KA_CFG_INVALID_NUMBER', `invalid number '${text}'`, loc, { hint: IGNORED(kw) });
    return undefined;
  }
  if ((m[3] ?? '').length > decimals) {
    ctx.diags.error('KA_CFG_INVALID_NUMBER', `number '${text}' has too many decimal places (at most ${decimals})`, loc, { hint: IGNORED(kw) });
    return undefined;
  }
  const n = Number(text);
  if (n < min || n > max) {
    ctx.diags.error('KA_CFG_OUT_OF_RANGE', `number '${text}' outside range [${min.toFixed(6)}, ${max.toFixed(6)}]`, loc, { hint: IGNORED(kw) });
    return undefined;
  }
  return n;
}

export function readDecimal(node: ConfigNode, ctx: ParseCtx, min: number, max: number, decimals: number): number | undefined {
  const v = requireArg(node, ctx, 'a number');
  if (v === undefined) return undefined;
  return readDecimalText(v, argLoc(node, 0), node.keyword, ctx, min, max, decimals);
}

const BOOLS: Readonly<Record<string, boolean>> = { on: true, true: true, yes: true, off: false, false: false, no: false };

/** `<BOOL>`: a keyword given without a value means true. */
export function readBool(node: ConfigNode, ctx: ParseCtx): boolean | undefined {
  const v = argText(node, 0);
  if (v === undefined) return true;
  const b = BOOLS[v.toLowerCase()];
  if (b === undefined) {
    ctx.diags.error('KA_CFG_INVALID_BOOL', `invalid boolean '${v}' for '${node.keyword}' (on|off|true|false|yes|no)`, argLoc(node, 0), { hint: IGNORED(node.keyword) });
    return undefined;
  }
  return b;
}

/**
 * Script keywords: ONE script word (quote it to pass arguments), then optional
 * `USER [GROUP]`. Like keepalived, a second unquoted word is a user name, not an argument.
 */
export function readScript(node: ConfigNode, ctx: ParseCtx): ScriptSpec | undefined {
  const { words, unterminated } = splitScriptWords(node.rawArgs);
  // An odd number of `"` was already reported for the whole line; only `'` is new here.
  const doubleQuotes = (node.rawArgs.match(/"/g) ?? []).length;
  if (unterminated && doubleQuotes % 2 === 0) ctx.diags.error('KA_CFG_UNTERMINATED_QUOTE', 'Unterminated quote', argLoc(node, 0));
  const script = words[0];
  if (script === undefined || script === '') {
    ctx.diags.error('KA_CFG_MISSING_ARG', `'${node.keyword}' requires a script`, node.loc);
    return undefined;
  }
  const user = words[1];
  const group = words[2];
  // A quoted script shows the author knows the syntax; an unquoted one followed by words
  // is the classic mistake (`notify_master /x.sh arg` runs /x.sh as user 'arg').
  if (user !== undefined && node.args[0]?.quoted !== true) {
    ctx.diags.warn('KA_CFG_SCRIPT_USER', `'${user}' is taken as the user name to run '${script}' as (keepalived takes ONE script word)`, argLoc(node, 1), {
      hint: `to pass arguments, quote the command: ${node.keyword} "${[script, ...words.slice(1)].join(' ')}"`,
    });
  }
  if (words.length > 3) ctx.diags.warn('KA_CFG_EXTRA_ARGS', `extra words after '${node.keyword}' script, user and group ignored`, argLoc(node, 3));
  return {
    argv: splitScriptArgv(script),
    text: script,
    ...(user !== undefined ? { user } : {}),
    ...(group !== undefined ? { group } : {}),
  };
}
