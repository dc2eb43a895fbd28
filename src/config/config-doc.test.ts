// docs/configuration.md is exactly what the keyword tables render (regenerate: `npm run docs`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { anchor, collectTables, renderConfigDoc } from './config-doc.js';
import { defineTable, intKw, blockKw, unsupportedKw } from './keywords/table.js';
import { TOP_LEVEL_TABLE } from './top-level.js';
import { CHECKER_TABLES, URL_TABLE } from './lvs/checker-keywords.js';
import { AUTHENTICATION_TABLE } from './vrrp-instance/keywords.js';

const docPath = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));

test('docs/configuration.md matches the keyword tables (run `npm run docs` after changing them)', () => {
  const committed = readFileSync(docPath, 'utf8');
  const fresh = renderConfigDoc(TOP_LEVEL_TABLE);
  if (committed !== fresh) {
    const a = committed.split('\n');
    const b = fresh.split('\n');
    const i = a.findIndex((l, n) => l !== b[n]);
    assert.fail(`docs/configuration.md is stale: first difference at line ${i + 1}:\n  committed: ${a[i]}\n  tables:    ${b[i]}\nrun \`npm run docs\``);
  }
});

test('every table is reached from the top level, shared tables once', () => {
  const reached = collectTables(TOP_LEVEL_TABLE).map((s) => s.table);
  for (const t of [...CHECKER_TABLES.values(), URL_TABLE, AUTHENTICATION_TABLE]) assert.ok(reached.includes(t), t.block);
  assert.equal(new Set(reached).size, reached.length);
  const url = collectTables(TOP_LEVEL_TABLE).find((s) => s.table === URL_TABLE);
  assert.deepEqual(url?.paths, ['virtual_server › real_server › HTTP_GET › url', 'virtual_server › real_server › SSL_GET › url']);
});

test('rows show form, range, default, deprecation and status; output is deterministic', () => {
  type B = { n?: number };
  const inner = defineTable<B>('inner', [intKw<B>('b_old', 1, 9, () => undefined, { default: '3', deprecatedFor: 'b_new' })]);
  const top = defineTable<B>('top level', [
    unsupportedKw<B>('zeta'),
    intKw<B>('alpha', 0, 255, () => undefined, { default: '7' }),
    blockKw<B, B>('inner', inner, (b) => b, () => undefined),
  ]);
  const md = renderConfigDoc(top);
  assert.equal(md, renderConfigDoc(top));
  const lines = md.split('\n');
  assert.ok(lines.includes('| `alpha` | `N` | 0..255 | 7 | supported |'), md);
  assert.ok(lines.includes('| `zeta` |  |  |  | not supported yet |'), md);
  assert.ok(lines.includes('| `inner` | `{ … }` see [`inner`](#inner) |  |  | supported (repeatable) |'), md);
  assert.ok(lines.includes('| `b_old` | `N` | 1..9 | 3 | deprecated: use `b_new` |'), md);
  assert.ok(lines.indexOf('| `alpha` | `N` | 0..255 | 7 | supported |') < lines.indexOf('| `zeta` |  |  |  | not supported yet |'), 'sorted by name');
});

test('anchors follow GitHub heading ids', () => {
  assert.equal(anchor('`virtual_server › real_server`'), 'virtual_server--real_server');
  assert.equal(anchor('`top level`'), 'top-level');
});
