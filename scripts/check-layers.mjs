// The layering of src/, checked by `npm run lint`: every import between the folders of src/
// points down this table, so no folder imports one above it and there is no folder cycle.
// Run: node scripts/check-layers.mjs [ROOT]   (exit 1 and one line per violation)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The folders of src/, bottom to top, each with the folders it may import. A folder may
 * only name folders listed before it (checked), so the table itself has no cycle. A new
 * folder must be placed here before anything can import it.
 */
export const LAYERS = [
  // clock, logger, errors, IP helpers, checksum: imports nothing.
  ['core', []],
  // the OS: the native addon, raw and syslog sockets, dump files.
  ['sys', ['core']],
  // netlink codec and sockets, rtnetlink client, GARP/NA frames and their sender.
  ['netlink', ['core', 'sys']],
  // keepalived.conf → typed model: pure apart from the file reader.
  ['config', ['core']],
  // what every process shares: command-line options, parent↔child IPC, the child contract.
  ['process', ['core']],
  // notify scripts, FIFOs, SMTP alerts: used by both children.
  ['notify', ['core', 'sys', 'config']],
  // IPVS over generic netlink: programmed by the checker child.
  ['ipvs', ['core', 'sys', 'netlink']],
  // the VRRP child.
  ['vrrp', ['core', 'sys', 'netlink', 'config', 'process', 'notify']],
  // the checker child.
  ['check', ['core', 'sys', 'netlink', 'config', 'process', 'notify', 'ipvs']],
  // genhash(1): the HTTP_GET/SSL_GET checker's request and digest, run from the command line.
  ['genhash', ['core', 'config', 'check']],
  // the parent process and the children's entry: starts vrrp and check.
  ['watchdog', ['core', 'sys', 'config', 'process', 'vrrp', 'check']],
  // the executable: argv → config test, genhash, the parent or a child.
  ['cli', ['core', 'sys', 'config', 'process', 'genhash', 'watchdog']],
];

/**
 * Helpers for the unit tests beside the code (fake clock, seeded PRNG, simulated segment…).
 * Only *.test.ts files import it (it is not shipped); it may import any folder below the
 * watchdog.
 */
export const TEST_KIT = 'test-kit';
const TEST_KIT_MAY_IMPORT = LAYERS.map(([f]) => f).filter((f) => f !== 'watchdog' && f !== 'cli');

/**
 * Unit tests under src/ that use a tool of the multi-process lab (test/lab/). Each is a
 * system test in the wrong place; remove the entry when the file moves under test/.
 */
export const SRC_TESTS_USING_LAB = [
  // Runs Debian's keepalived -t on the sample corpus: belongs in test/config/ (moves after
  // the src/config reorganisation merges).
  'src/config/lvs/corpus.test.ts',
];

const isTestFile = (path) => path.endsWith('.test.ts');

/** Checks the table itself: known folders only, each importing only folders listed before it. */
export function tableProblems(layers = LAYERS) {
  const problems = [];
  const seen = new Set();
  for (const [folder, mayImport] of layers) {
    for (const dep of mayImport) {
      if (!seen.has(dep)) problems.push(`layer table: ${folder} may import ${dep}, which is not listed below it`);
    }
    seen.add(folder);
  }
  return problems;
}

/**
 * @param {{ path: string, imports: string[] }[]} files  repository-relative paths with '/'
 *   separators; imports resolved to repository-relative paths (only relative imports).
 * @returns {string[]} one line per violation.
 */
export function layerViolations(files, layers = LAYERS) {
  const allowed = new Map(layers.map(([folder, deps]) => [folder, new Set(deps)]));
  allowed.set(TEST_KIT, new Set(TEST_KIT_MAY_IMPORT));
  const out = [...tableProblems(layers)];
  const folderOf = (p) => (p.startsWith('src/') ? p.split('/')[1] : undefined);
  const reported = new Set();
  for (const { path, imports } of files) {
    const from = folderOf(path);
    if (from === undefined) continue;
    if (!allowed.has(from)) {
      if (!reported.has(from)) out.push(`src/${from}/: a folder not in the layer table (place it in scripts/check-layers.mjs)`);
      reported.add(from);
      continue;
    }
    for (const target of imports) {
      const to = folderOf(target);
      if (to === undefined) {
        if ((target.startsWith('test/') || target.startsWith('bench/')) && !(isTestFile(path) && SRC_TESTS_USING_LAB.includes(path))) {
          out.push(`${path} imports ${target}: src/ never imports test/ or bench/`);
        }
        continue;
      }
      if (to === from) continue;
      if (to === TEST_KIT) {
        if (!isTestFile(path) && from !== TEST_KIT) out.push(`${path} imports ${target}: only *.test.ts files import src/${TEST_KIT}/`);
        continue;
      }
      if (!allowed.get(from).has(to)) {
        const known = allowed.has(to);
        out.push(`${path} imports ${target}: ${known ? `${from} may not import ${to}` : `src/${to}/ is not in the layer table`} (scripts/check-layers.mjs)`);
      }
    }
  }
  return out;
}

/** Folder-level cycles among the non-test files (Tarjan's strongly connected components). */
export function folderCycles(files) {
  const graph = new Map();
  const folderOf = (p) => (p.startsWith('src/') ? p.split('/')[1] : undefined);
  for (const { path, imports } of files) {
    const from = folderOf(path);
    if (from === undefined || isTestFile(path)) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    for (const t of imports) {
      const to = folderOf(t);
      if (to !== undefined && to !== from) graph.get(from).add(to);
    }
  }
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return cycles.map((c) => `folder cycle among ${c.join(', ')}`);
}

/** Every .ts file under ROOT/src with its relative imports resolved (repository-relative). */
export function readTree(root) {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) files.push(p);
    }
  };
  walk(join(root, 'src'));
  const rel = (p) => relative(root, p).split(sep).join('/');
  return files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const imports = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => rel(resolve(dirname(file), spec)).replace(/\.js$/, '.ts'));
    return { path: rel(file), imports };
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const files = readTree(root);
  const problems = [...layerViolations(files), ...folderCycles(files)];
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`${problems.length} layering problem(s): imports in src/ point down the table in scripts/check-layers.mjs`);
    process.exit(1);
  }
}
