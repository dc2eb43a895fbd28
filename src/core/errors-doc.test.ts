import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (n.endsWith('.ts') && !n.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

test('docs/errors.md lists every error and diagnostic code used in src/', () => {
  const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  const used = new Set<string>();
  for (const f of sources(join(root, 'src'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/'(KA_(?:ERR|CFG)_[A-Z0-9_]+)'/g)) used.add(m[1]!);
  }
  assert.ok(used.size > 20, `found only ${used.size} codes: is the scan broken?`);
  const missing = [...used].filter((c) => !doc.includes(`\`${c}\``));
  assert.deepEqual(missing, [], `codes missing from docs/errors.md: ${missing.join(', ')}`);
});
