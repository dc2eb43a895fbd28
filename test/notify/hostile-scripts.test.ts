/**
 * Notify scripts that misbehave, end to end, keepalived-ts next to Debian's keepalived 2.2.7
 * on the same files: notify_backup hangs (and ignores nothing but records SIGTERM), notify_master
 * forks a child that outlives it, the generic notify writes megabytes to stdout and stderr,
 * notify_fault is missing, notify_stop is not executable, notify_deleted is world-writable
 * under enable_script_security. The daemon must stay responsive (MASTER on time, a clean
 * stop), never wait for or kill a notify script while it runs, log keepalived's lines, and a
 * script still running when the daemon exits gets SIGTERM from the kernel, as with keepalived.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepalivedCommand, keepalivedTsCommand, LabDaemon, type DaemonCommand } from '../lab/lab-daemon.js';
import { isAlive, nowUs } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';
import { scriptLines, useScriptLab } from './script-kit.js';

const lab = useScriptLab(1, 'nhst', (d) => {
  const m = d.markers;
  d.script('hang.sh', `echo $$ > ${m}/hang.pid\ntrap 'echo TERM > ${m}/hang.term; exit 0' TERM\nwhile :; do sleep 1; done`);
  d.script('fork.sh', `sleep 300 &\necho $! > ${m}/fork.child`);
  d.script('loud.sh', `head -c 20000000 /dev/zero\nhead -c 5000000 /dev/zero >&2\ntouch ${m}/"loud-$3"`);
  d.script('noexec.sh', 'exit 0', 0o644);
  d.marker('ww.sh', 'ww', 0o777);
});

const CONF = (dir: string): string => `global_defs {
  router_id HST
  enable_script_security
  script_user root
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 81
  priority 100
  advert_int 1
  notify_backup ${dir}/hang.sh
  notify_master ${dir}/fork.sh
  notify ${dir}/loud.sh
  notify_fault ${dir}/missing.sh
  notify_stop ${dir}/noexec.sh
  notify_deleted ${dir}/ww.sh
  virtual_ipaddress {
    192.0.2.181/24
  }
}
`;

interface Outcome {
  readonly lines: string[];
  /** Start to "Entering MASTER STATE" (µs), with a script hanging since BACKUP. */
  readonly masterAfterUs: number;
  readonly markers: string[];
  readonly hangAliveWhileRunning: boolean;
  readonly hangGotTerm: boolean;
  readonly forkChildAlive: boolean;
}

async function runOnce(cmd: DaemonCommand): Promise<Outcome> {
  const { e, d } = lab;
  d.clearRecords();
  // Without the reaper: it would wait for the orphans these scripts leave behind on purpose.
  const daemon = new LabDaemon(e.lab, e.host(1), e.runDir, cmd, CONF(d.dir), { reaper: false });
  e.daemons.push(daemon);
  const t0 = daemon.start();
  const master = await daemon.waitLine(/\(VI_1\) Entering MASTER STATE/, 0, 20_000);
  const hangPid = await waitFor(() => existsSync(join(d.markers, 'hang.pid')) && Number(readFileSync(join(d.markers, 'hang.pid'), 'utf8')), 5000, 'the hanging script to start');
  await waitFor(() => existsSync(join(d.markers, 'loud-MASTER')), 10_000, 'the loud script to finish');
  const hangAliveWhileRunning = isAlive(hangPid);
  const child = await waitFor(() => existsSync(join(d.markers, 'fork.child')) && Number(readFileSync(join(d.markers, 'fork.child'), 'utf8')), 5000, 'the forked child');
  const stoppedAt = nowUs();
  await daemon.stop();
  assert.ok(!daemon.running && nowUs() - stoppedAt < 5_000_000, `${cmd.label}: the daemon stopped without waiting for its scripts`);
  await waitFor(() => existsSync(join(d.markers, 'hang.term')), 5000, `${cmd.label}: the hanging script to get SIGTERM once the daemon is gone`).catch(() => undefined);
  const outcome = {
    lines: scriptLines(daemon, /exec/),
    masterAfterUs: master.tUs - t0,
    markers: d.markersLeft().filter((m) => !m.endsWith('.pid') && !m.endsWith('.child')),
    hangAliveWhileRunning,
    hangGotTerm: existsSync(join(d.markers, 'hang.term')),
    forkChildAlive: isAlive(child),
  };
  if (isAlive(child)) process.kill(child, 'SIGKILL');
  return outcome;
}

test('hanging, forking, loud, missing, non-executable and unsafe notify scripts: the daemon carries on as keepalived does', async () => {
  const d = lab.d;
  const theirs = await runOnce(keepalivedCommand());
  const ours = await runOnce(keepalivedTsCommand());
  assert.deepEqual(ours.lines, [
    `Script ${d.dir}/missing.sh cannot be accessed - No such file or directory`,
    `WARNING - script '${d.dir}/noexec.sh' is not executable for uid:gid 0:0 - disabling.`,
    `Unsafe permissions found for script '${d.dir}/ww.sh' - disabling.`,
  ]);
  assert.deepEqual(ours.lines, theirs.lines, "keepalived's lines");
  assert.ok(ours.masterAfterUs < 8_000_000, `MASTER ${ours.masterAfterUs} µs after start although notify_backup hangs`);
  assert.equal(ours.hangAliveWhileRunning, true, 'a hanging notify script is neither waited for nor killed while the daemon runs');
  assert.equal(ours.hangGotTerm, true, 'SIGTERM (parent-death signal) once the daemon is gone');
  assert.equal(ours.forkChildAlive, true, "the script's own child is left alone");
  assert.deepEqual(ours.markers, ['hang.term', 'loud-BACKUP', 'loud-MASTER', 'loud-STOP'], 'megabytes of output went nowhere and the script finished; the unsafe one never ran');
  assert.deepEqual([ours.hangAliveWhileRunning, ours.hangGotTerm, ours.forkChildAlive, ours.markers], [theirs.hangAliveWhileRunning, theirs.hangGotTerm, theirs.forkChildAlive, theirs.markers]);
});
