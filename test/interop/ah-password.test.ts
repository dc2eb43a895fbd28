/**
 * `auth_type AH` with a different auth_pass on each side: Debian's keepalived 2.2.7 (h1) and
 * keepalived-ts (h2). Each side refuses every advert of the other (the ICV does not verify),
 * logs keepalived's line for it and counts it under Authentication Errors: Failure — and, as
 * keepalived does (observed with keepalived on both sides too), each then becomes MASTER: two
 * VIP holders for as long as the passwords differ. Both orders of priority.
 * Needs root, keepalived; fails (does not skip) without them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStatsDump } from '../../src/vrrp/dump.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import { keepalivedCommand, keepalivedTsCommand, LabDaemon, type DaemonCommand } from '../lab/lab-daemon.js';
import { createLab, requireCommands, type LabHost } from '../lab/netns.js';
import { sleep } from '../lab/proc.js';
import { vipHolders } from '../lab/vip-watch.js';

const VIP = '192.0.2.100';
const HMAC_LINE = '(VI_1) IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !';

function conf(host: LabHost, priority: number, pass: string): string {
  return keepalivedConf({
    routerId: `kts_${host.name}`,
    vrrpVersion: 2,
    instances: [{ name: 'VI_1', iface: 'eth0', vrid: 51, priority, advertInt: 1, vips: [`${VIP}/24`], extra: ['authentication {', '    auth_type AH', `    auth_pass ${pass}`, '}'] }],
  });
}

async function until(pred: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** SIGUSR2, then the `VI_1` block of the keepalived.stats written in the daemon's TMPDIR. */
async function stats(d: LabDaemon, dir: string): Promise<Record<string, number>> {
  const path = join(dir, 'keepalived.stats');
  if (existsSync(path)) unlinkSync(path);
  d.signal('SIGUSR2');
  assert.ok(await until(() => existsSync(path) && readFileSync(path, 'utf8').includes('Priority Zero'), 5000), `${d.host.name}: no keepalived.stats`);
  return parseStatsDump(readFileSync(path, 'utf8'))['VI_1'] ?? {};
}

for (const [name, kalPrio, ktsPrio] of [['keepalived high', 150, 100], ['keepalived-ts high', 100, 150]] as const) {
  test(`interop AH, different passwords (${name}): every advert refused and counted on both sides, both MASTER`, async (t) => {
    requireCommands({ keepalived: 'keepalived', ip: 'iproute2' });
    const runDir = mkdtempSync(join(tmpdir(), 'kts-interop-ahpw-'));
    const lab = createLab(2, 'ahpw');
    const daemons: LabDaemon[] = [];
    try {
      const side = (i: 1 | 2, cmd: DaemonCommand, prio: number, pass: string): { d: LabDaemon; dir: string } => {
        const dir = mkdtempSync(join(runDir, `h${i}-tmp-`));
        const d = new LabDaemon(lab, lab.host(i), runDir, cmd, conf(lab.host(i), prio, pass), { env: { TMPDIR: dir } });
        daemons.push(d);
        return { d, dir };
      };
      const kal = side(1, keepalivedCommand(), kalPrio, 'rightpw');
      const kts = side(2, keepalivedTsCommand(), ktsPrio, 'wrongpw');
      kal.d.start();
      kts.d.start();
      const both = (): boolean => vipHolders(lab, VIP, [lab.host(1), lab.host(2)]).length === 2;
      assert.ok(await until(both, 12_000), `both sides hold ${VIP} (holders: ${vipHolders(lab, VIP, [lab.host(1), lab.host(2)]).join(',') || 'none'})`);
      // Both masters now: each receives (and refuses) one advert a second from the other.
      await sleep(5000);
      assert.ok(both(), 'and keep holding it');
      const got = { kal: await stats(kal.d, kal.dir), kts: await stats(kts.d, kts.dir) };
      // keepalived as MASTER postpones its next advert whenever it drops one (seen with
      // keepalived on both sides, and with PASS too): ours, sending every second, keeps it
      // nearly silent. So keepalived counts ≥ 5 failures here, ours at least one.
      const least = { kal: 5, kts: 1 };
      for (const k of ['kal', 'kts'] as const) {
        const { d } = k === 'kal' ? kal : kts;
        const s = got[k];
        t.diagnostic(`${d.host.name}: sent ${s['Advertisements.Sent']}, Authentication Errors ${JSON.stringify(Object.fromEntries(Object.entries(s).filter(([x]) => x.startsWith('Authentication'))))}`);
        const failures = s['Authentication Errors.Failure'] ?? 0;
        const otherSent = got[k === 'kal' ? 'kts' : 'kal']['Advertisements.Sent'] ?? 0;
        // +1: the two dumps are a moment apart.
        assert.ok(failures >= least[k] && failures <= otherSent + 1, `${d.host.name} counts the other's adverts as Failure (${failures}, the other sent ${otherSent}): ${JSON.stringify(s)}`);
        assert.equal(s['Authentication Errors.Type Mismatch'], 0);
        assert.equal(s['Advertisements.Received'] ?? 0, 0, `${d.host.name} accepted none`);
        assert.ok(d.lines.some((l) => l.text.includes(HMAC_LINE)), `${d.host.name} logs keepalived's line`);
        assert.ok(d.lines.some((l) => l.text.includes('Entering MASTER STATE')), `${d.host.name} is MASTER`);
      }
    } finally {
      for (const d of daemons) await d.stop(5000);
      lab.down();
      rmSync(runDir, { recursive: true, force: true });
    }
  });
}
