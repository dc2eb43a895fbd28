// The self-containment check: which citations it rejects, which it lets pass, and where it looks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkedFiles, citationProblems } from './check-citations.mjs';
import { withTree } from './temp-tree.mjs';

// Built from pieces so that this file does not cite them itself.
const SECTION = 'reference ' + '\u00a7';
const OUTSIDE = ['../', 'shared', '/reference/x.md'].join('');

test('citations of notes outside the repository are rejected, with what to cite instead', () => {
  const bad = [
    ` * TCP_CHECK (${SECTION}1a.12)`,
    ' * (native' + '-io.md P11)',
    ' * see the native' + '-I/O guide',
    ` * ${OUTSIDE}`,
    ' * Mirrors /work' + '/shared/' + 'tools/lab/interop' + '.sh',
    ' * differs from keepalived, lessons' + ' #1822',
    ' * qemu-ipvs' + '.sh run --share',
  ];
  for (const line of bad) assert.equal(citationProblems('src/x.ts', `ok\n${line}\n`).length >= 1, true, line);
  assert.match(citationProblems('src/x.ts', `a\n${bad[0]}`)[0], /^src\/x\.ts:2: cites .*; cite keepalived\(8\)/);
});

test('man pages, RFCs, kernel headers and the project docs pass', () => {
  const good = [
    ' * keepalived.conf(5) "Virtual server(s)"; include/uapi/linux/ip_vs.h',
    ' * RFC 5798 §6.4.2; keepalived(8) SIGNALS; genhash(1)',
    ' * (docs/native-addon.md P9); keepalived issue #1822',
    " import { x } from './shared-state.js'; the reference count, sharedReference",
  ];
  for (const line of good) assert.deepEqual(citationProblems('src/x.ts', line), [], line);
});

test('the command line walks the checked folders, skips binaries and build output', () => {
  const files = {
    'src/check/a.ts': `// ${SECTION}1i\n`,
    'src/config/b.ts': `// ${SECTION}1g\n`,
    'native/build/Makefile': `x = /work` + '/tree\n',
    'test/fixtures/c.pcap': Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 0, 0, ...Buffer.from(SECTION)]),
    'dist/src/d.js': `// ${SECTION}1i\n`,
    'README.md': 'see docs/\n',
  };
  withTree(files, (root) => {
    assert.deepEqual(checkedFiles(root), ['src/check/a.ts', 'src/config/b.ts', 'README.md']);
    const script = join(dirname(fileURLToPath(import.meta.url)), 'check-citations.mjs');
    const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^src\/check\/a\.ts:1: cites/m);
    assert.match(r.stderr, /^src\/config\/b\.ts:1: cites/m);
    assert.doesNotMatch(r.stderr, /native\/build|pcap|dist/);
  });
});
