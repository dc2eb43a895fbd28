/**
 * Keeps the `## Keywords: …` sections of docs/compatibility.md derived from the keyword
 * tables: one row per keyword with its argument, default and the run-time status its row
 * declares, so the page cannot call a keyword the daemon does not act on "supported". Only
 * the `test` column is written by hand; a regeneration keeps it (`–` for a new keyword).
 * Pure; `npm run docs` writes the result, compat-doc.test.ts checks the committed page.
 */
import { assertNever } from '../core/result.js';
import { collectTables, defaultText, statusText } from './config-doc.js';
import type { ArgForm, KeywordInfo, TableInfo } from './keywords/table.js';

const HEADER = ['| keyword | args | default | status | test |', '|---|---|---|---|---|'];
const SECTION = /^## Keywords: `(.+)`$/;

const esc = (s: string): string => s.replace(/\|/g, '\\|');

function args(f: ArgForm): string {
  switch (f.type) {
    case 'flag':
    case 'bool':
    case 'string':
    case 'address':
    case 'script':
      return f.type;
    case 'int':
      return `INT ${f.min}..${f.max}`;
    case 'timer':
      return `SECS ${f.min}..${f.max}`;
    case 'words':
      return f.syntax;
    case 'list':
      return `{ ${f.item} … }`;
    case 'block':
      return `{ ${f.table} }`;
    case 'unsupported':
      return '';
    default:
      return assertNever(f);
  }
}

/** The cells of a markdown table row (`\|` stays inside its cell). */
const cells = (line: string): string[] => line.replace(/^\|/, '').replace(/\|\s*$/, '').split(/(?<!\\)\|/).map((c) => c.trim());

/** The hand-written `test` cell of each keyword row of a section. */
function testCells(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of lines) {
    const c = cells(l);
    const name = /^`(.+)`$/.exec(c[0] ?? '')?.[1];
    if (name !== undefined && c.length >= 5) out.set(name, c[c.length - 1]!);
  }
  return out;
}

const row = (d: KeywordInfo, t: TableInfo, test: string): string => `| \`${d.name}\` | ${esc(args(d.form))} | ${esc(defaultText(d))} | ${esc(statusText(d, t))} | ${test} |`;

function section(t: TableInfo, old: readonly string[]): string[] {
  const tests = testCells(old);
  return [`## Keywords: \`${t.block}\``, '', ...HEADER, ...[...t.defs.values()].map((d) => row(d, t, tests.get(d.name) ?? '–')), ''];
}

/**
 * `doc` with every keyword section rendered from the tables reachable from `root`: sections
 * keep their place, a table without one gets a new section after the last, a section whose
 * table is gone is dropped.
 */
export function renderCompatKeywords(root: TableInfo, doc: string): string {
  const tables = new Map<string, TableInfo>();
  for (const { table } of collectTables(root)) {
    if (tables.has(table.block)) throw new Error(`two keyword tables are called ${table.block}`);
    tables.set(table.block, table);
  }
  const lines = doc.split('\n');
  const out: string[] = [];
  const done = new Set<string>();
  let afterLast = -1;
  for (let i = 0; i < lines.length; ) {
    const block = SECTION.exec(lines[i]!)?.[1];
    if (block === undefined) {
      out.push(lines[i++]!);
      continue;
    }
    let end = i + 1;
    while (end < lines.length && !lines[end]!.startsWith('## ')) end++;
    const t = tables.get(block);
    if (t) {
      out.push(...section(t, lines.slice(i + 1, end)));
      done.add(block);
      afterLast = out.length;
    }
    i = end;
  }
  const added = [...tables.values()].filter((t) => !done.has(t.block)).flatMap((t) => section(t, []));
  out.splice(afterLast < 0 ? out.length : afterLast, 0, ...added);
  return out.join('\n');
}
