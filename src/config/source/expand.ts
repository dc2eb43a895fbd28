/**
 * Source stage of the config pipeline: reads the main file and its `include`s through an
 * injected SourceReader, applies `@id`/`@^id` conditional lines, `$NAME` parameters and
 * `~SEQ`/`~LST` line loops, and hands out tokenized lines with their file and line number
 * (keepalived.conf(5)). Order per physical line, as keepalived: comment strip → include → `@` →
 * `$NAME=` → `~SEQ`/`~LST` → `$` substitution → tokens. `include_check` and `random_seed`
 * act here (inside global_defs, from the line on), because they change how the rest of the
 * source is read. Pure: file access goes through the reader (fs-reader.ts is the real one),
 * `${_RANDOM}` draws from a generator seeded by the caller or `random_seed`.
 */
import { posix } from 'node:path';
import { DiagSink } from '../diagnostics.js';
import { applyIncludeCheck, INCLUDE_VARIANTS, isChecked, resolveInclude } from './include-check.js';
import { MAX_LINE_LENGTH, stripComment, tokenizeLine, type Token } from './lexer.js';
import type { SourceLoc, SourceReader } from '../common.js';
import { LOOP_PREFIX_RE, MAX_LOOP_ITERATIONS, parseLst, parseSeq, type LineLoop } from './loops.js';

export interface SourceOptions {
  readonly reader: SourceReader;
  /** `-i/--config-id`, or the host name up to the first dot (the caller decides). */
  readonly configId: string;
  /** Values for the `${_ENV NAME}` built-in. */
  readonly env?: Readonly<Record<string, string>>;
  /** Initial include check level (include-check.ts bits); `-e/--all-config` = INCLUDE_ALL. */
  readonly includeCheck?: number;
  /** Seed of `${_RANDOM}` until a `random_seed` line (keepalived seeds from the time). */
  readonly randomSeed?: number;
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
/**
 * Bounds on what a config may make the parser read and build (keepalived has none: a file
 * that includes itself nests until it runs out of descriptors, a folder whose files include
 * `*.conf` never ends, docs/reliability.md). Each is far above any real configuration.
 */
export const MAX_INCLUDE_DEPTH = 32;
/** Files read for one config, the main file and every include counted each time it is read. */
export const MAX_INCLUDED_FILES = 1000;
/** Bytes read for one config, over every file read. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;
const MAX_SUBST_ROUNDS = 32;
/** Lines one physical line may expand to through nested ~SEQ/~LST and multi-line definitions. */
const MAX_EXPANDED_LINES = MAX_LOOP_ITERATIONS;

interface Definition {
  readonly lines: readonly string[];
  readonly multiLine: boolean;
}

/** A file being read, and where its includer named it (none for the main file). */
interface OpenFile {
  readonly path: string;
  readonly from?: SourceLoc;
}

interface PendingDef {
  readonly name: string;
  readonly lines: string[];
}

class SourceExpander {
  readonly files: string[] = [];
  private readonly defs = new Map<string, Definition>();
  private readonly stack: OpenFile[] = [];
  private bytesRead = 0;
  private readonly cyclesReported = new Set<string>();
  /** Set once a bound on the includes was hit: every later include is skipped, counted here. */
  private includesSkipped: { count: number; readonly at: SourceLoc } | null = null;
  /** Multi-line definitions being expanded (a name met again here refers to itself). */
  private readonly expanding: string[] = [];
  private pending: PendingDef | null = null;
  private includeLevel: number;
  private random: number;
  /** Block keywords enclosing the current line (only global_defs matters here). */
  private readonly blocks: string[] = [];
  private lastKeyword: string | null = null;
  /** Lines produced by the current physical line's loops (bounded). */
  private loopLines = 0;

  constructor(
    private readonly opts: SourceOptions,
    private readonly diags: DiagSink,
    private readonly emit: (line: SourceLine) => void,
  ) {
    this.includeLevel = opts.includeCheck ?? 0;
    this.random = (opts.randomSeed ?? 1) >>> 0;
  }

  file(path: string, text: string, from?: SourceLoc): void {
    this.stack.push(from ? { path, from } : { path });
    this.files.push(path);
    this.bytesRead += text.length;
    // The include check level is saved per file: an included file cannot change its includer's.
    const savedLevel = this.includeLevel;
    const physical = text.split('\n');
    for (let i = 0; i < physical.length; i++) {
      this.loopLines = 0;
      this.physicalLine(path, i + 1, physical[i]!.replace(/\r$/, ''));
    }
    if (this.pending) {
      this.finishDef(this.pending);
      this.pending = null;
    }
    this.includeLevel = savedLevel;
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
    if (this.pending) {
      // Inside a multi-line definition the continuation `\` counts even after a comment
      // (`keyword value # note \`), and a commented-out line keeps the definition going,
      // as keepalived reads it (devel-tools check_align.conf relies on both).
      const more = raw.trimEnd().endsWith('\\');
      const content = text.trimEnd().replace(/\\$/, '').trimEnd();
      if (content.trim() !== '') this.pending.lines.push(content);
      if (!more) {
        this.finishDef(this.pending);
        this.pending = null;
      }
      return;
    }
    if (text.trim() === '') return;
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
    const loopKind = LOOP_PREFIX_RE.exec(text)?.[1];
    if (loopKind !== undefined) {
      this.loop(file, line, text, loopKind, depth);
      return;
    }
    const whole = /^\s*\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))\s*$/.exec(text);
    const multi = whole ? this.defs.get(whole[1] ?? whole[2]!) : undefined;
    if (multi?.multiLine) {
      const name = whole![1] ?? whole![2]!;
      if (this.expanding.includes(name)) {
        this.definitionLoop(name, { file, line, col: 1 });
        return;
      }
      if (depth > MAX_SUBST_ROUNDS) {
        this.diags.error('KA_CFG_DEFINITION_LOOP', 'definitions nested too deeply - ignoring', { file, line, col: 1 });
        return;
      }
      this.expanding.push(name);
      for (const body of multi.lines) {
        if (!this.countExpandedLine({ file, line, col: 1 })) break;
        this.logicalLine(file, line, body, depth + 1);
      }
      this.expanding.pop();
      return;
    }
    // A parameter may expand to an `@id` prefix (`$IF_MAIN=@main`), so test again.
    const expanded = this.substitute(text, file);
    if (expanded === null) {
      this.definitionLoop(this.selfReferent(text, this.expanding[this.expanding.length - 1] ?? '?'), { file, line, col: 1 });
      return;
    }
    const substituted = this.condition(expanded);
    if (substituted === null) return;
    // A parameter that expands to ${_HASH}/${_BANG} at the start of a line comments the line
    // out (`$FEATURE=${_HASH}` … `$FEATURE keyword`), and one that expands to nothing can
    // leave a definition behind (`${A} $B=x`): keepalived reads both that way.
    if (/^\s*[#!]/.test(substituted)) return;
    const lateDef = DEF_RE.exec(substituted);
    if (lateDef && lateDef[2]!.trim() !== '\\') {
      this.defs.set(lateDef[1]!, { lines: [lateDef[2]!.trim()], multiLine: false });
      return;
    }
    if (substituted.length > MAX_LINE_LENGTH) {
      this.diags.error('KA_CFG_LINE_TOO_LONG', 'line too long - ignoring', { file, line, col: 1 }, { hint: 'after $parameter substitution' });
      return;
    }
    const tokens = tokenizeLine(substituted);
    if (tokens.length === 0) return;
    if (this.blocks.length === 1 && this.blocks[0] === 'global_defs' && tokens[0]!.kind === 'word') this.sourceKeyword(tokens, { file, line, col: tokens[0]!.col });
    this.trackBlocks(tokens);
    this.emit({ file, line, text: substituted, tokens });
  }

  /** `~SEQ…`/`~LST…`: the rest of the line once per value set, the loop variables defined meanwhile. */
  private loop(file: string, line: number, text: string, kind: string, depth: number): void {
    const loc = { file, line, col: text.search(/\S/) + 1 };
    const parsed = kind === 'LST' ? parseLst(text) : parseSeq(text, (s) => (/\$\{?[A-Za-z_]/.test(s) && this.usesMultiLine(s) ? null : this.substitute(s, file)));
    if (!parsed.ok) {
      this.diags.error(kind === 'LST' ? 'KA_CFG_LST_INVALID' : 'KA_CFG_SEQ_INVALID', parsed.message, loc, parsed.hint !== undefined ? { hint: parsed.hint } : {});
      return;
    }
    const l: LineLoop = parsed.loop;
    const saved = l.vars.map((v) => this.defs.get(v));
    for (const set of l.values) {
      if (!this.countExpandedLine(loc)) break;
      l.vars.forEach((v, k) => this.defs.set(v, { lines: [set[k] ?? ''], multiLine: false }));
      this.logicalLine(file, line, l.rest, depth + 1);
    }
    l.vars.forEach((v, k) => {
      const old = saved[k];
      if (old) this.defs.set(v, old);
      else this.defs.delete(v);
    });
  }

  /** One more line from the current physical line; false (reported once) past the bound. */
  private countExpandedLine(loc: SourceLoc): boolean {
    if (++this.loopLines <= MAX_EXPANDED_LINES) return true;
    if (this.loopLines === MAX_EXPANDED_LINES + 1) this.diags.error('KA_CFG_SEQ_TOO_LONG', `~SEQ/~LST lines and definitions expand to more than ${MAX_EXPANDED_LINES} lines - truncated`, loc);
    return false;
  }

  /** Once per physical line: the rest of its expansion would only repeat the loop. */
  private definitionLoop(name: string, loc: SourceLoc): void {
    if (this.loopLines > MAX_EXPANDED_LINES) return;
    this.diags.error('KA_CFG_DEFINITION_LOOP', `definition $${name} refers to itself - ignoring`, loc, { hint: 'a definition is expanded while it is being expanded: the line would grow without end' });
    this.loopLines = MAX_EXPANDED_LINES + 1;
  }

  /** The definition a runaway substitution of `text` came from: the first defined name still in it. */
  private selfReferent<T>(text: string, otherwise: T): string | T {
    for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) if (this.defs.has(m[1]!)) return m[1]!;
    return otherwise;
  }

  private usesMultiLine(s: string): boolean {
    for (const m of s.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) if (this.defs.get(m[1]!)?.multiLine) return true;
    return false;
  }

  private trackBlocks(tokens: readonly Token[]): void {
    // A `{` alone on the next line still opens the previous line's statement.
    let kw = this.lastKeyword;
    let inStatement = false;
    for (const t of tokens) {
      if (t.kind === 'word') {
        if (!inStatement) kw = t.text;
        inStatement = true;
        continue;
      }
      if (t.kind === 'open') this.blocks.push(kw ?? '');
      else this.blocks.pop();
      kw = null;
      inStatement = false;
    }
    this.lastKeyword = kw;
  }

  /** global_defs keywords that change how the source itself is read. */
  private sourceKeyword(tokens: readonly Token[], loc: SourceLoc): void {
    const words = tokens.filter((t) => t.kind === 'word').map((t) => t.text);
    if (words[0] === 'include_check') {
      const r = applyIncludeCheck(this.includeLevel, words.slice(1));
      this.includeLevel = r.level;
      for (const p of r.problems) this.diags.error('KA_CFG_INCLUDE_CHECK', p.message, loc, p.hint !== undefined ? { hint: p.hint } : {});
    } else if (words[0] === 'random_seed') {
      const v = words[1] ?? '';
      if (/^[0-9]+$/.test(v) && Number(v) <= 0xffffffff) this.random = Number(v);
      else this.diags.error('KA_CFG_INVALID_NUMBER', v === '' ? 'random_seed requires a value' : `invalid random_seed '${v}'`, loc, { hint: 'an unsigned 32-bit integer' });
    }
  }

  /** 31-bit linear congruential generator (glibc's TYPE_0 constants): reproducible per seed. */
  private nextRandom(): number {
    this.random = (Math.imul(this.random, 1103515245) + 12345) >>> 0;
    return (this.random & 0x7fffffff) >>> 0;
  }

  /** `${_RANDOM [MIN [MAX]]}`: parameters are only digits and single blanks; undefined otherwise. */
  private randomValue(arg: string): string | undefined {
    if (arg !== '' && !/^( +[0-9]+)+$/.test(arg)) return undefined;
    const nums = arg.trim() === '' ? [] : arg.trim().split(/ +/).map(Number);
    const min = nums[0] ?? 0;
    const max = nums[1] ?? 32767;
    const r = this.nextRandom();
    const val = max >= min ? (r % (max - min + 1)) + min : r + min;
    // keepalived prints into a buffer as wide as MAX.
    return String(val).slice(0, String(max).length);
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
      case '_RANDOM':
        return this.randomValue(arg);
      default:
        return undefined;
    }
  }

  /**
   * Lazy, recursive `$NAME` / `${NAME}` replacement; unknown names stay as written. Null when
   * a definition refers to itself (the line would double each round): past keepalived's line
   * length no round can make the line valid again.
   */
  private substitute(text: string, file: string): string | null {
    let cur = text;
    for (let round = 0; round < MAX_SUBST_ROUNDS; round++) {
      if (round > 0 && cur.length > 2 * MAX_LINE_LENGTH) return this.selfReferent(cur, null) !== null ? null : cur;
      const next = cur.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)((?:\s[^}]*)?)\}|\$([A-Za-z_][A-Za-z0-9_]*)(?=[\s,)]|$)/g, (all, braced: string | undefined, arg: string | undefined, bare: string | undefined) => {
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
    const checks = this.includeLevel | (INCLUDE_VARIANTS[kind] ?? 0);
    const res = resolveInclude(pattern, dir, this.opts.reader, checks);
    for (const p of res.problems) {
      if (isChecked(p.type, checks)) {
        this.diags.error('KA_CFG_INCLUDE_CHECK', p.message, loc, { class: 'no-config', hint: `the checks of '${kind}'${this.includeLevel !== 0 ? ' plus include_check/-e' : ''} make this an error: keepalived stops after parsing (exit 6)` });
      } else {
        this.diags.warn('KA_CFG_INCLUDE_MISSING', p.message, loc, { class: 'notice', hint: 'reported only; includea/includem/-e make it an error' });
      }
    }
    for (const path of res.files) {
      if (this.includesSkipped !== null) {
        this.includesSkipped.count++;
        continue;
      }
      if (this.stack.some((f) => f.path === path)) {
        // Once per include line and file: files that include each other reach the same line by many paths.
        const key = `${loc.file}\0${loc.line}\0${path}`;
        if (!this.cyclesReported.has(key)) this.diags.error('KA_CFG_INCLUDE_CYCLE', `include cycle: ${[...this.stack.map((f) => f.path), path].join(' -> ')} - ignoring`, loc);
        this.cyclesReported.add(key);
        continue;
      }
      if (this.stack.length >= MAX_INCLUDE_DEPTH) {
        this.diags.error('KA_CFG_INCLUDE_DEPTH', `includes nested more than ${MAX_INCLUDE_DEPTH} deep - ignoring '${path}' (${this.includeChain(loc)})`, loc);
        continue;
      }
      if (this.files.length >= MAX_INCLUDED_FILES) {
        this.includeLimit(`includes read more than ${MAX_INCLUDED_FILES} files`, path, loc);
        continue;
      }
      const text = this.opts.reader.read(path);
      if (text === null) {
        const failing = isChecked(1, checks);
        this.diags.push(failing ? 'error' : 'warning', 'KA_CFG_INCLUDE_UNREADABLE', `Configuration file '${path}' open problem - skipping`, loc, { class: failing ? 'no-config' : 'notice' });
        continue;
      }
      if (this.bytesRead + text.length > MAX_SOURCE_BYTES) {
        this.includeLimit(`includes read more than ${MAX_SOURCE_BYTES / 1024 / 1024} MiB`, path, loc);
        continue;
      }
      this.file(path, text, loc);
    }
  }

  /** Where `loc` sits: each open file with the line that included the next, outermost first. */
  private includeChain(loc: SourceLoc): string {
    const sites = this.stack.slice(1).map((f) => f.from!);
    return [...sites, loc].map((l) => `${l.file}:${l.line}`).join(' -> ');
  }

  /** The first include past a bound is an error naming its chain; every later one is skipped. */
  private includeLimit(what: string, path: string, loc: SourceLoc): void {
    this.includesSkipped = { count: 0, at: loc };
    this.diags.error('KA_CFG_INCLUDE_LIMIT', `${what} - ignoring '${path}' and every include after it (${this.includeChain(loc)})`, loc, {
      hint: 'do files include each other (a glob such as *.conf that matches its own folder)?',
    });
  }

  /** After the whole source: how many includes the bound left out. */
  finish(): void {
    const skipped = this.includesSkipped;
    if (skipped !== null && skipped.count > 0) {
      this.diags.warn('KA_CFG_INCLUDE_LIMIT', `${skipped.count} more included file(s) not read`, skipped.at, { class: 'notice' });
    }
  }
}

/** Expands the main file (text already read) into tokenized lines; diagnostics go to `diags`. */
export function expandSource(path: string, text: string, opts: SourceOptions, diags: DiagSink): { lines: SourceLine[]; files: string[] } {
  const lines: SourceLine[] = [];
  const { files } = streamSource(path, text, opts, diags, (l) => lines.push(l));
  return { lines, files };
}

/** expandSource, each line handed to `emit` as it is produced instead of kept. */
export function streamSource(path: string, text: string, opts: SourceOptions, diags: DiagSink, emit: (line: SourceLine) => void): { files: string[] } {
  const x = new SourceExpander(opts, diags, emit);
  x.file(path, text);
  x.finish();
  return { files: x.files };
}
