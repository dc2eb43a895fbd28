/**
 * Mutated keepalived.conf texts for the config fuzz (src/config/fuzz.test.ts in the unit
 * suite, test/fuzz/config-fuzz.ts for the long run with per-case time and memory bounds):
 * the sample corpus (test/fixtures/samples) with byte flips, braces and quotes inserted or
 * removed, `$` definitions, `~SEQ`/`~LST`, include lines, cut and duplicated ranges; includes
 * resolve in an in-memory tree that has a cycle, a glob and a ~SEQ file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceReader } from '../config/common.js';
import { parseConfigText } from '../config/parse-config.js';
import { memoryReader } from './memory-reader.js';
import type { Prng } from './prng.js';
import { REPO_ROOT } from './vrrp-adverts.js';
import { walkFiles } from './walk-files.js';

/** The sample corpus, path and text (latin1: the files are bytes, not all UTF-8). */
export function sampleCorpus(root = REPO_ROOT): { readonly path: string; readonly text: string }[] {
  return walkFiles(join(root, 'test/fixtures/samples')).map((path) => ({ path, text: readFileSync(path, 'latin1') }));
}

/** Included files resolve inside this tree (globs, cycles, braces all reachable). */
export const FUZZ_INCLUDE_READER: SourceReader = memoryReader(
  { '/f/a.conf': 'vrrp_instance A {\n include b.conf\n}\n', '/f/b.conf': 'include a.conf\npriority 7\n', '/f/d/x.conf': '~SEQ(I,1,3) $I' },
  ['/f/d/x.conf'],
);

const SNIPPETS = ['{', '}', '"', '$', '$X', '${X}', '$X=1', '~SEQ(I,1,3) ', '~SEQx(I,0,2) ', '~LST({a,b},{1,2}) ', '~LST(', '~SEQ(', 'include ', 'includea ', 'include *', 'include {a,b}.conf', 'include /f/a.conf', 'include d/*', '@n1 ', '@^n1 ', '\\', '#', '!', '\n', '${_RANDOM 1 9}', '${_ENV X}', '\0', 'include_check', ' }}}'];

/** 1–6 mutations of `text`. */
export function mutateConfig(rng: Prng, text: string): string {
  let s = text;
  const n = rng.int(1, 6);
  for (let k = 0; k < n; k++) {
    const at = rng.int(0, s.length);
    switch (rng.int(0, 5)) {
      case 0: {
        const i = Math.min(at, s.length - 1);
        if (i >= 0) s = s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << rng.int(0, 7))) + s.slice(i + 1);
        break;
      }
      case 1:
        s = s.slice(0, at) + rng.pick(SNIPPETS) + s.slice(at);
        break;
      case 2: {
        const i = s.indexOf(rng.pick(['{', '}', '"']), at);
        if (i >= 0) s = s.slice(0, i) + s.slice(i + 1);
        break;
      }
      case 3: {
        const lineStart = s.lastIndexOf('\n', at) + 1;
        s = s.slice(0, lineStart) + rng.pick(SNIPPETS) + s.slice(lineStart);
        break;
      }
      case 4:
        s = s.slice(0, at) + s.slice(at + rng.int(1, 40));
        break;
      default: {
        const j = rng.int(0, s.length);
        s = s.slice(0, at) + s.slice(Math.min(at, j), Math.max(at, j)) + s.slice(at);
      }
    }
  }
  return s;
}

/**
 * Parses `text` as the daemon would (-f /f/main.conf); returns what is wrong — an exception,
 * a diagnostic without a location — or null.
 */
export function configProblem(text: string): string | null {
  let r: ReturnType<typeof parseConfigText>;
  try {
    r = parseConfigText(text, '/f/main.conf', { reader: FUZZ_INCLUDE_READER, configId: 'n1', randomSeed: 1 });
  } catch (e) {
    return `threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  for (const d of r.diagnostics) {
    if (d.loc === undefined || d.loc.line < 1 || d.loc.col < 1) return `diagnostic without location: ${d.code} ${d.message}`;
  }
  return null;
}
