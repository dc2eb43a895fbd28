// NetlinkIpvsClient against a real IPVS kernel. Runs INSIDE the qemu guest (a VM with no
// network device, so the guest's own root namespace is used), as root; test/ipvs/
// client-in-guest.test.ts boots the guest (qemu-vm.ts runInGuest) and runs it there.
//
// Self-checking: every check prints `ok`/`not ok`; the last line is
// `IPVS-GUEST RESULT: PASS <n> checks` or `IPVS-GUEST RESULT: FAIL <k>/<n> checks failed`,
// and the exit status is 0 only on PASS. The IPVS table is flushed before and after.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { KaError } from '../../src/core/errors.js';
import { memoryLogger } from '../../src/core/logger.js';
import { NetlinkIpvsClient } from '../../src/ipvs/ipvs-client.js';
import {
  IP_VS_CONN_F_TUNNEL_TYPE_GRE,
  IP_VS_CONN_F_TUNNEL_TYPE_GUE,
  IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
  IP_VS_SVC_F_SCHED_SH_FALLBACK,
  IP_VS_SVC_F_SCHED_SH_PORT,
  IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
} from '../../src/ipvs/ipvs-constants.js';
import { reconcile, serviceKeyId, destKeyId } from '../../src/ipvs/reconcile.js';
import {
  IPPROTO_TCP,
  IPPROTO_UDP,
  IP_VS_CONN_F_DROUTE,
  IP_VS_CONN_F_MASQ,
  IP_VS_CONN_F_TUNNEL,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
  type IpvsDest,
  type IpvsService,
  type IpvsServiceEntry,
  type IpvsServiceKey,
  type IpvsTable,
} from '../../src/ipvs/ipvs-types.js';
import { expectedIpvsadmSave, normalizeTable } from '../ipvs/ipvsadm-save.js';
import { guestChecks } from './guest-checks.js';

const IFACE = 'ktsipvs0';
const { check, run } = guestChecks('IPVS-GUEST');

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

// ---------- the table under test ----------

const tcp80: Extract<IpvsServiceKey, { type: 'addr' }> = { type: 'addr', family: 4, protocol: IPPROTO_TCP, address: '203.0.113.10', port: 80 };
const udp53: IpvsServiceKey = { type: 'addr', family: 4, protocol: IPPROTO_UDP, address: '203.0.113.10', port: 53 };
const fwm7: IpvsServiceKey = { type: 'fwmark', family: 4, fwmark: 7 };
const v6tcp: IpvsServiceKey = { type: 'addr', family: 6, protocol: IPPROTO_TCP, address: '2001:db8::10', port: 443 };
const fwm9v6: IpvsServiceKey = { type: 'fwmark', family: 6, fwmark: 9 };

const svc = (key: IpvsServiceKey, scheduler: string, extra: Partial<IpvsService> = {}): IpvsService => ({
  key,
  scheduler,
  flags: 0,
  timeoutS: 0,
  netmask: key.family === 4 ? 0xffffffff : 128,
  ...extra,
});

const dest = (address: string, port: number, fwdMethod: number, weight: number, extra: Partial<IpvsDest> = {}): IpvsDest => ({
  family: address.includes(':') ? 6 : 4,
  address,
  port,
  fwdMethod,
  weight,
  upperThreshold: 0,
  lowerThreshold: 0,
  ...extra,
});

const desired: IpvsTable = [
  {
    service: svc(tcp80, 'rr'),
    dests: [
      dest('198.51.100.2', 8080, IP_VS_CONN_F_MASQ, 1),
      dest('198.51.100.3', 8080, IP_VS_CONN_F_MASQ, 2, { upperThreshold: 100, lowerThreshold: 10 }),
    ],
  },
  {
    service: svc(udp53, 'wlc', { flags: IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET, timeoutS: 300, netmask: 0xffffff00 }),
    dests: [dest('198.51.100.4', 53, IP_VS_CONN_F_DROUTE, 5)],
  },
  {
    service: svc(fwm7, 'sh', { flags: IP_VS_SVC_F_SCHED_SH_FALLBACK | IP_VS_SVC_F_SCHED_SH_PORT }),
    dests: [
      dest('198.51.100.5', 0, IP_VS_CONN_F_TUNNEL, 1, { tunType: IP_VS_CONN_F_TUNNEL_TYPE_IPIP }),
      dest('198.51.100.6', 0, IP_VS_CONN_F_TUNNEL, 1, { tunType: IP_VS_CONN_F_TUNNEL_TYPE_GUE, tunPort: 6080, tunFlags: IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM }),
      dest('198.51.100.7', 0, IP_VS_CONN_F_TUNNEL, 1, { tunType: IP_VS_CONN_F_TUNNEL_TYPE_GRE, tunFlags: IP_VS_TUNNEL_ENCAP_FLAG_CSUM }),
    ],
  },
  {
    service: svc(v6tcp, 'sh', { flags: IP_VS_SVC_F_PERSISTENT, timeoutS: 120, netmask: 64 }),
    dests: [dest('2001:db8::2', 443, IP_VS_CONN_F_MASQ, 3), dest('2001:db8::3', 443, IP_VS_CONN_F_DROUTE, 4)],
  },
  { service: svc(fwm9v6, 'rr'), dests: [dest('2001:db8::4', 0, IP_VS_CONN_F_DROUTE, 1)] },
];

async function applyAll(c: NetlinkIpvsClient, ops: ReturnType<typeof reconcile>): Promise<void> {
  for (const op of ops) await c.apply(op);
}

async function main(): Promise<void> {
  // IPVS refuses destinations it has no route to: a dummy interface provides them.
  sh('ip', ['link', 'add', IFACE, 'type', 'dummy']);
  sh('ip', ['link', 'set', IFACE, 'multicast', 'on', 'up']);
  sh('ip', ['addr', 'add', '198.51.100.1/24', 'dev', IFACE]);
  sh('ip', ['-6', 'addr', 'add', '2001:db8::1/64', 'dev', IFACE, 'nodad']);

  const { logger, records } = memoryLogger();
  const c = await NetlinkIpvsClient.open(logger);
  try {
    await check('family IPVS resolved (version 1, maxattr = IPVS_CMD_ATTR_MAX 6)', () => {
      assert.equal(c.family.name, 'IPVS');
      assert.equal(c.family.version, 1);
      assert.equal(c.family.maxAttr, 6);
      assert.ok(c.family.id >= 0x10);
    });
    await check('GET_INFO: version 1.2.1 and the connection table size of /proc/net/ip_vs', async () => {
      const info = await c.getInfo();
      assert.equal(info.versionText, '1.2.1');
      const head = sh('ipvsadm', ['-L', '-n']).split('\n')[0] ?? '';
      assert.equal(head, `IP Virtual Server version ${info.versionText} (size=${info.connTabSize})`);
    });
    await c.apply({ type: 'flush' });

    await check('reconcile from an empty kernel table adds every service, then its dests', async () => {
      const ops = reconcile(desired, await c.dump());
      assert.equal(ops.filter((o) => o.type === 'add-service').length, 5);
      assert.equal(ops.filter((o) => o.type === 'add-dest').length, 9);
      await applyAll(c, ops);
    });
    await check('dump returns exactly what was set (every attribute)', async () => {
      assert.deepEqual(normalizeTable(await c.dump()), normalizeTable(desired));
    });
    await check('reconcile(desired, dump) is empty after applying', async () => {
      assert.deepEqual(reconcile(desired, await c.dump(), { manageAll: true }), []);
    });
    await check('ipvsadm -S -n shows the same table', () => {
      const got = sh('ipvsadm', ['-S', '-n']).trim().split('\n').sort();
      assert.deepEqual(got, expectedIpvsadmSave(desired).sort());
    });

    await check('ipvsadm -L -n --thresholds shows the upper/lower thresholds', () => {
      const line = sh('ipvsadm', ['-L', '-n', '--thresholds']).split('\n').find((l) => l.includes('198.51.100.3:8080'));
      assert.match(line ?? '', /198\.51\.100\.3:8080\s+100\s+10\s/); // columns: Uthreshold Lthreshold ActiveConn InActConn
    });
    await check('mixed-family TUN dest (IPv6 real server in an IPv4 service) round-trips IPVS_DEST_ATTR_ADDR_FAMILY', async () => {
      const d6 = dest('2001:db8::5', 0, IP_VS_CONN_F_TUNNEL, 4, { tunType: IP_VS_CONN_F_TUNNEL_TYPE_IPIP });
      await c.apply({ type: 'add-dest', key: fwm7, dest: d6 });
      const entry = (await c.dump()).find((e) => serviceKeyId(e.service.key) === serviceKeyId(fwm7));
      assert.deepEqual(entry?.dests.find((x) => destKeyId(x) === destKeyId(d6)), { ...d6, tunPort: 0, tunFlags: 0 });
      assert.ok(sh('ipvsadm', ['-S', '-n']).includes('-a -f 7 -r [2001:db8::5]:0 -i -w 4 --tun-type ipip'));
      // The sync daemon refuses to start while mixed-family dests exist: remove it again.
      await c.apply({ type: 'del-dest', key: fwm7, dest: d6 });
    });
    await check('persistence engine: UDP service with --pe sip round-trips IPVS_SVC_ATTR_PE_NAME', async () => {
      const sip = svc({ type: 'addr', family: 4, protocol: IPPROTO_UDP, address: '203.0.113.10', port: 5060 }, 'rr', {
        flags: IP_VS_SVC_F_PERSISTENT,
        timeoutS: 60,
        peName: 'sip',
      });
      await c.apply({ type: 'add-service', service: sip });
      const back = (await c.dump()).find((e) => serviceKeyId(e.service.key) === serviceKeyId(sip.key));
      assert.deepEqual(back?.service, sip);
      assert.ok(sh('ipvsadm', ['-S', '-n']).includes('-A -u 203.0.113.10:5060 -s rr -p 60 --pe sip'));
      await c.apply({ type: 'del-service', key: sip.key });
    });
    await check('EEXIST on add is success (service and dest)', async () => {
      await c.apply({ type: 'add-service', service: desired[0]!.service });
      await c.apply({ type: 'add-dest', key: tcp80, dest: desired[0]!.dests[0]! });
    });
    await check('ENOENT/ESRCH on delete is success (missing dest, missing service, dest of a missing service)', async () => {
      await c.apply({ type: 'del-dest', key: tcp80, dest: { family: 4, address: '198.51.100.99', port: 8080 } });
      await c.apply({ type: 'del-service', key: { ...tcp80, port: 81 } });
      await c.apply({ type: 'del-dest', key: { ...tcp80, port: 81 }, dest: { family: 4, address: '198.51.100.2', port: 8080 } });
    });
    await check('SET_DEST of a missing dest is retried as NEW_DEST', async () => {
      const d = dest('198.51.100.8', 8080, IP_VS_CONN_F_MASQ, 7);
      await c.apply({ type: 'edit-dest', key: tcp80, dest: d });
      const entry = (await c.dump()).find((e) => serviceKeyId(e.service.key) === serviceKeyId(tcp80));
      assert.deepEqual(entry?.dests.find((x) => destKeyId(x) === destKeyId(d)), d);
      assert.ok(records.some((r) => r.msg.includes('ENOENT, adding it instead')));
    });
    await check('a real refusal rejects with KA_ERR_IPVS_REQUEST and the errno (unknown scheduler; dest for a missing service)', async () => {
      await assert.rejects(c.apply({ type: 'add-service', service: svc({ ...tcp80, port: 82 }, 'nosuchsched') }), (e: unknown) => {
        assert.ok(e instanceof KaError && e.code === 'KA_ERR_IPVS_REQUEST', String(e));
        assert.equal(e.errnoCode, 'ENOENT');
        assert.match(e.message, /NEW_SERVICE TCP 203\.0\.113\.10:82/);
        return true;
      });
      await assert.rejects(c.apply({ type: 'add-dest', key: { ...tcp80, port: 83 }, dest: desired[0]!.dests[0]! }), (e: unknown) => {
        assert.ok(e instanceof KaError && e.code === 'KA_ERR_IPVS_REQUEST', String(e));
        assert.equal(e.errnoCode, 'ESRCH');
        return true;
      });
    });

    // Edits: scheduler and persistence of a service, weight/forwarding/tunnel of dests, one dest removed.
    const edited: IpvsTable = desired.map((e): IpvsServiceEntry => {
      if (serviceKeyId(e.service.key) === serviceKeyId(tcp80))
        return {
          service: { ...e.service, scheduler: 'wlc', flags: IP_VS_SVC_F_PERSISTENT, timeoutS: 600 },
          dests: [{ ...e.dests[0]!, weight: 0 }],
        };
      if (serviceKeyId(e.service.key) === serviceKeyId(fwm7))
        return { service: e.service, dests: e.dests.map((d) => (d.tunType === IP_VS_CONN_F_TUNNEL_TYPE_GUE ? { ...d, tunPort: 6081, tunFlags: IP_VS_TUNNEL_ENCAP_FLAG_CSUM } : d)) };
      return e;
    });
    await check('reconcile edits: SET_SERVICE, SET_DEST (weight 0, gue port/flags), DEL_DEST of the extra dests', async () => {
      const ops = reconcile(edited, await c.dump());
      assert.deepEqual(
        ops.map((o) => o.type),
        ['del-dest', 'del-dest', 'edit-service', 'edit-dest', 'edit-dest'],
      );
      await applyAll(c, ops);
      assert.deepEqual(normalizeTable(await c.dump()), normalizeTable(edited));
      const got = sh('ipvsadm', ['-S', '-n']).trim().split('\n').sort();
      assert.deepEqual(got, expectedIpvsadmSave(edited).sort());
    });

    const foreign: IpvsServiceKey = { type: 'addr', family: 4, protocol: IPPROTO_TCP, address: '203.0.113.20', port: 25 };
    await check('services we do not own are left alone; owned ones no longer desired are removed', async () => {
      sh('ipvsadm', ['-A', '-t', '203.0.113.20:25', '-s', 'rr']);
      const without = edited.filter((e) => serviceKeyId(e.service.key) !== serviceKeyId(udp53));
      const ops = reconcile(without, await c.dump(), { owned: edited.map((e) => e.service.key) });
      assert.deepEqual(ops, [{ type: 'del-service', key: udp53 }]);
      await applyAll(c, ops);
      const ids = (await c.dump()).map((e) => serviceKeyId(e.service.key)).sort();
      assert.deepEqual(ids, [...without.map((e) => serviceKeyId(e.service.key)), serviceKeyId(foreign)].sort());
      assert.deepEqual(
        reconcile(without, await c.dump(), { manageAll: true }).map((o) => o.type),
        ['del-service'],
      );
    });

    await check('SET_CONFIG timeouts read back through GET_CONFIG and ipvsadm -L --timeout', async () => {
      await c.setTimeouts({ tcpS: 901, tcpfinS: 121, udpS: 301 });
      assert.deepEqual(await c.getTimeouts(), { tcpS: 901, tcpfinS: 121, udpS: 301 });
      assert.match(sh('ipvsadm', ['-L', '--timeout']), /Timeout \(tcp tcpfin udp\): 901 121 301/);
    });

    await check('sync daemon: NEW_DAEMON backup and master, visible in ipvsadm; DEL_DAEMON twice', async () => {
      await c.startDaemon({ state: 'backup', interface: IFACE, syncId: 5, maxLen: 1400, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 2 });
      await c.startDaemon({ state: 'master', interface: IFACE, syncId: 6 });
      const text = sh('ipvsadm', ['-L', '--daemon']);
      assert.match(text, new RegExp(`master sync daemon \\(mcast=${IFACE}, syncid=6`));
      assert.match(text, new RegExp(`backup sync daemon \\(mcast=${IFACE}, syncid=5, maxlen=1400, group=224\\.0\\.0\\.81, port=8848, ttl=2\\)`));
      await c.stopDaemon('backup');
      await c.stopDaemon('master');
      await c.stopDaemon('master');
      assert.doesNotMatch(sh('ipvsadm', ['-L', '--daemon']), /sync daemon/);
    });

    await check('a 2,000-dest service goes in and dumps back complete (multi-part dump)', async () => {
      const big = svc({ type: 'addr', family: 4, protocol: IPPROTO_TCP, address: '203.0.113.30', port: 80 }, 'wrr');
      const dests = Array.from({ length: 2000 }, (_, i) => dest('198.51.100.9', 1000 + i, IP_VS_CONN_F_MASQ, 1 + (i % 50)));
      const table: IpvsTable = [{ service: big, dests }];
      await applyAll(c, reconcile(table, []));
      const back = (await c.dump()).find((e) => serviceKeyId(e.service.key) === serviceKeyId(big.key));
      assert.equal(back?.dests.length, 2000);
      assert.deepEqual(reconcile(table, back ? [back] : []), []);
    });

    await check('FLUSH empties the table', async () => {
      await c.apply({ type: 'flush' });
      assert.deepEqual(await c.dump(), []);
      assert.equal(sh('ipvsadm', ['-S', '-n']).trim(), '');
    });
  } finally {
    c.close();
    try {
      sh('ip', ['link', 'del', IFACE]);
    } catch {
      /* best effort: the guest is thrown away anyway */
    }
  }
}

run(main);
