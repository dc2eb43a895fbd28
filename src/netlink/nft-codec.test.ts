import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KaError } from '../core/errors.js';
import { h, hex, unhex } from '../test-kit/hex.js';
import { attrNested, attrString, attrU32BE } from './attr.js';
import { parseMessages } from './message.js';
import {
  decodeChain,
  decodeRule,
  decodeSet,
  decodeSetElems,
  decodeTable,
  encodeBatch,
  encodeDump,
  encodeGetTable,
  encodeNfgenmsg,
  encodeNftOp,
  type NftOp,
} from './nft-codec.js';
import {
  NFPROTO_IPV4,
  NFPROTO_IPV6,
  NFTA_DATA_VERDICT,
  NFTA_EXPR_DATA,
  NFTA_EXPR_NAME,
  NFTA_IMMEDIATE_DATA,
  NFTA_IMMEDIATE_DREG,
  NFTA_LIST_ELEM,
  NFTA_VERDICT_CODE,
  NFT_CMP_EQ,
  NFT_META_OIFKIND,
  NFT_PAYLOAD_NETWORK_HEADER,
  NFT_SET_MAP,
  nftMsgName,
} from './nft-constants.js';
import { decodeExprs, describeExpr, encodeExprs, type NftExpr } from './nft-expr.js';

const protocolErr = (e: unknown): boolean => e instanceof KaError && e.code === 'KA_ERR_NL_PROTOCOL';
const one = (b: Uint8Array) => {
  const [m] = parseMessages(b);
  assert.ok(m);
  return m;
};

test('nfgenmsg: family, version 0, res_id big-endian', () => {
  assert.equal(hex(encodeNfgenmsg(NFPROTO_IPV6)), '0a000000');
  assert.equal(hex(encodeNfgenmsg(0, 10)), '0000000a');
});

test('a transaction is BATCH_BEGIN, the messages, BATCH_END (res_id NFNL_SUBSYS_NFTABLES, no ack)', () => {
  const msgs = encodeBatch([{ op: 'deltable', family: NFPROTO_IPV4, name: 'keepalived' }]);
  assert.equal(msgs.length, 3);
  assert.equal(hex(msgs[0] ?? new Uint8Array(0)), h('14000000 1000 0100 00000000 00000000 | 00 00 000a'));
  assert.equal(hex(msgs[2] ?? new Uint8Array(0)), h('14000000 1100 0100 00000000 00000000 | 00 00 000a'));
  // NFT_MSG_DELTABLE = 0x0a02, REQUEST|ACK; NFTA_TABLE_NAME "keepalived" (15 bytes, padded).
  assert.equal(hex(msgs[1] ?? new Uint8Array(0)), h('24000000 020a 0500 00000000 00000000 | 02 00 0000 | 0f00 0100 6b656570616c69766564 00 00'));
});

test('GETTABLE probe and dump requests', () => {
  assert.equal(hex(encodeGetTable(NFPROTO_IPV6, 'kt')), h('1c000000 010a 0500 00000000 00000000 | 0a 00 0000 | 0700 0100 6b7400 00'));
  assert.equal(hex(encodeDump('rule')), h('14000000 070a 0103 00000000 00000000 | 00 00 0000'));
});

const EXPRS: readonly NftExpr[] = [
  { type: 'payload', dreg: 1, base: NFT_PAYLOAD_NETWORK_HEADER, offset: 16, len: 4 },
  { type: 'meta', key: NFT_META_OIFKIND, dreg: 2 },
  { type: 'cmp', sreg: 2, op: NFT_CMP_EQ, data: new TextEncoder().encode('macvlan\0\0\0\0\0\0\0\0\0') },
  { type: 'bitwise', sreg: 1, dreg: 1, len: 16, mask: unhex('ffc0 0000 0000 0000 0000 0000 0000 0000'), xor: new Uint8Array(16) },
  { type: 'lookup', sreg: 2, dreg: 2, set: 'vmac_map', setId: 1 },
  { type: 'lookup', sreg: 1, set: 'vips', flags: 1 },
  { type: 'dup', sregAddr: 1, sregDev: 2 },
  { type: 'counter' },
  { type: 'counter', bytes: 1234n, packets: 7n },
  { type: 'ct', key: 0, dreg: 1, direction: 1 },
  { type: 'immediate', dreg: 1, value: unhex('01020304') },
  { type: 'verdict', verdict: { kind: 'drop' } },
  { type: 'verdict', verdict: { kind: 'accept' } },
  { type: 'verdict', verdict: { kind: 'return' } },
  { type: 'verdict', verdict: { kind: 'continue' } },
  { type: 'verdict', verdict: { kind: 'goto', chain: 'in_link_local' } },
  { type: 'verdict', verdict: { kind: 'jump', chain: 'x' } },
];

test('every expression round-trips; the lookup set id (request only) is not read back', () => {
  const back = decodeExprs(Buffer.concat(encodeExprs(EXPRS)));
  const expected = EXPRS.map((e) => (e.type === 'lookup' && e.setId !== undefined ? (({ setId: _, ...rest }) => rest)(e) : e));
  assert.deepEqual(back, expected);
  for (const e of back) assert.ok(describeExpr(e).length > 0);
});

test('IPv4 saddr lookup rule matches keepalived: payload, lookup, immediate drop', () => {
  const b = encodeNftOp({ op: 'newrule', rule: { family: NFPROTO_IPV4, table: 'k', chain: 'out', exprs: [EXPRS[0] as NftExpr, { type: 'lookup', sreg: 1, set: 'vips' }, { type: 'verdict', verdict: { kind: 'drop' } }] } });
  const m = one(b);
  assert.equal(m.type, 0x0a06);
  assert.equal(m.flags, 0x0c05, 'REQUEST|ACK|CREATE|APPEND');
  const r = decodeRule(m);
  assert.deepEqual([r.family, r.table, r.chain, r.exprs.length], [NFPROTO_IPV4, 'k', 'out', 3]);
});

test('table, chain, set and elements decode what the requests carry', () => {
  const ops: NftOp[] = [
    { op: 'newtable', table: { family: NFPROTO_IPV6, name: 'keepalived', flags: 0 } },
    { op: 'newchain', chain: { family: NFPROTO_IPV6, table: 'keepalived', name: 'in', hook: { hooknum: 1, priority: -1 }, policy: 1, type: 'filter' } },
    { op: 'newset', set: { family: NFPROTO_IPV6, table: 'keepalived', name: 'vmac_map', flags: NFT_SET_MAP, keyType: 20, keyLen: 4, dataType: 20, dataLen: 4, id: 2, userdata: unhex('000401000000') } },
    { op: 'newsetelem', exclusive: true, elems: { family: NFPROTO_IPV6, table: 'keepalived', set: 'vmac_map', setId: 2, elements: [{ key: unhex('05000000'), data: unhex('02000000') }, { key: unhex('06000000'), data: unhex('02000000') }] } },
  ];
  const [t, c, s, e] = ops.map((o) => one(encodeNftOp(o)));
  assert.deepEqual(decodeTable(t!), { family: NFPROTO_IPV6, name: 'keepalived', flags: 0 });
  assert.deepEqual(decodeChain(c!), { family: NFPROTO_IPV6, table: 'keepalived', name: 'in', hook: { hooknum: 1, priority: -1 }, policy: 1, type: 'filter' });
  const set = decodeSet(s!);
  assert.deepEqual({ ...set, userdata: hex(set.userdata ?? new Uint8Array(0)) }, { family: NFPROTO_IPV6, table: 'keepalived', name: 'vmac_map', flags: NFT_SET_MAP, keyType: 20, keyLen: 4, dataType: 20, dataLen: 4, userdata: '000401000000' });
  assert.equal(e!.flags, 0x0605, 'exclusive: REQUEST|ACK|CREATE|EXCL');
  const el = decodeSetElems(e!);
  assert.deepEqual(
    el.elements.map((x) => [hex(x.key), hex(x.data ?? new Uint8Array(0))]),
    [
      ['05000000', '02000000'],
      ['06000000', '02000000'],
    ],
  );
});

test('malformed kernel input throws KA_ERR_NL_PROTOCOL', () => {
  const short = { type: 0x0a00, flags: 0, seq: 0, pid: 0, payload: Uint8Array.of(2, 0) };
  assert.throws(() => decodeTable(short), protocolErr);
  assert.throws(() => decodeTable({ ...short, payload: encodeNfgenmsg(2) }), protocolErr, 'table without a name');
  const badVerdict = attrNested(NFTA_LIST_ELEM, [
    attrString(NFTA_EXPR_NAME, 'immediate'),
    attrNested(NFTA_EXPR_DATA, [attrU32BE(NFTA_IMMEDIATE_DREG, 0), attrNested(NFTA_IMMEDIATE_DATA, [attrNested(NFTA_DATA_VERDICT, [attrU32BE(NFTA_VERDICT_CODE, 77)])])]),
  ]);
  assert.throws(() => decodeExprs(badVerdict), protocolErr);
  const noSet = attrNested(NFTA_LIST_ELEM, [attrString(NFTA_EXPR_NAME, 'lookup'), attrNested(NFTA_EXPR_DATA, [attrU32BE(2, 1)])]);
  assert.throws(() => decodeExprs(noSet), protocolErr);
  assert.throws(() => decodeExprs(attrNested(NFTA_LIST_ELEM, [attrNested(NFTA_EXPR_DATA, [])])), protocolErr, 'expression without a name');
  const unknown = decodeExprs(attrNested(NFTA_LIST_ELEM, [attrString(NFTA_EXPR_NAME, 'quota'), attrNested(NFTA_EXPR_DATA, [attrU32BE(1, 5)])]));
  assert.equal(unknown[0]?.type, 'unknown');
  assert.throws(() => encodeExprs(unknown), RangeError);
});

test('message names for errors', () => {
  assert.equal(nftMsgName(0x0a06), 'NFT_MSG_NEWRULE');
  assert.equal(nftMsgName(0x10), 'NFNL_MSG_BATCH_BEGIN');
  assert.equal(nftMsgName(0x0a63), 'nf_tables type 99');
});
