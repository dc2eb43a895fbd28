// Signals a monitoring agent may send (keepalived(8) SIGNALS, `--signum`) to a real daemon —
// parent, VRRP child and checker child — in a lab namespace: none is fatal, the VIP stays,
// each one is answered where keepalived answers it (JSON and STATS_CLEAR by the VRRP process,
// TDUMP by every process) and logged as ignored elsewhere; a child killed with SIGKILL is
// logged as killed by signal 9 and respawned. What the dumps hold: dumps.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepalivedTsCommand, LabDaemon, readPid, waitPidFile } from '../lab/lab-daemon.js';
import { createLab, type Lab } from '../lab/netns.js';
import { isAlive, nowUs, sleep } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';

let lab: Lab;
before(() => {
  lab = createLab(1, 'sig');
});
after(() => lab.down());

const CONF = `vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
virtual_server 198.51.100.1 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 127.0.0.1 9 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
`;

function hasVip(): boolean {
  return execFileSync('ip', ['-n', lab.host(1).ns, '-4', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' }).includes('192.0.2.100/24');
}

async function waitVip(ms: number): Promise<void> {
  await waitFor(() => hasVip() || undefined, ms, 'the VIP to appear');
}

type Who = 'parent' | 'VRRP child' | 'checker child';

/** Signal → the line that must follow it, by the process it is sent to (undefined: handled, its own lines vary). */
const SIGNALS: ReadonlyArray<readonly [number | NodeJS.Signals, Readonly<Record<Who, RegExp>> | undefined]> = [
  [36, { parent: /Printing VRRP as json for process/, 'VRRP child': /Printing VRRP as json for process/, 'checker child': /Ignoring signal 36 \(SIGRTMIN\+2, JSON\): only the VRRP process acts on it/ }],
  [
    63,
    {
      parent: /Printing and clearing VRRP stats for process/,
      'VRRP child': /Printing and clearing VRRP stats for process/,
      'checker child': /Ignoring signal 63 \(SIGRTMAX-1, STATS_CLEAR\): only the VRRP process acts on it/,
    },
  ],
  [64, { parent: /Timer dump of the checker process/, 'VRRP child': /Timer dump of the VRRP process/, 'checker child': /Timer dump of the checker process/ }],
  [40, { parent: /Ignoring signal 40 \(SIGRTMIN\+6\): keepalived gives it no meaning/, 'VRRP child': /Ignoring signal 40 /, 'checker child': /Ignoring signal 40 / }],
  [34, { parent: /Ignoring signal 34 \(SIGRTMIN\)/, 'VRRP child': /Ignoring signal 34 /, 'checker child': /Ignoring signal 34 / }],
  ['SIGUSR1', undefined],
  ['SIGUSR2', undefined],
  ['SIGHUP', undefined],
];

test('every signal keepalived names, and stray real-time ones, to parent and both children: logged, never fatal, the VIP stays', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-sig-'));
  // The whole daemon: VRRP and checker children (no --vrrp); its dumps stay in its directory.
  const d = new LabDaemon(lab, lab.host(1), dir, keepalivedTsCommand(), CONF, { args: (c) => c.filter((a) => a !== '--vrrp'), env: { TMPDIR: dir } });
  const f = { pid: d.pidFile, vrrpPid: d.vrrpPidFile, checkPid: d.checkPidFile };
  d.start();
  try {
    const parent = await waitPidFile(f.pid);
    const vrrp = await waitPidFile(f.vrrpPid);
    const checker = await waitPidFile(f.checkPid);
    await d.waitLine(/VRRP child process\(\d+\) ready/);
    await d.waitLine(/Healthcheck child process\(\d+\) ready/);
    await waitVip(10_000);
    for (const [who, pid] of [['parent', parent], ['VRRP child', vrrp], ['checker child', checker]] as const) {
      for (const [sig, line] of SIGNALS) {
        const from = nowUs();
        process.kill(pid, sig);
        if (line) await d.waitLine(line[who], from, 5000);
        else await sleep(300);
        for (const [name, p] of [['parent', parent], ['VRRP child', vrrp], ['checker child', checker]] as const) {
          assert.ok(isAlive(p), `${name} alive after signal ${sig} to the ${who}`);
        }
        assert.ok(hasVip(), `VIP held after signal ${sig} to the ${who}`);
      }
    }
    assert.doesNotMatch(d.log, /exited (due to signal|with status)/, 'no child died');

    process.kill(checker, 'SIGKILL');
    await d.waitLine(new RegExp(`pid ${checker} exited due to signal 9 \\(Killed\\)`));
    const respawned = await waitPidFile(f.checkPid, 10_000, checker);
    assert.ok(isAlive(respawned));
    assert.ok(hasVip(), 'the VRRP child is not disturbed by the checker dying');

    d.signal('SIGTERM');
    assert.equal((await d.waitExit(10_000)).code, 0);
  } finally {
    await d.stop(3000);
    const c = readPid(f.checkPid);
    if (c !== undefined && isAlive(c)) process.kill(c, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
