/** In-memory SourceReader for config tests: a map of path → text, globbed with config/source/glob.ts. */
import { posix } from 'node:path';
import { globMatch, hasGlobMagic } from '../config/source/glob.js';
import type { SourceReader } from '../config/common.js';

/** `executable` lists paths reported as executable files (the include `read` check skips them). */
export function memoryReader(files: Readonly<Record<string, string>>, executable: readonly string[] = []): SourceReader {
  return {
    read: (path) => files[posix.normalize(path)] ?? null,
    kind: (path) => {
      const p = posix.normalize(path).replace(/\/$/, '') || '/';
      if (p in files) return executable.includes(p) ? 'executable' : 'file';
      const prefix = p === '/' ? '/' : `${p}/`;
      return Object.keys(files).some((f) => f.startsWith(prefix)) ? 'directory' : null;
    },
    glob: (pattern, cwd) => {
      const full = posix.normalize(posix.isAbsolute(pattern) ? pattern : posix.join(cwd, pattern));
      // Directories implied by the file paths match too, as glob(3) returns them.
      const dirs = new Set<string>();
      for (const f of Object.keys(files)) for (let d = posix.dirname(f); d !== '/'; d = posix.dirname(d)) dirs.add(d);
      if (!hasGlobMagic(full)) return full in files || dirs.has(full) ? [full] : [];
      return [...Object.keys(files), ...dirs].filter((p) => globMatch(full, p)).sort();
    },
  };
}
