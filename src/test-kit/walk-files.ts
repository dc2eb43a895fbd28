/** Files under a directory, recursively, sorted; README.md/other .md files left out (test corpora). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function walkFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walkFiles(p, out);
    else if (!name.endsWith('.md')) out.push(p);
  }
  return out;
}
