/**
 * `~SEQ(var, start, step, end)`, `~SEQx(…)` and `~LST(var, v1, v2 …)` /
 * `~LST({a,b}, {1,2}, …)` line prefixes (keepalived.conf(5) "Sequence
 * blocks" / "List blocks"): parses one prefix into the values its variables take and the
 * rest of the line. The source stage (expand.ts) repeats the rest once per value set, so
 * several prefixes on one line nest, leftmost outermost. Pure.
 */

export interface LineLoop {
  /** Variable names; a ~SEQ has one. */
  readonly vars: readonly string[];
  /** One entry per iteration, each with one value per variable. */
  readonly values: readonly (readonly string[])[];
  /** The rest of the line after the `)`, leading blanks removed. */
  readonly rest: string;
}

export type LoopParse = { readonly ok: true; readonly loop: LineLoop } | { readonly ok: false; readonly message: string; readonly hint?: string };

/** A ~SEQ may not produce more lines than this (keepalived has no limit; ours keeps parsing bounded). */
export const MAX_LOOP_ITERATIONS = 1_000_000;

export const LOOP_PREFIX_RE = /^\s*~(SEQx?|LST)\b/;

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

function skipBlanks(s: string, i: number): number {
  while (isBlank(s[i])) i++;
  return i;
}

/** Index of the first char of `stops` (or the end) from i. */
function scanTo(s: string, i: number, stops: string): number {
  while (i < s.length && !stops.includes(s[i]!)) i++;
  return i;
}

/** strtol(…, 0): optional blanks and sign, then 0x hex, 0 octal or decimal; no digits ⇒ 0 at `i`. */
function readLong(s: string, i: number): { value: number; next: number } {
  let j = skipBlanks(s, i);
  let sign = 1;
  if (s[j] === '+' || s[j] === '-') {
    if (s[j] === '-') sign = -1;
    j++;
  }
  let m: RegExpExecArray | null;
  const tail = s.slice(j);
  if ((m = /^0[xX]([0-9a-fA-F]+)/.exec(tail))) return { value: sign * parseInt(m[1]!, 16), next: j + m[0].length };
  if ((m = /^0[0-7]*/.exec(tail))) return { value: sign * parseInt(m[0], 8), next: j + m[0].length };
  if ((m = /^[1-9][0-9]*/.exec(tail))) return { value: sign * Number(m[0]), next: j + m[0].length };
  return { value: 0, next: i };
}

/**
 * Parses a line starting (after blanks) with `~SEQ`/`~SEQx`. `subst` applies `$NAME`
 * parameters to the numbers, as keepalived does; it returns null when a multi-line
 * definition was used there.
 */
export function parseSeq(line: string, subst: (s: string) => string | null): LoopParse {
  const text = line.trimStart();
  const invalid = (why: string): LoopParse => ({ ok: false, message: `Invalid ~SEQ definition '${text}'`, hint: why });
  let i = 4;
  const hex = text[i] === 'x';
  if (hex) i++;
  i = skipBlanks(text, i);
  if (text[i] !== '(') return invalid("expected '(' after ~SEQ");
  i = skipBlanks(text, i + 1);
  const varStart = i;
  i = scanTo(text, i, ' \t,)');
  const name = text.slice(varStart, i);
  i = skipBlanks(text, i);
  if (i >= text.length || text[i] === ')' || name === '') return invalid('the form is ~SEQ(var, [start, [step,]] end)');
  const close = text.indexOf(')', i);
  if (close < 0) return invalid("missing ')'");
  const params = subst(text.slice(i + 1, close + 1));
  if (params === null) return { ok: false, message: `~SEQ parameter is multiline definition '${text}'` };
  const nums: number[] = [];
  let p = 0;
  for (;;) {
    const n = readLong(params, p);
    nums.push(n.value);
    p = skipBlanks(params, n.next);
    if (params[p] === ')') break;
    if (params[p] !== ',' || nums.length === 3) return invalid('numbers are separated by commas, at most three');
    p++;
  }
  let start: number;
  let step: number;
  let end: number;
  if (nums.length === 1) {
    end = nums[0]!;
    step = end < 1 ? -1 : 1;
    start = end < 0 ? -1 : 1;
  } else if (nums.length === 2) {
    [start, end] = [nums[0]!, nums[1]!];
    step = start <= end ? 1 : -1;
  } else {
    [start, step, end] = [nums[0]!, nums[1]!, nums[2]!];
    if (step === 0 || (start < end && step < 0) || (start > end && step > 0)) {
      return { ok: false, message: `Invalid ~SEQ values '${text}'`, hint: 'the step must be non-zero and go from start towards end' };
    }
  }
  if (hex && (start < 0 || end < 0)) return { ok: false, message: `~SEQx is only valid for positive numbers '${text}'` };
  const count = Math.floor((end - start) / step) + 1;
  if (count > MAX_LOOP_ITERATIONS) {
    return { ok: false, message: `~SEQ would produce ${count} lines - ignoring '${text}'`, hint: `keepalived-ts limits one ~SEQ to ${MAX_LOOP_ITERATIONS} values` };
  }
  const values: string[][] = [];
  for (let k = 0, v = start; k < count; k++, v += step) values.push([hex ? v.toString(16) : String(v)]);
  return { ok: true, loop: { vars: [name], values, rest: text.slice(skipBlanks(text, close + 1)) } };
}

/** Parses a line starting (after blanks) with `~LST`. */
export function parseLst(line: string): LoopParse {
  const text = line.trimStart();
  const invalid = (hint: string): LoopParse => ({ ok: false, message: `Invalid ~LST specification '${text}'`, hint });
  const form = 'the form is ~LST(var, v1, v2 …) or ~LST({a, b}, {1, 2}, …); values are single words';
  let i = skipBlanks(text, 4);
  if (text[i] !== '(') return invalid("expected '(' after ~LST");
  i = skipBlanks(text, i + 1);
  const braced = text[i] === '{';
  if (braced) i = skipBlanks(text, i + 1);
  const vars: string[] = [];
  for (;;) {
    const s = i;
    i = scanTo(text, i, ' \t,}');
    vars.push(text.slice(s, i));
    i = skipBlanks(text, i);
    if (braced ? text[i] === '}' : text[i] === ',') break;
    if (!braced || text[i] !== ',') return invalid(form);
    i = skipBlanks(text, i + 1);
  }
  if (text[i] === '}') i = skipBlanks(text, i + 1);
  if (text[i] !== ',') return invalid(form);
  i = skipBlanks(text, i + 1);
  if (vars.some((v) => v === '')) return invalid('a variable name is empty');
  const values: string[][] = [];
  for (;;) {
    const set: string[] = [];
    const inSet = text[i] === '{';
    if (inSet) i = skipBlanks(text, i + 1);
    for (;;) {
      const s = i;
      i = scanTo(text, i, ' \t,})');
      set.push(text.slice(s, i));
      i = skipBlanks(text, i);
      if (inSet ? text[i] === '}' : text[i] === ',' || text[i] === ')') break;
      if (text[i] !== ',') return invalid(form);
      i = skipBlanks(text, i + 1);
      if (set.length >= vars.length) return { ok: false, message: `~LST specification has too many values '${text}'`, hint: `${vars.length} variable(s), more values in one { } set` };
    }
    while (set.length < vars.length) set.push('');
    values.push(set);
    if (inSet && text[i] === '}') i = skipBlanks(text, i + 1);
    if (text[i] === ')') break;
    if (text[i] !== ',') return invalid(form);
    i = skipBlanks(text, i + 1);
  }
  return { ok: true, loop: { vars, values, rest: text.slice(skipBlanks(text, i + 1)) } };
}
