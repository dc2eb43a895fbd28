/**
 * Source stage of the config pipeline: reads the main file and its `include`s through an
 * injected SourceReader, applies `@id`/`@^id` conditional lines and `$NAME` parameters,
 * and hands out tokenized lines with their file and line number (reference §1b).
 * Order per physical line, as keepalived: comment strip → include → `@` → `$` → tokens.
 * Pure: all file access goes through the reader (read-source.ts is the fs one).
 */
import { posix } from 'node:path';
import { DiagSink } from './diag-sink.js';
import { expandBraces } from './glob.js';
import { MAX_LINE_LENGTH, stripComment, tokenizeLine, type Token } from './lexer.js';
import type { SourceLoc } from './model.js';

export interface SourceReader {
  /** File contents, or null if it cannot be read. */
  read(path: string): string | null;
  /**
   * Files matching a `*?[]` pattern (braces already expanded), sorted. A relative
   * pattern is resolved against cwd (the including file's directory) and the results
   * carry that prefix (`posix.join(cwd, match)`), ready for read().
   */
  glob(pattern: string, cwd: string): string[];
}

export interface SourceOptions {
  readonly reader: SourceReader;
  /** `-i/--config-id`, or the host name up to the first dot (the caller decides). */
  readonly configId: string;
  /** Values for the `${_ENV NAME}` built-in. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface SourceLine {
  readonly file: string;
  readonly line: number;
  /** Line text after comment stripping and substitution; token offsets refer to it. */
  readonly text: string;
  readonly tokens: readonly Token[];
}

const INCLUDE_RE = /^\s*(include[rmwba]?)(?:\s+(.*))?$/;
const DEF_RE = /^\s*\$([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const MAX_INCLUDE_DEPTH = 32;
const MAX_SUBST_ROUNDS = 32;

interface Definition {
  readonly lines: readonly string[];
  readonly multiLine: boolean;
}

interface PendingDef {
  readonly name: string;
  readonly lines: string[];
}

class SourceExpander {
  readonly lines: SourceLine[] = [];
  readonly files: string[] = [];
  private readonly defs = new Map<string, Definition>();
  private readonly stack: string[] = [];
  private pending: PendingDef | null = null;

  constructor(
    private readonly opts: SourceOptions,
    private readonly diags: DiagSink,
  ) {}

  file(path: string, text: string): void {
    this.stack.push(path);
    this.files.push(path);
    const physical = text.split('\n');
    for (let i = 0; i < physical.length; i++) this.physicalLine(path, i + 1, physical[i]!.replace(/\r$/, ''));
    if (this.pending) {
      this.finishDef(this.pending);
      this.pending = null;
    }
    this.stack.pop();
  }

  private physicalLine(file: string, line: number, raw: string): void {
    const loc = (col: number): SourceLoc => ({ file, line, col });
    if (raw.includes('\0')) {
      this.diags.warn('KA_CFG_NUL_BYTE', 'line contains a NUL byte - ignoring', loc(raw.indexOf('\0') + 1));
      return;
    }
    if (raw.length > MAX_LINE_LENGTH) {
      this.diags.error('KA_CFG_LINE_TOO_LONG', 'line too long - ignoring', loc(1), { hint: `keepalived's limit is ${MAX_LINE_LENGTH} characters per line` });
      return;
    }
    const stripped = stripComment(raw);
    if (stripped.unterminatedQuoteCol !== undefined) this.diags.error('KA_CFG_UNTERMINATED_QUOTE', 'Unterminated quote', loc(stripped.unterminatedQuoteCol));
    const text = stripped.text;
    if (text.trim() === '') return;
    if (this.pending) {
      const more = text.endsWith('\\');
      this.pending.lines.push(more ? text.slice(0, -1).trimEnd() : text);
      if (!more) {
        this.finishDef(this.pending);
        this.pending = null;
      }
      return;
    }
    const inc = INCLUDE_RE.exec(text);
    if (inc) {
      this.include(inc[1]!, (inc[2] ?? '').trim(), loc(text.search(/\S/) + 1));
      return;
    }
    this.logicalLine(file, line, text, 0);
  }

  private logicalLine(file: string, line: number, input: string, depth: number): void {
    const text = this.condition(input);
    if (text === null) return;
    const def = DEF_RE.exec(text);
    if (def) {
      const value = def[2]!;
      if (value.trim() === '\\') this.pending = { name: def[1]!, lines: [] };
      else this.defs.set(def[1]!, { lines: [value.trim()], multiLine: false });
      return;
    }
    if (/^\s*~(SEQ|LST)/.test(text)) {
      this.diags.warn('KA_CFG_UNSUPPORTED_SYNTAX', '~SEQ/~LST line repetition is not supported yet - ignoring line', { file, line, col: text.search(/\S/) + 1 });
      return;
    }
    const whole = /^\s*\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))\s*$/.exec(text);
    const multi = whole ? this.defs.get(whole[1] ?? whole[2]!) : undefined;
    if (multi?.multiLine) {
      if (depth > MAX_SUBST_ROUNDS) {
        this.diags.error('KA_CFG_DEFINITION_LOOP', 'definitions nested too deeply - ignoring', { file, line, col: 1 });
        return;
      }
      for (const body of multi.lines) this.logicalLine(file, line, body, depth + 1);
      return;
    }
    // A parameter may expand to an `@id` prefix (`$IF_MAIN=@main`), so test again.
    const substituted = this.condition(this.substitute(text, file));
    if (substituted === null) return;
    if (substituted.length > MAX_LINE_LENGTH) {
      this.diags.error('KA_CFG_LINE_TOO_LONG', 'line too long - ignoring', { file, line, col: 1 }, { hint: 'after $parameter substitution' });
      return;
    }
    const tokens = tokenizeLine(substituted);
    if (tokens.length > 0) this.lines.push({ file, line, text: substituted, tokens });
  }

  /** `@id`/`@^id` prefix: null drops the line; the word becomes blanks so columns hold. */
  private condition(text: string): string | null {
    const cond = /^(\s*)@(\^?)(\S+)/.exec(text);
    if (!cond) return text;
    if ((cond[3] === this.opts.configId) === (cond[2] === '^')) return null;
    return ' '.repeat(cond[0].length) + text.slice(cond[0].length);
  }

  private finishDef(p: PendingDef): void {
    this.defs.set(p.name, { lines: p.lines, multiLine: true });
  }

  private builtin(name: string, arg: string, file: string): string | undefined {
    switch (name) {
      case '_PWD':
        return posix.dirname(file);
      case '_INSTANCE':
        return this.opts.configId;
      case '_HASH':
        return '#';
      case '_BANG':
        return '!';
      case '_ENV':
        return this.opts.env?.[arg.trim()] ?? '';
      default:
        return undefined;
    }
  }

  /** Lazy, recursive `$NAME` / `${NAME}` replacement; unknown names stay as written. */
  private substitute(text: string, file: string): string {
    let cur = text;
    for (let round = 0; round < MAX_SUBST_ROUNDS; round++) {
      const next = cur.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)((?:\s[^}]*)?)\}|\$([A-Za-z_][A-Za-z0-9_]*)(?=\s|$)/g, (all, braced: string | undefined, arg: string | undefined, bare: string | undefined) => {
        const name = braced ?? bare!;
        if (name.startsWith('_')) return braced !== undefined ? (this.builtin(name, arg ?? '', file) ?? all) : all;
        if (arg) return all;
        const d = this.defs.get(name);
        return d ? d.lines.join(' ') : all;
      });
      if (next === cur) return cur;
      cur = next;
    }
    return cur;
  }

  private include(kind: string, pattern: string, loc: SourceLoc): void {
    if (pattern === '') {
      this.diags.error('KA_CFG_INCLUDE_MISSING', `${kind} without a file name`, loc);
      return;
    }
    const dir = posix.dirname(loc.file);
    const matches: string[] = [];
    for (const alt of expandBraces(pattern)) {
      matches.push(...this.opts.reader.glob(alt, dir));
    }
    if (matches.length === 0) {
      const msg = `Config files missing '${pattern}'.`;
      if (kind === 'includea') this.diags.fatal('KA_CFG_INCLUDE_MISSING', msg, loc, 'includea aborts on a missing file');
      else this.diags.warn('KA_CFG_INCLUDE_MISSING', msg, loc);
      return;
    }
    for (const path of matches) {
      if (this.stack.includes(path)) {
        this.diags.error('KA_CFG_INCLUDE_CYCLE', `include cycle: ${[...this.stack, path].join(' -> ')} - ignoring`, loc);
        continue;
      }
      if (this.stack.length >= MAX_INCLUDE_DEPTH) {
        this.diags.error('KA_CFG_INCLUDE_DEPTH', `includes nested more than ${MAX_INCLUDE_DEPTH} deep - ignoring '${path}'`, loc);
        continue;
      }
      const text = this.opts.reader.read(path);
      if (text === null) {
        this.diags.error('KA_CFG_INCLUDE_UNREADABLE', `Config file '${path}' could not be read - ignoring`, loc);
        continue;
      }
      this.file(path, text);
    }
  }
}

/** Expands the main file (text already read) into tokenized lines; diagnostics go to `diags`. */
export function expandSource(path: string, text: string, opts: SourceOptions, diags: DiagSink): { lines: SourceLine[]; files: string[] } {
  const x = new SourceExpander(opts, diags);
  x.file(path, text);
  return { lines: x.lines, files: x.files };
}
