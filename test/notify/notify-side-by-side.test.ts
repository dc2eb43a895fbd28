/**
 * Instance notify scripts side by side with Debian's keepalived 2.2.7: the same two-node
 * scenario is run with keepalived on both nodes, then with keepalived-ts on both, and every
 * notify script records how it was started (record-script.py: argv, uid/gid/groups, umask,
 * cwd, process group, parent-death signal, blocked signals, open fds, environment). Phase by
 * phase — start (h1 MASTER, then h2 joins as BACKUP), failover (h1 stopped, h2 takes over), stop — each
 * node's recorded runs and its notify FIFO lines must be keepalived's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { keepalivedCommand, keepalivedTsCommand, LabDaemon, type DaemonCommand } from '../lab/lab-daemon.js';
import { sleep } from '../e2e/kit.js';
import { startShape, useScriptLab, type Account, type ScriptRecord } from './script-kit.js';

let account: Account;
const lab = useScriptLab(2, 'nsbs', (d) => {
  account = d.createAccount('b');
  d.script('fifo-reader.sh', 'exec cat "$1" >> "$1.log"');
});

const VIP = '192.0.2.171';
const out = (name: string): string => join(lab.d.dir, 'out', name);

/** `tag` keeps each scenario's FIFOs and their logs apart. */
function conf(node: 1 | 2, tag: string): string {
  const d = lab.d;
  return `global_defs {
  router_id N${node}
  enable_script_security
  script_user ${account.user}
  vrrp_notify_fifo ${out(`${tag}-h${node}.fifo`)}
  vrrp_notify_fifo_script ${d.dir}/fifo-reader.sh
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 71
  priority ${node === 1 ? 150 : 100}
  advert_int 1
  notify_master "${d.recorder} master" root
  notify_backup "${d.recorder} backup"
  notify_fault "${d.recorder} fault"
  notify_stop "${d.recorder} stop" ${account.user} ${account.extraGroup}
  notify "${d.recorder} generic"
  virtual_ipaddress {
    ${VIP}/24
  }
}
`;
}

type Phase = 'start' | 'failover' | 'stop';

/** Per node and phase: the recorded runs (as comparable strings) and the FIFO lines read. */
type Observed = Record<string, string[]>;

function readLines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

async function scenario(cmd: DaemonCommand): Promise<Observed> {
  const e = lab.e;
  const recordFile = (node: number): string => out(`h${node}.jsonl`);
  for (const n of [1, 2]) rmSync(recordFile(n), { force: true });
  const daemons = ([1, 2] as const).map((n) => {
    const dm = new LabDaemon(e.lab, e.host(n), e.runDir, cmd, conf(n, cmd.label), { env: { KTS_RECORD_FILE: recordFile(n) } });
    e.daemons.push(dm);
    return dm;
  });
  const [h1, h2] = daemons as [LabDaemon, LabDaemon];
  const seen: Observed = {};
  let taken = [0, 0];
  const take = (phase: Phase): void => {
    for (const n of [1, 2] as const) {
      const recs = readLines(recordFile(n)).map((l) => JSON.parse(l) as ScriptRecord);
      seen[`h${n} ${phase} scripts`] = recs.slice(taken[n - 1]).map(startShape).sort();
      taken[n - 1] = recs.length;
    }
  };
  const scripts = (n: number): number => readLines(recordFile(n)).length;
  const waitScripts = async (n: number, count: number): Promise<void> => {
    for (let i = 0; i < 200 && scripts(n) < count; i++) await sleep(50);
  };

  // h1 first: started together, a loaded machine can start h2 enough earlier that it wins
  // the first election, and the phases would differ from run to run.
  h1.start();
  await e.waitHolders(VIP, ['h1'], 20_000);
  h2.start();
  await h2.waitLine(/\(VI_1\) Entering BACKUP STATE/, 0, 10_000);
  await waitScripts(1, 4);
  await waitScripts(2, 2);
  await sleep(500);
  take('start');

  await h1.stop();
  await e.waitHolders(VIP, ['h2'], 15_000);
  await waitScripts(1, 6);
  await waitScripts(2, 4);
  await sleep(500);
  take('failover');

  await h2.stop();
  await waitScripts(2, 6);
  await sleep(500);
  take('stop');
  for (const n of [1, 2]) seen[`h${n} fifo`] = readLines(out(`${cmd.label}-h${n}.fifo.log`));
  taken = [0, 0];
  return seen;
}

test('notify scripts and FIFO lines at start, failover and stop equal keepalived’s, phase by phase', async () => {
  const theirs = await scenario(keepalivedCommand());
  const ours = await scenario(keepalivedTsCommand());
  // What keepalived did, so a broken oracle run cannot pass as agreement.
  const argvs = (k: string): string[] => (theirs[k] ?? []).map((s) => (JSON.parse(s) as unknown[])[0] as string[]).map((a) => a.slice(1).join(' ')).sort();
  assert.deepEqual(argvs('h1 start scripts'), ['backup', 'generic INSTANCE VI_1 BACKUP 150', 'generic INSTANCE VI_1 MASTER 150', 'master']);
  assert.deepEqual(argvs('h1 failover scripts'), ['generic INSTANCE VI_1 STOP 150', 'stop']);
  assert.deepEqual(argvs('h2 failover scripts'), ['generic INSTANCE VI_1 MASTER 100', 'master']);
  const tails = (): string => lab.e.logTails(40);
  for (const k of Object.keys(theirs).sort()) assert.deepEqual(ours[k], theirs[k], `${k}\n${tails()}`);
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
});
