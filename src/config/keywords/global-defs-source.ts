/**
 * global_defs keywords that act in the source stage (source/expand.ts) because they change how the
 * rest of the file is read: `include_check` (source/include-check.ts) and `random_seed`
 * (`${_RANDOM}`). The source stage validates them; here they are only accepted.
 */
import type { GlobalDefsDraft } from '../draft.js';
import type { KeywordDef } from './table.js';

const sourceStage = (name: string, syntax: string, defaultText: string): KeywordDef<GlobalDefsDraft> => ({
  name,
  form: { type: 'words', syntax },
  defaultText,
  scalar: false,
  apply: () => undefined,
});

export const SOURCE_STAGE_GLOBAL_DEFS: readonly KeywordDef<GlobalDefsDraft>[] = [
  sourceStage('include_check', '[+|-]read|match|wildcard_match|brace_match …', 'no checks'),
  sourceStage('random_seed', 'UNSIGNED', 'from the time'),
];
