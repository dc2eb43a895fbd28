import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeIpvsOp, describeServiceKey } from './ipvs-describe.js';
import { IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './ipvs-types.js';

test('ipvsadm-style names for services and ops', () => {
  assert.equal(describeServiceKey({ type: 'addr', family: 4, protocol: IPPROTO_TCP, address: '192.0.2.1', port: 80 }), 'TCP 192.0.2.1:80');
  assert.equal(describeServiceKey({ type: 'addr', family: 6, protocol: IPPROTO_UDP, address: '2001:db8::1', port: 53 }), 'UDP [2001:db8::1]:53');
  assert.equal(describeServiceKey({ type: 'addr', family: 4, protocol: IPPROTO_SCTP, address: '192.0.2.1', port: 9 }), 'SCTP 192.0.2.1:9');
  assert.equal(describeServiceKey({ type: 'fwmark', family: 6, fwmark: 3 }), 'FWM 3 IPv6');
  const key = { type: 'fwmark', family: 4, fwmark: 7 } as const;
  assert.equal(describeIpvsOp({ type: 'del-dest', key, dest: { family: 4, address: '198.51.100.2', port: 0 } }), 'DEL_DEST FWM 7 -> 198.51.100.2:0');
  assert.equal(describeIpvsOp({ type: 'del-service', key }), 'DEL_SERVICE FWM 7');
  assert.equal(describeIpvsOp({ type: 'flush' }), 'FLUSH');
});
