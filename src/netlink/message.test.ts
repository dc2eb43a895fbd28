import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage, parseDone, parseError, parseMessages, setSequence } from './message.js';
import { NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_MULTI, NLMSG_DONE, NLMSG_ERROR, RTM_NEWADDR, RTM_NEWLINK } from './constants.js';
import { hex, h, unhex } from '../test-kit/hex.js';
import { KaError } from '../core/errors.js';

test('encodeMessage: nlmsghdr is len u32, type u16, flags u16, seq u32, pid u32', () => {
  // RTM_NEWADDR(20) flags REQUEST|ACK|EXCL|CREATE = 0x605, seq 0x01020304, pid 0, 4-byte body
  const m = encodeMessage({ type: RTM_NEWADDR, flags: 0x605, seq: 0x01020304, pid: 0 }, [unhex('aabbccdd')]);
  assert.equal(hex(m), h('14000000 1400 0506 04030201 00000000 | aabbccdd'));
  setSequence(m, 7);
  assert.equal(hex(m.subarray(8, 12)), h('07000000'));
});

test('encodeMessage: nlmsg_len is unpadded, the buffer is padded', () => {
  const m = encodeMessage({ type: 3, flags: 0, seq: 0, pid: 0 }, [unhex('01')]);
  assert.equal(hex(m), h('11000000 0300 0000 00000000 00000000 | 01 000000'));
});

test('parseMessages: multipart datagram with NLMSG_DONE', () => {
  const dgram = unhex(
    // RTM_NEWLINK, NLM_F_MULTI, seq 5, pid 0x1234, 4-byte payload
    '14000000 1000 0200 05000000 34120000 | 01020304' +
      // RTM_NEWLINK, 1-byte payload, padded
      '11000000 1000 0200 05000000 34120000 | ff 000000' +
      // NLMSG_DONE with status 0
      '14000000 0300 0200 05000000 34120000 | 00000000',
  );
  const msgs = parseMessages(dgram);
  assert.deepEqual(
    msgs.map((m) => [m.type, m.flags, m.seq, m.pid, hex(m.payload)]),
    [
      [RTM_NEWLINK, NLM_F_MULTI, 5, 0x1234, '01020304'],
      [RTM_NEWLINK, NLM_F_MULTI, 5, 0x1234, 'ff'],
      [NLMSG_DONE, NLM_F_MULTI, 5, 0x1234, '00000000'],
    ],
  );
  assert.equal(parseDone(msgs[2]!).error, 0);
});

const protocolErr = (e: unknown): boolean => e instanceof KaError && e.code === 'KA_ERR_NL_PROTOCOL';

test('parseMessages: malformed datagrams throw (never loop)', () => {
  // truncated header
  assert.throws(() => parseMessages(unhex('14000000 1000 0200 0500')), protocolErr);
  // nlmsg_len 0 (would never advance) and 15 (< header)
  assert.throws(() => parseMessages(unhex('00000000 1000 0000 00000000 00000000')), protocolErr);
  assert.throws(() => parseMessages(unhex('0f000000 1000 0000 00000000 00000000')), protocolErr);
  // length past the datagram
  assert.throws(() => parseMessages(unhex('40000000 1000 0000 00000000 00000000 00000000')), protocolErr);
  // a good message followed by a partial header
  assert.throws(() => parseMessages(unhex('10000000 0100 0000 00000000 00000000 | 10000000')), protocolErr);
  assert.deepEqual(parseMessages(new Uint8Array(0)), []);
});

test('parseError: plain ack (error 0) echoes the request header', () => {
  const msg = parseMessages(
    unhex('2c000000 0200 0000 09000000 00000000 | 00000000 | 18000000 1400 0506 09000000 00000000 | 02180000 02000000'),
  )[0]!;
  assert.equal(msg.type, NLMSG_ERROR);
  assert.deepEqual(parseError(msg), { error: 0, requestType: RTM_NEWADDR, requestSeq: 9 });
});

test('parseError: capped error with extended ack message', () => {
  // error -17 (EEXIST), NLM_F_CAPPED|NLM_F_ACK_TLVS, echoed header only, NLMSGERR_ATTR_MSG "File exists"
  const msg = parseMessages(
    unhex(
      '34000000 0200 0003 0a000000 00000000 | efffffff | 28000000 1400 0506 0a000000 00000000 |' +
        '1000 0100 46696c6520657869737473 00',
    ),
  )[0]!;
  assert.equal(msg.flags, NLM_F_CAPPED | NLM_F_ACK_TLVS);
  assert.deepEqual(parseError(msg), { error: -17, requestType: RTM_NEWADDR, requestSeq: 10, extAckMessage: 'File exists' });
});

test('parseError: uncapped error skips the echoed payload before the TLVs', () => {
  // error -22, ACK_TLVS only; echoed request len 0x18 (16 + 8 payload); MSG "bad" + OFFS 16 + MISS_TYPE 3
  const msg = parseMessages(
    unhex(
      '44000000 0200 0002 0b000000 00000000 | eaffffff | 18000000 1000 0500 0b000000 00000000 | 1122334455667788 |' +
        '0800 0100 62616400 | 0800 0200 10000000 | 0800 0500 03000000',
    ),
  )[0]!;
  assert.deepEqual(parseError(msg), {
    error: -22,
    requestType: RTM_NEWLINK,
    requestSeq: 11,
    extAckMessage: 'bad',
    extAckOffset: 16,
    extAckMissingType: 3,
  });
});

test('parseError / parseDone: wrong type or short payload throws', () => {
  const done = parseMessages(unhex('14000000 0300 0200 05000000 00000000 | fcffffff'))[0]!;
  assert.throws(() => parseError(done), protocolErr);
  assert.equal(parseDone(done).error, -4);
  const shortErr = parseMessages(unhex('14000000 0200 0000 05000000 00000000 | 00000000'))[0]!;
  assert.throws(() => parseError(shortErr), protocolErr);
  // ACK_TLVS claims an echoed request longer than what is there
  const lying = parseMessages(unhex('24000000 0200 0002 05000000 00000000 | 00000000 | ff000000 1000 0000 00000000 00000000'))[0]!;
  assert.throws(() => parseError(lying), protocolErr);
});

test('parseDone: ext-ack message on a failed dump', () => {
  const msg = parseMessages(unhex('1c000000 0300 0202 05000000 00000000 | eaffffff | 0800 0100 78797a00'))[0]!;
  assert.deepEqual(parseDone(msg), { error: -22, requestType: 0, requestSeq: 5, extAckMessage: 'xyz' });
});
