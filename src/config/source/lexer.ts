/**
 * keepalived.conf lexer: one physical line at a time, exactly as keepalived splits it
 * (keepalived.conf(5)): comments at `#`/`!` outside double quotes, `{`/`}` split into their
 * own tokens, `"…"` words without escapes, and the shell-like re-parse used by script
 * keywords (`notify*`, `script`, …) that yields an argv. Pure; runs in the parent while
 * the config is compiled.
 */

/** keepalived reads lines into a fixed buffer: longer lines are rejected. */
export const MAX_LINE_LENGTH = 1024;

export type TokenKind = 'word' | 'open' | 'close';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 1-based column of the token's first character (the quote for quoted words). */
  readonly col: number;
  /** 0-based offsets into the line text [start, end), quotes included. */
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

export interface StrippedLine {
  /** The line up to the comment (or all of it); columns are unchanged. */
  readonly text: string;
  /** Set when an odd number of `"` was seen: the column of the opening quote. */
  readonly unterminatedQuoteCol?: number;
}

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v';

/** Cuts the comment off a line: `#`/`!` outside double quotes; `\#`/`\!` are literal. */
export function stripComment(line: string): StrippedLine {
  let inQuote = false;
  let quoteAt = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') {
      inQuote = !inQuote;
      if (inQuote) quoteAt = i;
    } else if (!inQuote && c === '\\' && (line[i + 1] === '#' || line[i + 1] === '!')) {
      i++;
    } else if (!inQuote && (c === '#' || c === '!')) {
      return { text: line.slice(0, i).trimEnd() };
    }
  }
  const text = line.trimEnd();
  return inQuote ? { text, unterminatedQuoteCol: quoteAt + 1 } : { text };
}

/**
 * Splits a comment-free line into words and braces. An unquoted word ends at a blank,
 * a brace or a `"`; a quoted word keeps its blanks and braces, without escapes.
 */
export function tokenizeLine(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === '{' || c === '}') {
      out.push({ kind: c === '{' ? 'open' : 'close', text: c, col: i + 1, start: i, end: i + 1, quoted: false });
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      const stop = close < 0 ? text.length : close;
      out.push({ kind: 'word', text: text.slice(i + 1, stop), col: start + 1, start, end: close < 0 ? stop : stop + 1, quoted: true });
      i = close < 0 ? stop : stop + 1;
      continue;
    }
    let word = '';
    while (i < text.length) {
      const d = text[i]!;
      if (isBlank(d) || d === '{' || d === '}' || d === '"') break;
      if (d === '\\' && (text[i + 1] === '#' || text[i + 1] === '!')) {
        word += text[i + 1]!;
        i += 2;
        continue;
      }
      word += d;
      i++;
    }
    out.push({ kind: 'word', text: word, col: start + 1, start, end: i, quoted: false });
  }
  return out;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** One escape sequence at s[i] === '\\'; returns the produced text and the next index. */
function readEscape(s: string, i: number): [string, number] {
  const n = s[i + 1];
  if (n === undefined) return ['\\', i + 1];
  const simple = SIMPLE_ESCAPES[n];
  if (simple !== undefined) return [simple, i + 2];
  if (n >= '0' && n <= '7') {
    const m = /^[0-7]{1,3}/.exec(s.slice(i + 1))![0];
    return [String.fromCharCode(parseInt(m, 8) & 0xff), i + 1 + m.length];
  }
  if (n === 'x') {
    const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2));
    if (m) return [String.fromCharCode(parseInt(m[0], 16)), i + 2 + m[0].length];
    return ['x', i + 2];
  }
  if (n === 'c' && i + 2 < s.length) return [String.fromCharCode(s.charCodeAt(i + 2) & 0x1f), i + 3];
  return [n, i + 2];
}

/**
 * The shell-like word split keepalived applies to the arguments of script keywords:
 * `"…"` and `'…'` quotes, adjacent pieces concatenated (`ab"c d"e` ⇒ `abc de`), escapes
 * outside single quotes. Returns the words and whether a quote was left open.
 */
export function splitScriptWords(raw: string): { words: string[]; unterminated: boolean } {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < raw.length; ) {
    const c = raw[i]!;
    if (quote) {
      if (c === quote) {
        quote = null;
        i++;
      } else if (c === '\\' && quote === '"') {
        const [t, next] = readEscape(raw, i);
        cur += t;
        i = next;
      } else {
        cur += c;
        i++;
      }
      continue;
    }
    if (isBlank(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === '"' || c === "'") {
      quote = c;
      i++;
    } else if (c === '\\') {
      const [t, next] = readEscape(raw, i);
      cur += t;
      i = next;
    } else {
      cur += c;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return { words, unterminated: quote !== null };
}

/** Splits the script word itself into argv: unquoted blanks separate, `'…'`/`"…"` keep blanks. */
export function splitScriptArgv(script: string): string[] {
  const argv: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | null = null;
  for (const c of script) {
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (isBlank(c)) {
      if (inWord) argv.push(cur);
      cur = '';
      inWord = false;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) argv.push(cur);
  return argv;
}
