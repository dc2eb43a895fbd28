// The purity rules of eslint.config.js on made-up files: a pure file may not do I/O or read
// real time, an adapter may, and a test beside the code may.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: resolve(dirname(fileURLToPath(import.meta.url)), '..') });

const SOURCE = `import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { createHash, randomInt } from 'node:crypto';
import { nio } from '../sys/nio.js';
export type S = Socket;
export const uses = [readFileSync, isIP, createHash, randomInt, nio];
export const at = (ms: number): unknown => [new Date(ms), setTimeout(() => 0, 1), Date.now(), new Date(), Math.random(), performance.now()];
`;

/** Rule id → count, for SOURCE linted as if it were at `path`. */
async function lint(path) {
  const [result] = await eslint.lintText(SOURCE, { filePath: path });
  const counts = {};
  for (const m of result.messages) counts[m.ruleId] = (counts[m.ruleId] ?? 0) + 1;
  return counts;
}

test('a pure file: I/O imports, the OS layer, timers, clocks and Math.random are errors', async () => {
  assert.deepEqual(await lint('src/check/made-up.ts'), {
    '@typescript-eslint/no-restricted-imports': 3, // node:fs, randomInt, ../sys/nio (not the type import, not isIP, not createHash)
    'no-restricted-globals': 2, // setTimeout, performance
    'no-restricted-properties': 2, // Date.now, Math.random
    'no-restricted-syntax': 1, // new Date() (not new Date(ms))
  });
  assert.equal(Object.keys(await lint('src/vrrp/made-up.ts')).length, 4);
});

test('adapters, composition roots, the OS layer and tests are not checked', async () => {
  for (const path of ['src/check/probes/tcp.ts', 'src/netlink/made-up-socket.ts', 'src/check/daemon.ts', 'src/sys/made-up.ts', 'src/check/made-up.test.ts']) {
    assert.deepEqual(await lint(path), {}, path);
  }
});
