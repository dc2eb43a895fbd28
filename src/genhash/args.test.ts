import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGenhashArgs } from './args.js';

test('short, bundled, attached and long forms', () => {
  const a = parseGenhashArgs(['-vS', '-s', '192.0.2.1', '-p443', '--url=/health', '--use-virtualhost', 'www.example.test', '-I', '-P', '1.0c', '-t', '3', '-m', '7']);
  assert.deepEqual(a, {
    ok: true,
    value: {
      type: 'run',
      options: {
        server: '192.0.2.1',
        family: 4,
        port: 443,
        url: '/health',
        ssl: true,
        sni: true,
        virtualhost: 'www.example.test',
        protocol: '1.0C',
        timeoutMs: 3000,
        fwmark: 7,
        verbose: true,
      },
    },
  });
});

test('defaults: HTTP/1.0, 5 s, IPv6 family', () => {
  const a = parseGenhashArgs(['--server', '2001:db8::1', '--port', '80', '-u', '/']);
  assert.ok(a.ok && a.value.type === 'run');
  assert.equal(a.value.options.family, 6);
  assert.equal(a.value.options.protocol, '1.0');
  assert.equal(a.value.options.timeoutMs, 5000);
  assert.equal(a.value.options.verbose, false);
});

test("errors carry Debian genhash's messages", () => {
  const err = (argv: string[]): string => {
    const r = parseGenhashArgs(argv);
    assert.equal(r.ok, false, argv.join(' '));
    return r.ok ? '' : r.reason;
  };
  const base = ['-s', '192.0.2.1', '-p', '80', '-u', '/'];
  assert.equal(err([...base, '-P', '2.0']), "invalid HTTP protocol version '2.0'");
  assert.equal(err(['-s', '192.0.2.1', '-p', 'abc', '-u', '/']), "invalid port number 'abc'");
  assert.equal(err(['-s', '192.0.2.1', '-p', '70000', '-u', '/']), "invalid port number '70000'");
  assert.equal(err([...base, '-t', 'x']), "invalid timeout 'x'");
  assert.equal(err([...base, '-Z']), 'Unknown option -Z');
  assert.equal(err(['-s', 'notanip', '-p', '80', '-u', '/']), 'server should be an IP, not notanip');
  assert.equal(err([...base, 'extra']), 'Unexpected argument(s): extra');
  // Missing -s/-p/-u: usage only.
  assert.equal(err(['-s', '192.0.2.1', '-p', '80']), '');
  assert.deepEqual(parseGenhashArgs(['-h']), { ok: true, value: { type: 'help' } });
});
