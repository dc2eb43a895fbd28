/**
 * The tshark decoder used by the interop suite, on frames built by our own encoder: fields
 * come out right (behind an AH header too), and a flipped VRRP or IPv4 header checksum is
 * reported as bad (so the interop wire checks can fail). Needs tshark (apt-get install tshark); fails without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { internetChecksum } from '../../src/core/checksum.js';
import { parseIpv4 } from '../../src/core/ip.js';
import { encodeIpv4Header } from '../../src/vrrp/ip-header.js';
import { encodeAdvert, passwordAuthData } from '../../src/vrrp/packet.js';
import { advert, ahDatagram } from '../../src/test-kit/vrrp-adverts.js';
import { requireCommands } from './netns.js';
import { epochToUs, parseTsharkLine, tsharkAdverts } from './tshark.js';

const SRC = parseIpv4('192.0.2.11')!;
const DST = parseIpv4('224.0.0.18')!;
const VIP = parseIpv4('192.0.2.100')!;

function frame(version: 2 | 3, priority: number, password?: string): Uint8Array {
  const vrrp = encodeAdvert(
    { version, family: 4, vrid: 51, priority, advertIntCs: version === 3 ? 20 : 100, authType: password === undefined ? 0 : 1, authData: password === undefined ? null : passwordAuthData(password), addresses: [VIP] },
    { family: 4, src: SRC, dst: DST },
  );
  const ip = encodeIpv4Header({ src: SRC, dst: DST, payloadLength: vrrp.length });
  const ck = internetChecksum(ip);
  ip[10] = ck >>> 8;
  ip[11] = ck & 0xff;
  const eth = Uint8Array.from([0x01, 0x00, 0x5e, 0x00, 0x00, 0x12, 0x02, 0x6b, 0x74, 0x00, 0x00, 0x01, 0x08, 0x00]);
  return Uint8Array.from([...eth, ...ip, ...vrrp]);
}

/** `auth_type AH`: IP protocol 51, the AH header, then the VRRP advert (header checksum filled). */
function ahFrame(seq: number): Uint8Array {
  const d = ahDatagram(advert({ version: 2, vrid: 51, priority: 150, authType: 2, authData: new Uint8Array(8), addresses: [VIP] }), { src: SRC, password: 'secretpw', seq }).data;
  const ck = internetChecksum(d.subarray(0, 20));
  d[10] = ck >>> 8;
  d[11] = ck & 0xff;
  return Uint8Array.from([0x01, 0x00, 0x5e, 0x00, 0x00, 0x12, 0x02, 0x6b, 0x74, 0x00, 0x00, 0x01, 0x08, 0x00, ...d]);
}

function pcap(frames: readonly Uint8Array[]): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20); // Ethernet
  const recs = frames.map((f, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_795_690_000 + i, 0);
    r.writeUInt32LE(250_000, 4);
    r.writeUInt32LE(f.length, 8);
    r.writeUInt32LE(f.length, 12);
    return Buffer.concat([r, f]);
  });
  return Buffer.concat([head, ...recs]);
}

test('tshark decodes our adverts and flags bad VRRP and IPv4 header checksums', () => {
  requireCommands({ tshark: 'tshark' });
  const good3 = frame(3, 150);
  const good2 = frame(2, 0, 'secret');
  const badVrrp = Uint8Array.from(good3);
  badVrrp[14 + 20 + 6]! ^= 0xff; // VRRP checksum, high byte
  const badIp = Uint8Array.from(good3);
  badIp[14 + 10]! ^= 0xff; // IPv4 header checksum
  const dir = mkdtempSync(join(tmpdir(), 'kts-tshark-'));
  try {
    const file = join(dir, 'x.pcap');
    writeFileSync(file, pcap([good3, good2, badVrrp, badIp, ahFrame(7)]));
    const rows = tsharkAdverts(file);
    assert.equal(rows.length, 5);
    const [a, b, c, d, ah] = rows as [NonNullable<(typeof rows)[0]>, NonNullable<(typeof rows)[0]>, NonNullable<(typeof rows)[0]>, NonNullable<(typeof rows)[0]>, NonNullable<(typeof rows)[0]>];
    assert.deepEqual(a, {
      tUs: 1_795_690_000_250_000, srcMac: '02:6b:74:00:00:01', family: 4, src: '192.0.2.11', dst: '224.0.0.18', ttl: 255, ipChecksum: 'good',
      version: 3, type: 1, vrid: 51, priority: 150, checksum: 'good', advertInt: 20, authType: null, authString: null, addresses: ['192.0.2.100'], ah: null,
    });
    assert.equal(b.version, 2);
    assert.equal(b.priority, 0);
    assert.equal(b.advertInt, 1);
    assert.equal(b.authType, 1);
    assert.equal(b.authString, 'secret');
    assert.equal(b.checksum, 'good');
    assert.equal(c.checksum, 'bad');
    assert.equal(c.ipChecksum, 'good');
    assert.equal(d.ipChecksum, 'bad');
    // Behind an AH header (auth_type AH): the VRRP fields, the SPI as an address, the sequence number.
    assert.deepEqual([ah.version, ah.priority, ah.authType, ah.checksum, ah.ipChecksum, ah.ah], [2, 150, 2, 'good', 'good', { spi: '192.0.2.11', seq: 7 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tshark field lines: epoch stamps to µs, short lines rejected', () => {
  assert.equal(epochToUs('1795691410.882247000'), 1795691410882247);
  assert.equal(epochToUs('12.5'), 12500000);
  assert.equal(parseTsharkLine('1\t2\t3'), undefined);
});
