import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countDrop, emptyDropCounters, formatStatsErrorLines, keepalivedStats, STAT_FIELD_OF, advertsReceived } from './drop-counters.js';
import { DROP_REASONS } from './types.js';

test('every DropReason has a counter and a (possibly null) keepalived field', () => {
  const c = emptyDropCounters();
  for (const r of DROP_REASONS) {
    assert.equal(c[r], 0);
    assert.ok(r in STAT_FIELD_OF);
  }
});

test('counting is pure and sums into keepalived fields', () => {
  const a = emptyDropCounters();
  const b = countDrop(a, 'packet-too-short', 'length-mismatch', 'ttl', 'auth-failure', 'cast-mismatch', 'address-list', 'checksum');
  assert.equal(a['ttl'], 0, 'the input is not modified');
  assert.equal(b['ttl'], 1);
  const s = keepalivedStats(b);
  assert.equal(s.packet_len_err, 2);
  assert.equal(s.ip_ttl_err, 1);
  assert.equal(s.auth_failure, 1);
  assert.equal(s.addr_list_err, 2);
  assert.equal(s.invalid_type_rcvd, 0);
});

test('keepalived.stats error sections, in keepalived order', () => {
  const c = countDrop(emptyDropCounters(), 'invalid-type', 'advert-interval', 'auth-invalid-type', 'auth-type-mismatch', 'auth-type-mismatch');
  assert.deepEqual(formatStatsErrorLines(c), [
    '  Packet Errors:',
    '    Length: 0',
    '    TTL: 0',
    '    Invalid Type: 1',
    '    Advertisement Interval: 1',
    '    Address List: 0',
    '  Authentication Errors:',
    '    Invalid Type: 1',
    '    Type Mismatch: 2',
    '    Failure: 0',
  ]);
});

test('Advertisements Received: accepted adverts plus the address-list, unicast-source and TTL-range drops (keepalived 2.2.7)', () => {
  const d = countDrop(emptyDropCounters(), 'address-list', 'unicast-src', 'unicast-src', 'ttl-range', 'ttl', 'auth-failure');
  assert.equal(advertsReceived(2, d), 6, 'multicast TTL and auth drops are not counted as received');
});
