/**
 * Block tree: groups tokenized lines into statements (`keyword args…`) and `{ … }`
 * blocks. Braces are tokens of their own, so `VI_1{`, `{ 10.0.0.1 }` and `} }` all work,
 * and a `{` alone on the next line opens the previous statement's block (keepalived.conf(5)).
 * The tree knows no keywords: the keyword tables decide what a block means.
 */
import type { DiagSink } from '../diagnostics.js';
import type { Token } from './lexer.js';
import type { SourceLoc } from '../common.js';
import type { SourceLine } from './expand.js';

export interface ConfigNode {
  readonly keyword: string;
  readonly loc: SourceLoc;
  /** The words after the keyword (braces excluded). */
  readonly args: readonly Token[];
  /** Locations of each arg, same order as args. */
  readonly argLocs: readonly SourceLoc[];
  /** Raw text of the arguments as written (quotes kept), for the script re-parse. */
  readonly rawArgs: string;
  /** Null when the statement has no `{ … }` block. */
  readonly children: ConfigNode[] | null;
}

interface MutableNode {
  keyword: string;
  loc: SourceLoc;
  args: Token[];
  argLocs: SourceLoc[];
  rawArgs: string;
  children: MutableNode[] | null;
}

interface Frame {
  readonly nodes: MutableNode[];
  /** An anonymous `{` (no owner): its lines are parsed at the enclosing level. */
  readonly splice: boolean;
}

export function buildTree(lines: readonly SourceLine[], diags: DiagSink): ConfigNode[] {
  const root: MutableNode[] = [];
  const stack: Frame[] = [{ nodes: root, splice: false }];
  const top = (): Frame => stack[stack.length - 1]!;
  // The statement a following `{` would attach to (cleared by anything else).
  let lastStatement: MutableNode | null = null;

  for (const line of lines) {
    const loc = (t: Token): SourceLoc => ({ file: line.file, line: line.line, col: t.col });
    let i = 0;
    const toks = line.tokens;
    while (i < toks.length) {
      const t = toks[i]!;
      if (t.kind === 'word') {
        let j = i + 1;
        while (j < toks.length && toks[j]!.kind === 'word') j++;
        const words = toks.slice(i, j);
        const args = words.slice(1);
        const node: MutableNode = {
          keyword: t.text,
          loc: loc(t),
          args,
          argLocs: args.map(loc),
          rawArgs: args.length > 0 ? line.text.slice(args[0]!.start, args[args.length - 1]!.end) : '',
          children: null,
        };
        top().nodes.push(node);
        lastStatement = node;
        i = j;
        continue;
      }
      if (t.kind === 'open') {
        if (lastStatement && lastStatement.children === null) {
          lastStatement.children = [];
          stack.push({ nodes: lastStatement.children, splice: false });
        } else {
          diags.warn('KA_CFG_UNEXPECTED_BRACE', "Unexpected '{' - ignoring", loc(t), { hint: 'the lines up to the matching } are read at the enclosing level' });
          stack.push({ nodes: top().nodes, splice: true });
        }
        lastStatement = null;
        i++;
        continue;
      }
      // '}'
      if (stack.length === 1) diags.error('KA_CFG_EXTRA_BRACE', "Extra '}' found", loc(t));
      else stack.pop();
      lastStatement = null;
      i++;
    }
  }
  const open = stack.length - 1;
  if (open > 0) {
    const last = lines[lines.length - 1];
    diags.error(
      'KA_CFG_MISSING_BRACE',
      `There are ${open} missing '}'s or extra '{'s`,
      last ? { file: last.file, line: last.line, col: 1 } : undefined,
    );
  }
  return root;
}
