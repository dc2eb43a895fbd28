/**
 * Three keepalived-ts nodes (priorities 250/200/50, VRRPv3 advert_int 0.2 s): the election
 * converges on the highest, a SIGKILL of the master hands the VIP to the second highest (not
 * the third), and once the killed node is back the VIP is on exactly one host.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import type { LabDaemon } from '../lab/lab-daemon.js';
import { nowUs } from '../lab/proc.js';
import { E2e, expectTakeoverAfterKill, linesOf, sleep } from './kit.js';

const VIP = '192.0.2.100';
const ADVERT_S = 0.2;
// Spread out so the backups' Skew_Times differ by ~117 ms (not 15 ms as with 120/100): the
// second highest must win the race to MASTER even with event-loop jitter on a loaded machine.
const PRIOS = [250, 200, 50] as const;

let e: E2e;
let ds: LabDaemon[];

before(() => {
  e = E2e.create(3, '3n');
  ds = PRIOS.map((priority, i) =>
    e.daemon(
      e.host(i + 1),
      keepalivedConf({ routerId: `n${i + 1}`, vrrpVersion: 3, instances: [{ name: 'VI_1', iface: 'eth0', vrid: 60, priority, advertInt: ADVERT_S, vips: [`${VIP}/24`] }] }),
    ),
  );
});

after(() => e.teardown());

test('three nodes: converge on the highest priority, kill → the second highest takes over, one holder at the end', async () => {
  const [d1, d2, d3] = ds as [LabDaemon, LabDaemon, LabDaemon];
  const vips = e.watch();
  // A bystander's view of the segment (h3 runs a backup; tcpdump sees every advert).
  const cap = await e.capture(e.host(3), 'ip proto 112');
  const t0 = nowUs();
  for (const d of ds) d.start();
  await e.waitHolders(VIP, ['h1'], 15_000);
  await sleep(1000);
  assert.deepEqual(e.holders(VIP), ['h1'], e.logTails());
  for (const d of [d2, d3]) assert.match(linesOf(d, /Entering (MASTER|BACKUP) STATE/, t0).at(-1)?.text ?? '', /BACKUP/, `${d.host.name} ends BACKUP`);

  const tKill = d1.hardKill();
  await expectTakeoverAfterKill(e, vips, cap, { host: 'h2', from: 'h1', vip: VIP, vrid: 60, tKillUs: tKill, version: 3, priority: PRIOS[1], advertS: ADVERT_S, label: 'three nodes' });
  // h3's down timer is longer (lower priority): it hears h2 first and never becomes master.
  await sleep(1000);
  assert.equal(linesOf(d3, /Entering MASTER STATE/, tKill).length, 0, `h3 must stay BACKUP\n${e.logTails()}`);
  assert.equal(vips.first('h3', VIP, 'add', tKill), undefined, 'h3 did not take the VIP after the kill');
  // h1's VIP is stale after a SIGKILL (nothing ran to remove it); among the live nodes only h2 has it.
  assert.deepEqual(e.holders(VIP).filter((h) => h !== 'h1'), ['h2']);

  await d1.waitGone();
  d1.start();
  await e.waitHolders(VIP, ['h1'], 10_000);
  await sleep(1000);
  assert.deepEqual(e.holders(VIP), ['h1'], `exactly one holder at the end\n${e.logTails()}`);
});
