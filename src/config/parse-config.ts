/**
 * The config pipeline, pure: source expansion (include/@id/$VAR/~SEQ, source/expand.ts) →
 * lexer → block tree → keyword tables → model compiler. Every file is reached through the
 * injected SourceReader (read-config.ts passes the real one). Never throws on bad input:
 * every problem is a Diagnostic with `file:line:col`.
 */
import type { SourceReader } from './common.js';
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
}

/** Parses config text already in memory (tests, `--config-fd`); includes go through opts.reader. */
export function parseConfigText(text: string, fileName: string, opts: LoadOptions): LoadResult {
  const diags = new DiagSink();
  const { lines, files } = expandSource(fileName, text, opts, diags);
  const tree = buildTree(lines, diags);
  const draft = newConfigDraft();
  applyTable(TOP_LEVEL_TABLE, tree, draft, { diags });
  const config = compileConfig(
    draft,
    files,
    { hostname: opts.hostname ?? opts.configId, ...(opts.scriptExists ? { scriptExists: opts.scriptExists } : {}), readerHasFile: (p) => opts.reader.glob(p, '/').length > 0 },
    diags,
  );
  return { config, diagnostics: diags.list };
}

export function loadConfig(path: string, opts: LoadOptions): LoadResult {
  const text = opts.reader.read(path);
  if (text === null) {
    const diags = new DiagSink();
    // keepalived 2.2.7 logs this and exits 0; we classify it as fatal: nothing can run.
    diags.fatal('KA_CFG_FILE_MISSING', `Config files missing '${path}'.`, undefined, 'check the -f/--use-file path');
    const empty = parseConfigText('', path, opts).config;
    return { config: { ...empty, files: [] }, diagnostics: diags.list };
  }
  return parseConfigText(text, path, opts);
}
