/**
 * Trackers side by side with Debian's keepalived 2.2.7 on the same config, in a netns lab: the
 * master (h1, priority 150) tracks a vrrp_script (weight −60), a track_file (weight 1) and an
 * unweighted track_file; h2 (priority 100) tracks nothing. The same phases run with keepalived
 * on both nodes (the oracle), keepalived-ts on both, and mixed both ways: the script starts
 * failing and recovers, the file's value drops the master below h2 and comes back, the
 * unweighted file faults the master and clears. Per phase the VIP holder and both nodes' states
 * must equal keepalived's.
 *
 * vrrp_track_process is exercised on keepalived-ts alone: keepalived 2.2.7 in any network
 * namespace but the initial one cannot subscribe to the kernel's process events ("Failed to
 * set/clear process event listen") and never sees a process change; keepalived-ts falls back to
 * /proc scans there.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { keepalivedCommand, keepalivedTsCommand, type DaemonCommand, type LabDaemon } from '../lab/lab-daemon.js';
import { waitFor } from '../lab/wait.js';
import { E2e, sleep } from './kit.js';

const VIP = '192.0.2.100';
const ADVERT_S = 0.5;

let e: E2e;
before(() => {
  e = E2e.create(2, 'trk');
});
after(() => e.teardown());

interface Files {
  readonly flag: string;
  readonly tf: string;
  readonly tz: string;
}

function files(host: string): Files {
  const base = join(e.runDir, host);
  return { flag: `${base}-fail`, tf: `${base}-tf`, tz: `${base}-tz` };
}

function conf(host: string, priority: number, trackers: boolean, extra = ''): string {
  const f = files(host);
  const chk = join(e.runDir, 'chk.sh');
  writeFileSync(chk, '#!/bin/sh\n[ ! -e "$1" ]\n');
  chmodSync(chk, 0o755);
  const blocks = trackers
    ? `vrrp_script chk {\n  script "${chk} ${f.flag}"\n  interval 1\n  weight -60\n}\ntrack_file tf {\n  file ${f.tf}\n  weight 1\n}\ntrack_file tz {\n  file ${f.tz}\n  weight 0\n}\n${extra}`
    : '';
  const track = trackers ? '  track_script {\n    chk\n  }\n  track_file {\n    tf\n    tz\n  }\n' : '';
  return `global_defs {\n  router_id ${host}\n  vrrp_version 3\n}\n${blocks}vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority ${priority}\n  advert_int ${ADVERT_S}\n${track}  virtual_ipaddress {\n    ${VIP}/24 dev eth0\n  }\n}\n`;
}

/** The state each daemon last logged entering. */
const stateOf = (d: LabDaemon): string => /Entering (\w+) STATE/.exec(d.lines.filter((l) => /\(VI_1\) Entering \w+ STATE/.test(l.text)).at(-1)?.text ?? '')?.[1] ?? 'none';

interface PhaseResult {
  readonly phase: string;
  readonly holder: string;
  readonly h1: string;
  readonly h2: string;
}

/** Waits for `holder` (or none) to hold the VIP alone, lets three adverts pass, and records the phase. */
async function settle(phase: string, holder: string, d1: LabDaemon, d2: LabDaemon): Promise<PhaseResult> {
  await e.waitHolders(VIP, holder === 'none' ? [] : [holder], 20_000);
  await sleep(3 * ADVERT_S * 1000);
  const holders = e.holders(VIP);
  return { phase, holder: holders.join(',') || 'none', h1: stateOf(d1), h2: stateOf(d2) };
}

async function scenario(c1: DaemonCommand, c2: DaemonCommand): Promise<PhaseResult[]> {
  const f = files('h1');
  for (const p of [f.flag, f.tf, f.tz]) rmSync(p, { force: true });
  writeFileSync(f.tf, '0\n');
  writeFileSync(f.tz, '0\n');
  const d1 = e.daemon(e.host(1), conf('h1', 150, true), { cmd: c1 });
  const d2 = e.daemon(e.host(2), conf('h2', 100, false), { cmd: c2 });
  const out: PhaseResult[] = [];
  try {
    d2.start();
    d1.start();
    out.push(await settle('start', 'h1', d1, d2));
    writeFileSync(f.flag, '');
    out.push(await settle('script fails on the master', 'h2', d1, d2));
    rmSync(f.flag);
    out.push(await settle('script recovers', 'h1', d1, d2));
    writeFileSync(f.tf, '-70\n');
    out.push(await settle('track file -70', 'h2', d1, d2));
    writeFileSync(f.tf, '0\n');
    out.push(await settle('track file 0', 'h1', d1, d2));
    writeFileSync(f.tz, '1\n');
    out.push(await settle('unweighted file 1', 'h2', d1, d2));
    writeFileSync(f.tz, '0\n');
    out.push(await settle('unweighted file 0', 'h1', d1, d2));
  } finally {
    await Promise.all([d1.stop(5000), d2.stop(5000)]);
    await Promise.all([d1.waitGone(), d2.waitGone()]);
  }
  return out;
}

const KA = keepalivedCommand();
const KTS = keepalivedTsCommand();
let oracle: PhaseResult[] = [];

test('keepalived 2.2.7 on both nodes (the oracle): the trackers move the VIP as their weights say', async () => {
  oracle = await scenario(KA, KA);
  assert.deepEqual(
    oracle.map((p) => [p.phase, p.holder, p.h1, p.h2]),
    [
      ['start', 'h1', 'MASTER', 'BACKUP'],
      ['script fails on the master', 'h2', 'BACKUP', 'MASTER'],
      ['script recovers', 'h1', 'MASTER', 'BACKUP'],
      ['track file -70', 'h2', 'BACKUP', 'MASTER'],
      ['track file 0', 'h1', 'MASTER', 'BACKUP'],
      ['unweighted file 1', 'h2', 'FAULT', 'MASTER'],
      ['unweighted file 0', 'h1', 'MASTER', 'BACKUP'],
    ],
  );
});

for (const [label, c1, c2] of [
  ['keepalived-ts on both nodes', KTS, KTS],
  ['mixed: keepalived-ts master, keepalived backup', KTS, KA],
  ['mixed: keepalived master, keepalived-ts backup', KA, KTS],
] as const) {
  test(`${label}: per phase the VIP holder and both states equal keepalived's`, async () => {
    assert.ok(oracle.length > 0, 'the oracle run came first');
    assert.deepEqual(await scenario(c1, c2), oracle);
  });
}

test('keepalived-ts alone: vrrp_track_process in a network namespace (/proc scans) — the tracked process dies: FAULT and the VIP moves; it is back: MASTER again', async () => {
  // A copy of sleep with a name no other process has (comm is at most 15 bytes).
  const name = `kts${process.pid % 100000}tp`;
  const bin = join(e.runDir, name);
  copyFileSync('/bin/sleep', bin);
  chmodSync(bin, 0o755);
  let proc: ChildProcess | undefined = spawn(bin, ['600'], { stdio: 'ignore' });
  const extra = `vrrp_track_process tp {\n  process ${name}\n  weight 0\n}\n`;
  const text = conf('h1', 150, true, extra).replace('  track_file {', '  track_process {\n    tp\n  }\n  track_file {');
  const f = files('h1');
  writeFileSync(f.tf, '0\n');
  writeFileSync(f.tz, '0\n');
  rmSync(f.flag, { force: true });
  const d1 = e.daemon(e.host(1), text, { cmd: KTS });
  const d2 = e.daemon(e.host(2), conf('h2', 100, false), { cmd: KTS });
  try {
    d2.start();
    d1.start();
    assert.equal((await settle('start', 'h1', d1, d2)).h1, 'MASTER');
    proc.kill('SIGKILL');
    proc = undefined;
    const gone = await settle('tracked process died', 'h2', d1, d2);
    assert.deepEqual([gone.h1, gone.h2], ['FAULT', 'MASTER']);
    await waitFor(() => d1.lines.some((l) => l.text.includes('Quorum lost for tracked process tp')), 5000, 'the quorum-lost line');
    proc = spawn(bin, ['600'], { stdio: 'ignore' });
    const back = await settle('tracked process back', 'h1', d1, d2);
    assert.deepEqual([back.h1, back.h2], ['MASTER', 'BACKUP']);
    assert.ok(d1.lines.some((l) => l.text.includes('Quorum gained for tracked process tp')));
  } finally {
    proc?.kill('SIGKILL');
    await Promise.all([d1.stop(5000), d2.stop(5000)]);
  }
});
