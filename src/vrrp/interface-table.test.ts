import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddrInfo } from '../netlink/rtnl-model.js';
import { IFA_F_SECONDARY } from '../netlink/constants.js';
import { InterfaceTable } from './interface-table.js';

const addr = (address: string, bytes: number[], flags = 0): AddrInfo => ({ ifindex: 2, family: 4, address, bytes: Uint8Array.from(bytes), prefixLen: 24, flags, scope: 0 });

test('own address bytes follow address notifications; primary address skips secondaries and VIPs', () => {
  const t = new InterfaceTable();
  t.reset([], [addr('192.0.2.11', [192, 0, 2, 11])]);
  const first = t.addressBytes(2, 4);
  assert.deepEqual(first.map((b) => [...b]), [[192, 0, 2, 11]]);
  assert.equal(t.addressBytes(2, 4), first, 'unchanged table: the same list, not a new one per packet');
  t.apply({ type: 'addr', deleted: false, ...addr('192.0.2.100', [192, 0, 2, 100], IFA_F_SECONDARY) });
  assert.deepEqual(t.addressBytes(2, 4).map((b) => b[3]), [11, 100]);
  assert.deepEqual([...t.primaryAddress(2, 4)!], [192, 0, 2, 11]);
  assert.deepEqual([...t.primaryAddress(2, 4, [Uint8Array.of(192, 0, 2, 11)])!], [192, 0, 2, 100]);
  t.apply({ type: 'addr', deleted: true, ...addr('192.0.2.11', [192, 0, 2, 11]) });
  assert.deepEqual(t.addressBytes(2, 4).map((b) => b[3]), [100]);
  assert.deepEqual(t.addressBytes(2, 6), []);
});
