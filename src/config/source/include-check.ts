/**
 * The include checks of keepalived ≥ 2.2 (keepalived.conf(5) `include` and `include_check`):
 * which problems of an `include` line are errors. Each problem has a type — read (a match
 * is not a readable regular non-executable file), match (nothing matched and no wildcard
 * was used, or a path component is missing), wildcard_match (a wildcard matched nothing),
 * brace_match (one `{a,b}` alternative is missing) — and is only *reported* unless the
 * line's checks (global `include_check` level | the variant's own) contain its type; then
 * keepalived exits "not configured" (6) after parsing. Checked as Debian 2.2.7 does:
 * match, wildcard_match and brace_match imply read; wildcard_match implies match.
 * Pure: the file system is reached through the SourceReader.
 */
import { expandBraces, hasGlobMagic } from './glob.js';
import type { SourceReader } from '../common.js';

export const INCLUDE_R = 1;
export const INCLUDE_M = 2 | INCLUDE_R;
export const INCLUDE_W = 4 | INCLUDE_M;
export const INCLUDE_B = 8 | INCLUDE_R;
export const INCLUDE_ALL = INCLUDE_R | INCLUDE_M | INCLUDE_W | INCLUDE_B;

/** The checks each include keyword adds to the current level. */
export const INCLUDE_VARIANTS: Readonly<Record<string, number>> = {
  include: 0,
  includer: INCLUDE_R,
  includem: INCLUDE_M,
  includew: INCLUDE_W,
  includeb: INCLUDE_B,
  includea: INCLUDE_ALL,
};

const CHECK_NAMES: Readonly<Record<string, number>> = { read: INCLUDE_R, match: INCLUDE_M, wildcard_match: INCLUDE_W, brace_match: INCLUDE_B };

export interface CheckProblem {
  readonly message: string;
  readonly hint?: string;
}

/**
 * `include_check [WORD…]` applied to `current`: no word = all checks; a first word without
 * sign sets read + that check; `+x`/`-x` add/remove; later unsigned words are duplicates.
 */
export function applyIncludeCheck(current: number, words: readonly string[]): { level: number; problems: CheckProblem[] } {
  if (words.length === 0) return { level: INCLUDE_ALL, problems: [] };
  let level = current;
  const problems: CheckProblem[] = [];
  words.forEach((word, i) => {
    const sign = word[0] === '+' || word[0] === '-' ? word[0] : '';
    if (sign === '' && i > 0) {
      problems.push({ message: `Duplicate include_check '${word}' specified - ignoring`, hint: 'only the first word may be unsigned; use +check / -check' });
      return;
    }
    const name = word.slice(sign.length);
    const flag = CHECK_NAMES[name];
    if (flag === undefined) {
      problems.push({
        message: `Unknown include_check type '${name}' - ignoring`,
        hint: name === 'readable' ? "keepalived's parser spells it 'read' (the man page says 'readable')" : `one of ${Object.keys(CHECK_NAMES).join(', ')}`,
      });
      return;
    }
    if (sign === '') level = INCLUDE_R | flag;
    else if (sign === '+') level |= flag;
    else level &= ~flag;
  });
  return { level, problems };
}

export interface IncludeProblem {
  /** The check type (INCLUDE_* bit) the problem belongs to. */
  readonly type: number;
  readonly message: string;
}

export interface IncludeResolution {
  /** Files to read, in order. */
  readonly files: readonly string[];
  readonly problems: readonly IncludeProblem[];
}

/** The directory part of a pattern before its first wildcard segment. */
function fixedDir(alt: string, cwd: string): string {
  const full = alt.startsWith('/') ? alt : `${cwd}/${alt}`;
  const segs = full.split('/');
  const k = segs.findIndex((s) => hasGlobMagic(s));
  return segs.slice(0, k).join('/') || '/';
}

/** Matches an include pattern and lists its problems; `checks` = level | variant. */
export function resolveInclude(pattern: string, cwd: string, reader: SourceReader, checks: number): IncludeResolution {
  const alts = expandBraces(pattern);
  const braces = pattern.includes('{');
  const problems: IncludeProblem[] = [];
  const matches: string[] = [];
  let missing = false;
  let wildcards = false;
  for (const alt of alts) {
    const m = reader.glob(alt, cwd);
    if (hasGlobMagic(alt)) {
      wildcards = true;
      if (m.length === 0 && kindOf(reader, fixedDir(alt, cwd)) !== 'directory') missing = true;
    } else if (m.length === 0) missing = true;
    matches.push(...m);
  }
  if (matches.length === 0) {
    if (missing) problems.push({ type: braces ? INCLUDE_B : INCLUDE_M, message: `Config files missing '${pattern}'.` });
    else if (wildcards && isChecked(INCLUDE_W, checks)) problems.push({ type: INCLUDE_W, message: `No config files matched '${pattern}'.` });
    return { files: [], problems };
  }
  if (missing) {
    problems.push({ type: INCLUDE_B, message: `Some config files missing: "${pattern}".` });
    if (isChecked(INCLUDE_B, checks)) return { files: [], problems };
  }
  const files: string[] = [];
  for (const path of matches) {
    const kind = kindOf(reader, path);
    if (kind === 'directory') problems.push({ type: INCLUDE_R, message: `Configuration file '${path}/' is a directory - skipping` });
    else if (kind !== 'file') problems.push({ type: INCLUDE_R, message: `Configuration file '${path}' is not a regular non-executable file - skipping` });
    else files.push(path);
  }
  return { files, problems };
}

export function kindOf(reader: SourceReader, path: string): 'file' | 'directory' | 'executable' | 'other' | null {
  if (reader.kind) return reader.kind(path);
  return reader.read(path) === null ? null : 'file';
}

/** Is a problem of `type` an error under `checks`? (A type's implied bits do not count.) */
export function isChecked(type: number, checks: number): boolean {
  const own = type === INCLUDE_W ? 4 : type === INCLUDE_M ? 2 : type === INCLUDE_B ? 8 : 1;
  return (checks & own) !== 0;
}
