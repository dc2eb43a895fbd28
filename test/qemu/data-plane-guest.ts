// The data-plane parts the host kernel lacks, against Debian's kernel: ipvlan links (every
// mode and flag keepalived's use_ipvlan offers) and MPLS route encapsulation. Runs INSIDE
// the qemu guest (no network device: the guest's root namespace, a dummy interface as the
// parent); test/qemu/data-plane-in-guest.test.ts boots the guest and runs it there. Modules
// (ipvlan, mpls_iptunnel) are loaded on demand through the guest's modprobe hook.
//
// Self-checking: every check prints `ok`/`not ok`; the last line is
// `DATA-PLANE-GUEST RESULT: PASS <n> checks` or `… FAIL …`, exit status 0 only on PASS.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { NetlinkRtnlClient } from '../../src/netlink/rtnl-client.js';
import { routeOf } from '../../src/netlink/route-model.js';
import { vmacAddress, type IpvlanFlag, type IpvlanMode } from '../../src/netlink/link-kinds.js';
import { guestChecks } from './guest-checks.js';

const PARENT = 'kts0';
const { check, run } = guestChecks('DATA-PLANE-GUEST');

const sh = (cmd: string, args: readonly string[]): string => execFileSync(cmd, args as string[], { encoding: 'utf8' });
interface IpLink {
  ifname: string;
  address: string;
  /** ipvlan: `mode`, and its flag as a key set to true (`bridge`, `private`, `vepa`). */
  linkinfo?: { info_kind: string; info_data?: Record<string, unknown> };
}
const ipLink = (name: string): IpLink => (JSON.parse(sh('ip', ['-d', '-j', 'link', 'show', name])) as IpLink[])[0]!;

async function main(): Promise<void> {
  sh('ip', ['link', 'add', PARENT, 'type', 'dummy']);
  sh('ip', ['link', 'set', PARENT, 'up']);
  sh('ip', ['addr', 'add', '192.0.2.1/24', 'dev', PARENT]);
  const c = NetlinkRtnlClient.open();
  try {
    const parent = (await c.getLink(PARENT))?.ifindex ?? 0;
    assert.ok(parent > 0);
    const cases: [IpvlanMode, IpvlanFlag, string][] = [
      ['l2', 'bridge', 'bridge'],
      ['l3', 'private', 'private'],
      ['l3s', 'vepa', 'vepa'],
    ];
    for (const [mode, flag, ipFlag] of cases) {
      await check(`ipvlan mode ${mode} ${flag}: created as ip -d link shows it, deleted`, async () => {
        const r = await c.createIpvlan({ name: `ipv.${mode}`, parentIndex: parent, mode, flag });
        try {
          assert.equal(r.outcome, 'created', JSON.stringify(r));
          assert.ok(r.outcome === 'created' && r.link.kind === 'ipvlan' && r.link.parentIndex === parent);
          const l = ipLink(`ipv.${mode}`);
          assert.equal(l.linkinfo?.info_kind, 'ipvlan');
          assert.equal(l.linkinfo?.info_data?.['mode'], mode);
          assert.equal(l.linkinfo?.info_data?.[ipFlag], true, JSON.stringify(l.linkinfo));
          assert.equal(l.address, ipLink(PARENT).address, 'an ipvlan shares its parent MAC');
          assert.deepEqual(await c.createIpvlan({ name: `ipv.${mode}`, parentIndex: parent, mode, flag }), { outcome: 'exists' });
        } finally {
          if (r.outcome === 'created') assert.equal(await c.deleteLink(r.link.ifindex), 'deleted');
        }
      });
    }
    await check('macvlan VMAC on Debian kernel too', async () => {
      const r = await c.createMacvlan({ name: 'vrrp.7', parentIndex: parent, mac: vmacAddress(4, 7), mode: 'private' });
      assert.equal(r.outcome, 'created');
      assert.deepEqual([ipLink('vrrp.7').address, ipLink('vrrp.7').linkinfo?.info_data?.['mode']], ['00:00:5e:00:01:07', 'private']);
      if (r.outcome === 'created') assert.equal(await c.deleteLink(r.link.ifindex), 'deleted');
    });
    await check('MPLS encap: a route with a label stack, read back by ip and by our dump, deleted', async () => {
      const route = routeOf({ dst: '198.51.100.0/24', via: '192.0.2.2', oif: parent, table: 100, encap: { type: 'mpls', labels: [100, 200], ttl: 9 } });
      assert.ok(route.ok);
      assert.equal(await c.addRoute(route.value), 'added');
      const shown = sh('ip', ['route', 'show', 'table', '100']);
      assert.match(shown, /198\.51\.100\.0\/24\s+encap mpls\s+100\/200 ttl 9 via 192\.0\.2\.2 dev kts0/);
      const back = (await c.listRoutes(4)).find((r) => r.table === 100);
      assert.deepEqual(back?.encap, { type: 'mpls', labels: [100, 200], ttl: 9 });
      assert.equal(await c.deleteRoute(route.value), 'deleted');
    });
  } finally {
    c.close();
    try {
      sh('ip', ['link', 'del', PARENT]);
    } catch {
      /* best effort: the guest is thrown away anyway */
    }
  }
}

run(main);
