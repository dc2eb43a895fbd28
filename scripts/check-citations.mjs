// The repository must be readable on its own: comments and docs cite keepalived's man pages
// (keepalived(8), keepalived.conf(5), genhash(1)), RFC sections, kernel headers or the
// project's own docs/, never notes that live outside the repository. Checked by
// `npm run lint`. Run: node scripts/check-citations.mjs [ROOT]   (exit 1, one line per hit)
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Citations of things outside the repository, each with what to cite instead. The
 * patterns are written so that this file does not match them itself.
 */
export const FORBIDDEN = [
  { re: /reference \u00a7|keepalived-referenc[e]/, what: 'the old keepalived reference notes', instead: 'keepalived(8), keepalived.conf(5), genhash(1) or an RFC section' },
  { re: /native-i[o]|native-I\/O/i, what: 'the old native I/O notes', instead: 'docs/native-addon.md' },
  { re: /keepalived-lesson[s]|\blessons #\d/, what: 'the old keepalived lessons notes', instead: 'the keepalived issue (keepalived issue #N)' },
  { re: /style-anchor[s]/, what: 'the old style notes', instead: 'docs/architecture.md' },
  { re: /\.\.\/shared\/|\bshared\/(reference|tools)\/|\/work\//, what: 'a path outside the repository', instead: 'a file of the repository' },
  { re: /\b(qemu-ipvs|netlab|failover|interop)\.s[h]\b/, what: 'a lab script outside the repository', instead: 'test/qemu/qemu-vm.ts, test/lab/' },
];

/** Where citations are checked (directories and single files, relative to the root). */
export const CHECKED = ['src', 'test', 'bench', 'scripts', 'native', 'docs', 'README.md', '.ci', 'package.json', 'eslint.config.js', 'tsconfig.json'];

/** Never checked: build output. */
const SKIPPED = ['native/build'];

/** One line per forbidden citation in `text` (a file at repository path `path`). */
export function citationProblems(path, text) {
  const out = [];
  text.split('\n').forEach((line, i) => {
    for (const { re, what, instead } of FORBIDDEN) {
      const m = re.exec(line);
      if (m) out.push(`${path}:${i + 1}: cites ${what} ('${m[0]}'); cite ${instead}`);
    }
  });
  return out;
}

/** Text files to check under ROOT, repository-relative with '/' separators. */
export function checkedFiles(root) {
  const out = [];
  const rel = (p) => relative(root, p).split(sep).join('/');
  const visit = (p) => {
    const r = rel(p);
    if (SKIPPED.includes(r)) return;
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) visit(join(p, name));
      return;
    }
    const bytes = readFileSync(p);
    if (bytes.subarray(0, 8192).includes(0)) return; // binary (captures, pcaps)
    out.push(r);
  };
  for (const top of CHECKED) if (existsSync(join(root, top))) visit(join(root, top));
  return out;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkedFiles(root).flatMap((path) => citationProblems(path, readFileSync(join(root, path), 'utf8')));
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`${problems.length} citation(s) of files outside the repository (scripts/check-citations.mjs)`);
    process.exit(1);
  }
}
