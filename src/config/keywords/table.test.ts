import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagSink } from '../diagnostics.js';
import { memoryReader } from '../../test-kit/memory-reader.js';
import { expandSource } from '../source/expand.js';
import { buildTree } from '../source/tree.js';
import { suggest, editDistance } from './suggest.js';
import { applyTable, defineTable, intKw, listKw } from './table.js';

test('edit distance and did-you-mean', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(suggest('priorty', ['priority', 'state']), 'priority');
  assert.equal(suggest('virtual_ipaddres', ['virtual_ipaddress', 'virtual_ipaddress_excluded']), 'virtual_ipaddress');
  assert.equal(suggest('STATE', ['state']), 'state');
  assert.equal(suggest('zzzzzz', ['state']), undefined);
});

test('a table is data: rows are looked up by name and duplicates are a programming error', () => {
  assert.throws(() => defineTable('t', [intKw<object>('a', 0, 1, () => undefined), intKw<object>('a', 0, 1, () => undefined)]), /duplicate row 'a'/);
});

test('an unknown block is skipped whole: later statements stay at their level', () => {
  interface B {
    n?: number;
    items: string[];
  }
  const table = defineTable<B>('demo', [intKw<B>('n', 0, 9, (b, v) => (b.n = v)), listKw<B>('items', 'X', (b, l) => b.items.push(l.keyword))]);
  const diags = new DiagSink();
  const { lines } = expandSource('/d.conf', 'unknown {\n  n 1\n  nested {\n  }\n}\nn 2\nitems {\n a\n b\n}\n', { reader: memoryReader({}), configId: 'x' }, diags);
  const b: B = { items: [] };
  applyTable(table, buildTree(lines, diags), b, { diags });
  assert.equal(b.n, 2);
  assert.deepEqual(b.items, ['a', 'b']);
  assert.deepEqual(diags.list.map((d) => `${d.loc?.line}:${d.message}`), ["1:Unknown keyword 'unknown'"]);
});
