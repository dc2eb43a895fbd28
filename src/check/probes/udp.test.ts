import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkUdpReply, compileReplyPattern, hexToBytes } from './udp.js';

const lim = { minReplyLength: 0, maxReplyLength: 255 };

test('pattern: x nibbles are wildcards', () => {
  const p = compileReplyPattern('1x2xx3');
  assert.deepEqual([...p.data], [0x10, 0x20, 0x03]);
  assert.deepEqual([...p.mask], [0xf0, 0xf0, 0x0f]);
  assert.equal(checkUdpReply(Uint8Array.of(0x1f, 0x2a, 0x53), lim, p), undefined);
  assert.equal(checkUdpReply(Uint8Array.of(0x2f, 0x2a, 0x53), lim, p), 'reply data mismatch');
  assert.equal(checkUdpReply(Uint8Array.of(0x1f, 0x2a, 0x54), lim, p), 'reply data mismatch');
});

test('only min(reply, pattern) bytes are compared; length bounds apply first', () => {
  const p = compileReplyPattern('aabbcc');
  assert.equal(checkUdpReply(Uint8Array.of(0xaa), lim, p), undefined);
  assert.equal(checkUdpReply(Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd), lim, p), undefined);
  assert.match(checkUdpReply(Uint8Array.of(0xaa), { minReplyLength: 2, maxReplyLength: 10 }, p) ?? '', /reply length 1 outside \[2, 10\]/);
  assert.match(checkUdpReply(new Uint8Array(11), { minReplyLength: 0, maxReplyLength: 10 }) ?? '', /outside/);
  assert.equal(checkUdpReply(new Uint8Array(10), { minReplyLength: 0, maxReplyLength: 10 }), undefined);
});

test('hex payloads', () => {
  assert.deepEqual([...hexToBytes('00ff10')], [0, 255, 16]);
});
