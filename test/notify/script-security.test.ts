/**
 * Run-time script security (keepalived.conf(5) enable_script_security, script_user; issue 11
 * item 1), end to end in a lab namespace, with Debian's keepalived 2.2.7 as the oracle on the
 * same files. One node goes BACKUP → MASTER → stopped. Its notify_master (a world-writable
 * file, run as root) and its generic notify (a root script under a world-writable directory)
 * must never run — marker files prove they did not — and the daemon logs keepalived's lines;
 * notify_backup and notify_stop run as a throw-away account created for the test (one with
 * its own group, one with an explicit group). The same config with safe permissions runs the
 * root scripts too. Log lines, markers and the recorded runs (argv, uid, gid, groups, umask,
 * process group, parent-death signal, environment) must be keepalived's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { keepalivedCommand, keepalivedTsCommand, LabDaemon, type DaemonCommand } from '../lab/lab-daemon.js';
import { scriptLines, startShape, useScriptLab, type Account, type ScriptRecord } from './script-kit.js';

let account: Account;
const lab = useScriptLab(1, 'nsec', (d) => {
  account = d.createAccount('s');
  d.marker('ww.sh', '"master-$1"', 0o777);
  d.script(join(d.unsafeDir, 'generic.sh'), `touch ${d.markers}/"generic-$3"`);
});

const conf = (): string => {
  const d = lab.d;
  return `global_defs {
  router_id SEC
  enable_script_security
  script_user ${account.user}
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 61
  priority 100
  advert_int 1
  notify_backup "${d.recorder} backup"
  notify_master "${d.dir}/ww.sh x" root
  notify "${d.unsafeDir}/generic.sh" root
  notify_stop "${d.recorder} stop" ${account.user} ${account.extraGroup}
  virtual_ipaddress {
    192.0.2.161/24
  }
}
`;
};

interface Run {
  readonly lines: string[];
  readonly markers: string[];
  readonly records: ScriptRecord[];
}

/** One daemon through BACKUP, MASTER and a stop; what it logged about scripts, and what ran. */
async function runOnce(cmd: DaemonCommand): Promise<Run> {
  const { e, d } = lab;
  d.clearRecords();
  const daemon = new LabDaemon(e.lab, e.host(1), e.runDir, cmd, conf(), { env: { KTS_RECORD_FILE: d.recordFile } });
  e.daemons.push(daemon);
  daemon.start();
  await daemon.waitLine(/\(VI_1\) Entering MASTER STATE/, 0, 20_000);
  await daemon.stop();
  await daemon.waitGone();
  return { lines: scriptLines(daemon), markers: d.markersLeft(), records: d.records() };
}

async function both(): Promise<{ ours: Run; theirs: Run }> {
  const ours = await runOnce(keepalivedTsCommand());
  const theirs = await runOnce(keepalivedCommand());
  return { ours, theirs };
}

test('unsafe notify scripts are never run; the others run as their non-root user — as keepalived does', async () => {
  const d = lab.d;
  const { ours, theirs } = await both();
  assert.deepEqual(ours.lines, [`Unsafe permissions found for script '${d.dir}/ww.sh' - disabling.`, `Unsafe permissions found for script '${d.unsafeDir}/generic.sh' - disabling.`]);
  assert.deepEqual(ours.markers, [], 'neither unsafe script ran');
  const byState = new Map(ours.records.map((r) => [r.argv[1], r]));
  assert.deepEqual([...byState.keys()].sort(), ['backup', 'stop']);
  const backup = byState.get('backup')!;
  assert.deepEqual([backup.uid, backup.euid, backup.gid, backup.groups], [account.uid, account.uid, account.gid, [account.gid]], 'script_user, its own group only');
  const stop = byState.get('stop')!;
  assert.deepEqual([stop.uid, stop.gid, stop.groups], [account.uid, account.extraGid, [account.extraGid]], 'the script’s USER GROUP');
  assert.deepEqual([backup.umask, backup.pgid === backup.pid, backup.pdeathsig], [0o177, true, 15]);
  // The oracle: the same lines, the same markers, the same processes.
  assert.deepEqual(ours.lines, theirs.lines);
  assert.deepEqual(ours.markers, theirs.markers);
  assert.deepEqual(ours.records.map(startShape).sort(), theirs.records.map(startShape).sort());
});

test('the same config with safe permissions runs every script, root ones as root', async () => {
  const d = lab.d;
  chmodSync(join(d.dir, 'ww.sh'), 0o755);
  chmodSync(d.unsafeDir, 0o755);
  mkdirSync(d.markers, { recursive: true });
  const { ours, theirs } = await both();
  assert.deepEqual(ours.lines, []);
  assert.deepEqual(ours.markers, ['generic-BACKUP', 'generic-MASTER', 'generic-STOP', 'master-x']);
  assert.deepEqual(ours.lines, theirs.lines);
  assert.deepEqual(ours.markers, theirs.markers);
  assert.deepEqual(ours.records.map(startShape).sort(), theirs.records.map(startShape).sort());
});
