import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { memoryReader } from '../../test-kit/memory-reader.js';
import { parseConfigText } from '../parse-config.js';
import type { KeepalivedConfig } from '../model.js';
import { secsExact } from '../print-format.js';
import { printConfig } from '../print.js';

const fixture = readFileSync(fileURLToPath(new URL('../../../../test/fixtures/config/ok-006-lvs-printer.conf', import.meta.url)), 'utf8');
const parse = (text: string): ReturnType<typeof parseConfigText> => parseConfigText(text, 'p.conf', { reader: memoryReader({}), configId: 'n1' });
/** The LVS part of the model without source positions (the whole model is covered by printer.test.ts). */
const lvsOf = (c: KeepalivedConfig): unknown =>
  JSON.parse(JSON.stringify({ ssl: c.ssl, groups: c.virtualServerGroups, servers: c.virtualServers }, (k: string, v: unknown) => (k === 'loc' ? undefined : v)));

test('printLvs: every LVS option survives print → parse unchanged', () => {
  const first = parse(fixture);
  assert.deepEqual(first.diagnostics, []);
  assert.equal(first.config.virtualServers.length, 4);
  const printed = printConfig(first.config, { showSecrets: true });
  const second = parse(printed);
  assert.deepEqual(second.diagnostics, [], printed);
  assert.deepEqual(lvsOf(second.config), lvsOf(first.config));
});

test('printLvs masks the SSL password unless showSecrets', () => {
  const c = parse(fixture).config;
  assert.match(printConfig(c), /^ {4}password \*{8}$/m);
  assert.doesNotMatch(printConfig(c), /s3cr3t/);
  assert.match(printConfig(c, { showSecrets: true }), /^ {4}password "s3cr3t pw"$/m);
});

test('printLvs writes keepalived 2.2.7 syntax and overrides only what differs from the parent', () => {
  const out = printConfig(parse(fixture).config);
  // real_server takes lvs_method (2.2.7 rejects lb_kind there).
  assert.match(out, /^ {8}lvs_method DR$/m);
  assert.doesNotMatch(out, /^ {8}lb_kind/m);
  // VS alpha on, RS alpha off, checker alpha on again.
  assert.match(out, /^ {4}alpha$/m);
  assert.match(out, /^ {8}alpha off$/m);
  assert.match(out, /^ {12}alpha$/m);
  // Checker timing comes out resolved; deprecated SMTP host blocks stay host blocks.
  assert.match(out, /^ {12}delay_loop 1\.234567$/m);
  assert.equal(out.match(/^ {12}host \{$/gm)?.length, 2);
  assert.match(out, /^ {12}misc_path "\/usr\/bin\/check --x"\n {12}misc_timeout 7\n {12}user nobody nogroup$/m);
  assert.match(out, /^virtual_server fwmark 12 \{\n {4}ip_family inet6$/m);
  assert.match(out, /^ {4}lb_kind TUN type gue port 6080 csum$/m);
});

test('secsExact prints µs-exact decimal seconds', () => {
  assert.equal(secsExact(5000), '5');
  assert.equal(secsExact(1234.567), '1.234567');
  assert.equal(secsExact(0.001), '0.000001');
  assert.equal(secsExact(500), '0.5');
  assert.equal(secsExact(0), '0');
});
