// Golden config files: test/fixtures/config/err-NNN-*.conf must produce exactly the
// diagnostics in the .err beside it; ok-NNN-*.conf must load with no diagnostic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { memoryReader } from '../test-kit/memory-reader.js';
import { formatDiagnostic, type Diagnostic } from './diagnostics.js';
import { parseConfigText } from './parse-config.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/config/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.conf')).sort();

/** The golden line format: keepalived-ts's `--config-test` text plus code and class. */
export const goldenText = (ds: readonly Diagnostic[]): string => ds.map((d) => `${formatDiagnostic(d)} [${d.code} ${d.class}]\n`).join('');

test('golden fixtures exist', () => {
  assert.ok(files.filter((f) => f.startsWith('err-')).length >= 10);
  assert.ok(files.filter((f) => f.startsWith('ok-')).length >= 3);
});

for (const f of files) {
  test(`golden ${f}`, () => {
    const r = parseConfigText(readFileSync(dir + f, 'utf8'), f, { reader: memoryReader({}), configId: 'n1' });
    if (f.startsWith('ok-')) {
      assert.equal(goldenText(r.diagnostics), '');
      assert.ok(r.config.vrrpInstances.length > 0);
    } else {
      const expected = readFileSync(dir + f.replace(/\.conf$/, '.err'), 'utf8');
      assert.equal(goldenText(r.diagnostics), expected);
    }
  });
}
