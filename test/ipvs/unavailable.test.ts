// On a kernel without IPVS (this host: CONFIG_IP_VS is not set) NetlinkIpvsClient.open()
// must reject with KA_ERR_IPVS_UNAVAILABLE and one clear message, from inside a fresh
// lab namespace. The generic netlink controller itself must work there (nlctrl resolves).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createLab, inNetns, type Lab } from '../lab/netns.js';
import { KaError } from '../../src/core/errors.js';
import { memoryLogger } from '../../src/core/logger.js';
import { IPVS_UNAVAILABLE_MESSAGE, NetlinkIpvsClient } from '../../src/ipvs/ipvs-client.js';
import { NetlinkSocket } from '../../src/netlink/netlink-socket.js';
import { K } from '../../src/sys/nio.js';
import { decodeFamily, encodeGetFamily } from '../../src/ipvs/genl-codec.js';

let lab: Lab;

before(() => {
  lab = createLab(1, 'ipvs');
});

after(() => {
  lab?.down();
});

test('this kernel has no IPVS (precondition of the next test)', () => {
  assert.equal(existsSync('/proc/net/ip_vs'), false, '/proc/net/ip_vs exists: this host has IPVS, the test below cannot show the unavailable path');
});

test('the generic netlink controller resolves its own family "nlctrl" (id 0x10)', async () => {
  const sock = inNetns(lab.host(1).ns, () => NetlinkSocket.open({ protocol: K().NETLINK_GENERIC }));
  try {
    const msgs = await sock.query(encodeGetFamily('nlctrl'));
    const fam = decodeFamily(msgs[0]!.payload);
    assert.ok(fam.ok, fam.ok ? '' : fam.reason);
    assert.equal(fam.value.id, 0x10);
    assert.equal(fam.value.name, 'nlctrl');
  } finally {
    sock.close();
  }
});

test('open() rejects with KA_ERR_IPVS_UNAVAILABLE after trying the module loader once', async () => {
  const { logger } = memoryLogger();
  let loads = 0;
  const opening = inNetns(lab.host(1).ns, () =>
    NetlinkIpvsClient.open(logger, {
      loadModule: () => {
        loads++;
        return Promise.resolve('modprobe ip_vs failed (exit 1)');
      },
    }),
  );
  await assert.rejects(opening, (e: unknown) => {
    assert.ok(e instanceof KaError);
    assert.equal(e.code, 'KA_ERR_IPVS_UNAVAILABLE');
    assert.equal(e.errnoCode, 'ENOENT');
    assert.ok(e.message.startsWith(`${IPVS_UNAVAILABLE_MESSAGE}: `), e.message);
    assert.match(e.message, /family "IPVS" \(ENOENT\); modprobe ip_vs failed/);
    return true;
  });
  assert.equal(loads, 1);
});

test('the default loader really runs modprobe and still reports unavailable', async () => {
  const { logger, records } = memoryLogger();
  const opening = inNetns(lab.host(1).ns, () => NetlinkIpvsClient.open(logger));
  await assert.rejects(opening, (e: unknown) => e instanceof KaError && e.code === 'KA_ERR_IPVS_UNAVAILABLE' && /modprobe ip_vs (failed|could not run)/.test(e.message));
  assert.ok(records.some((r) => r.msg.includes('IPVS family missing')));
});
