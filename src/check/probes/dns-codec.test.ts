import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDnsReply, encodeDnsName, encodeDnsQuery } from './dns-codec.js';

test('root name is a single zero byte; names become labels', () => {
  const root = encodeDnsName('.');
  assert.ok(root.ok);
  assert.deepEqual([...root.value], [0]);
  const n = encodeDnsName('www.example.org.');
  assert.ok(n.ok);
  assert.deepEqual(Buffer.from(n.value).toString('latin1'), '\x03www\x07example\x03org\x00');
  assert.equal(encodeDnsName('a..b').ok, false);
  assert.equal(encodeDnsName(`${'x'.repeat(64)}.org`).ok, false);
});

test('query: id, RD only, one question, type and class IN', () => {
  const q = encodeDnsQuery(0xbeef, 'example.org', 'AAAA');
  assert.ok(q.ok);
  const b = Buffer.from(q.value);
  assert.equal(b.readUInt16BE(0), 0xbeef);
  assert.equal(b.readUInt16BE(2), 0x0100);
  assert.deepEqual([b.readUInt16BE(4), b.readUInt16BE(6), b.readUInt16BE(8), b.readUInt16BE(10)], [1, 0, 0, 0]);
  assert.equal(b.readUInt16BE(b.length - 4), 28);
  assert.equal(b.readUInt16BE(b.length - 2), 1);
  const soa = encodeDnsQuery(1, '.', 'SOA');
  assert.ok(soa.ok);
  assert.deepEqual([...soa.value.subarray(12)], [0, 0, 6, 0, 1]);
  for (const [t, code] of [['A', 1], ['NS', 2], ['CNAME', 5], ['MX', 15], ['TXT', 16]] as const) {
    const r = encodeDnsQuery(1, '.', t);
    assert.ok(r.ok);
    assert.equal(Buffer.from(r.value).readUInt16BE(13), code);
  }
});

test('reply check: QR, id and RCODE', () => {
  const reply = (id: number, flags: number): Uint8Array => {
    const b = Buffer.alloc(12);
    b.writeUInt16BE(id, 0);
    b.writeUInt16BE(flags, 2);
    return b;
  };
  assert.equal(checkDnsReply(reply(7, 0x8180), 7).ok, true);
  assert.deepEqual(checkDnsReply(reply(8, 0x8180), 7), { ok: false, reason: 'reply id mismatch' });
  assert.deepEqual(checkDnsReply(reply(7, 0x0100), 7), { ok: false, reason: 'QR bit not set' });
  assert.deepEqual(checkDnsReply(reply(7, 0x8183), 7), { ok: false, reason: 'RCODE 3' });
  assert.equal(checkDnsReply(new Uint8Array(5), 7).ok, false);
});
