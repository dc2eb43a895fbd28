/** A folder of NAME.json fixtures: the names, sorted, and one fixture parsed. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function jsonFixtureNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** The caller names the type: fixtures are written by the project's own capture tools. */
export function loadJsonFixture<T>(dir: string, name: string): T {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as T;
}
