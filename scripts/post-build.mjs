// After tsc: make the CLI entry executable (tsc keeps its #! line but not the mode bit) and
// delete compiled files whose TypeScript source is gone (tsc never removes them, and a stale
// test file would still be run).
import { chmodSync, existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

function prune(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) prune(p);
    else if (p.endsWith('.js') || p.endsWith('.js.map')) {
      const src = join(root, relative(dist, p).replace(/\.js(\.map)?$/, '.ts'));
      if (!existsSync(src)) unlinkSync(p);
    }
  }
}

prune(dist);
const bin = join(dist, 'src', 'cli', 'keepalived-ts.js');
if (existsSync(bin)) chmodSync(bin, 0o755);
