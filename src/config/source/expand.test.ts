import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryReader } from '../../test-kit/memory-reader.js';
import { formatDiagnostic } from '../diagnostics.js';
import { DiagSink } from '../diagnostics.js';
import { expandBraces, globMatch } from './glob.js';
import { loadConfig } from '../parse-config.js';
import { expandSource } from './expand.js';

const INSTANCE = (name: string, vrid: number, extra = ''): string =>
  `vrrp_instance ${name} {\n interface eth0\n virtual_router_id ${vrid}\n ${extra}\n virtual_ipaddress {\n  192.0.2.${vrid}\n }\n}\n`;

test('include: relative to the including file, with globs and braces, in order', () => {
  const reader = memoryReader({
    '/etc/k/main.conf': 'include conf.d/*.conf\ninclude other/{b,a}.inc\n',
    '/etc/k/conf.d/2.conf': INSTANCE('VI_2', 2),
    '/etc/k/conf.d/1.conf': INSTANCE('VI_1', 1),
    '/etc/k/conf.d/skip.txt': 'garbage {',
    '/etc/k/other/a.inc': INSTANCE('VI_A', 10),
    '/etc/k/other/b.inc': INSTANCE('VI_B', 11),
  });
  const r = loadConfig('/etc/k/main.conf', { reader, configId: 'n1' });
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.config.vrrpInstances.map((i) => i.name), ['VI_1', 'VI_2', 'VI_B', 'VI_A']);
  assert.deepEqual(r.config.files, ['/etc/k/main.conf', '/etc/k/conf.d/1.conf', '/etc/k/conf.d/2.conf', '/etc/k/other/b.inc', '/etc/k/other/a.inc']);
});

test('include inside a block splices lines; diagnostics name the included file', () => {
  const reader = memoryReader({
    '/c/main.conf': 'vrrp_instance VI_1 {\n  include role.conf\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress {\n 192.0.2.1\n }\n}\n',
    '/c/role.conf': 'state MASTER\npriority 0\n',
  });
  const r = loadConfig('/c/main.conf', { reader, configId: 'x' });
  assert.equal(r.config.vrrpInstances[0]!.initialState, 'MASTER');
  assert.equal(r.config.vrrpInstances[0]!.priority, 255);
  assert.deepEqual(r.diagnostics.map(formatDiagnostic), ["/c/role.conf:2:10: error: number '0' outside range [1, 255]\n  hint: 'priority' ignored; the previous value or the default applies"]);
});

test('include cycle is reported; a plain include matching nothing is silent or a notice, as in 2.2.7', () => {
  const reader = memoryReader({ '/a.conf': 'include b.conf\ninclude nothing*.conf\ninclude gone.conf\n', '/b.conf': 'include a.conf\n' });
  const r = loadConfig('/a.conf', { reader, configId: 'x' });
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.code} ${d.class} ${d.loc?.file}:${d.loc?.line} ${d.message}`),
    ['KA_CFG_INCLUDE_CYCLE ignored /b.conf:1 include cycle: /a.conf -> /b.conf -> /a.conf - ignoring', "KA_CFG_INCLUDE_MISSING notice /a.conf:3 Config files missing 'gone.conf'."],
  );
});

test('missing main file is one fatal diagnostic', () => {
  const r = loadConfig('/nope.conf', { reader: memoryReader({}), configId: 'x' });
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0]!.class, 'fatal');
  assert.equal(r.diagnostics[0]!.message, "Config files missing '/nope.conf'.");
});

test('@id keeps a line only on the matching config id, @^id only elsewhere', () => {
  const text = '@n1 router_id one\n@n2 router_id two\n@^n1 smtp_connect_timeout 5\n';
  const wrap = `global_defs {\n${text}}\n`;
  const pick = (id: string): [string, number] => {
    const r = loadConfig('/k.conf', { reader: memoryReader({ '/k.conf': wrap }), configId: id });
    assert.deepEqual(r.diagnostics, []);
    return [r.config.globalDefs.routerId, r.config.globalDefs.smtpConnectTimeoutMs];
  };
  assert.deepEqual(pick('n1'), ['one', 30000]);
  assert.deepEqual(pick('n2'), ['two', 5000]);
  // Columns survive the removal of the @id word.
  const diags = new DiagSink();
  const { lines } = expandSource('/k.conf', '@n1 priority 5', { reader: memoryReader({}), configId: 'n1' }, diags);
  assert.equal(lines[0]!.tokens[0]!.col, 5);
});

test('$NAME parameters: definition, $NAME and ${NAME}, recursion, undefined left alone', () => {
  const diags = new DiagSink();
  const text = '$IF=eth0\n$PRIO=1${TENS}\n$TENS=50\ninterface $IF\npriority ${PRIO}\nnotify "/x $UNDEF"\n$EMPTY=\nx${EMPTY}y\n';
  const { lines } = expandSource('/k.conf', text, { reader: memoryReader({}), configId: 'x' }, diags);
  assert.deepEqual(lines.map((l) => l.tokens.map((t) => t.text).join(' ')), ['interface eth0', 'priority 150', 'notify /x $UNDEF', 'xy']);
  assert.deepEqual(diags.list, []);
});

test('multi-line $NAME= \\ definitions expand to several lines; @id inside definitions', () => {
  const diags = new DiagSink();
  const text = '$BODY= \\\n  state BACKUP \\\n  # a comment line \\\n  priority 90\n$ROLE=@n1 priority 200\nvrrp_instance V {\n$BODY\n$ROLE\n}\n';
  const { lines } = expandSource('/k.conf', text, { reader: memoryReader({}), configId: 'n1' }, diags);
  assert.deepEqual(lines.map((l) => l.tokens.map((t) => t.text).join(' ')), ['vrrp_instance V {', 'state BACKUP', 'priority 90', 'priority 200', '}']);
});

test('built-ins ${_PWD} ${_INSTANCE} ${_HASH} ${_ENV}', () => {
  const diags = new DiagSink();
  const text = 'a ${_PWD} ${_INSTANCE} x${_HASH}y ${_ENV HOME} ${_UNKNOWN}\n';
  const { lines } = expandSource('/etc/k/k.conf', text, { reader: memoryReader({}), configId: 'n7', env: { HOME: '/root' } }, diags);
  assert.deepEqual(lines[0]!.tokens.map((t) => t.text), ['a', '/etc/k', 'n7', 'x#y', '/root', '$', '{', '_UNKNOWN', '}']);
});

test('a parameter expanding to ${_HASH} at the start comments the line out; one expanding to nothing can leave a definition (as keepalived 2.2.7)', () => {
  const run = (strict: string): string[] => {
    const diags = new DiagSink();
    const text = `$STRICT=${strict}\n\${STRICT} $NO_STRICT=\${_HASH}\n$STRICT vrrp_strict\n$NO_STRICT router_id r1\n`;
    return expandSource('/k.conf', text, { reader: memoryReader({}), configId: 'n' }, diags).lines.map((l) => l.tokens.map((t) => t.text).join(' '));
  };
  assert.deepEqual(run('${_HASH}'), ['$NO_STRICT router_id r1']);
  assert.deepEqual(run(''), ['vrrp_strict']);
});

test('multi-line definitions: a trailing \\ after a comment continues, a commented-out line keeps the definition going', () => {
  const diags = new DiagSink();
  const text = '$BLK= \\\n  a { \\\n    b 1 # note \\\n#   c 2 \\\n    d 3 \\\n  } \\\n\\\n\nx {\n$BLK\n}\n';
  const { lines } = expandSource('/k.conf', text, { reader: memoryReader({}), configId: 'n' }, diags);
  assert.deepEqual(lines.map((l) => l.tokens.map((t) => t.text).join(' ')), ['x {', 'a {', 'b 1', 'd 3', '}', '}']);
  assert.deepEqual(diags.list, []);
});

test('line too long and NUL bytes are rejected with a location', () => {
  const diags = new DiagSink();
  expandSource('/k.conf', `router_id ${'a'.repeat(1100)}\nx\0y\nok`, { reader: memoryReader({}), configId: 'x' }, diags);
  assert.deepEqual(diags.list.map((d) => `${d.loc?.line}:${d.message}`), ['1:line too long - ignoring', '2:line contains a NUL byte - ignoring']);
});

test('glob helpers', () => {
  assert.deepEqual(expandBraces('a{b,c{d,e}}f'), ['abf', 'acdf', 'acef']);
  assert.deepEqual(expandBraces('no{brace'), ['no{brace']);
  assert.ok(globMatch('/a/*.conf', '/a/x.conf'));
  assert.ok(!globMatch('/a/*.conf', '/a/b/x.conf'));
  assert.ok(!globMatch('/a/*.conf', '/a/.hidden.conf'));
  assert.ok(globMatch('/a/[0-9]?.c', '/a/1x.c'));
  assert.ok(!globMatch('/a/[!0-9]?.c', '/a/1x.c'));
});
