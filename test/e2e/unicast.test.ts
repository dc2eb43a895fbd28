/**
 * Unicast VRRP (unicast_src_ip + unicast_peer, VRRPv3 advert_int 0.2 s): election and hard-kill
 * failover between two keepalived-ts nodes, and the SIGUSR1 data dump of the master showing the
 * unicast setup.
 */
import { statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from '../lab/capture.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import type { LabDaemon } from '../lab/lab-daemon.js';
import type { LabHost } from '../lab/netns.js';
import { E2e, expectTakeoverAfterKill } from './kit.js';
import { waitFor } from '../lab/wait.js';

const VIP = '192.0.2.120';
const ADVERT_S = 0.2;
const conf = (self: LabHost, peer: LabHost, priority: number): string =>
  keepalivedConf({
    routerId: `u${priority}`,
    vrrpVersion: 3,
    instances: [
      {
        name: 'VI_U',
        iface: 'eth0',
        vrid: 70,
        priority,
        advertInt: ADVERT_S,
        vips: [`${VIP}/24`],
        extra: [`unicast_src_ip ${self.ip4}`, 'unicast_peer {', `    ${peer.ip4}`, '}'],
      },
    ],
  });

let e: E2e;
let d1: LabDaemon;
let d2: LabDaemon;

before(() => {
  e = E2e.create(2, 'uc');
  d1 = e.daemon(e.host(1), conf(e.host(1), e.host(2), 150));
  d2 = e.daemon(e.host(2), conf(e.host(2), e.host(1), 100));
});

after(() => e.teardown());

test('unicast: election, data dump, hard-kill failover', async () => {
  const cap = await e.capture(e.host(2), 'ip proto 112');
  const vips = e.watch();
  d1.start();
  d2.start();
  await e.waitHolders(VIP, ['h1'], 15_000);
  const fromH1 = (): Frame | undefined => cap.frames.find((f) => f.kind === 'vrrp' && f.srcMac === e.host(1).mac);
  await waitFor(() => fromH1() !== undefined, 3000, () => `h1's unicast adverts in h2's capture\n${e.logTails()}`);
  const adv = fromH1();
  assert.ok(adv && adv.kind === 'vrrp' && adv.vrid === 70 && adv.priority === 150, `h1 advertises VRID 70 priority 150: ${JSON.stringify(adv)}`);

  const data = await e.data(d1);
  for (const line of [' VRRP Instance = VI_U', '   State = MASTER', '     Using unicast', `   Using src_ip = ${e.host(1).ip4} (from configuration)`, `     ${e.host(2).ip4} min_ttl 0 max_ttl 255`, '   Virtual Router ID = 70', '   Advert interval = 200 milli-sec']) {
    assert.ok(data.split('\n').includes(line), `keepalived.data lacks '${line}':\n${data}`);
  }
  assert.doesNotMatch(data, /Multicast address/, 'a unicast instance has no multicast address line');
  const mode = statSync(e.dumpPath(d1, 'keepalived.data')).mode & 0o777;
  assert.equal(mode, 0o600, `keepalived.data mode ${mode.toString(8)}`);

  const tKill = d1.hardKill();
  await expectTakeoverAfterKill(e, vips, cap, { host: 'h2', from: 'h1', vip: VIP, vrid: 70, tKillUs: tKill, version: 3, priority: 100, advertS: ADVERT_S, label: 'unicast' });
  await d2.waitLine(/\(VI_U\) Entering MASTER STATE/, tKill);
});
