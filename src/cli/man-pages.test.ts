// man/keepalived-ts.8 and man/keepalived-ts.conf.5 are exactly what the option and keyword
// tables render (regenerate: `npm run docs`), and groff formats them without a warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TOP_LEVEL_TABLE } from '../config/top-level.js';
import { renderManPage5, renderManPage8, roff } from './man-pages.js';

const page = (name: string): string => fileURLToPath(new URL(`../../../man/${name}`, import.meta.url));

for (const [name, render] of [['keepalived-ts.8', renderManPage8], ['keepalived-ts.conf.5', () => renderManPage5(TOP_LEVEL_TABLE)]] as const) {
  test(`man/${name} matches the tables (run \`npm run docs\` after changing them) and formats cleanly`, () => {
    const committed = readFileSync(page(name), 'utf8');
    const fresh = render();
    if (committed !== fresh) {
      const a = committed.split('\n');
      const b = fresh.split('\n');
      const i = a.findIndex((l, n) => l !== b[n]);
      assert.fail(`man/${name} is stale at line ${i + 1}:\n  committed: ${a[i]}\n  tables:    ${b[i]}\nrun \`npm run docs\``);
    }
    const g = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z'], { input: fresh, encoding: 'utf8' });
    assert.equal(g.status, 0);
    assert.equal(g.stderr, '', `groff warnings for ${name}`);
  });
}

test('the pages carry every option and keyword', () => {
  const eight = renderManPage8();
  for (const flag of ['\\-\\-use\\-file=FILE', '\\-\\-dont\\-fork', '\\-\\-config\\-test', 'status [\\-\\-json]']) assert.ok(eight.includes(flag), flag);
  const five = renderManPage5(TOP_LEVEL_TABLE);
  for (const kw of ['virtual_router_id', 'track_interface', 'process_names', 'delay_loop']) assert.ok(five.includes(`\\fB${roff(kw)}\\fR`), kw);
});

test('roff escaping', () => {
  assert.equal(roff('.hidden'), '\\&.hidden');
  assert.equal(roff('a\\b-c'), 'a\\eb\\-c');
  assert.equal(roff('3 × advert_int …'), '3 \\[u00D7] advert_int \\[u2026]');
});
