/**
 * Script security and script users in the checker child (keepalived.conf(5) MISC_CHECK,
 * notify_up, quorum_up, enable_script_security), end to end in a lab namespace: a MISC_CHECK
 * whose script is world-writable and run as root is disabled (and its real server is then
 * up without it, as in keepalived), a quorum_up under a world-writable directory never runs,
 * a safe MISC_CHECK and notify_up (its real server starts down: alpha) run as the script user. keepalived 2.2.7's checker exits at
 * once on a kernel without IPVS, so its lines were taken from it on such a kernel beforehand
 * (same wording and order: MISC_CHECKs of each virtual server, its quorum scripts, then the
 * real servers' notify scripts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkerOnly, keepalivedTsCommand, LabDaemon } from '../lab/lab-daemon.js';
import { waitFor } from '../lab/wait.js';
import { scriptLines, useScriptLab, type Account } from './script-kit.js';

let account: Account;
const lab = useScriptLab(1, 'nchk', (d) => {
  account = d.createAccount('c');
  d.marker('ww.sh', 'misc-ww', 0o777);
  d.marker(join(d.unsafeDir, 'quorum.sh'), 'quorum');
});

test('MISC_CHECK, quorum_up, notify_up: unsafe ones disabled with keepalived’s lines, the others run as the script user', async () => {
  const { e, d } = lab;
  const conf = `global_defs {
  router_id CHK
  enable_script_security
  script_user ${account.user}
}
virtual_server 192.0.2.200 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  quorum_up "${d.unsafeDir}/quorum.sh up" root
  real_server 192.0.2.11 80 {
    weight 1
    MISC_CHECK {
      misc_path "${d.dir}/ww.sh misc"
      user root
    }
  }
  real_server 192.0.2.12 80 {
    weight 1
    alpha
    notify_up "${d.recorder} up"
    MISC_CHECK {
      misc_path "${d.recorder} misc"
    }
  }
}
`;
  const daemon = new LabDaemon(e.lab, e.host(1), e.runDir, keepalivedTsCommand(), conf, { env: { KTS_RECORD_FILE: d.recordFile }, args: checkerOnly });
  e.daemons.push(daemon);
  daemon.start();
  await waitFor(() => d.records().some((r) => r.argv[1] === 'up'), 20_000, () => `notify_up to run\n${daemon.tail()}`);
  await daemon.stop();
  assert.deepEqual(scriptLines(daemon), [
    `Unsafe permissions found for script '${d.dir}/ww.sh' - disabling.`,
    `Disabling misc script '${d.dir}/ww.sh' 'misc' due to insecure`,
    `Unsafe permissions found for script '${d.unsafeDir}/quorum.sh' - disabling.`,
  ]);
  assert.deepEqual(d.markersLeft(), [], 'neither the unsafe MISC_CHECK nor the unsafe quorum_up ran');
  const runs = d.records();
  assert.ok(runs.some((r) => r.argv[1] === 'misc'), 'the safe MISC_CHECK ran');
  for (const r of runs) assert.deepEqual([r.argv[1], r.uid, r.gid, r.groups, r.umask, r.pgid === r.pid], [r.argv[1], account.uid, account.gid, [account.gid], 0o177, true]);
  assert.ok(daemon.lines.some((l) => /Enabling service \[192\.0\.2\.11\]:tcp:80|Activating healthchecker for service \[192\.0\.2\.12\]/.test(l.text)), daemon.tail());
});
