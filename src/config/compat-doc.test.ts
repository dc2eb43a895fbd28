// docs/compatibility.md must list every keyword row of the keyword tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GLOBAL_DEFS_TABLE } from './global-defs/keywords.js';
import type { KeywordTable } from './keywords/table.js';
import { GARP_GROUP_TABLE, TOP_LEVEL_TABLE, TRACK_GROUP_TABLE } from './top-level.js';
import { BFD_INSTANCE_TABLE, TRACK_FILE_TABLE, TRACK_PROCESS_TABLE, VRRP_SCRIPT_TABLE } from './trackers/keywords.js';
import { AUTH_HMAC_TABLE, AUTHENTICATION_TABLE, VRRP_INSTANCE_TABLE } from './vrrp-instance/keywords.js';
import { VRRP_SYNC_GROUP_TABLE } from './vrrp-sync-group/keywords.js';
import { CHECKER_TABLES, SMTP_HOST_TABLE, URL_TABLE } from './lvs/checker-keywords.js';
import { REAL_SERVER_TABLE, SSL_TABLE, VIRTUAL_SERVER_TABLE } from './lvs/keywords.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/compatibility.md', import.meta.url)), 'utf8');

const vrrpTables = [VRRP_SCRIPT_TABLE, TRACK_FILE_TABLE, TRACK_PROCESS_TABLE, BFD_INSTANCE_TABLE, GARP_GROUP_TABLE, TRACK_GROUP_TABLE, AUTH_HMAC_TABLE];
const lvsTables = [VIRTUAL_SERVER_TABLE, REAL_SERVER_TABLE, ...CHECKER_TABLES.values(), URL_TABLE, SMTP_HOST_TABLE, SSL_TABLE];
const tables: ReadonlyArray<KeywordTable<never>> = [TOP_LEVEL_TABLE, GLOBAL_DEFS_TABLE, VRRP_INSTANCE_TABLE, AUTHENTICATION_TABLE, VRRP_SYNC_GROUP_TABLE, ...vrrpTables, ...lvsTables] as never;

test('docs/compatibility.md has a row per keyword with the right status', () => {
  assert.match(doc, /^## Deliberate differences$/m);
  for (const t of tables) {
    const section = doc.split(`## Keywords: \`${t.block}\``)[1]?.split('\n## ')[0];
    assert.ok(section, `section for ${t.block}`);
    for (const d of t.defs.values()) {
      const row = section.split('\n').find((l) => l.startsWith(`| \`${d.name}\` |`));
      assert.ok(row, `${t.block}: ${d.name} missing`);
      assert.ok(row.includes(d.form.type === 'unsupported' ? 'not yet' : '| supported |'), `${t.block}: ${d.name} status`);
    }
  }
});
