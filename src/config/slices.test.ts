import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lvsConfig } from '../test-kit/lvs-sim.js';
import { checkerSlice, decodeSlice, encodeSlices, heldAfter, runnableSlice, slicePayload, vrrpSlice, vsKeys } from './slices.js';

const vs = (ip: string, rsPort: number): string => `virtual_server ${ip} 80 {\n lb_algo rr\n protocol TCP\n real_server 198.51.100.10 ${rsPort} {\n  TCP_CHECK {\n   connect_timeout 2\n  }\n }\n}\n`;
const vrrp = `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n priority 150\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n`;
const withoutLocs = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x: unknown) => (k === 'loc' ? undefined : x)));
const conf = (...vss: string[]): string => `global_defs {\n router_id r1\n}\n${vrrp}${vss.join('')}`;

test('slices: the VRRP child gets no virtual servers, the checker no VRRP instances; both round-trip through JSON', () => {
  const c = lvsConfig(conf(vs('192.0.2.1', 8080), vs('192.0.2.2', 8080)));
  const s = encodeSlices(c);
  const v = decodeSlice(slicePayload('vrrp', 1, s));
  assert.ok(v.ok);
  assert.deepEqual(v.value.config, JSON.parse(JSON.stringify(vrrpSlice(c))));
  assert.equal(v.value.config.virtualServers.length, 0);
  assert.equal(v.value.config.vrrpInstances.length, 1);
  const k = decodeSlice(slicePayload('checker', 1, s));
  assert.ok(k.ok);
  assert.deepEqual(k.value.config, JSON.parse(JSON.stringify(checkerSlice(c))));
  assert.equal(k.value.config.vrrpInstances.length, 0);
  assert.equal(k.value.changedVirtualServers, 2);
});

test('slices: a reload sends the checker only the virtual servers that changed; the others keep their objects', () => {
  const s1 = encodeSlices(lvsConfig(conf(vs('192.0.2.1', 8080), vs('192.0.2.2', 8080), vs('192.0.2.3', 8080))));
  const first = decodeSlice(slicePayload('checker', 1, s1));
  assert.ok(first.ok);
  const held = heldAfter('checker', 1, s1);
  // .2 changes, .3 leaves, .4 arrives, order changes.
  const s2 = encodeSlices(lvsConfig(conf(vs('192.0.2.4', 8080), vs('192.0.2.2', 9090), vs('192.0.2.1', 8080))));
  const text = slicePayload('checker', 2, s2, held);
  const sent = (JSON.parse(text) as { changed: [string, unknown][] }).changed.map(([key]) => key);
  assert.deepEqual(sent, vsKeys(lvsConfig(conf(vs('192.0.2.4', 8080), vs('192.0.2.2', 9090))).virtualServers), 'only .4 and .2 travel');
  const d = decodeSlice(text, first.value);
  assert.ok(d.ok, d.ok ? '' : d.reason);
  assert.equal(d.value.changedVirtualServers, 2, '.4 and .2');
  const [, b, c] = d.value.config.virtualServers;
  assert.equal(c, first.value.config.virtualServers[0], 'the unchanged .1 is the very object the child held');
  assert.notEqual(b, first.value.config.virtualServers[1]);
  assert.equal(b?.realServers[0]?.port, 9090);
  // What a full decode of the same configuration gives, but for where things were in the file.
  const full = decodeSlice(slicePayload('checker', 2, s2));
  assert.ok(full.ok);
  assert.deepEqual(withoutLocs(d.value.config), withoutLocs(full.value.config));
  assert.equal(c?.loc.line, first.value.config.virtualServers[0]?.loc.line, 'a kept server keeps its old location');
});

test('slices: a delta against another generation, a foreign schema or garbage is refused, never thrown', () => {
  const s = encodeSlices(lvsConfig(conf(vs('192.0.2.1', 8080))));
  const held = heldAfter('checker', 1, s);
  const delta = slicePayload('checker', 2, s, held);
  const stale = decodeSlice(slicePayload('checker', 5, s));
  assert.ok(stale.ok);
  const wrongBase = decodeSlice(delta, stale.value);
  assert.equal(wrongBase.ok, false);
  assert.match(wrongBase.ok ? '' : wrongBase.reason, /against generation 1, this process holds 5/);
  assert.equal(decodeSlice(delta).ok, false, 'a delta without a base');
  for (const bad of ['', '{', 'null', '[]', '{"schema":99}', '{"schema":1,"generation":1,"config":{"vrrpInstances":[]},"type":"x"}', '{"schema":1,"generation":1,"config":{"vrrpInstances":[]},"type":"delta","base":1,"order":["nope"],"changed":[]}']) {
    assert.equal(decodeSlice(bad, stale.value).ok, false, bad);
  }
  assert.throws(() => runnableSlice('{'), { code: 'KA_ERR_IPC_PROTOCOL' });
  const unusable = slicePayload('vrrp', 1, s, undefined, '(VI_1) no interface');
  assert.throws(() => runnableSlice(unusable), { code: 'KA_ERR_CFG_INVALID' });
});

test('slices: repeated identities get distinct, stable keys', () => {
  assert.deepEqual(vsKeys([{ identity: 'a' }, { identity: 'b' }, { identity: 'a' }]), ['a', 'b', 'a#1']);
});
