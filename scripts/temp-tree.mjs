// For the tests of the lint scripts: a throw-away repository tree made of the given files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes `files` (path → text or bytes) under a fresh directory, runs `fn(root)`, removes it. */
export function withTree(files, fn) {
  const root = mkdtempSync(join(tmpdir(), 'kts-tree-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
