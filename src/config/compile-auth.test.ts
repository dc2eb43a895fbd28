/**
 * `authentication { }` a VRRP instance cannot honour is dropped with keepalived 2.2.7's own
 * line, in its order (each case checked with `keepalived -t` on the same file): version 3,
 * vrrp_strict, no auth_pass, AH over IPv6; and `state MASTER` is cleared for AH.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryReader } from '../test-kit/memory-reader.js';
import { parseConfigText } from './parse-config.js';

function compile(instanceLines: readonly string[], opts: { global?: readonly string[]; vip?: string } = {}): { messages: string[]; auth: unknown; state: string | undefined } {
  const text = [
    'global_defs {',
    ...(opts.global ?? []),
    '}',
    'vrrp_instance VI_1 {',
    ' interface eth0',
    ' virtual_router_id 51',
    ' priority 100',
    ...instanceLines.map((l) => ` ${l}`),
    ' virtual_ipaddress {',
    `  ${opts.vip ?? '192.0.2.100/24'}`,
    ' }',
    '}',
  ].join('\n');
  const r = parseConfigText(text, 't.conf', { reader: memoryReader({}), configId: 'auth' });
  const vi = r.config.vrrpInstances[0];
  return { messages: r.diagnostics.map((d) => d.message), auth: vi?.auth, state: vi?.initialState };
}

const AH = ['authentication {', ' auth_type AH', ' auth_pass secret', '}'];

test('AH and PASS are kept for VRRPv2 over IPv4, the password truncated to 8 bytes', () => {
  assert.deepEqual(compile(AH).auth, { type: 'AH', pass: 'secret' });
  const long = compile(['authentication {', ' auth_type PASS', ' auth_pass longpassword12', '}']);
  assert.deepEqual(long.auth, { type: 'PASS', pass: 'longpass' });
  assert.ok(long.messages.some((m) => m.includes('Truncating auth_pass to 8 characters')));
});

test("authentication keepalived ignores is dropped with keepalived's line", () => {
  const cases: [string, ReturnType<typeof compile>, string][] = [
    ['version 3', compile(['version 3', ...AH]), '(VI_1) VRRP version 3 does not support authentication. Ignoring.'],
    ['vrrp_version 3', compile(AH, { global: ['vrrp_version 3'] }), '(VI_1) VRRP version 3 does not support authentication. Ignoring.'],
    ['IPv6 (version 3 by default)', compile(AH, { vip: '2001:db8::100/64' }), '(VI_1) VRRP version 3 does not support authentication. Ignoring.'],
    ['vrrp_strict', compile(AH, { global: ['vrrp_strict'] }), '(VI_1) Strict mode does not support authentication. Ignoring.'],
    ['AH without auth_pass', compile(['authentication {', ' auth_type AH', '}']), '(VI_1) Authentication specified but no password given. Ignoring'],
    ['PASS without auth_pass', compile(['authentication {', ' auth_type PASS', '}']), '(VI_1) Authentication specified but no password given. Ignoring'],
    ['AH over IPv6 with version 2', compile(['version 2', ...AH], { vip: '2001:db8::100/64' }), '(VI_1) Cannot use AH authentication with IPv6. ignoring'],
    ['version 3 without auth_pass', compile(['version 3', 'authentication {', ' auth_type AH', '}']), '(VI_1) VRRP version 3 does not support authentication. Ignoring.'],
    ['AH over IPv6, version 2, no auth_pass', compile(['version 2', 'authentication {', ' auth_type AH', '}'], { vip: '2001:db8::100/64' }), '(VI_1) Authentication specified but no password given. Ignoring'],
  ];
  for (const [what, r, line] of cases) {
    assert.equal(r.auth, undefined, `${what}: no authentication`);
    const authLines = r.messages.filter((m) => /auth/i.test(m));
    assert.deepEqual(authLines, [line], `${what}: ${JSON.stringify(r.messages)}`);
  }
});

test('auth_pass without auth_type: no authentication, nothing said (as keepalived)', () => {
  const r = compile(['authentication {', ' auth_pass secret', '}']);
  assert.equal(r.auth, undefined);
  assert.deepEqual(r.messages, []);
});

test('state MASTER is cleared for AH (not for the address owner, nor for PASS)', () => {
  const ah = compile(['state MASTER', ...AH]);
  assert.equal(ah.state, 'BACKUP');
  assert.ok(ah.messages.includes('(VI_1) Initial state master is incompatible with AH authentication - clearing'));
  assert.equal(compile(['state MASTER', 'authentication {', ' auth_type PASS', ' auth_pass secret', '}']).state, 'MASTER');
});
