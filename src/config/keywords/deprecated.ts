/**
 * Deprecated keyword aliases (reference §1a.14): accepted exactly like the keyword that
 * replaced them, with keepalived's `Keyword "old" is deprecated - please use "new"` warning.
 */
import type { KeywordDef } from './table.js';

export function deprecatedKw<B>(oldName: string, current: KeywordDef<B>): KeywordDef<B> {
  return {
    ...current,
    name: oldName,
    apply: (b, node, ctx) => {
      ctx.diags.warn('KA_CFG_DEPRECATED', `Keyword "${oldName}" is deprecated - please use "${current.name}"`, node.loc, { hint: `rename it to '${current.name}'` });
      current.apply(b, node, ctx);
    },
  };
}
