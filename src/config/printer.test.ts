import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { memoryReader } from '../test-kit/memory-reader.js';
import { walkFiles } from '../test-kit/walk-files.js';
import { loadConfig, parseConfigText } from './parse-config.js';
import { fsSourceReader } from './source/fs-reader.js';
import type { KeepalivedConfig } from './model.js';
import { printConfig } from './print.js';

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

for (const rel of ['config/ok-008-vrrp-trackers.conf', 'config/ok-003-full.conf', 'config/ok-004-all-keywords.conf', 'config/ok-002-braces-glued.conf', 'samples/keepalived.conf.vrrp', 'samples/keepalived.conf.vrrp.sync', 'config/err-009-strict.conf']) {
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

// Every ok- golden file and every sample that loads without a diagnostic must round-trip.
const goldenDir = fileURLToPath(new URL('../../../test/fixtures/config/', import.meta.url));
const sampleDir = fileURLToPath(new URL('../../../test/fixtures/samples/', import.meta.url));

test('printConfig round trip: every ok- golden file', () => {
  const oks = readdirSync(goldenDir).filter((f) => f.startsWith('ok-') && f.endsWith('.conf'));
  assert.ok(oks.length >= 5);
  for (const f of oks) {
    const first = parse(readFileSync(goldenDir + f, 'utf8')).config;
    const second = parse(printConfig(first, { showSecrets: true }));
    assert.deepEqual(second.diagnostics, [], f);
    assert.deepEqual(comparable(second.config), comparable(first), f);
  }
});

test('printConfig round trip: every sample that loads cleanly', () => {
  let clean = 0;
  for (const p of walkFiles(sampleDir)) {
    const first = loadConfig(p, { reader: fsSourceReader, configId: 'low', randomSeed: 1 });
    if (first.diagnostics.length > 0) continue;
    clean++;
    const second = parse(printConfig(first.config, { showSecrets: true }));
    assert.deepEqual(second.diagnostics, [], p);
    assert.deepEqual(comparable(second.config), comparable(first.config), p);
  }
  assert.ok(clean >= 5, `${clean} clean samples`);
});
