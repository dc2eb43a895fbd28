import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, h, unhex } from '../test-kit/hex.js';
import { CTRL_CMD_GETFAMILY, GENL_HDRLEN, decodeFamily, decodeGenl, encodeGenlRequest, encodeGetFamily } from './genl-codec.js';
import { attrString, attrU16, attrU32, concatBytes } from '../netlink/attr.js';

// Numbers from include/uapi/linux/genetlink.h: GENL_ID_CTRL = NLMSG_MIN_TYPE = 0x10,
// CTRL_CMD_NEWFAMILY 1 / GETFAMILY 3, CTRL_ATTR_FAMILY_ID 1 (u16), FAMILY_NAME 2 (string),
// VERSION 3, HDRSIZE 4, MAXATTR 5 (u32). NLM_F_REQUEST 0x1 | NLM_F_ACK 0x4 (netlink.h).

test('genlmsghdr is 4 bytes (GENL_HDRLEN)', () => {
  assert.equal(GENL_HDRLEN, 4);
});

test('CTRL_CMD_GETFAMILY "IPVS": golden bytes', () => {
  assert.equal(
    hex(encodeGetFamily('IPVS')),
    h(
      '20000000 1000 0500 00000000 00000000' + // nlmsghdr: len 32, type GENL_ID_CTRL, REQUEST|ACK, seq, pid
        '03 01 0000' + // genlmsghdr: cmd GETFAMILY, version 1, reserved
        '0900 0200 4950565300 000000', // CTRL_ATTR_FAMILY_NAME "IPVS\0", len 9, padded to 12
    ),
  );
});

test('encodeGenlRequest: family id is the message type, flags get NLM_F_REQUEST', () => {
  const m = encodeGenlRequest({ familyId: 0x2a, cmd: 17, version: 1, flags: 0x300 });
  assert.equal(hex(m), h('14000000 2a00 0103 00000000 00000000 | 11 01 0000'));
});

const newFamilyReply = (attrs: Uint8Array[]): Uint8Array => concatBytes([unhex('01 02 0000'), ...attrs]);

test('decodeFamily: id, name, version, hdrsize, maxattr', () => {
  const r = decodeFamily(newFamilyReply([attrString(2, 'IPVS'), attrU16(1, 0x23), attrU32(3, 1), attrU32(4, 0), attrU32(5, 6)]));
  assert.deepEqual(r, { ok: true, value: { id: 0x23, name: 'IPVS', version: 1, hdrSize: 0, maxAttr: 6 } });
});

test('decodeFamily / decodeGenl: malformed input is a failed Result, never a throw', () => {
  assert.equal(decodeGenl(unhex('01 02')).ok, false);
  assert.equal(decodeFamily(unhex('01')).ok, false);
  assert.equal(decodeFamily(newFamilyReply([attrString(2, 'IPVS')])).ok, false, 'missing family id');
  assert.equal(decodeFamily(concatBytes([unhex('03 01 0000'), attrU16(1, 1), attrString(2, 'x')])).ok, false, 'wrong command');
  // attribute length 0xff overruns the buffer
  const bad = decodeFamily(concatBytes([unhex('01 02 0000'), unhex('ff00 0100 2300')]));
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.reason, /overruns/);
  assert.equal(CTRL_CMD_GETFAMILY, 3);
});
