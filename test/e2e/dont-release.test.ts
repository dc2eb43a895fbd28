/**
 * -V / --dont-release-vrrp (keepalived(8): don't remove VRRP VIPs and VROUTEs on daemon
 * stop): a MASTER stopped with SIGTERM leaves its VIP on the interface. Debian's keepalived
 * runs it first, as the oracle; keepalived-ts then does the same, and without -V (the
 * control) removes the VIP at stop.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import { keepalivedCommand, keepalivedTsCommand, type DaemonCommand } from '../lab/lab-daemon.js';
import { E2e } from './kit.js';

const VIP = '192.0.2.130';
const conf = keepalivedConf({ routerId: 'dontrel', vrrpVersion: 3, instances: [{ name: 'VI_V', iface: 'eth0', vrid: 90, priority: 100, advertInt: 0.2, vips: [`${VIP}/24`] }] });

let e: E2e;
before(() => {
  e = E2e.create(1, 'dtrl');
});
after(() => e.teardown());

/** Start on h1, wait until it holds the VIP, SIGTERM it; whether the VIP is still there after the exit. */
async function vipAfterStop(cmd: DaemonCommand, dontRelease: boolean): Promise<boolean> {
  const d = e.daemon(e.host(1), conf, { cmd, ...(dontRelease ? { args: (c: readonly string[]) => [...c, '-V'] } : {}) });
  d.start();
  await e.waitHolders(VIP, ['h1'], 15_000);
  await d.waitLine(/\(VI_V\) Entering MASTER STATE/);
  await d.stop(10_000);
  assert.equal(d.running, false, `${cmd.label} exited`);
  const held = e.holders(VIP).includes('h1');
  if (held) e.lab.exec(e.host(1), ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0']);
  return held;
}

test('-V leaves the VIPs in place at stop (keepalived as the oracle); without it they are removed', async () => {
  assert.equal(await vipAfterStop(keepalivedCommand(), true), true, 'keepalived -V keeps the VIP');
  assert.equal(await vipAfterStop(keepalivedTsCommand(), true), true, 'keepalived-ts -V keeps the VIP');
  assert.equal(await vipAfterStop(keepalivedTsCommand(), false), false, 'keepalived-ts without -V removes it');
});
