/**
 * Two keepalived-ts nodes, one VRRPv3 instance (advert_int 0.2 s, VIP 192.0.2.100/24), real
 * processes in a netns lab, h3 a bystander running tcpdump. The steps run in order on one lab:
 * election, hard kill, preemption, graceful stop, nopreempt, link down → FAULT, address owner.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Capture, Frame } from '../lab/capture.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import type { LabDaemon } from '../lab/lab-daemon.js';
import { nowUs } from '../lab/proc.js';
import type { VipWatcher } from '../lab/vip-watch.js';
import { E2e, expectTakeoverAfterKill, linesOf, msBetween, sleep, takeoverMarginMs, vrrpTimesMs } from './kit.js';
import { waitFor } from '../lab/wait.js';

const VIP = '192.0.2.100';
const ADVERT_S = 0.2;
const P1 = 150;
const P2 = 100;

function conf(priority: number, extra: readonly string[] = [], state: 'MASTER' | 'BACKUP' = 'BACKUP'): string {
  return keepalivedConf({
    routerId: `p${priority}`,
    vrrpVersion: 3,
    instances: [{ name: 'VI_1', state, iface: 'eth0', vrid: 51, priority, advertInt: ADVERT_S, vips: [`${VIP}/24`], extra }],
  });
}

let e: E2e;
let d1: LabDaemon;
let d2: LabDaemon;
let vips: VipWatcher;
let cap: Capture;
const mac = (i: number): string => e.host(i).mac;

before(async () => {
  e = E2e.create(3, '2n');
  vips = e.watch([e.host(1), e.host(2)]);
  cap = await e.capture(e.host(3));
  d1 = e.daemon(e.host(1), conf(P1));
  d2 = e.daemon(e.host(2), conf(P2));
});

after(() => e.teardown());

/** h1 MASTER alone with the VIP, h2 BACKUP: the state every step starts from and returns to. */
async function h1MasterSettled(ms = 10_000): Promise<void> {
  await e.waitHolders(VIP, ['h1'], ms);
  // Stable: a few adverts later still exactly one holder.
  await sleep(4 * ADVERT_S * 1000);
  assert.deepEqual(e.holders(VIP), ['h1'], e.logTails());
}

test('election: the higher priority holds the VIP, exactly one holder', async () => {
  const t0 = nowUs();
  d1.start();
  d2.start();
  await h1MasterSettled(15_000);
  await d2.waitLine(/\(VI_1\) Entering BACKUP STATE/, t0);
  const last2 = linesOf(d2, /Entering (MASTER|BACKUP) STATE/).at(-1);
  assert.match(last2?.text ?? '', /BACKUP/, `h2 should end BACKUP\n${e.logTails()}`);
  assert.ok(cap.first((f) => f.kind === 'vrrp' && f.srcMac === mac(1) && f.priority === P1, t0), 'h1 adverts with priority 150 on the wire');
});

test('hard kill: SIGKILL of the master tree → the backup takes over Master_Down_Interval after the last advert', async () => {
  await sleep(500);
  const tKill = d1.hardKill();
  await expectTakeoverAfterKill(e, vips, cap, { host: 'h2', from: 'h1', vip: VIP, vrid: 51, tKillUs: tKill, version: 3, priority: P2, advertS: ADVERT_S, label: 'two nodes' });
  await d2.waitLine(/\(VI_1\) Entering MASTER STATE/, tKill);
  await d1.waitGone();
});

test('preemption: the restarted higher-priority node takes the VIP back', async () => {
  const t0 = d1.start();
  // h1's stale VIP (a SIGKILL leaves it) is removed at startup, then re-added as MASTER.
  await h1MasterSettled();
  await d1.waitLine(/\(VI_1\) Entering MASTER STATE/, t0);
  await d2.waitLine(/\(VI_1\) Entering BACKUP STATE/, t0);
  const del2 = vips.first('h2', VIP, 'del', t0);
  assert.ok(del2, 'h2 removed the VIP');
  const add1 = vips.events.filter((x) => x.host === 'h1' && x.type === 'add' && x.address === VIP && x.tUs >= t0).at(-1)!;
  const staleDel = vips.first('h1', VIP, 'del', t0);
  assert.ok(staleDel && staleDel.tUs < add1.tUs, 'the stale VIP left by SIGKILL was removed at start-up, before h1 became MASTER');
  console.log(`# stale VIP removed ${msBetween(t0, staleDel.tUs)} ms after the relaunch`);
  console.log(`# preemption: h2 released the VIP ${msBetween(add1.tUs, del2.tUs)} ms after h1 added it`);
});

test('graceful stop: SIGTERM → priority-0 advert, VIP removed from h1, h2 takes over Skew_Time later', async () => {
  await sleep(300);
  const t0 = nowUs();
  await d1.stop(10_000);
  assert.ok(!d1.running, 'h1 exited');
  const zeroAdvert = (): Frame | undefined => cap.first((f) => f.kind === 'vrrp' && f.srcMac === mac(1) && f.priority === 0, t0);
  await waitFor(() => zeroAdvert() !== undefined, 2000, () => `a priority-0 advert from h1 on the wire\n${e.logTails()}`);
  const zero = zeroAdvert()!;
  assert.ok(vips.first('h1', VIP, 'del', t0), 'h1 removed its VIP');
  await waitFor(() => vips.first('h2', VIP, 'add', t0) !== undefined, 5000, () => `h2 to add ${VIP}\n${e.logTails()}`);
  // RFC 5798 §6.4.2: a priority-0 advert sets the backup's Master_Down_Timer to Skew_Time.
  const first2 = await waitFor(() => cap.first((f) => f.kind === 'vrrp' && f.srcMac === mac(2), zero.tUs), 3000, () => `h2's first advert after the priority-0 one\n${e.logTails()}`);
  const { skewMs, masterDownMs } = vrrpTimesMs(3, P2, ADVERT_S);
  const tookMs = msBetween(zero.tUs, first2.tUs);
  const bound = skewMs + takeoverMarginMs(ADVERT_S);
  const msg = `h2's first advert ${tookMs} ms after h1's priority-0 advert (Skew_Time ${skewMs} ms, allowed ${skewMs - 2}..${bound} ms)`;
  console.log(msg);
  assert.ok(tookMs >= skewMs - 2 && tookMs <= bound, msg);
  assert.ok(bound < masterDownMs, 'the bound tells a priority-0 takeover from a master-down timeout');
  await e.waitHolders(VIP, ['h2'], 3000);
  assert.ok(linesOf(d1, /\(VI_1\) sent 0 priority/, t0).length > 0, 'h1 logged "sent 0 priority"');
});

test('nopreempt: the restarted higher-priority node stays BACKUP', async () => {
  d1.writeConf(conf(P1, ['nopreempt']));
  const t0 = d1.start();
  await d1.waitLine(/\(VI_1\) Entering BACKUP STATE/, t0);
  // Three master-down intervals of h1 after it is up: plenty of time to preempt if it would.
  await sleep(3 * vrrpTimesMs(3, P1, ADVERT_S).masterDownMs + 500);
  assert.deepEqual(e.holders(VIP), ['h2'], e.logTails());
  assert.equal(linesOf(d1, /Entering MASTER STATE/, t0).length, 0, `h1 must not become MASTER\n${e.logTails()}`);
  await d1.stop();
  d1.writeConf(conf(P1));
  d1.start();
  await h1MasterSettled();
});

test('link down → FAULT (VIP removed, backup takes over); link up → BACKUP, then preempts back', async () => {
  const tDown = nowUs();
  e.lab.setLink(e.host(1), false);
  await d1.waitLine(/\(VI_1\) Entering FAULT STATE/, tDown, 5000);
  await waitFor(() => vips.first('h1', VIP, 'del', tDown) !== undefined, 5000, () => `h1 to remove ${VIP}\n${e.logTails()}`);
  await waitFor(() => vips.first('h2', VIP, 'add', tDown) !== undefined, 5000, () => `h2 to add ${VIP}\n${e.logTails()}`);
  const faultMs = msBetween(tDown, d1.lines.find((l) => l.tUs >= tDown && /Entering FAULT STATE/.test(l.text))!.tUs);
  console.log(`# link down → FAULT logged after ${faultMs} ms; h2 took over ${msBetween(tDown, vips.first('h2', VIP, 'add', tDown)!.tUs)} ms after the link went down`);
  assert.deepEqual(e.holders(VIP), ['h2']);

  const tUp = nowUs();
  e.lab.setLink(e.host(1), true);
  await d1.waitLine(/\(VI_1\) Entering BACKUP STATE/, tUp, 5000);
  await d1.waitLine(/\(VI_1\) Entering MASTER STATE/, tUp, 5000);
  await h1MasterSettled();
  const faultToBackup = linesOf(d1, /Entering (BACKUP|MASTER|FAULT) STATE/, tUp).map((l) => l.text.replace(/^.*\(VI_1\) /, ''));
  assert.equal(faultToBackup[0], 'Entering BACKUP STATE', `after FAULT comes BACKUP: ${faultToBackup.join(' / ')}`);
});

test('address owner: `state MASTER` + priority 255 goes MASTER at once', async () => {
  await d1.stop();
  await e.waitHolders(VIP, ['h2'], 5000);
  d1.writeConf(conf(255, [], 'MASTER'));
  const t0 = d1.start();
  await d1.waitLine(/\(VI_1\) Entering MASTER STATE/, t0);
  const seq = linesOf(d1, /\(VI_1\) (Entering \w+ STATE|Receive advertisement timeout)/, t0).map((l) => l.text.replace(/^.*\(VI_1\) /, ''));
  // keepalived 2.2.7 logs exactly these two (its down timer fires at once); no BACKUP first.
  assert.deepEqual(seq.slice(0, 2), ['Receive advertisement timeout', 'Entering MASTER STATE'], `the owner skips BACKUP and the down timer: ${seq.join(' / ')}`);
  await h1MasterSettled();
  await d2.waitLine(/\(VI_1\) Entering BACKUP STATE/, t0);
  assert.ok(cap.first((f) => f.kind === 'vrrp' && f.srcMac === mac(1) && f.priority === 255, t0), 'adverts with priority 255');
});
