import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createLab } from './netns.js';

test('lab: hosts reach each other over the bridge, and everything is removed afterwards', () => {
  const lab = createLab(2, 'nt');
  try {
    const out = lab.exec(lab.host(1), ['ping', '-c', '1', '-W', '2', lab.host(2).ip4]);
    assert.match(out, /1 received/);
    const out6 = lab.exec(lab.host(1), ['ping', '-6', '-c', '1', '-W', '2', lab.host(2).ip6]);
    assert.match(out6, /1 received/);
  } finally {
    lab.down();
  }
  const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  assert.ok(!left.includes(lab.prefix), `namespaces left behind: ${left}`);
});
