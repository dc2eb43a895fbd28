// docs/compatibility.md's keyword sections are what the keyword tables render: a row per
// keyword, its status derived from the row's run-time status (regenerate: `npm run docs`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderCompatKeywords } from './compat-doc.js';
import { collectTables, statusText } from './config-doc.js';
import { defineTable, flagKw, intKw, runtimeOf } from './keywords/table.js';
import { TOP_LEVEL_TABLE } from './top-level.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/compatibility.md', import.meta.url)), 'utf8');

test('docs/compatibility.md keyword sections match the tables (run `npm run docs` after changing them)', () => {
  const fresh = renderCompatKeywords(TOP_LEVEL_TABLE, doc);
  if (fresh !== doc) {
    const a = doc.split('\n');
    const b = fresh.split('\n');
    const i = a.findIndex((l, n) => l !== b[n]);
    assert.fail(`docs/compatibility.md is stale: first difference at line ${i + 1}:\n  committed: ${a[i]}\n  tables:    ${b[i]}\nrun \`npm run docs\``);
  }
  assert.match(doc, /^## Deliberate differences$/m);
});

test('a keyword the daemon does not act on is never listed as supported', () => {
  const seen = { acts: 0, partly: 0, 'not-yet': 0 };
  for (const { table } of collectTables(TOP_LEVEL_TABLE)) {
    const section = doc.split(`## Keywords: \`${table.block}\``)[1]?.split('\n## ')[0];
    assert.ok(section, `section for ${table.block}`);
    for (const d of table.defs.values()) {
      const line = section.split('\n').find((l) => l.startsWith(`| \`${d.name}\` |`));
      assert.ok(line, `${table.block}: ${d.name} missing`);
      const runtime = runtimeOf(d, table);
      seen[runtime]++;
      if (runtime !== 'acts') assert.ok(!/\| supported \|/.test(line) && line.includes(runtime === 'partly' ? 'partly' : 'not acted on yet'), `${table.block}: ${d.name}: ${line}`);
      else assert.ok(!line.includes('not acted on yet') && !line.includes('| partly'), `${table.block}: ${d.name} is acted on: ${line}`);
    }
  }
  assert.ok(seen.partly > 0 && seen['not-yet'] > 0 && seen.acts > 0, `every status is checked: ${JSON.stringify(seen)}`);
});

test('rendering keeps the hand-written test column, adds new keywords and drops removed ones', () => {
  type B = { n?: number; f?: boolean };
  const t = defineTable<B>('demo', [intKw<B>('kept', 1, 9, 'n', { default: 3 }), flagKw<B>('added', 'f', { runtime: 'not-yet', runtimeNote: 'later' })]);
  const old = ['# x', '', '## Keywords: `demo`', '', '| keyword | args | default | status | test |', '|---|---|---|---|---|', '| `kept` | old | old | supported | `kept.test.ts` |', '| `gone` | x | | supported | `gone.test.ts` |', '', '## After', ''].join('\n');
  const out = renderCompatKeywords(defineTable<{ demo?: B }>('top level', []) as never, old);
  assert.ok(!out.includes('## Keywords: `demo`') && out.includes('## After'), 'a table that is not reachable loses its section');
  const top = defineTable<B>('top level', [{ name: 'demo', form: { type: 'block', table: 'demo', sub: t }, scalar: false, apply: () => undefined }]);
  const lines = renderCompatKeywords(top, old).split('\n');
  assert.ok(lines.includes('| `kept` | INT 1..9 | 3 | supported | `kept.test.ts` |'), lines.join('\n'));
  assert.ok(lines.includes('| `added` | flag | off | read, not acted on yet: later | – |'), lines.join('\n'));
  assert.ok(!lines.some((l) => l.includes('gone')));
  assert.ok(lines.includes('## Keywords: `top level`'), 'a reachable table without a section gets one');
  assert.equal(statusText(t.defs.get('added')!, t), 'read, not acted on yet: later');
});
