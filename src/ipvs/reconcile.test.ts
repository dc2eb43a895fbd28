import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destKeyId, reconcile, serviceKeyId } from './reconcile.js';
import { IPPROTO_TCP, IPPROTO_UDP, IP_VS_CONN_F_DROUTE, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_TUNNEL, type IpvsDest, type IpvsService, type IpvsServiceKey, type IpvsTable } from './ipvs-types.js';

const key = (address: string, port: number, protocol = IPPROTO_TCP): IpvsServiceKey => ({ type: 'addr', family: address.includes(':') ? 6 : 4, protocol, address, port });
const svc = (k: IpvsServiceKey, extra: Partial<IpvsService> = {}): IpvsService => ({ key: k, scheduler: 'wlc', flags: 0, timeoutS: 0, netmask: 0xffffffff, ...extra });
const dest = (address: string, port = 80, extra: Partial<IpvsDest> = {}): IpvsDest => ({
  family: address.includes(':') ? 6 : 4,
  address,
  port,
  fwdMethod: IP_VS_CONN_F_MASQ,
  weight: 1,
  upperThreshold: 0,
  lowerThreshold: 0,
  ...extra,
});

const A = key('192.0.2.1', 80);
const B = key('192.0.2.1', 80, IPPROTO_UDP);
const F: IpvsServiceKey = { type: 'fwmark', family: 4, fwmark: 5 };

test('key ids: stable, canonical address spelling, protocol/family/fwmark distinguish', () => {
  assert.equal(serviceKeyId(key('2001:DB8:0::1', 443)), serviceKeyId(key('2001:db8::1', 443)));
  assert.notEqual(serviceKeyId(A), serviceKeyId(B));
  assert.notEqual(serviceKeyId(F), serviceKeyId({ ...F, family: 6 }));
  assert.equal(serviceKeyId(A), 'v4/6/192.0.2.1/80');
  assert.equal(serviceKeyId(F), 'v4/fwm/5');
  assert.equal(destKeyId(dest('2001:db8::0:2', 8080)), 'v6/2001:db8::2/8080');
  assert.notEqual(destKeyId(dest('192.0.2.2', 80)), destKeyId(dest('192.0.2.2', 81)));
});

test('empty current: services added before their dests, in desired order', () => {
  const desired: IpvsTable = [
    { service: svc(A), dests: [dest('198.51.100.2'), dest('198.51.100.3')] },
    { service: svc(F), dests: [dest('198.51.100.4', 0, { fwdMethod: IP_VS_CONN_F_DROUTE })] },
  ];
  assert.deepEqual(
    reconcile(desired, []).map((o) => `${o.type}${'dest' in o ? ` ${o.dest.address}` : ''}`),
    ['add-service', 'add-dest 198.51.100.2', 'add-dest 198.51.100.3', 'add-service', 'add-dest 198.51.100.4'],
  );
});

test('identical tables (different address spelling, absent vs zero tunnel fields) need nothing', () => {
  const desired: IpvsTable = [{ service: svc(key('2001:db8::a', 80)), dests: [dest('2001:db8::2'), dest('198.51.100.9', 0, { fwdMethod: IP_VS_CONN_F_TUNNEL })] }];
  const current: IpvsTable = [
    { service: svc(key('2001:db8:0:0::a', 80), { peName: '' }), dests: [dest('198.51.100.9', 0, { fwdMethod: IP_VS_CONN_F_TUNNEL, tunType: 0, tunPort: 0, tunFlags: 0 }), dest('2001:DB8::2')] },
  ];
  assert.deepEqual(reconcile(desired, current), []);
});

test('changed params: edit-service and edit-dest; extra dests removed first; missing dests added', () => {
  const desired: IpvsTable = [{ service: svc(A, { scheduler: 'rr' }), dests: [dest('198.51.100.2', 80, { weight: 0 }), dest('198.51.100.5')] }];
  const current: IpvsTable = [{ service: svc(A), dests: [dest('198.51.100.2'), dest('198.51.100.3'), dest('198.51.100.4')] }];
  assert.deepEqual(reconcile(desired, current), [
    { type: 'del-dest', key: A, dest: { family: 4, address: '198.51.100.3', port: 80 } },
    { type: 'del-dest', key: A, dest: { family: 4, address: '198.51.100.4', port: 80 } },
    { type: 'edit-service', service: desired[0]!.service },
    { type: 'edit-dest', key: A, dest: desired[0]!.dests[0]! },
    { type: 'add-dest', key: A, dest: desired[0]!.dests[1]! },
  ]);
});

test('every service and dest parameter counts as a change', () => {
  const base = svc(A);
  for (const change of [{ scheduler: 'rr' }, { flags: 1 }, { timeoutS: 300 }, { netmask: 0xffffff00 }, { peName: 'sip' }]) {
    assert.deepEqual(
      reconcile([{ service: { ...base, ...change }, dests: [] }], [{ service: base, dests: [] }]).map((o) => o.type),
      ['edit-service'],
      JSON.stringify(change),
    );
  }
  const d = dest('198.51.100.2', 0, { fwdMethod: IP_VS_CONN_F_TUNNEL, tunType: 1, tunPort: 6080, tunFlags: 0 });
  for (const change of [{ weight: 5 }, { upperThreshold: 1 }, { lowerThreshold: 1 }, { fwdMethod: IP_VS_CONN_F_DROUTE }, { tunType: 2 }, { tunPort: 6081 }, { tunFlags: 1 }]) {
    assert.deepEqual(
      reconcile([{ service: base, dests: [{ ...d, ...change }] }], [{ service: base, dests: [d] }]).map((o) => o.type),
      ['edit-dest'],
      JSON.stringify(change),
    );
  }
  // Tunnel fields do not matter for other forwarding methods.
  const nat = dest('198.51.100.2');
  assert.deepEqual(reconcile([{ service: base, dests: [{ ...nat, tunType: 1 }] }], [{ service: base, dests: [nat] }]), []);
});

test('services not desired: foreign ones kept, owned ones removed, manageAll removes all; dest removals come first', () => {
  const current: IpvsTable = [
    { service: svc(B), dests: [dest('198.51.100.2')] },
    { service: svc(F), dests: [] },
    { service: svc(A), dests: [dest('198.51.100.2'), dest('198.51.100.3')] },
  ];
  const desired: IpvsTable = [{ service: svc(A), dests: [dest('198.51.100.2')] }];
  assert.deepEqual(reconcile(desired, current), [{ type: 'del-dest', key: A, dest: { family: 4, address: '198.51.100.3', port: 80 } }]);
  assert.deepEqual(reconcile(desired, current, { owned: [F] }).map((o) => o.type), ['del-dest', 'del-service']);
  assert.deepEqual(reconcile(desired, current, { manageAll: true }), [
    { type: 'del-dest', key: A, dest: { family: 4, address: '198.51.100.3', port: 80 } },
    { type: 'del-service', key: B },
    { type: 'del-service', key: F },
  ]);
});

test('duplicates in either table are handled once (first wins)', () => {
  const desired: IpvsTable = [
    { service: svc(A), dests: [dest('198.51.100.2'), dest('198.51.100.2', 80, { weight: 9 })] },
    { service: svc(A, { scheduler: 'rr' }), dests: [] },
  ];
  const ops = reconcile(desired, [{ service: svc(A), dests: [dest('198.51.100.7'), dest('198.51.100.7')] }]);
  assert.deepEqual(
    ops.map((o) => o.type),
    ['del-dest', 'add-dest'],
  );
  assert.equal(ops[1]?.type === 'add-dest' ? ops[1].dest.weight : -1, 1);
});

test('30,000 destinations over 300 services reconcile in linear time', () => {
  const services = Array.from({ length: 300 }, (_, s) => key(`203.0.113.${s % 250}`, 1000 + s));
  const mk = (weight: (i: number) => number): IpvsTable =>
    services.map((k, s) => ({
      service: svc(k),
      dests: Array.from({ length: 100 }, (_, i) => dest(`198.51.100.${i}`, 2000 + s, { weight: weight(i) })),
    }));
  const current = mk(() => 1);
  const desired = mk((i) => (i % 10 === 0 ? 2 : 1));
  const t0 = performance.now();
  const ops = reconcile(desired, current);
  const fromEmpty = reconcile(desired, []);
  const same = reconcile(current, current);
  const ms = performance.now() - t0;
  assert.equal(ops.length, 3000);
  assert.ok(ops.every((o) => o.type === 'edit-dest'));
  assert.equal(fromEmpty.length, 30_300);
  assert.equal(same.length, 0);
  assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
});

test('removalsLast: a sorry server goes in before the real servers leave (no empty pool in between)', () => {
  const current: IpvsTable = [{ service: svc(A), dests: [dest('198.51.100.1'), dest('198.51.100.2')] }];
  const desired: IpvsTable = [{ service: svc(A), dests: [dest('198.51.100.9')] }];
  const label = (o: ReturnType<typeof reconcile>[number]): string => (o.type === 'add-dest' || o.type === 'del-dest' ? `${o.type} ${o.dest.address}` : o.type);
  assert.deepEqual(reconcile(desired, current, { removalsLast: true }).map(label), ['add-dest 198.51.100.9', 'del-dest 198.51.100.1', 'del-dest 198.51.100.2']);
  assert.deepEqual(reconcile(desired, current).map(label), ['del-dest 198.51.100.1', 'del-dest 198.51.100.2', 'add-dest 198.51.100.9']);
});
