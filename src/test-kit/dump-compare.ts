/**
 * Comparing a keepalived-ts dump with keepalived's (keepalived.data sections): a section by
 * its `------< heading >------`, and "ours is a subsequence of theirs" (the same lines in the
 * same order, lines we have no value for left out).
 */
import assert from 'node:assert/strict';

export function dumpSection(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`------< ${heading} >------`);
  assert.ok(start >= 0, heading);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('------<'));
  return lines.slice(start, end < 0 ? undefined : end);
}

export function assertSubsequence(ours: readonly string[], theirs: readonly string[], what: string): void {
  let j = 0;
  for (const line of ours) {
    while (j < theirs.length && theirs[j] !== line) j++;
    assert.ok(j < theirs.length, `${what}: '${line}' is not in keepalived 2.2.7's dump (or out of order)`);
    j++;
  }
}
