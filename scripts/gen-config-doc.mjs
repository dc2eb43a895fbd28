// Writes docs/configuration.md from the compiled keyword tables (run `npm run build` first;
// `npm run docs` does both). `--check` only compares and exits 1 when the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { renderConfigDoc } = await import(resolve(root, 'dist/src/config/config-doc.js'));
const { TOP_LEVEL_TABLE } = await import(resolve(root, 'dist/src/config/top-level.js'));

const target = resolve(root, 'docs/configuration.md');
const text = renderConfigDoc(TOP_LEVEL_TABLE);
if (process.argv.includes('--check')) {
  let old = '';
  try {
    old = readFileSync(target, 'utf8');
  } catch {
    // a missing file is stale too
  }
  if (old !== text) {
    console.error('docs/configuration.md is out of date: run `npm run docs`');
    process.exit(1);
  }
  console.log('docs/configuration.md is up to date');
} else {
  writeFileSync(target, text);
  console.log(`wrote docs/configuration.md (${text.split('\n').length} lines)`);
}
