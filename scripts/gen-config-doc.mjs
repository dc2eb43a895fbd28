// Writes docs/configuration.md, the keyword sections of docs/compatibility.md and the man
// pages (man/keepalived-ts.8, man/keepalived-ts.conf.5) from the compiled option and keyword
// tables (run `npm run build` first; `npm run docs` does both). `--check`
// only compares and exits 1 when a page is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { renderConfigDoc } = await import(resolve(root, 'dist/src/config/config-doc.js'));
const { renderCompatKeywords } = await import(resolve(root, 'dist/src/config/compat-doc.js'));
const { TOP_LEVEL_TABLE } = await import(resolve(root, 'dist/src/config/top-level.js'));
const { renderManPage5, renderManPage8 } = await import(resolve(root, 'dist/src/cli/man-pages.js'));

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // a missing file is stale too
  }
};

const pages = [
  ['docs/configuration.md', () => renderConfigDoc(TOP_LEVEL_TABLE)],
  ['docs/compatibility.md', (old) => renderCompatKeywords(TOP_LEVEL_TABLE, old)],
  ['man/keepalived-ts.8', () => renderManPage8()],
  ['man/keepalived-ts.conf.5', () => renderManPage5(TOP_LEVEL_TABLE)],
];
let stale = false;
for (const [rel, render] of pages) {
  const target = resolve(root, rel);
  const old = read(target);
  const text = render(old);
  if (process.argv.includes('--check')) {
    if (old !== text) {
      console.error(`${rel} is out of date: run \`npm run docs\``);
      stale = true;
    } else console.log(`${rel} is up to date`);
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${rel} (${text.split('\n').length} lines)`);
  }
}
if (stale) process.exit(1);
