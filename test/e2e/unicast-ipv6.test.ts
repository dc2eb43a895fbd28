/**
 * IPv6 unicast VRRP (VRRPv3, unicast_src_ip / unicast_peer with global addresses) between two
 * nodes: keepalived-ts on both, and mixed with Debian's keepalived 2.2.7 both ways. Each run:
 * the higher priority becomes the only MASTER, its adverts go from its unicast_src_ip even once
 * it holds a VIP of the same prefix, the peer accepts them (no drops logged), then SIGTERM hands
 * the VIP to the peer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import { keepalivedCommand, keepalivedTsCommand, type DaemonCommand } from '../lab/lab-daemon.js';
import type { LabHost } from '../lab/netns.js';
import { nowUs, sleep } from '../lab/proc.js';
import { E2e } from './kit.js';

const VIP = '2001:db8::120';
const conf = (self: LabHost, peer: LabHost, priority: number): string =>
  keepalivedConf({
    routerId: `u6p${priority}`,
    vrrpVersion: 3,
    instances: [{ name: 'VI_U6', iface: 'eth0', vrid: 72, priority, advertInt: 0.5, vips: [`${VIP}/64`], extra: [`unicast_src_ip ${self.ip6}`, 'unicast_peer {', `    ${peer.ip6}`, '}'] }],
  });

async function run(tag: string, cmds: { h1: DaemonCommand; h2: DaemonCommand }): Promise<void> {
  const e = E2e.create(2, tag);
  try {
    const [h1, h2] = [e.host(1), e.host(2)];
    const cap = await e.capture(h2, 'ip6 proto 112');
    const d1 = e.daemon(h1, conf(h1, h2, 150), { cmd: cmds.h1 });
    const d2 = e.daemon(h2, conf(h2, h1, 100), { cmd: cmds.h2 });
    const t0 = nowUs();
    d1.start();
    await e.waitHolders(VIP, ['h1'], 15_000);
    d2.start();
    await d2.waitLine(/\(VI_U6\) Entering BACKUP STATE/, t0);
    await sleep(2000);
    assert.deepEqual(e.holders(VIP), ['h1'], `one master\n${e.logTails()}`);
    const fromH1 = cap.frames.filter((f) => f.kind === 'vrrp' && f.srcMac === h1.mac && f.tUs >= t0);
    assert.ok(fromH1.length >= 2, `h1's unicast adverts reach h2: ${JSON.stringify(cap.frames.slice(-4))}`);
    assert.ok(fromH1.every((f) => f.kind === 'vrrp' && f.srcIp === h1.ip6 && f.version === 3 && f.vrid === 72 && f.priority === 150), JSON.stringify(fromH1.slice(0, 3)));
    for (const d of [d1, d2]) {
      const bad = d.lines.filter((l) => /invalid|checksum|mismatch|wrong|lower priority/i.test(l.text));
      assert.deepEqual(bad.map((l) => l.text), [], `${d.host.name} accepts its peer's adverts`);
    }
    const tStop = nowUs();
    await d1.stop(10_000);
    await e.waitHolders(VIP, ['h2'], 10_000);
    await d2.waitLine(/\(VI_U6\) Entering MASTER STATE/, tStop);
  } catch (err) {
    throw new Error(`${tag}: ${String(err)}\n${e.logTails(20)}`);
  } finally {
    await e.teardown();
  }
}

test('IPv6 unicast: keepalived-ts on both nodes', async () => {
  await run('u6t', { h1: keepalivedTsCommand(), h2: keepalivedTsCommand() });
});

test('IPv6 unicast: keepalived-ts master, keepalived 2.2.7 backup', async () => {
  await run('u6m1', { h1: keepalivedTsCommand(), h2: keepalivedCommand() });
});

test('IPv6 unicast: keepalived 2.2.7 master, keepalived-ts backup', async () => {
  await run('u6m2', { h1: keepalivedCommand(), h2: keepalivedTsCommand() });
});

