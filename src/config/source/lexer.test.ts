import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitScriptArgv, splitScriptWords, stripComment, tokenizeLine } from './lexer.js';

const words = (line: string): string[] => tokenizeLine(stripComment(line).text).map((t) => t.text);

test('comments start at # or ! outside double quotes only', () => {
  assert.deepEqual(words('auth_pass k@l!ve1'), ['auth_pass', 'k@l']);
  assert.deepEqual(words('router_id a # comment'), ['router_id', 'a']);
  assert.deepEqual(words('router_id "a # b ! c" d'), ['router_id', 'a # b ! c', 'd']);
  assert.deepEqual(words('router_id a\\#b\\!c'), ['router_id', 'a#b!c']);
  assert.deepEqual(words('! whole line'), []);
  assert.deepEqual(words('   # indented'), []);
});

test('unterminated quote is detected with its column', () => {
  const s = stripComment('router_id "abc');
  assert.equal(s.unterminatedQuoteCol, 11);
  assert.equal(stripComment('router_id "a" "b"').unterminatedQuoteCol, undefined);
});

test('braces are tokens of their own, glued or not', () => {
  assert.deepEqual(
    tokenizeLine('vrrp_instance VI_1{').map((t) => [t.kind, t.text]),
    [['word', 'vrrp_instance'], ['word', 'VI_1'], ['open', '{']],
  );
  assert.deepEqual(words('} }'), ['}', '}']);
  assert.deepEqual(words('virtual_ipaddress { 10.0.0.1 }'), ['virtual_ipaddress', '{', '10.0.0.1', '}']);
  assert.deepEqual(words('x "{a}"'), ['x', '{a}'], 'braces inside quotes stay');
});

test('token columns are 1-based positions in the line', () => {
  const t = tokenizeLine('  priority\t100 "x y"');
  assert.deepEqual(t.map((x) => x.col), [3, 12, 16]);
  assert.equal(t[2]!.quoted, true);
});

test('ordinary words end at a quote; a trailing backslash stays glued', () => {
  assert.deepEqual(words('router_id ab"c d"e'), ['router_id', 'ab', 'c d', 'e']);
  assert.deepEqual(words('interface eth0 \\'), ['interface', 'eth0', '\\']);
  assert.deepEqual(words('interface eth0\\'), ['interface', 'eth0\\']);
});

test('script re-parse: shell-like quotes, concatenation and escapes', () => {
  assert.deepEqual(splitScriptWords('ab"c d"e').words, ['abc de']);
  assert.deepEqual(splitScriptWords(`"/bin/x 'a b'" root wheel`).words, ["/bin/x 'a b'", 'root', 'wheel']);
  assert.deepEqual(splitScriptWords(`'/bin/x "q"' u`).words, ['/bin/x "q"', 'u']);
  assert.deepEqual(splitScriptWords('"a\\tb\\x41\\101\\n" \\q').words, ['a\tbAA\n', 'q']);
  assert.deepEqual(splitScriptWords('"a\\cAb"').words, ['a\x01b']);
  assert.equal(splitScriptWords('"open').unterminated, true);
});

test('script argv split: blanks separate, single quotes keep blanks', () => {
  assert.deepEqual(splitScriptArgv("/bin/x 'a b' c"), ['/bin/x', 'a b', 'c']);
  assert.deepEqual(splitScriptArgv('/usr/bin/notify.sh'), ['/usr/bin/notify.sh']);
});
