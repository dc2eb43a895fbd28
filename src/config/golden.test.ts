// Golden config files: test/fixtures/config/err-NNN-*.conf must produce exactly the
// diagnostics in the .err beside it (what -t reports: the file's problems, then the keywords
// not acted on); ok-NNN-*.conf must load with no problem, and report exactly the not-acted-on
// warnings of its .err (none when it has no .err).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { memoryReader } from '../test-kit/memory-reader.js';
import { formatDiagnostic, type Diagnostic } from './diagnostics.js';
import { NOT_ACTED_ON_CODE, parseConfigText, reportedDiagnostics } from './parse-config.js';

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
    const errFile = dir + f.replace(/\.conf$/, '.err');
    const expected = existsSync(errFile) ? readFileSync(errFile, 'utf8') : '';
    assert.equal(goldenText(reportedDiagnostics(r)), expected);
    if (f.startsWith('ok-')) {
      assert.equal(goldenText(r.diagnostics), '');
      assert.ok(expected.split('\n').every((l) => l === '' || l.includes(NOT_ACTED_ON_CODE) || l.startsWith('  hint:')), `${f}: an ok- file reports only keywords not acted on`);
      assert.ok(r.config.vrrpInstances.length > 0);
    }
  });
}
