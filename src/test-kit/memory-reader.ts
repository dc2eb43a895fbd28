/** In-memory SourceReader for config tests: a map of path → text, globbed with glob.ts. */
import { posix } from 'node:path';
import { globMatch, hasGlobMagic } from '../config/glob.js';
import type { SourceReader } from '../config/source.js';

export function memoryReader(files: Readonly<Record<string, string>>): SourceReader {
  return {
    read: (path) => files[posix.normalize(path)] ?? null,
    glob: (pattern, cwd) => {
      const full = posix.normalize(posix.isAbsolute(pattern) ? pattern : posix.join(cwd, pattern));
      if (!hasGlobMagic(full)) return full in files ? [full] : [];
      return Object.keys(files)
        .filter((p) => globMatch(full, p))
        .sort();
    },
  };
}
