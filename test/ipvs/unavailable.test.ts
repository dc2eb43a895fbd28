// NetlinkIpvsClient.open() on a kernel without the family it needs must reject with
// KA_ERR_IPVS_UNAVAILABLE and one clear message, after trying the module loader once, from
// inside a fresh lab namespace. Generic netlink families are global to the kernel and the
// host may well have ip_vs, so the client is pointed at a family name that cannot exist
// (the real controller answers ENOENT), and the default loader runs a stand-in `modprobe`
// from PATH: nothing here depends on the host's IPVS or loads a module into its kernel.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, inNetns, type Lab } from '../lab/netns.js';
import { KaError } from '../../src/core/errors.js';
import { memoryLogger } from '../../src/core/logger.js';
import { IPVS_UNAVAILABLE_MESSAGE, NetlinkIpvsClient } from '../../src/ipvs/ipvs-client.js';
import { NetlinkSocket } from '../../src/netlink/netlink-socket.js';
import { K } from '../../src/sys/nio.js';
import { decodeFamily, encodeGetFamily } from '../../src/ipvs/genl-codec.js';

/** A generic netlink family name no kernel registers (GENL_NAMSIZ is 16 with the NUL). */
const NO_FAMILY = 'KTS_NO_FAMILY';

let lab: Lab;
let dir: string;

before(() => {
  lab = createLab(1, 'ipvs');
  dir = mkdtempSync(join(tmpdir(), 'kts-ipvs-unavail-'));
});

after(() => {
  lab?.down();
  rmSync(dir, { recursive: true, force: true });
});

test('the generic netlink controller resolves its own family "nlctrl" (id 0x10) and not the made-up one', async () => {
  const sock = inNetns(lab.host(1).ns, () => NetlinkSocket.open({ protocol: K().NETLINK_GENERIC }));
  try {
    const msgs = await sock.query(encodeGetFamily('nlctrl'));
    const fam = decodeFamily(msgs[0]!.payload);
    assert.ok(fam.ok, fam.ok ? '' : fam.reason);
    assert.equal(fam.value.id, 0x10);
    assert.equal(fam.value.name, 'nlctrl');
    await assert.rejects(sock.query(encodeGetFamily(NO_FAMILY)), (e: unknown) => e instanceof KaError && e.errnoCode === 'ENOENT');
  } finally {
    sock.close();
  }
});

test('open() rejects with KA_ERR_IPVS_UNAVAILABLE after trying the module loader once', async () => {
  const { logger } = memoryLogger();
  let loads = 0;
  const opening = inNetns(lab.host(1).ns, () =>
    NetlinkIpvsClient.open(logger, {
      familyName: NO_FAMILY,
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
    assert.match(e.message, new RegExp(`family "${NO_FAMILY}" \\(ENOENT\\); modprobe ip_vs failed`));
    return true;
  });
  assert.equal(loads, 1);
});

test('the default loader runs `modprobe ip_vs` once (a stand-in from PATH) and still reports unavailable', async () => {
  const calls = join(dir, 'modprobe.calls');
  writeFileSync(join(dir, 'modprobe'), `#!/bin/sh\necho "$*" >> ${calls}\nexit 1\n`);
  chmodSync(join(dir, 'modprobe'), 0o755);
  const { logger, records } = memoryLogger();
  const savedPath = process.env['PATH'];
  process.env['PATH'] = `${dir}:${savedPath ?? '/usr/bin:/bin'}`;
  try {
    const opening = inNetns(lab.host(1).ns, () => NetlinkIpvsClient.open(logger, { familyName: NO_FAMILY }));
    await assert.rejects(opening, (e: unknown) => e instanceof KaError && e.code === 'KA_ERR_IPVS_UNAVAILABLE' && /modprobe ip_vs failed \(exit 1\)$/.test(e.message));
  } finally {
    if (savedPath === undefined) delete process.env['PATH'];
    else process.env['PATH'] = savedPath;
  }
  assert.equal(readFileSync(calls, 'utf8'), 'ip_vs\n', 'one modprobe, of ip_vs');
  assert.ok(records.some((r) => r.msg === 'IPVS family missing; modprobe ip_vs failed (exit 1)'));
});
