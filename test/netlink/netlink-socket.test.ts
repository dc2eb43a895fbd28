// NetlinkSocket against the kernel inside a lab namespace: raw requests, dumps,
// ext-ack errors, and teardown with requests in flight.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLab, type Lab } from '../lab/netns.js';
import { inNetns } from '../lab/netns.js';
import { NetlinkRequestError, NetlinkSocket, errnoName } from '../../src/netlink/netlink-socket.js';
import { encodeGetLinkDump, encodeLinkRequest, decodeLinkMessage } from '../../src/netlink/link.js';
import { NLM_F_CREATE, NLM_F_EXCL, RTM_DELLINK, RTM_NEWLINK } from '../../src/netlink/constants.js';
import { KaError } from '../../src/core/errors.js';

let lab: Lab;
let sock: NetlinkSocket;

before(() => {
  lab = createLab(1, 'nls');
  sock = inNetns(lab.host(1).ns, () => NetlinkSocket.open());
});

after(() => {
  sock?.close();
  lab?.down();
});

test('errnoName maps kernel errno numbers', () => {
  assert.deepEqual([errnoName(17), errnoName(19), errnoName(99), errnoName(4242)], ['EEXIST', 'ENODEV', 'EADDRNOTAVAIL', 'E4242']);
});

test('port id is assigned by the kernel at bind', () => {
  assert.ok(sock.portId > 0);
});

test('dump returns every RTM_NEWLINK of the namespace', async () => {
  const msgs = await sock.dump(encodeGetLinkDump(0));
  const names = msgs.filter((m) => m.type === RTM_NEWLINK).map((m) => decodeLinkMessage(m.payload).name);
  assert.deepEqual(names.sort(), ['eth0', 'lo']);
});

test('link create/delete acks; an unknown link kind fails with the ext-ack reason', async () => {
  await sock.request(encodeLinkRequest(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, { name: 'dummyx', kind: 'bridge' }));
  assert.match(lab.exec(lab.host(1), ['ip', '-o', 'link', 'show', 'dummyx']), /dummyx/);
  await assert.rejects(sock.request(encodeLinkRequest(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, { name: 'dummyx', kind: 'bridge' })), (e: unknown) => {
    assert.ok(e instanceof NetlinkRequestError);
    assert.equal(e.errnoCode, 'EEXIST');
    return true;
  });
  await sock.request(encodeLinkRequest(RTM_DELLINK, 0, 0, { name: 'dummyx' }));
  await assert.rejects(sock.request(encodeLinkRequest(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, { name: 'weird0', kind: 'no-such-kind' })), (e: unknown) => {
    assert.ok(e instanceof NetlinkRequestError);
    assert.equal(e.code, 'KA_ERR_NL_REQUEST');
    assert.equal(e.errnoCode, 'EOPNOTSUPP');
    assert.match(e.extAckMessage ?? '', /Unknown device type/);
    return true;
  });
});

test('many requests in flight are matched to their own answers', async () => {
  const ok = Array.from({ length: 20 }, (_, i) => sock.request(encodeLinkRequest(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, { name: `br${i}`, kind: 'bridge' })));
  const dup = sock.request(encodeLinkRequest(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, { name: 'eth0', kind: 'bridge' }));
  await Promise.all(ok);
  await assert.rejects(dup, (e: unknown) => e instanceof NetlinkRequestError && e.errnoCode === 'EEXIST');
  await Promise.all(Array.from({ length: 20 }, (_, i) => sock.request(encodeLinkRequest(RTM_DELLINK, 0, 0, { name: `br${i}` }))));
  assert.doesNotMatch(lab.exec(lab.host(1), ['ip', '-o', 'link']), /br\d/);
});

test('close() rejects requests still waiting for their answer, and later requests', async () => {
  const s = inNetns(lab.host(1).ns, () => NetlinkSocket.open());
  const pending = s.dump(encodeGetLinkDump(0));
  s.close();
  s.close();
  await assert.rejects(pending, (e: unknown) => e instanceof KaError && e.code === 'KA_ERR_NL_REQUEST' && e.errnoCode === 'EBADF');
  await assert.rejects(s.dump(encodeGetLinkDump(0)), (e: unknown) => e instanceof KaError && e.errnoCode === 'EBADF');
  assert.equal(s.closed, true);
});

test('a request the kernel never answers fails with ETIMEDOUT', async () => {
  const s = inNetns(lab.host(1).ns, () => NetlinkSocket.open({ timeoutMs: 50 }));
  try {
    const msg = encodeLinkRequest(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, { name: 'quiet0', kind: 'bridge' });
    msg[6] = msg[6]! & ~0x04; // drop NLM_F_ACK: a successful NEW then gets no answer at all
    const t0 = performance.now();
    await assert.rejects(s.request(msg), (e: unknown) => e instanceof KaError && e.errnoCode === 'ETIMEDOUT');
    assert.ok(performance.now() - t0 >= 45);
    assert.match(lab.exec(lab.host(1), ['ip', '-o', 'link', 'show', 'quiet0']), /quiet0/);
  } finally {
    s.close();
  }
});
