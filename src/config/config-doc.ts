/**
 * Renders docs/configuration.md from the keyword tables (each block's keywords.ts, top-level.ts): every block reachable
 * from the top level, every keyword with its argument form, range, default, deprecated alias
 * and status. Pure and deterministic (no dates, no environment), so the committed file can be
 * compared with a fresh rendering (config-doc.test.ts) and regenerated after a merge with
 * `npm run docs` (scripts/gen-config-doc.mjs).
 */
import { assertNever } from '../core/result.js';
import { runtimeOf, type ArgForm, type KeywordInfo, type TableInfo } from './keywords/table.js';

interface Section {
  readonly table: TableInfo;
  /** Block paths from the top level, first one used as the heading. */
  readonly paths: string[];
}

/** Every table reachable from `root`, breadth-first, each once (tables are shared, e.g. `url`). */
export function collectTables(root: TableInfo): readonly Section[] {
  const byTable = new Map<TableInfo, Section>();
  const rootSection: Section = { table: root, paths: [root.block] };
  byTable.set(root, rootSection);
  const queue: Section[] = [rootSection];
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    const parentPath = s.table === root ? '' : `${s.paths[0] ?? s.table.block} › `;
    for (const d of sortedDefs(s.table)) {
      if (d.form.type !== 'block') continue;
      const path = `${parentPath}${d.name}`;
      const known = byTable.get(d.form.sub);
      if (known) {
        if (!known.paths.includes(path)) known.paths.push(path);
        continue;
      }
      const next: Section = { table: d.form.sub, paths: [path] };
      byTable.set(d.form.sub, next);
      queue.push(next);
    }
  }
  return [...byTable.values()];
}

const sortedDefs = (t: TableInfo): KeywordInfo[] => [...t.defs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** A number as keepalived writes it: integers plainly, fractions without exponent or trailing zeros. */
function num(n: number, decimals = 6): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(decimals).replace(/0+$/, '');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string): string => (s === '' ? '' : `\`${s.replace(/\|/g, '\\|')}\``);

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

const heading = (s: Section): string => `\`${s.paths[0] ?? s.table.block}\``;

function argument(f: ArgForm, sections: ReadonlyMap<TableInfo, Section>): { arg: string; range: string } {
  switch (f.type) {
    case 'flag':
      return { arg: '(none)', range: '' };
    case 'int':
      return { arg: code('N'), range: `${num(f.min)}..${num(f.max)}` };
    case 'timer':
      return { arg: code('SECONDS'), range: `${num(f.min, f.decimals)}..${num(f.max, f.decimals)} s, ≤ ${f.decimals} decimals` };
    case 'bool':
      return { arg: code('[BOOL]'), range: 'on/off, true/false, yes/no; none = on' };
    case 'string':
      return { arg: code('STRING'), range: '' };
    case 'address':
      return { arg: code('IP'), range: 'IPv4 or IPv6' };
    case 'script':
      return { arg: code('SCRIPT [ARG …]'), range: 'quoted command line, shell-like re-parse' };
    case 'words':
      return { arg: code(f.syntax), range: '' };
    case 'list':
      return { arg: `\`{\` ${code(f.item)} per line \`}\``, range: '' };
    case 'block': {
      const s = sections.get(f.sub);
      return { arg: s ? `\`{ … }\` see [${heading(s)}](#${anchor(heading(s))})` : '`{ … }`', range: '' };
    }
    case 'unsupported':
      return { arg: '', range: '' };
    default:
      return assertNever(f);
  }
}

/** A row's default as the docs show it: the value in the keyword's units, or the note. */
export function defaultText(d: KeywordInfo): string {
  const v = d.default;
  if (v === undefined) return '';
  if (typeof v === 'object') return v.note;
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return String(v);
}

/** What the daemon does with a row, as docs/configuration.md and docs/compatibility.md say it. */
export function statusText(d: KeywordInfo, t: TableInfo): string {
  if (d.form.type === 'unsupported') return 'not supported yet';
  const note = d.runtimeNote !== undefined ? `: ${d.runtimeNote}` : '';
  const runtime = runtimeOf(d, t);
  const base = runtime === 'acts' ? 'supported' : runtime === 'partly' ? `partly${note}` : `read, not acted on yet${note}`;
  return d.deprecatedFor !== undefined ? `deprecated: use ${code(d.deprecatedFor)}${runtime === 'acts' ? '' : `; ${base}`}` : base;
}

function row(d: KeywordInfo, t: TableInfo, sections: ReadonlyMap<TableInfo, Section>): string {
  const { arg, range } = argument(d.form, sections);
  const repeat = d.scalar ? '' : ' (repeatable)';
  const cols = [code(d.name), arg, cell(range), cell(defaultText(d)), cell(statusText(d, t)) + (d.form.type === 'unsupported' ? '' : repeat)];
  return `| ${cols.join(' | ')} |`;
}

/** The whole markdown page for the tables reachable from `root`. */
export function renderConfigDoc(root: TableInfo): string {
  const sections = collectTables(root);
  const byTable = new Map(sections.map((s) => [s.table, s]));
  const rows = sections.flatMap((s) => [...s.table.defs.values()].map((d) => ({ d, runtime: runtimeOf(d, s.table) })));
  const notYet = rows.filter(({ d }) => d.form.type === 'unsupported').length;
  const count = (r: string): number => rows.filter(({ d, runtime }) => d.form.type !== 'unsupported' && runtime === r).length;
  const out: string[] = [
    '# keepalived.conf reference',
    '',
    '<!-- Generated by `npm run docs` (scripts/gen-config-doc.mjs, src/config/config-doc.ts) from the keyword',
    '     tables (src/config/*/keywords.ts, src/config/top-level.ts). Do not edit by hand: src/config/config-doc.test.ts',
    '     fails when this file differs from the tables. -->',
    '',
    'Every block and keyword keepalived-ts knows, as its keyword tables define them. Source-level syntax',
    '(`include`, `@id`, `$NAME=`, `~SEQ`, comments, quoting) and the deliberate differences from keepalived are',
    'described in [compatibility.md](compatibility.md).',
    '',
    `${sections.length} blocks, ${rows.length - notYet} keywords read: ${count('acts')} acted on at run time, ${count('partly')} partly,`,
    `${count('not-yet')} read and checked but not acted on yet; ${notYet} known keepalived keywords not supported yet`,
    '(reported as `\'x\' is not supported yet - ignoring`, their `{ }` block skipped).',
    '',
    'Columns: **argument** is the argument form (`(none)` = a flag); **range** the accepted values;',
    '**default** keepalived\'s default when the keyword is absent (a value, or how it is derived); **status** is',
    'what the daemon does with it at run time: `supported` (as keepalived does), `partly: …` (what is missing),',
    '`read, not acted on yet` (parsed and checked like keepalived, no run-time effect yet), `deprecated: use X`',
    '(accepted with a warning naming X) or `not supported yet`; *(repeatable)* marks keywords that may appear more',
    'than once and accumulate (a repeated scalar overwrites the previous value with a warning).',
    '',
    '## Blocks',
    '',
    ...sections.map((s) => `- [${heading(s)}](#${anchor(heading(s))})`),
  ];
  for (const s of sections) {
    out.push('', `## ${heading(s)}`, '');
    if (s.paths.length > 1) out.push(`Also used as: ${s.paths.slice(1).map((p) => code(p)).join(', ')}.`, '');
    out.push('| keyword | argument | range | default | status |', '|---|---|---|---|---|');
    for (const d of sortedDefs(s.table)) out.push(row(d, s.table, byTable));
  }
  return `${out.join('\n')}\n`;
}
