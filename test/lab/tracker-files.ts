/**
 * The files a tracker config of the lab points at, written into a run directory: `ok.sh`
 * (exit 0), `fail.sh` (exit 1), both executable, and `track` (a track_file holding 3).
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeTrackerFiles(dir: string): void {
  for (const [name, status] of [['ok.sh', 0], ['fail.sh', 1]] as const) {
    writeFileSync(join(dir, name), `#!/bin/sh\nexit ${status}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  writeFileSync(join(dir, 'track'), '3\n');
}
