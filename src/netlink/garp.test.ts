import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGarpFrame, buildUnsolicitedNa } from './garp.js';
import { parseIpv4, parseIpv6 } from '../core/ip.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const MAC = Uint8Array.of(0x02, 0x6b, 0x74, 0x00, 0x00, 0x01);

test('gratuitous ARP frame golden bytes', () => {
  const f = buildGarpFrame(MAC, parseIpv4('192.0.2.100')!);
  assert.equal(
    hex(f),
    'ffffffffffff' + '026b74000001' + '0806' + // Ethernet: broadcast, from the interface, ARP
      '0001' + '0800' + '06' + '04' + '0001' + // Ethernet/IPv4, request
      '026b74000001' + 'c0000264' + // sender MAC, sender IP = VIP
      'ffffffffffff' + 'c0000264', // target MAC broadcast, target IP = VIP
  );
});

test('unsolicited NA golden bytes: Override only, target link-layer option', () => {
  const m = buildUnsolicitedNa(MAC, parseIpv6('2001:db8::100')!);
  assert.equal(
    hex(m),
    '88' + '00' + '0000' + // type 136, code 0, checksum left to the kernel
      '20000000' + // R=0 S=0 O=1
      '20010db8000000000000000000000100' +
      '02' + '01' + '026b74000001',
  );
  assert.equal(buildUnsolicitedNa(MAC, parseIpv6('2001:db8::100')!, { router: true })[4], 0xa0);
});

test('builders reject wrong lengths', () => {
  assert.throws(() => buildGarpFrame(new Uint8Array(5), new Uint8Array(4)), RangeError);
  assert.throws(() => buildGarpFrame(MAC, new Uint8Array(16)), RangeError);
  assert.throws(() => buildUnsolicitedNa(MAC, new Uint8Array(4)), RangeError);
});
