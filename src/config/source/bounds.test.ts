// The bounds on what a config may make the parser read and expand (expand.ts): includes by
// depth, file count and bytes, each error at the include line with the chain that led there;
// definitions that refer to themselves fail at once instead of doubling the line each round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../parse-config.js';
import { formatDiagnostic } from '../diagnostics.js';
import { memoryReader } from '../../test-kit/memory-reader.js';
import { MAX_INCLUDED_FILES, MAX_INCLUDE_DEPTH, MAX_SOURCE_BYTES } from './expand.js';

const codes = (r: ReturnType<typeof loadConfig>): string[] => r.diagnostics.map((d) => d.code);

test('a folder whose files all include *.conf stops at the file bound, naming the chain', () => {
  // Cycles are refused, but 7 files still give 1,957 include paths without one.
  const files: Record<string, string> = {};
  for (let i = 1; i <= 7; i++) files[`/d/f${i}.conf`] = `include /d/*.conf\nvrrp_script s${i} {\n  script /bin/true\n}\n`;
  const r = loadConfig('/d/f1.conf', { reader: memoryReader(files), configId: 'x' });
  assert.equal(r.config.files.length, MAX_INCLUDED_FILES);
  const limit = r.diagnostics.filter((d) => d.code === 'KA_CFG_INCLUDE_LIMIT');
  assert.equal(limit.length, 2, limit.map(formatDiagnostic).join('\n'));
  const [first, rest] = limit;
  assert.equal(first!.severity, 'error');
  assert.match(first!.message, new RegExp(`^includes read more than ${MAX_INCLUDED_FILES} files - ignoring '/d/f\\d.conf' and every include after it \\(/d/f1.conf:1 -> /d/f\\d.conf:1 -> `));
  assert.deepEqual(first!.loc && { file: first!.loc.file.startsWith('/d/f'), line: first!.loc.line, col: first!.loc.col }, { file: true, line: 1, col: 1 });
  assert.match(rest!.message, /^\d+ more included file\(s\) not read$/);
  // A cycle is reported once per include line and file, however many paths reach it.
  const cycles = r.diagnostics.filter((d) => d.code === 'KA_CFG_INCLUDE_CYCLE');
  assert.ok(cycles.length > 0 && cycles.length <= 7 * 7, `${cycles.length} cycle reports`);
  // Every file still read is parsed: the vrrp_scripts of the first files are there.
  assert.ok(r.config.vrrpScripts.length >= 5);
});

test('includes nested deeper than the bound are refused with the chain of include lines', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < MAX_INCLUDE_DEPTH + 5; i++) files[`/n/${i}.conf`] = `\ninclude ${i + 1}.conf\n`;
  const r = loadConfig('/n/0.conf', { reader: memoryReader(files), configId: 'x' });
  assert.deepEqual(codes(r), ['KA_CFG_INCLUDE_DEPTH']);
  const d = r.diagnostics[0]!;
  const last = MAX_INCLUDE_DEPTH - 1;
  assert.equal(formatDiagnostic(d).split('\n')[0], `/n/${last}.conf:2:1: error: includes nested more than ${MAX_INCLUDE_DEPTH} deep - ignoring '/n/${last + 1}.conf' (${Array.from({ length: MAX_INCLUDE_DEPTH }, (_, i) => `/n/${i}.conf:2`).join(' -> ')})`);
});

test('the bytes read over all includes are bounded', () => {
  const big = 'x'.repeat(4 * 1024 * 1024); // one over-long line: a single cheap diagnostic per read
  const times = Math.ceil(MAX_SOURCE_BYTES / big.length) + 2;
  const reader = memoryReader({ '/m.conf': 'include big.conf\n'.repeat(times), '/big.conf': big });
  const r = loadConfig('/m.conf', { reader, configId: 'x' });
  const limit = r.diagnostics.filter((d) => d.code === 'KA_CFG_INCLUDE_LIMIT');
  assert.match(limit[0]!.message, /^includes read more than 64 MiB - ignoring '\/big.conf' and every include after it \(\/m.conf:\d+\)$/);
  assert.equal(limit[0]!.loc!.line, Math.floor(MAX_SOURCE_BYTES / big.length));
  assert.equal(limit[1]!.message, `${times - limit[0]!.loc!.line} more included file(s) not read`);
});

test('a multi-line definition that uses itself fails at once, where it is used', () => {
  const text = '$VS= \\\nvirtual_server 192.0.2.1 80 { \\\n  quorum_up "x ${VS} ${VS}" \\\n}\n$VS\n';
  const r = loadConfig('/s.conf', { reader: memoryReader({ '/s.conf': text }), configId: 'x' });
  const loop = r.diagnostics.filter((d) => d.code === 'KA_CFG_DEFINITION_LOOP');
  assert.deepEqual(
    loop.map((d) => `${d.loc?.line}: ${d.message}`),
    ['5: definition $VS refers to itself - ignoring'],
  );
});

test('a definition reached again through ~SEQ is one error, not an exponential expansion', () => {
  const text = '$RS= \\\n  ~SEQ(I,1,2) $RS \\\n}\n$RS\n';
  const r = loadConfig('/q.conf', { reader: memoryReader({ '/q.conf': text }), configId: 'x' });
  assert.deepEqual(
    r.diagnostics.filter((d) => d.code === 'KA_CFG_DEFINITION_LOOP').map((d) => d.message),
    ['definition $RS refers to itself - ignoring'],
  );
  assert.ok(r.diagnostics.length < 10, r.diagnostics.map(formatDiagnostic).join('\n'));
});

test('a long substitution that names no definition any more is too long, not a loop', () => {
  const text = `$A=${'x'.repeat(600)}\nglobal_defs {\n  router_id "$A $A $A $A $HOME"\n}\n`;
  const r = loadConfig('/l.conf', { reader: memoryReader({ '/l.conf': text }), configId: 'x' });
  assert.deepEqual(codes(r), ['KA_CFG_LINE_TOO_LONG']);
});
