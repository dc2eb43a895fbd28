/**
 * The config pipeline, pure: source expansion (include/@id/$VAR/~SEQ, source/expand.ts) →
 * lexer → block tree → keyword tables → model compiler. Every file is reached through the
 * injected SourceReader (read-config.ts passes the real one). Never throws on bad input:
 * every problem is a Diagnostic with `file:line:col`.
 */
import type { KeywordUse, SourceLoc, SourceReader } from './common.js';
import { compileConfig } from './compile.js';
import { DiagSink, type Diagnostic } from './diagnostics.js';
import { newConfigDraft } from './top-level.js';
import { applyTable } from './keywords/table.js';
import { TOP_LEVEL_TABLE } from './top-level.js';
import type { KeepalivedConfig } from './model.js';
import { expandSource } from './source/expand.js';
import { buildTree } from './source/tree.js';

export interface LoadOptions {
  readonly reader: SourceReader;
  /** `-i/--config-id`, default: the host name up to the first dot (the caller computes it). */
  readonly configId: string;
  /** Values for `${_ENV NAME}`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Default router_id (keepalived: the host name); defaults to configId. */
  readonly hostname?: string;
  /** Whether a configured script exists (security check); undefined = assume it does. */
  readonly scriptExists?: (path: string) => boolean;
  /** Initial include check level (source/include-check.ts); `-e/--all-config` = INCLUDE_ALL. */
  readonly includeCheck?: number;
  /** Seed of `${_RANDOM}` until a `random_seed` line. */
  readonly randomSeed?: number;
}

export interface LoadResult {
  readonly config: KeepalivedConfig;
  readonly diagnostics: Diagnostic[];
  /** Keywords of the file the daemon does not (fully) act on at run time (keywordsNotActedOn). */
  readonly keywordUses: readonly KeywordUse[];
}

/** Parses config text already in memory (tests, `--config-fd`); includes go through opts.reader. */
export function parseConfigText(text: string, fileName: string, opts: LoadOptions): LoadResult {
  const diags = new DiagSink();
  const { lines, files } = expandSource(fileName, text, opts, diags);
  const tree = buildTree(lines, diags);
  const draft = newConfigDraft();
  const uses: KeywordUse[] = [];
  applyTable(TOP_LEVEL_TABLE, tree, draft, { diags, uses });
  const config = compileConfig(
    draft,
    files,
    { hostname: opts.hostname ?? opts.configId, ...(opts.scriptExists ? { scriptExists: opts.scriptExists } : {}), readerHasFile: (p) => opts.reader.glob(p, '/').length > 0 },
    diags,
  );
  return { config, diagnostics: diags.list, keywordUses: uses };
}

export function loadConfig(path: string, opts: LoadOptions): LoadResult {
  const text = opts.reader.read(path);
  if (text === null) {
    const diags = new DiagSink();
    // keepalived 2.2.7 logs this and exits 0; we classify it as fatal: nothing can run.
    diags.fatal('KA_CFG_FILE_MISSING', `Config files missing '${path}'.`, undefined, 'check the -f/--use-file path');
    const empty = parseConfigText('', path, opts).config;
    return { config: { ...empty, files: [] }, diagnostics: diags.list, keywordUses: [] };
  }
  return parseConfigText(text, path, opts);
}

/** One keyword of the file that the daemon reads but does not (fully) act on, with every place it is used. */
export interface KeywordNotActedOn {
  /** The block it belongs to (`vrrp_instance`, `global_defs`, …). */
  readonly block: string;
  readonly keyword: string;
  /** `not-yet`: read and checked only; `partly`: acted on, with what `note` says is missing. */
  readonly runtime: KeywordUse['runtime'];
  readonly note?: string;
  /** In file order. */
  readonly locs: readonly SourceLoc[];
}

/**
 * The keywords present in a loaded file that the daemon reads but does not act on (or
 * only partly), one entry per block and keyword in order of first use: what `-t` and the
 * start-up may warn about. The status is the keyword row's (docs/compatibility.md). Pure.
 */
export function keywordsNotActedOn(result: Pick<LoadResult, 'keywordUses'>): KeywordNotActedOn[] {
  const byKey = new Map<string, { -readonly [K in keyof KeywordNotActedOn]: KeywordNotActedOn[K] } & { locs: SourceLoc[] }>();
  for (const u of result.keywordUses) {
    const key = `${u.block}\0${u.keyword}`;
    const seen = byKey.get(key);
    if (seen) seen.locs.push(u.loc);
    else byKey.set(key, { block: u.block, keyword: u.keyword, runtime: u.runtime, ...(u.note !== undefined ? { note: u.note } : {}), locs: [u.loc] });
  }
  return [...byKey.values()];
}

/** The code of the warnings keywordsNotActedOn turns into (docs/errors.md). */
export const NOT_ACTED_ON_CODE = 'KA_CFG_NOT_ACTED_ON';

const where = (l: SourceLoc): string => `${l.file}:${l.line}:${l.col}`;

/** `'x' is read but not acted on yet` (or `only partly acted on: NOTE`), once per keyword, at its first place. */
export function notActedOnMessage(k: KeywordNotActedOn): string {
  const what = k.runtime === 'partly' ? `only partly acted on${k.note !== undefined ? `: ${k.note}` : ''}` : `not acted on yet${k.note !== undefined ? `: ${k.note}` : ''}`;
  const more = k.locs.slice(1).map(where);
  return `'${k.keyword}' is read but ${what}${more.length > 0 ? ` (also at ${more.join(', ')})` : ''}`;
}

/**
 * One warning per keyword the daemon does not (fully) act on, class `notice`: reported by `-t`
 * and at start-up, never counted in the exit status (configTestExitCode; keepalived prints
 * nothing for them). Kept out of LoadResult.diagnostics, which are the file's problems.
 */
export function notActedOnDiagnostics(result: Pick<LoadResult, 'keywordUses'>): Diagnostic[] {
  return keywordsNotActedOn(result).map((k) => ({ severity: 'warning', code: NOT_ACTED_ON_CODE, message: notActedOnMessage(k), class: 'notice', ...(k.locs[0] ? { loc: k.locs[0] } : {}) }));
}

/** The file's diagnostics, then the not-acted-on warnings: what `-t` reports and the parent logs at start-up. */
export function reportedDiagnostics(result: Pick<LoadResult, 'diagnostics' | 'keywordUses'>): Diagnostic[] {
  return [...result.diagnostics, ...notActedOnDiagnostics(result)];
}
