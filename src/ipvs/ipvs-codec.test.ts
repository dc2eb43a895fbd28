// Golden bytes for the IPVS requests, written attribute by attribute from the kernel:
// numbers are enum positions in include/uapi/linux/ip_vs.h (IPVS_CMD_NEW_SERVICE = 1 …
// IPVS_CMD_FLUSH = 17; IPVS_CMD_ATTR_SERVICE 1, DEST 2, DAEMON 3, TIMEOUT_TCP 4, _TCP_FIN 5,
// _UDP 6; IPVS_SVC_ATTR_AF 1 … PE_NAME 11; IPVS_DEST_ATTR_ADDR 1 … TUN_FLAGS 15;
// IPVS_DAEMON_ATTR_STATE 1 … MCAST_TTL 8); value encodings are those of
// net/netfilter/ipvs/ip_vs_ctl.c (ports nla_get_be16, addresses a 16-byte
// union nf_inet_addr, NETMASK nla_get_be32, MCAST_PORT nla_get_u16, MCAST_GROUP in_addr).
// Netlink: nlmsghdr 16 bytes (len, type = family id, flags, seq, pid), NLM_F_REQUEST 0x1,
// NLM_F_ACK 0x4, NLM_F_DUMP 0x300; nested attributes carry NLA_F_NESTED (0x8000).
// The host is little-endian (asserted in src/netlink/attr.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, h } from '../test-kit/hex.js';
import {
  decodeConfigMessage,
  decodeDestMessage,
  decodeInfoMessage,
  decodeServiceMessage,
  encodeDelDaemon,
  encodeFlush,
  encodeGetConfig,
  encodeGetDests,
  encodeGetInfo,
  encodeGetServices,
  encodeIpvsOp,
  encodeNewDaemon,
  encodeSetTimeouts,
} from './ipvs-codec.js';
import { IPPROTO_TCP, IPPROTO_UDP, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_TUNNEL, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT, type IpvsDest, type IpvsOp, type IpvsService } from './ipvs-types.js';
import { attr, attrNested, attrU16, attrU32, concatBytes } from '../netlink/attr.js';

const FAM = 0x2a; // a dynamic family id, as the controller hands out
const NLHDR = 16;

const tcp80Key = { type: 'addr', family: 4, protocol: IPPROTO_TCP, address: '192.0.2.1', port: 80 } as const;
const tcp80: IpvsService = {
  key: tcp80Key,
  scheduler: 'rr',
  flags: 0,
  timeoutS: 0,
  netmask: 0xffffffff,
};

function enc(op: IpvsOp): Uint8Array {
  const r = encodeIpvsOp(FAM, op);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.value;
}

// The service identity of tcp80, shared by several golden messages.
const TCP80_KEY =
  '0600 0100 0200 0000' + // SVC_ATTR_AF: u16 AF_INET (2), padded
  '0600 0200 0600 0000' + // SVC_ATTR_PROTOCOL: u16 IPPROTO_TCP (6)
  '1400 0300 c0000201 00000000 00000000 00000000' + // SVC_ATTR_ADDR: 16-byte nf_inet_addr, 192.0.2.1 first
  '0600 0400 0050 0000'; // SVC_ATTR_PORT: be16 80

test('NEW_SERVICE TCP 192.0.2.1:80 rr: golden bytes', () => {
  assert.equal(
    hex(enc({ type: 'add-service', service: tcp80 })),
    h(
      '68000000 2a00 0500 00000000 00000000' + // len 104, type FAM, REQUEST|ACK
        '01 01 0000' + // genl: IPVS_CMD_NEW_SERVICE, version 1
        '5400 0180' + // IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED, len 4 + 80
        TCP80_KEY +
        '0700 0600 727200 00' + // SVC_ATTR_SCHED_NAME "rr\0"
        '0c00 0700 00000000 ffffffff' + // SVC_ATTR_FLAGS struct ip_vs_flags {flags 0, mask ~0}
        '0800 0800 00000000' + // SVC_ATTR_TIMEOUT u32 0
        '0800 0900 ffffffff', // SVC_ATTR_NETMASK be32 255.255.255.255
    ),
  );
});

test('SET_SERVICE UDP persistent /24 with PE and one-packet flags; IPv6 netmask is the prefix length', () => {
  const udp: IpvsService = {
    key: { type: 'addr', family: 4, protocol: IPPROTO_UDP, address: '192.0.2.1', port: 5060 },
    scheduler: 'wlc',
    flags: IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET | 0x2, // HASHED (0x2) is the kernel's and is dropped
    timeoutS: 300,
    netmask: 0xffffff00,
    peName: 'sip',
  };
  const m = enc({ type: 'edit-service', service: udp });
  assert.equal(hex(m.subarray(NLHDR, NLHDR + 4)), h('02 01 0000')); // IPVS_CMD_SET_SERVICE
  assert.equal(
    hex(m.subarray(NLHDR + 8 + 8, NLHDR + 8 + 8 + 8)),
    h('0600 0200 1100 0000'), // SVC_ATTR_PROTOCOL IPPROTO_UDP (17)
  );
  const tail = hex(m.subarray(NLHDR + 8 + 44));
  assert.equal(
    tail,
    h(
      '0800 0600 776c6300' + // SCHED_NAME "wlc\0"
        '0800 0b00 73697000' + // PE_NAME "sip\0" (type 11)
        '0c00 0700 05000000 ffffffff' + // FLAGS PERSISTENT|ONEPACKET = 5
        '0800 0800 2c010000' + // TIMEOUT 300
        '0800 0900 ffffff00', // NETMASK be32 255.255.255.0
    ),
  );
  const v6 = enc({
    type: 'add-service',
    service: { ...tcp80, key: { type: 'addr', family: 6, protocol: IPPROTO_TCP, address: '2001:db8::1', port: 443 }, netmask: 64 },
  });
  assert.equal(hex(v6.subarray(NLHDR + 8, NLHDR + 16)), h('0600 0100 0a00 0000')); // AF_INET6 = 10
  assert.equal(hex(v6.subarray(NLHDR + 24, NLHDR + 44)), h('1400 0300 20010db8 00000000 00000000 00000001'));
  assert.equal(hex(v6.subarray(v6.length - 8)), h('0800 0900 40000000')); // prefix length 64, host order
});

test('DEL_SERVICE fwmark: only AF + FWMARK', () => {
  assert.equal(
    hex(enc({ type: 'del-service', key: { type: 'fwmark', family: 4, fwmark: 7 } })),
    h(
      '28000000 2a00 0500 00000000 00000000' + // len 40
        '03 01 0000' + // IPVS_CMD_DEL_SERVICE
        '1400 0180' + // SERVICE nested, len 20
        '0600 0100 0200 0000' + // AF_INET
        '0800 0500 07000000', // SVC_ATTR_FWMARK u32 7
    ),
  );
});

const natDest: IpvsDest = { family: 4, address: '198.51.100.2', port: 8080, fwdMethod: IP_VS_CONN_F_MASQ, weight: 3, upperThreshold: 100, lowerThreshold: 10 };

test('NEW_DEST: service key, then the full dest entry', () => {
  assert.equal(
    hex(enc({ type: 'add-dest', key: tcp80.key, dest: natDest })),
    h(
      '8c000000 2a00 0500 00000000 00000000' + // len 140
        '05 01 0000' + // IPVS_CMD_NEW_DEST
        '3000 0180' + // SERVICE nested, len 48
        TCP80_KEY +
        '4800 0280' + // IPVS_CMD_ATTR_DEST nested, len 72
        '1400 0100 c6336402 00000000 00000000 00000000' + // DEST_ATTR_ADDR 198.51.100.2
        '0600 0200 1f90 0000' + // DEST_ATTR_PORT be16 8080
        '0600 0b00 0200 0000' + // DEST_ATTR_ADDR_FAMILY (11) AF_INET
        '0800 0300 00000000' + // DEST_ATTR_FWD_METHOD MASQ
        '0800 0400 03000000' + // DEST_ATTR_WEIGHT 3
        '0800 0500 64000000' + // DEST_ATTR_U_THRESH 100
        '0800 0600 0a000000', // DEST_ATTR_L_THRESH 10
    ),
  );
});

test('SET_DEST TUN gue: TUN_TYPE u8, TUN_PORT be16, TUN_FLAGS u16 after the thresholds', () => {
  const gue: IpvsDest = { ...natDest, port: 0, fwdMethod: IP_VS_CONN_F_TUNNEL, tunType: 1, tunPort: 6080, tunFlags: 2 };
  const m = enc({ type: 'edit-dest', key: tcp80.key, dest: gue });
  assert.equal(m[NLHDR], 6); // IPVS_CMD_SET_DEST
  assert.equal(
    hex(m.subarray(m.length - 24)),
    h(
      '0500 0d00 01 000000' + // DEST_ATTR_TUN_TYPE (13) u8 GUE
        '0600 0e00 17c0 0000' + // DEST_ATTR_TUN_PORT (14) be16 6080
        '0600 0f00 0200 0000', // DEST_ATTR_TUN_FLAGS (15) u16 REMCSUM
    ),
  );
  // Non-tunnel dests never carry tunnel attributes (kernels before 5.2 do not know them).
  const nat = enc({ type: 'edit-dest', key: tcp80.key, dest: { ...natDest, tunType: 1 } });
  assert.equal(nat.length, 140);
});

test('DEL_DEST: dest identity only (ADDR, PORT, ADDR_FAMILY)', () => {
  const m = enc({ type: 'del-dest', key: tcp80.key, dest: { family: 6, address: '2001:db8::2', port: 80 } });
  assert.equal(m[NLHDR], 7);
  assert.equal(
    hex(m.subarray(NLHDR + 4 + 48)),
    h('2800 0280' + '1400 0100 20010db8 00000000 00000000 00000002' + '0600 0200 0050 0000' + '0600 0b00 0a00 0000'),
  );
});

test('FLUSH, GET_INFO, GET_CONFIG: header only; GET_SERVICE is a dump', () => {
  assert.equal(hex(encodeFlush(FAM)), h('14000000 2a00 0500 00000000 00000000 | 11 01 0000'));
  assert.equal(hex(encodeGetInfo(FAM)), h('14000000 2a00 0500 00000000 00000000 | 0f 01 0000'));
  assert.equal(hex(encodeGetConfig(FAM)), h('14000000 2a00 0500 00000000 00000000 | 0d 01 0000'));
  assert.equal(hex(encodeGetServices(FAM)), h('14000000 2a00 0103 00000000 00000000 | 04 01 0000'));
  assert.deepEqual(encodeIpvsOp(FAM, { type: 'flush' }), { ok: true, value: encodeFlush(FAM) });
});

test('GET_DEST dump names the service', () => {
  const r = encodeGetDests(FAM, tcp80.key);
  assert.ok(r.ok);
  assert.equal(hex(r.value), h('44000000 2a00 0103 00000000 00000000 | 08 01 0000 | 3000 0180' + TCP80_KEY));
});

test('SET_CONFIG timeouts: three top-level u32', () => {
  assert.equal(
    hex(encodeSetTimeouts(FAM, { tcpS: 900, tcpfinS: 120, udpS: 300 })),
    h('2c000000 2a00 0500 00000000 00000000 | 0c 01 0000 | 0800 0400 84030000 | 0800 0500 78000000 | 0800 0600 2c010000'),
  );
});

test('NEW_DAEMON with every attribute; DEL_DAEMON with the state only', () => {
  const r = encodeNewDaemon(FAM, { state: 'backup', interface: 'eth0', syncId: 5, maxLen: 1400, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 2 });
  assert.ok(r.ok);
  assert.equal(
    hex(r.value),
    h(
      '54000000 2a00 0500 00000000 00000000 | 09 01 0000' + // len 84
        '4000 0380' + // IPVS_CMD_ATTR_DAEMON nested, len 64
        '0800 0100 02000000' + // DAEMON_ATTR_STATE IP_VS_STATE_BACKUP (2)
        '0900 0200 65746830 00 000000' + // MCAST_IFN "eth0\0"
        '0800 0300 05000000' + // SYNC_ID 5
        '0600 0400 7805 0000' + // SYNC_MAXLEN u16 1400
        '0800 0500 e0000051' + // MCAST_GROUP in_addr 224.0.0.81 (network order)
        '0600 0700 9022 0000' + // MCAST_PORT u16 host order 8848
        '0500 0800 02 000000', // MCAST_TTL u8 2
    ),
  );
  const v6 = encodeNewDaemon(FAM, { state: 'master', interface: 'eth0', syncId: 1, mcastGroup: 'ff02::1:2' });
  assert.ok(v6.ok);
  assert.equal(hex(v6.value.subarray(v6.value.length - 20)), h('1400 0600 ff020000 00000000 00000000 00010002')); // MCAST_GROUP6
  assert.equal(hex(encodeDelDaemon(FAM, 'master')), h('20000000 2a00 0500 00000000 00000000 | 0a 01 0000 | 0c00 0380 | 0800 0100 01000000'));
});

test('encoders refuse bad input with a Result', () => {
  const bad = (op: IpvsOp): string => {
    const r = encodeIpvsOp(FAM, op);
    assert.equal(r.ok, false);
    return r.ok ? '' : r.reason;
  };
  assert.match(bad({ type: 'add-service', service: { ...tcp80, key: { ...tcp80Key, address: '192.0.2' } } }), /invalid IP address/);
  assert.match(bad({ type: 'add-service', service: { ...tcp80, key: { ...tcp80Key, address: '2001:db8::1' } } }), /not IPv4/);
  assert.match(bad({ type: 'add-service', service: { ...tcp80, scheduler: 'x'.repeat(16) } }), /scheduler/);
  assert.match(bad({ type: 'add-dest', key: tcp80.key, dest: { ...natDest, address: 'nope' } }), /invalid IP address/);
  assert.equal(encodeNewDaemon(FAM, { state: 'master', interface: '', syncId: 1 }).ok, false);
  assert.equal(encodeNewDaemon(FAM, { state: 'master', interface: 'eth0', syncId: 1, mcastGroup: 'x' }).ok, false);
});

// ---------- decode ----------

const payloadOf = (msg: Uint8Array): Uint8Array => msg.subarray(NLHDR);

test('round trip: NEW_SERVICE/NEW_DEST requests decode as the dump replies they mirror', () => {
  // A GET_SERVICE dump answers with command NEW_SERVICE and the same nested layout.
  const services: IpvsService[] = [
    tcp80,
    { ...tcp80, key: { type: 'fwmark', family: 6, fwmark: 0xffffffff }, scheduler: 'sh', flags: 0x18 | IP_VS_SVC_F_PERSISTENT, timeoutS: 360, netmask: 48 },
    { ...tcp80, key: { type: 'addr', family: 6, protocol: IPPROTO_UDP, address: '2001:db8::a', port: 65535 }, peName: 'sip', netmask: 128 },
    { ...tcp80, netmask: 0xfffff000, flags: IP_VS_SVC_F_ONEPACKET },
  ];
  for (const s of services) assert.deepEqual(decodeServiceMessage(payloadOf(enc({ type: 'add-service', service: s }))), { ok: true, value: s });
  const dests: IpvsDest[] = [
    natDest,
    { family: 6, address: '2001:db8::2', port: 0, fwdMethod: IP_VS_CONN_F_TUNNEL, weight: 0, upperThreshold: 0, lowerThreshold: 0, tunType: 2, tunFlags: 1 },
    { ...natDest, fwdMethod: IP_VS_CONN_F_TUNNEL, tunType: 1, tunPort: 6080, tunFlags: 0 },
  ];
  for (const d of dests) {
    // NEW_DEST's first attribute is the service; the decoder looks for IPVS_CMD_ATTR_DEST.
    assert.deepEqual(decodeDestMessage(payloadOf(enc({ type: 'add-dest', key: tcp80.key, dest: d })), 4), { ok: true, value: d });
  }
});

const reply = (cmd: number, attrs: Uint8Array[]): Uint8Array => concatBytes([Uint8Array.of(cmd, 1, 0, 0), ...attrs]);

test('decode a kernel-shaped dest: tunnel zeros ignored for non-TUN, LOCALNODE kept, no ADDR_FAMILY falls back to the service', () => {
  // As ip_vs_genl_fill_dest writes it: nests without NLA_F_NESTED, conns and stats included.
  const d = reply(5, [
    attr(2, concatBytes([
      attr(1, Uint8Array.of(198, 51, 100, 9, ...new Array<number>(12).fill(0))),
      attr(2, Uint8Array.of(0x1f, 0x90)),
      attrU32(3, 1 | 0x100), // LOCALNODE with a non-forwarding flag bit the mask removes
      attrU32(4, 7),
      attr(13, Uint8Array.of(0)),
      attr(14, Uint8Array.of(0, 0)),
      attrU16(15, 0),
      attrU32(5, 0),
      attrU32(6, 0),
      attrU32(7, 12), // ACTIVE_CONNS
      attr(10, attrU32(1, 99)), // STATS
    ])),
  ]);
  assert.deepEqual(decodeDestMessage(d, 4), {
    ok: true,
    value: { family: 4, address: '198.51.100.9', port: 8080, fwdMethod: 1, weight: 7, upperThreshold: 0, lowerThreshold: 0 },
  });
});

test('decode GET_INFO and GET_CONFIG replies', () => {
  assert.deepEqual(decodeInfoMessage(reply(14, [attrU32(1, 0x010201), attrU32(2, 4096)])), {
    ok: true,
    value: { version: 0x010201, versionText: '1.2.1', connTabSize: 4096 },
  });
  assert.deepEqual(decodeConfigMessage(reply(12, [attrU32(4, 900), attrU32(5, 120), attrU32(6, 300)])), { ok: true, value: { tcpS: 900, tcpfinS: 120, udpS: 300 } });
});

test('decoders never throw on malformed or unexpected input', () => {
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['wrong command', reply(2, [])],
    ['no nested service', reply(1, [attrU32(2, 1)])],
    ['no AF', reply(1, [attrNested(1, [attrU32(5, 1)])])],
    ['unknown AF', reply(1, [attrNested(1, [attrU16(1, 99), attrU32(5, 1)])])],
    ['no key', reply(1, [attrNested(1, [attrU16(1, 2)])])],
    ['short address', reply(1, [attrNested(1, [attrU16(1, 10), attrU16(2, 6), attr(3, Uint8Array.of(1, 2, 3, 4)), attr(4, Uint8Array.of(0, 80))])])],
    ['short port', reply(1, [attrNested(1, [attrU16(1, 2), attrU16(2, 6), attr(3, new Uint8Array(16)), attr(4, Uint8Array.of(0))])])],
    ['overrun', reply(1, [Uint8Array.of(0xff, 0, 1, 0)])],
    ['short netmask', reply(1, [attrNested(1, [attrU16(1, 2), attrU32(5, 1), attr(9, Uint8Array.of(1))])])],
  ];
  for (const [name, buf] of cases) {
    const r = decodeServiceMessage(buf);
    assert.equal(r.ok, false, name);
  }
  assert.equal(decodeDestMessage(reply(5, [attrNested(2, [attr(1, new Uint8Array(4))])]), 4).ok, false, 'dest without port');
  assert.equal(decodeDestMessage(reply(5, [attrNested(2, [attr(1, new Uint8Array(4)), attr(2, Uint8Array.of(0, 1)), attrU32(3, 0), attrU16(11, 3)])]), 4).ok, false, 'dest unknown AF');
  assert.equal(decodeInfoMessage(reply(14, [])).ok, false);
  assert.equal(decodeConfigMessage(reply(13, [])).ok, false);
});
