/**
 * The real SourceReader over node:fs (the only file of src/config allowed to touch the
 * file system). Globs walk directories one segment at a time with glob.ts matchers.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { hasGlobMagic, segmentToRegExp } from './glob.js';
import type { SourceReader } from '../common.js';

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function listDir(p: string): string[] {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
}

/** Relative patterns are resolved against cwd; results carry the same prefix. */
export function globFs(pattern: string, cwd: string): string[] {
  const full = posix.isAbsolute(pattern) ? pattern : posix.join(cwd, pattern);
  const segments = full.split('/');
  let bases: string[] = [segments[0] === '' ? '/' : segments[0]!];
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg === '') continue;
    const next: string[] = [];
    for (const b of bases) {
      if (!hasGlobMagic(seg)) next.push(posix.join(b, seg));
      else {
        const re = segmentToRegExp(seg);
        for (const name of listDir(b).sort()) if (re.test(name)) next.push(posix.join(b, name));
      }
    }
    bases = i === segments.length - 1 ? next : next.filter(isDir);
  }
  // Directories are returned too (glob(3) does): the include `read` check reports them.
  return bases.filter((p) => isFile(p) || isDir(p)).sort();
}

function kind(path: string): 'file' | 'directory' | 'executable' | 'other' | null {
  if (!existsSync(path)) return null;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return 'directory';
    if (!st.isFile()) return 'other';
    return (st.mode & 0o111) !== 0 ? 'executable' : 'file';
  } catch {
    return null;
  }
}

export const fsSourceReader: SourceReader = {
  read(path: string): string | null {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  glob: globFs,
  kind,
};
