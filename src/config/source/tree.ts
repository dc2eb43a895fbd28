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

class MutableNode implements ConfigNode {
  children: MutableNode[] | null = null;

  constructor(
    readonly keyword: string,
    readonly loc: SourceLoc,
    readonly args: readonly Token[],
    readonly rawArgs: string,
  ) {}

  /** Built when asked (few keywords need them): an object per word would outweigh the tree. */
  get argLocs(): readonly SourceLoc[] {
    return this.args.map((t) => ({ file: this.loc.file, line: this.loc.line, col: t.col }));
  }
}

interface Frame {
  readonly nodes: MutableNode[];
  /** An anonymous `{` (no owner): its lines are parsed at the enclosing level. */
  readonly splice: boolean;
}

/**
 * Builds the tree one line at a time. Each top-level statement goes to `onTopLevel` once it
 * is complete (when the next one starts, or at finish()) and is not kept: a caller that
 * applies it at once holds one block's tree, never the whole file's.
 */
export class TreeBuilder {
  private readonly root: MutableNode[] = [];
  private readonly stack: Frame[] = [{ nodes: this.root, splice: false }];
  // The statement a following `{` would attach to (cleared by anything else).
  private lastStatement: MutableNode | null = null;
  private lastLine: SourceLine | null = null;

  constructor(
    private readonly diags: DiagSink,
    private readonly onTopLevel: (node: ConfigNode) => void,
  ) {}

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  add(line: SourceLine): void {
    this.lastLine = line;
    const loc = (t: Token): SourceLoc => ({ file: line.file, line: line.line, col: t.col });
    let i = 0;
    const toks = line.tokens;
    while (i < toks.length) {
      const t = toks[i]!;
      if (t.kind === 'word') {
        let j = i + 1;
        while (j < toks.length && toks[j]!.kind === 'word') j++;
        const args = toks.slice(i + 1, j);
        const node = new MutableNode(t.text, loc(t), args, args.length > 0 ? line.text.slice(args[0]!.start, args[args.length - 1]!.end) : '');
        const nodes = this.top().nodes;
        // A statement at the top level completes the one before it: no `{` can reach that one now.
        if (nodes === this.root) this.flush();
        nodes.push(node);
        this.lastStatement = node;
        i = j;
        continue;
      }
      if (t.kind === 'open') {
        if (this.lastStatement && this.lastStatement.children === null) {
          this.lastStatement.children = [];
          this.stack.push({ nodes: this.lastStatement.children, splice: false });
        } else {
          this.diags.warn('KA_CFG_UNEXPECTED_BRACE', "Unexpected '{' - ignoring", loc(t), { hint: 'the lines up to the matching } are read at the enclosing level' });
          this.stack.push({ nodes: this.top().nodes, splice: true });
        }
        this.lastStatement = null;
        i++;
        continue;
      }
      // '}'
      if (this.stack.length === 1) this.diags.error('KA_CFG_EXTRA_BRACE', "Extra '}' found", loc(t));
      else this.stack.pop();
      this.lastStatement = null;
      i++;
    }
  }

  private flush(): void {
    for (const node of this.root.splice(0)) this.onTopLevel(node);
  }

  /** Reports unclosed blocks and hands out the last top-level statement. */
  finish(): void {
    const open = this.stack.length - 1;
    if (open > 0) {
      const last = this.lastLine;
      this.diags.error('KA_CFG_MISSING_BRACE', `There are ${open} missing '}'s or extra '{'s`, last ? { file: last.file, line: last.line, col: 1 } : undefined);
    }
    this.flush();
  }
}

/** The whole tree at once (tests and small inputs). */
export function buildTree(lines: readonly SourceLine[], diags: DiagSink): ConfigNode[] {
  const out: ConfigNode[] = [];
  const b = new TreeBuilder(diags, (n) => out.push(n));
  for (const line of lines) b.add(line);
  b.finish();
  return out;
}
