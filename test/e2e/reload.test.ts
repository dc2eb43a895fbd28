/**
 * SIGHUP reload of a MASTER (keepalived(8) SIGNALS, HUP; instances matched as keepalived
 * 2.2.7 matches them, docs/compatibility.md "VRRP at run time"): h1 (priority 150) masters
 * VI_1 and VI_2 over h2 (priority 100); its new config keeps VI_1 with one more VIP, drops
 * VI_2 and adds VI_3. VI_1 must stay MASTER without a state change or a priority-0 advert
 * and get the new VIP; VI_2 leaves like at shutdown (priority 0, VIPs removed, h2 takes
 * it); VI_3 starts as BACKUP.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Capture } from '../lab/capture.js';
import { keepalivedConf, type VrrpInstanceSpec } from '../lab/keepalived-conf.js';
import type { LabDaemon } from '../lab/lab-daemon.js';
import { nowUs } from '../lab/proc.js';
import type { VipWatcher } from '../lab/vip-watch.js';
import { E2e, linesOf, sleep } from './kit.js';
import { waitFor } from '../lab/wait.js';

const ADVERT_S = 0.2;
const inst = (name: string, vrid: number, priority: number, vips: readonly string[], extra: readonly string[] = []): VrrpInstanceSpec => ({
  name,
  iface: 'eth0',
  vrid,
  priority,
  advertInt: ADVERT_S,
  vips: vips.map((v) => `${v}/24`),
  extra,
});
const conf = (routerId: string, instances: readonly VrrpInstanceSpec[]): string => keepalivedConf({ routerId, vrrpVersion: 3, instances });

let e: E2e;
let d1: LabDaemon;
let d2: LabDaemon;
let vips: VipWatcher;
let cap: Capture;

before(async () => {
  e = E2e.create(3, 'rl');
  vips = e.watch([e.host(1), e.host(2)]);
  cap = await e.capture(e.host(3));
  d1 = e.daemon(e.host(1), conf('r1', [inst('VI_1', 51, 150, ['192.0.2.100']), inst('VI_2', 52, 150, ['192.0.2.101'])]));
  // Only h1 is reloaded, so its VI_1 adverts will list one VIP more than h2's config: like
  // keepalived 2.2.7, h2 would drop them (Address List) and become a second master, unless it
  // skips the address check for the master it already follows.
  d2 = e.daemon(e.host(2), conf('r2', [inst('VI_1', 51, 100, ['192.0.2.100'], ['skip_check_adv_addr']), inst('VI_2', 52, 100, ['192.0.2.101'])]));
});

after(() => e.teardown());

test('SIGHUP: unchanged instance stays MASTER and gets its new VIP, removed instance resigns, added instance starts BACKUP', async () => {
  d1.start();
  d2.start();
  await e.waitHolders('192.0.2.100', ['h1'], 15_000);
  await e.waitHolders('192.0.2.101', ['h1'], 5000);
  await sleep(800);

  d1.writeConf(conf('r1', [inst('VI_1', 51, 150, ['192.0.2.100', '192.0.2.110']), inst('VI_3', 53, 150, ['192.0.2.102'])]));
  const t0 = nowUs();
  d1.signal('SIGHUP');
  await d1.waitLine(/Reload complete/, t0, 10_000);
  await waitFor(() => vips.first('h1', '192.0.2.110', 'add', t0) !== undefined, 5000, () => `h1 to add the new VIP\n${e.logTails()}`);
  await waitFor(() => vips.first('h2', '192.0.2.101', 'add', t0) !== undefined, 5000, () => `h2 to take over VI_2\n${e.logTails()}`);
  await d1.waitLine(/\(VI_3\) Entering MASTER STATE/, t0, 5000);
  await sleep(1000);

  // VI_1: no state change, no priority 0, its old VIP never left, the new one is there.
  assert.deepEqual(linesOf(d1, /\(VI_1\) Entering/, t0).map((l) => l.text), [], 'VI_1 stays MASTER without a transition');
  assert.equal(cap.first((f) => f.kind === 'vrrp' && f.vrid === 51 && f.priority === 0, t0), undefined, 'no priority-0 advert for VRID 51');
  assert.ok(cap.first((f) => f.kind === 'vrrp' && f.vrid === 51 && f.srcMac === e.host(1).mac && f.priority === 150, t0 + 500_000), 'h1 keeps advertising VRID 51');
  assert.equal(vips.first('h1', '192.0.2.100', 'del', t0), undefined, '192.0.2.100 stayed on h1');
  assert.deepEqual(e.holders('192.0.2.100'), ['h1']);
  assert.deepEqual(e.holders('192.0.2.110'), ['h1']);
  assert.equal(linesOf(d2, /\(VI_1\) Entering MASTER/, t0).length, 0, 'h2 stays BACKUP for VI_1');

  // VI_2: left the config → priority 0 on the wire, VIP removed from h1, h2 takes over.
  assert.ok(cap.first((f) => f.kind === 'vrrp' && f.vrid === 52 && f.srcMac === e.host(1).mac && f.priority === 0, t0), `priority-0 advert for VRID 52\n${e.logTails()}`);
  assert.ok(vips.first('h1', '192.0.2.101', 'del', t0), 'h1 removed 192.0.2.101');
  assert.deepEqual(e.holders('192.0.2.101'), ['h2']);

  // VI_3: new → BACKUP first (then MASTER: nobody else has VRID 53).
  const seq3 = linesOf(d1, /\(VI_3\) Entering/, t0).map((l) => l.text.replace(/^.*\(VI_3\) /, ''));
  assert.equal(seq3[0], 'Entering BACKUP STATE (init)', seq3.join(' / '));
  assert.deepEqual(e.holders('192.0.2.102'), ['h1']);
});
