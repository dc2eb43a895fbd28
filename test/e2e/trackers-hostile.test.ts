/**
 * Hostile vrrp_scripts, keepalived-ts on h1 and Debian's keepalived 2.2.7 on h2 with the same
 * config (each its own VRID, so each is MASTER of its own): a script that hangs (killed at its
 * timeout), one that ignores SIGTERM and leaves a background child (the process group is
 * SIGKILLed 2 s later: nothing accumulates), one whose leader dies of the SIGTERM while its
 * child ignores it (the group is SIGKILLed at once), one that prints 20 MB per run (discarded, the
 * daemon's memory does not grow), a missing one and a non-executable one (disabled at start
 * with keepalived's lines). Both daemons stay up and end at the same effective priority.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { keepalivedCommand, keepalivedTsCommand, type LabDaemon } from '../lab/lab-daemon.js';
import { waitFor } from '../lab/wait.js';
import { E2e, sleep } from './kit.js';

let e: E2e;
before(() => {
  e = E2e.create(2, 'hst');
});
after(() => e.teardown());

/** A copy of sleep under a name no other process has, so its processes can be counted. */
function sleeper(tag: string): string {
  const name = `k${process.pid % 100000}${tag}`.slice(0, 15);
  const bin = join(e.runDir, name);
  copyFileSync('/bin/sleep', bin);
  chmodSync(bin, 0o755);
  return bin;
}

function script(name: string, body: string, mode = 0o755): string {
  const p = join(e.runDir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, mode);
  return p;
}

const count = (bin: string): number => {
  try {
    return execFileSync('pgrep', ['-x', bin.split('/').pop()!], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

const rssKb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const pidOf = (file: string): number => Number(readFileSync(file, 'utf8').trim());

test('hung, SIGTERM-ignoring, chatty, missing and non-executable scripts: the daemon stays up, kills what it started, does not grow, and ends where keepalived does', async () => {
  const hangBins = { ts: sleeper('h1'), ka: sleeper('h2') };
  const trapBins = { ts: sleeper('t1'), ka: sleeper('t2') };
  const orphanBins = { ts: sleeper('o1'), ka: sleeper('o2') };
  const spew = script('spew.sh', 'head -c 20000000 /dev/zero\nexit 0');
  const noexec = script('noexec.sh', 'exit 0', 0o644);
  const conf = (host: 'ts' | 'ka', vrid: number): string => {
    const hang = script(`hang-${host}.sh`, `exec ${hangBins[host]} 100`);
    const trap = script(`trap-${host}.sh`, `trap '' TERM\n${trapBins[host]} 100 &\n${trapBins[host]} 100`);
    // The leader dies of the SIGTERM, its background child ignores it: the group is SIGKILLed at once.
    const orphan = script(`orphan-${host}.sh`, `( trap '' TERM; exec ${orphanBins[host]} 100 ) &\nexec sleep 100`);
    return `global_defs {\n  router_id ${host}\n}\n` +
      `vrrp_script hang {\n  script "${hang}"\n  interval 1\n  timeout 1\n  weight -10\n}\n` +
      `vrrp_script trap {\n  script "${trap}"\n  interval 2\n  timeout 1\n  weight -20\n}\n` +
      `vrrp_script orphan {\n  script "${orphan}"\n  interval 2\n  timeout 1\n  weight -30\n}\n` +
      `vrrp_script spew {\n  script "${spew}"\n  interval 1\n}\n` +
      `vrrp_script missing {\n  script "${join(e.runDir, 'nonexistent.sh')}"\n}\n` +
      `vrrp_script noexec {\n  script "${noexec}"\n}\n` +
      `vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id ${vrid}\n  priority 100\n  advert_int 1\n` +
      `  track_script {\n    hang\n    trap\n    orphan\n    spew\n    missing\n    noexec\n  }\n  virtual_ipaddress {\n    192.0.2.${vrid}/24 dev eth0\n  }\n}\n`;
  };
  const ts = e.daemon(e.host(1), conf('ts', 51), { cmd: keepalivedTsCommand() });
  const ka = e.daemon(e.host(2), conf('ka', 52), { cmd: keepalivedCommand() });
  ts.start();
  ka.start();
  for (const d of [ts, ka]) {
    await d.waitLine(/Disabling track script missing since not found\/accessible/);
    await d.waitLine(/WARNING - script '.*noexec\.sh' is not executable for uid:gid 0:0 - disabling\./);
    await d.waitLine(/VRRP_Script\(hang\) timed_out/, 0, 10_000);
    await d.waitLine(/VRRP_Script\(trap\) timed_out/, 0, 10_000);
    await d.waitLine(/VRRP_Script\(orphan\) timed_out/, 0, 10_000);
    await d.waitLine(/\(VI_1\) Entering MASTER STATE/, 0, 15_000);
  }
  const child = pidOf(ts.vrrpPidFile);
  const rss0 = rssKb(child);
  // Ten seconds of it: the hung one lives at most its timeout (one at a time), the trapped
  // group at most timeout + 2 s (runs are skipped while it is killed): 2 processes at most.
  let maxHang = 0;
  let maxTrap = 0;
  let maxOrphan = 0;
  for (let i = 0; i < 40; i++) {
    maxHang = Math.max(maxHang, count(hangBins.ts));
    maxTrap = Math.max(maxTrap, count(trapBins.ts));
    maxOrphan = Math.max(maxOrphan, count(orphanBins.ts));
    await sleep(250);
  }
  const rss1 = rssKb(child);
  assert.ok(ts.running && ka.running, `both daemons up\n${e.logTails()}`);
  assert.ok(maxHang <= 1, `hung script processes at once: ${maxHang}`);
  assert.ok(maxTrap <= 2, `SIGTERM-ignoring group processes at once: ${maxTrap} (a leaked group adds 2 per run)`);
  assert.ok(maxOrphan <= 1, `orphaned children at once: ${maxOrphan} (one more per run if the group outlived its leader)`);
  assert.ok(rss1 - rss0 < 10_000, `the VRRP child's RSS grew ${rss1 - rss0} kB over ten 20 MB outputs`);
  const prio = async (d: LabDaemon): Promise<string> => /Effective priority = (\d+)/.exec(await e.data(d))?.[1] ?? '?';
  // 100 − 10 (hang) − 20 (trap) − 30 (orphan): spew succeeds, the two disabled ones count for nothing.
  assert.equal(await prio(ts), '40');
  assert.equal(await prio(ka), '40');
  await Promise.all([ts.stop(5000), ka.stop(5000)]);
  await waitFor(() => count(trapBins.ts) === 0 && count(hangBins.ts) === 0 && count(orphanBins.ts) === 0, 5000, 'our scripts gone after the daemon stopped');
});
