/**
 * Pieces of the tracker lab's configs (test/lab/capture-keepalived-dumps.ts, the dumps tests):
 * the files a tracker config points at, and its instances.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `ok.sh` (exit 0) and `fail.sh` (exit 1), both executable, and `track` (a track_file holding 3) into `dir`. */
export function writeTrackerFiles(dir: string): void {
  for (const [name, status] of [['ok.sh', 0], ['fail.sh', 1]] as const) {
    writeFileSync(join(dir, name), `#!/bin/sh\nexit ${status}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  writeFileSync(join(dir, 'track'), '3\n');
}

/** `vrrp_instance VI_n` on eth0, BACKUP at start, VRID 50+n, VIP 192.0.2.(99+n)/24, advert_int 1, with `body` lines (two-space indented) before the VIPs. */
export function labInstance(n: number, priority: number, body = ''): string {
  return `vrrp_instance VI_${n} {
  state BACKUP
  interface eth0
  virtual_router_id ${50 + n}
  priority ${priority}
  advert_int 1
${body}  virtual_ipaddress {
    192.0.2.${99 + n}/24
  }
}
`;
}
