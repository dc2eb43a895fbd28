// include variants, include_check and -e; outcomes checked against Debian keepalived 2.2.7
// (`keepalived -t`: a failed check exits 6, a reported-only problem leaves the status alone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryReader } from '../../test-kit/memory-reader.js';
import { configTestExitCode } from '../diagnostics.js';
import { applyIncludeCheck, INCLUDE_ALL, INCLUDE_B, INCLUDE_M, INCLUDE_R, INCLUDE_W } from './include-check.js';
import { loadConfig, type LoadOptions } from '../parse-config.js';

const FILES = {
  '/k/inc/one.conf': 'global_defs {\n router_id y\n}\n',
  '/k/inc/exec.conf': 'bogus_kw\n',
};

function run(main: string, opts: Partial<LoadOptions> = {}): { status: number; diags: string[]; files: readonly string[] } {
  const reader = memoryReader({ ...FILES, '/k/main.conf': main }, ['/k/inc/exec.conf']);
  const r = loadConfig('/k/main.conf', { reader, configId: 'n', ...opts });
  return { status: configTestExitCode(r.diagnostics), diags: r.diagnostics.map((d) => `${d.class} ${d.message}`), files: r.config.files };
}

test('missing file: include reports only; includer ignores; includem/includew/includea fail (6)', () => {
  assert.deepEqual(run('include /k/inc/nomatch\n'), { status: 0, diags: ["notice Config files missing '/k/inc/nomatch'."], files: ['/k/main.conf'] });
  assert.equal(run('includer /k/inc/nomatch\n').status, 0);
  assert.equal(run('includeb /k/inc/nomatch\n').status, 0);
  for (const kw of ['includem', 'includew', 'includea']) {
    assert.deepEqual(run(`${kw} /k/inc/nomatch\n`).diags, ["no-config Config files missing '/k/inc/nomatch'."], kw);
    assert.equal(run(`${kw} /k/inc/nomatch\nbogus_after\n`).status, 6, kw);
  }
});

test('wildcards: no match in an existing directory is silent unless wildcard_match; a missing directory is a match error', () => {
  assert.deepEqual(run('include /k/inc/*.nomatch\n').diags, []);
  assert.deepEqual(run('includem /k/inc/*.nomatch\n').diags, []);
  assert.deepEqual(run('includew /k/inc/*.nomatch\n').diags, ["no-config No config files matched '/k/inc/*.nomatch'."]);
  assert.deepEqual(run('includem /k/none/*.conf\n').diags, ["no-config Config files missing '/k/none/*.conf'."]);
});

test('brace alternatives: includeb fails when one alternative is missing, wildcard alternatives do not count', () => {
  const partial = run('includeb /k/inc/{one,zz}.conf\n');
  assert.deepEqual(partial.diags, ['no-config Some config files missing: "/k/inc/{one,zz}.conf".']);
  assert.deepEqual(partial.files, ['/k/main.conf']);
  const plain = run('include /k/inc/{one,zz}.conf\n');
  assert.deepEqual(plain.diags, ['notice Some config files missing: "/k/inc/{one,zz}.conf".']);
  assert.deepEqual(plain.files, ['/k/main.conf', '/k/inc/one.conf']);
  assert.deepEqual(run('includeb /k/inc/{one,*.zz}.conf\n').diags, []);
});

test('read check: executable files and directories are skipped, an error for includer', () => {
  assert.deepEqual(run('include /k/inc/exec.conf\n').diags, ["notice Configuration file '/k/inc/exec.conf' is not a regular non-executable file - skipping"]);
  assert.equal(run('include /k/inc/exec.conf\n').status, 0);
  assert.equal(run('includer /k/inc/exec.conf\n').status, 6);
  assert.deepEqual(run('includer /k/in*\n').diags, ["no-config Configuration file '/k/inc/' is a directory - skipping"]);
});

test('include_check in global_defs and -e raise the level; the level is restored after an included file', () => {
  const gd = (words: string): string => `global_defs {\n include_check${words}\n}\n`;
  assert.equal(run(`${gd('')}include /k/inc/nomatch\n`).status, 6);
  assert.equal(run(`${gd(' match')}include /k/inc/nomatch\n`).status, 6);
  assert.equal(run(`${gd(' wildcard_match')}include /k/inc/*.nomatch\n`).status, 6);
  assert.deepEqual(run(`${gd(' readable')}include /k/inc/nomatch\n`).diags, ["ignored Unknown include_check type 'readable' - ignoring", "notice Config files missing '/k/inc/nomatch'."]);
  assert.equal(run('include /k/inc/nomatch\n', { includeCheck: INCLUDE_ALL }).status, 6);
  assert.equal(run('include /k/inc/*.nomatch\n', { includeCheck: INCLUDE_ALL }).status, 6);
  // Outside global_defs include_check is just an unknown keyword and changes nothing.
  assert.equal(run('include_check\ninclude /k/inc/nomatch\n').diags.length, 2);
  assert.equal(run('include_check\ninclude /k/inc/nomatch\n').status, 5);
  // An included file's include_check does not leak back into its includer.
  const reader = memoryReader({ '/m.conf': 'include /s.conf\ninclude /gone.conf\n', '/s.conf': gd('') });
  const r = loadConfig('/m.conf', { reader, configId: 'n' });
  assert.equal(configTestExitCode(r.diagnostics), 0);
});

test('applyIncludeCheck: first word sets, +/- add and remove, later unsigned words are duplicates', () => {
  assert.equal(applyIncludeCheck(0, []).level, INCLUDE_ALL);
  assert.equal(applyIncludeCheck(INCLUDE_ALL, ['read']).level, INCLUDE_R);
  assert.equal(applyIncludeCheck(0, ['match', '+brace_match']).level, INCLUDE_M | INCLUDE_B);
  assert.equal(applyIncludeCheck(INCLUDE_W, ['-wildcard_match']).level & 4, 0);
  assert.deepEqual(applyIncludeCheck(0, ['read', 'match']).problems.map((p) => p.message), ["Duplicate include_check 'match' specified - ignoring"]);
});
