/**
 * Our genhash against Debian's /usr/bin/genhash on the same pages of the test server
 * (h1), both run from h2: same stdout (the "Global response time" line aside, it is a
 * measurement), same exit status, and the digest is the MD5 of the body.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { symlinkSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from '../lab/netns.js';
import { PAGES } from './http-test-server.js';
import { startServerLab, type ServerLab, type TestServer } from './test-server-proc.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OURS = join(HERE, '..', '..', 'src', 'cli', 'keepalived-ts.js');
const md5 = (s: string): string => createHash('md5').update(s, 'latin1').digest('hex');

let fx: ServerLab;
let lab: Lab;
let server: TestServer;
let dir: string;

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(argv: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', lab.host(2).ns, ...argv], { encoding: 'utf8', timeout: 20_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const code = (err as { code?: unknown } | null)?.code;
      resolve({ status: typeof code === 'number' ? code : 0, stdout: stdout.replace(/^Global response time for .*$/m, 'TIME'), stderr });
    });
  });
}

const debian = (args: readonly string[]): Promise<Run> => run(['genhash', ...args]);
const ours = (args: readonly string[]): Promise<Run> => run([process.execPath, OURS, '--genhash', ...args]);

async function same(args: readonly string[]): Promise<Run> {
  const [d, o] = await Promise.all([debian(args), ours(args)]);
  assert.equal(o.stdout, d.stdout, `stdout of genhash ${args.join(' ')}`);
  assert.equal(o.status, d.status, `status of genhash ${args.join(' ')}`);
  return o;
}

before(() => {
  fx = startServerLab('gnh', { genhash: 'keepalived' });
  ({ lab, server, dir } = fx);
});

after(() => fx?.down());

test('HTTP digests equal Debian genhash and the MD5 of the body', async () => {
  await server.ready;
  const s = lab.host(1).ip4;
  const ok = await same(['-s', s, '-p', '8080', '-u', '/ok']);
  assert.equal(ok.stdout, `${md5(PAGES.ok)}\n`);
  const big = await same(['-s', s, '-p', '8080', '-u', '/big']);
  assert.equal(big.stdout, `${md5(PAGES.big)}\n`);
  const chunked = await same(['-s', s, '-p', '8080', '-u', '/chunked', '-P', '1.1']);
  assert.equal(chunked.stdout, `${md5(PAGES.chunkedRaw)}\n`);
  await same(['-s', lab.host(1).ip6, '-p', '8080', '-u', '/503', '-P', '1.0c', '-V', 'www.example.test']);
});

test('verbose dumps are byte-identical', async () => {
  await server.ready;
  const s = lab.host(1).ip4;
  const v = await same(['-v', '-s', s, '-p', '8080', '-u', '/ok']);
  assert.match(v.stdout, /HTML hash final resulting/);
  await same(['--verbose', '-s', s, '-p', '8080', '-u', '/big']);
  await same(['-v', '-s', s, '-p', '8080', '-u', '/garbage']);
  await same(['-v', '-S', '-s', s, '-p', '8443', '-u', '/ok']);
});

test('SSL and SNI', async () => {
  await server.ready;
  const s = lab.host(1).ip4;
  const ssl = await same(['-S', '-s', s, '-p', '8443', '-u', '/ok']);
  assert.equal(ssl.stdout, `${md5(PAGES.ok)}\n`);
  const sni = await same(['-S', '-I', '-V', 'www.example.test', '-s', s, '-p', '8443', '-u', '/sni']);
  assert.equal(sni.stdout, `${md5('www.example.test\n')}\n`);
  const big = await same(['-S', '-s', s, '-p', '8443', '-u', '/big']);
  assert.equal(big.stdout, `${md5(PAGES.big)}\n`);
});

test('failures: refused, timeout, usage', async () => {
  await server.ready;
  const s = lab.host(1).ip4;
  const refused = await same(['-s', s, '-p', '9', '-u', '/']);
  assert.equal(refused.stdout, 'Connection failed\n');
  await same(['-v', '-s', s, '-p', '9', '-u', '/']);
  const slow = await same(['-t', '1', '-s', s, '-p', '8080', '-u', '/slow']);
  assert.equal(slow.stdout, 'Timeout WEB read\n');
  for (const args of [['-h'], ['-s', s, '-p', '80'], ['-s', s, '-p', 'abc', '-u', '/'], ['-s', s, '-p', '80', '-u', '/', '-P', '2']]) {
    const [d, o] = await Promise.all([debian(args), ours(args)]);
    assert.equal(o.status, 1);
    assert.equal(o.status, d.status);
    assert.equal(o.stderr, d.stderr, `stderr of genhash ${args.join(' ')}`);
  }
});

test('the binary answers as genhash when invoked under that name', async () => {
  await server.ready;
  const link = join(dir, 'genhash');
  symlinkSync(OURS, link);
  const r = await run([process.execPath, link, '-s', lab.host(1).ip4, '-p', '8080', '-u', '/ok']);
  assert.equal(r.stdout, `${md5(PAGES.ok)}\n`);
});
