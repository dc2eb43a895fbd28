// ~SEQ/~SEQx/~LST line loops and ${_RANDOM}; expected expansions were checked against
// Debian keepalived 2.2.7 (`keepalived -t` on `~SEQ(A,…) kX${A}` lines: the "Unknown keyword"
// messages show each generated line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryReader } from '../../test-kit/memory-reader.js';
import { DiagSink } from '../diagnostics.js';
import { expandSource, type SourceOptions } from './expand.js';
import { parseLst, parseSeq } from './loops.js';

const expand = (text: string, opts: Partial<SourceOptions> = {}): { words: string[]; diags: string[] } => {
  const diags = new DiagSink();
  const { lines } = expandSource('/k.conf', text, { reader: memoryReader({}), configId: 'n1', ...opts }, diags);
  return { words: lines.map((l) => l.text.trim()), diags: diags.list.map((d) => `${d.loc?.line}:${d.loc?.col} ${d.code} ${d.message}`) };
};
const seq = (line: string): string[] => expand(line).words;

test('~SEQ: one, two and three numbers, default start and step (2.2.7 outputs)', () => {
  assert.deepEqual(seq('~SEQ(A,3) k${A}'), ['k1', 'k2', 'k3']);
  assert.deepEqual(seq('~SEQ(A,-3) k${A}'), ['k-1', 'k-2', 'k-3']);
  assert.deepEqual(seq('~SEQ(A,0) k${A}'), ['k1', 'k0']);
  assert.deepEqual(seq('~SEQ(A,5,1) k${A}'), ['k5', 'k4', 'k3', 'k2', 'k1']);
  assert.deepEqual(seq('~SEQ(A,1,2,6) k${A}'), ['k1', 'k3', 'k5']);
  assert.deepEqual(seq('~SEQ(C,0x10,0x11) k${C}'), ['k16', 'k17']);
  assert.deepEqual(seq('  ~SEQ ( SUBNET , 0 , 3 ) ip_address 10.0.${SUBNET}.1'), ['ip_address 10.0.0.1', 'ip_address 10.0.1.1', 'ip_address 10.0.2.1', 'ip_address 10.0.3.1']);
});

test('~SEQx formats in hex; nested prefixes, leftmost outermost', () => {
  assert.deepEqual(seq('~SEQx(A,10,12) k${A}'), ['ka', 'kb', 'kc']);
  assert.deepEqual(seq('~SEQ(B1,1,2) ~SEQ(B2,1,2) k${B1}${B2}'), ['k11', 'k12', 'k21', 'k22']);
  assert.deepEqual(seq('~SEQx(D, 0x90, 0x10, 0xa0) ~SEQx(E, 0x12, -1, 0x11) fe81::10:${D}:${E}'), ['fe81::10:90:12', 'fe81::10:90:11', 'fe81::10:a0:12', 'fe81::10:a0:11']);
});

test('~LST: single variable, brace sets, missing values blank, combined with ~SEQ', () => {
  assert.deepEqual(seq('~LST(A, x, y) k${A}'), ['kx', 'ky']);
  assert.deepEqual(seq('~LST({P, Q}, {1,2},{3, 4}) k${P}-${Q}'), ['k1-2', 'k3-4']);
  assert.deepEqual(seq('~LST({P, Q}, {1}, 5) k${P}-${Q}.'), ['k1-.', 'k5-.']);
  assert.deepEqual(seq('~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,170) 192.${IP2}.${IP}.${IP1}'), ['192.168.10.1', '192.170.10.1', '192.168.20.4', '192.170.20.4']);
  assert.deepEqual(seq('~LST(M, 1, 2) ~LST(N, a) k$M ${N}'), ['k1 a', 'k2 a']);
});

test('loop parameters take $definitions; loop variables do not outlive the line', () => {
  assert.deepEqual(seq('$V=7\n~SEQ(O,$V,8) k${O}\nafter ${O}'), ['k7', 'k8', 'after ${O}']);
  assert.deepEqual(seq('$O=old\n~SEQ(O,1) k${O}\nafter ${O}'), ['k1', 'after old']);
});

test('a ~SEQ line can repeat a multi-line definition; blocks and braces come out in order', () => {
  const text = '$VI= \\\nvrrp_instance v${N} { \\\n  virtual_router_id ${N} \\\n}\n~SEQ(N,1,2) $VI\n';
  assert.deepEqual(seq(text), ['vrrp_instance v1 {', 'virtual_router_id 1', '}', 'vrrp_instance v2 {', 'virtual_router_id 2', '}']);
});

test('~SEQ/~LST errors are located and name the line (keepalived wording)', () => {
  const r = expand(['~SEQ(A,1,0,3) x', '~SEQ(A,1,-1,3) x', '~SEQx(A,-1,2) x', '~SEQ(A) x', '~SEQ A,1) x', '~SEQ(A,1,2', '~SEQ(A,1;2) x', '~LST(S,{a,b}) k', '~LST(L, "a b", c) k', '~LST(A) k', '~SEQ(A,1,99999999) x'].join('\n'));
  assert.deepEqual(r.words, []);
  assert.deepEqual(r.diags, [
    "1:1 KA_CFG_SEQ_INVALID Invalid ~SEQ values '~SEQ(A,1,0,3) x'",
    "2:1 KA_CFG_SEQ_INVALID Invalid ~SEQ values '~SEQ(A,1,-1,3) x'",
    "3:1 KA_CFG_SEQ_INVALID ~SEQx is only valid for positive numbers '~SEQx(A,-1,2) x'",
    "4:1 KA_CFG_SEQ_INVALID Invalid ~SEQ definition '~SEQ(A) x'",
    "5:1 KA_CFG_SEQ_INVALID Invalid ~SEQ definition '~SEQ A,1) x'",
    "6:1 KA_CFG_SEQ_INVALID Invalid ~SEQ definition '~SEQ(A,1,2'",
    "7:1 KA_CFG_SEQ_INVALID Invalid ~SEQ definition '~SEQ(A,1;2) x'",
    "8:1 KA_CFG_LST_INVALID ~LST specification has too many values '~LST(S,{a,b}) k'",
    "9:1 KA_CFG_LST_INVALID Invalid ~LST specification '~LST(L, \"a b\", c) k'",
    "10:1 KA_CFG_LST_INVALID Invalid ~LST specification '~LST(A) k'",
    "11:1 KA_CFG_SEQ_INVALID ~SEQ would produce 99999999 lines - ignoring '~SEQ(A,1,99999999) x'",
  ]);
});

test('parseSeq/parseLst report the rest of the line', () => {
  const s = parseSeq('~SEQ(A, 2) rest of line', (x) => x);
  assert.ok(s.ok);
  assert.equal(s.loop.rest, 'rest of line');
  assert.deepEqual(s.loop.values, [['1'], ['2']]);
  const m = parseSeq('~SEQ(A, $M) x', () => null);
  assert.equal(m.ok, false);
  const l = parseLst('~LST({a,b},{1,2}) tail');
  assert.ok(l.ok);
  assert.deepEqual(l.loop, { vars: ['a', 'b'], values: [['1', '2']], rest: 'tail' });
});

test('${_RANDOM [MIN [MAX]]}: seeded, in range, reproducible; random_seed in global_defs re-seeds', () => {
  const text = '~SEQ(I,1,50) r${_RANDOM} ${_RANDOM 10 20} ${_RANDOM 7}\n';
  const a = expand(text, { randomSeed: 42 }).words;
  assert.deepEqual(expand(text, { randomSeed: 42 }).words, a);
  assert.notDeepEqual(expand(text, { randomSeed: 43 }).words, a);
  for (const w of a) {
    const [r, b, c] = w.split(' ').map((x) => Number(x.replace(/^r/, '')));
    assert.ok(r! >= 0 && r! <= 32767 && b! >= 10 && b! <= 20 && c! >= 7 && c! <= 32767, w);
  }
  assert.ok(new Set(a).size > 40);
  const seeded = (seed: number): string[] => expand(`global_defs {\n random_seed 5\n}\nx \${_RANDOM}\n`, { randomSeed: seed }).words;
  assert.deepEqual(seeded(1), seeded(2));
  // Bad parameters: not a definition, left as text (keepalived).
  assert.deepEqual(expand('x ${_RANDOM a}').words, ['x ${_RANDOM a}']);
  assert.deepEqual(expand('global_defs {\n random_seed -1\n}\n').diags, ["2:2 KA_CFG_INVALID_NUMBER invalid random_seed '-1'"]);
});

test('random_seed outside global_defs does not seed', () => {
  const a = expand('vrrp_instance x {\n random_seed 5\n}\ny ${_RANDOM}\n', { randomSeed: 1 }).words;
  const b = expand('vrrp_instance x {\n random_seed 5\n}\ny ${_RANDOM}\n', { randomSeed: 2 }).words;
  assert.notDeepEqual(a, b);
});
