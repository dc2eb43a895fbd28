import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { memoryReader } from '../test-kit/memory-reader.js';
import { parseConfigText } from './load.js';
import type { KeepalivedConfig } from './model.js';
import { printConfig } from './printer.js';

const fixture = (rel: string): string => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/${rel}`, import.meta.url)), 'utf8');
const parse = (text: string): ReturnType<typeof parseConfigText> => parseConfigText(text, 'p.conf', { reader: memoryReader({}), configId: 'n1' });

/** The model without source positions and original text, which printing cannot keep. */
function comparable(c: KeepalivedConfig): unknown {
  return JSON.parse(
    JSON.stringify({ ...c, files: [] }, function (this: Record<string, unknown>, k: string, v: unknown) {
      // Address lines are re-printed canonically, so only their parsed fields must match.
      return k === 'loc' || (k === 'text' && ('prefixLen' in this || 'dstLen' in this || 'preference' in this)) ? undefined : v;
    }),
  );
}

for (const rel of ['config/ok-005-vrrp-trackers.conf', 'config/ok-003-full.conf', 'config/ok-004-all-keywords.conf', 'config/ok-002-braces-glued.conf', 'samples/keepalived.conf.vrrp', 'samples/keepalived.conf.vrrp.sync', 'config/err-009-strict.conf']) {
  test(`printConfig round trip: ${rel}`, () => {
    const first = parse(fixture(rel)).config;
    const printed = printConfig(first, { showSecrets: true });
    const second = parse(printed);
    assert.deepEqual(second.diagnostics, [], printed);
    assert.deepEqual(comparable(second.config), comparable(first));
  });
}

test('printConfig masks passwords by default', () => {
  const c = parse(fixture('config/ok-003-full.conf')).config;
  const out = printConfig(c);
  assert.match(out, /auth_pass \*{8}/);
  assert.doesNotMatch(out, /secret/);
  assert.match(out, /^vrrp_instance VI_1 \{$/m);
  assert.match(out, /^ {8}192\.0\.2\.100\/24 dev eth0 label eth0:vip$/m);
});
