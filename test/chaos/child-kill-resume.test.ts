/**
 * A SIGKILL of the master's VRRP child costs no failover (issue 11): two nodes, advert_int 1,
 * the VRRP child of the node holding the VIP killed twice. The parent restarts the child and
 * hands it the state the dead one reported (src/watchdog/parent-services.ts); the new child
 * leaves the VIP in place and takes MASTER again with an immediate advert and GARPs
 * (src/vrrp/resume.ts), before the backup's Master_Down_Interval runs out. So the VIP never
 * leaves h1 and h2 never adds it: no VIP-less and no dual-master time at all.
 *
 * Debian's keepalived 2.2.7 runs the same schedule for comparison, not asserted: its restarted
 * child starts over (it removes the VIP and waits as BACKUP), so the VIP moves to the backup and
 * back; its figures are printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepalivedCommand, keepalivedTsCommand } from '../lab/lab-daemon.js';
import { requireCommands } from '../lab/netns.js';
import { runChaos, type ChaosResult, type ChaosStep } from './chaos-run.js';

const KILLS: readonly ChaosStep[] = [
  { kind: 'kill-child', target: 'master', ms: 4000, param: 0 },
  { kind: 'kill-child', target: 'master', ms: 4000, param: 0 },
];

const figures = (r: ChaosResult): string =>
  r.steps.map((s, i) => `kill ${i + 1}: VIP-less ${s.noneMs.toFixed(0)} ms, dual master ${s.dualMs.toFixed(0)} ms, h1 alone again after ${s.settleMs ?? 'never'} ms`).join('; ');

test("SIGKILL of the master's VRRP child: the restarted child resumes MASTER, the VIP never moves", { timeout: 300_000 }, async () => {
  requireCommands({ nft: 'nftables', python3: 'python3' });
  const ours = await runChaos({ cmd: keepalivedTsCommand(), steps: KILLS, advertIntS: 1, version: 2, tag: 'rsm' });
  console.log(`keepalived-ts: ${figures(ours)}`);
  const where = `\n${ours.tails}`;
  assert.deepEqual(ours.crashLines, [], where);
  assert.deepEqual(ours.alive, [true, true], `both daemons must run at the end${where}`);
  for (const [i, s] of ours.steps.entries()) {
    assert.equal(s.host, 'h1', `kill ${i + 1} hit the master`);
    assert.equal(s.relaunched, false, `kill ${i + 1}: the parent restarts the child itself${where}`);
    assert.equal(Math.round(s.dualMs), 0, `kill ${i + 1}: the backup became MASTER (dual master ${s.dualMs} ms)${where}`);
    assert.equal(Math.round(s.noneMs), 0, `kill ${i + 1}: the VIP was held by nobody for ${s.noneMs} ms${where}`);
    // settleMs is when the first poll after the fault saw h1 alone (the poll itself takes a few ms).
    assert.ok(s.settleMs !== undefined && s.settleMs < 500, `kill ${i + 1}: h1 held the VIP alone all along (${s.settleMs} ms)${where}`);
  }
  const resumes = ours.tails.split('\n').filter((l) => l.includes('Resuming MASTER state'));
  assert.ok(resumes.length >= 1, `the restarted child says it resumed${where}`);

  let theirs: ChaosResult | undefined;
  try {
    theirs = await runChaos({ cmd: keepalivedCommand(), steps: KILLS, advertIntS: 1, version: 2, tag: 'rsk' });
  } catch (e) {
    console.log(`keepalived not measured: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (theirs) console.log(`keepalived 2.2.7 (for comparison): ${figures(theirs)}`);
});
