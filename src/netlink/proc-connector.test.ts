import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CN_IDX_PROC, decodeProcEvents, procListenMessage, PROC_EVENT } from './proc-connector.js';

/** One netlink message carrying one proc_event with these u32 data words (host order, little endian here). */
function eventMsg(what: number, words: readonly number[], comm?: string): Uint8Array {
  const data = new Uint8Array(16 + 20 + 16 + Math.max(words.length * 4, 24));
  const v = new DataView(data.buffer);
  v.setUint32(0, data.length, true);
  v.setUint16(4, 3, true);
  v.setUint32(16, CN_IDX_PROC, true);
  v.setUint32(20, 1, true);
  v.setUint16(32, data.length - 36, true);
  v.setUint32(36, what, true);
  words.forEach((w, i) => v.setUint32(52 + 4 * i, w, true));
  if (comm !== undefined) data.set(new TextEncoder().encode(comm), 60);
  return data;
}

test('the listen message: nlmsghdr (40 bytes, NLMSG_DONE), cn_msg for CN_IDX_PROC/CN_VAL_PROC, PROC_CN_MCAST_LISTEN', () => {
  const m = procListenMessage(true);
  const v = new DataView(m.buffer);
  assert.deepEqual([m.length, v.getUint32(0, true), v.getUint16(4, true), v.getUint32(16, true), v.getUint32(20, true), v.getUint16(32, true), v.getUint32(36, true)], [40, 40, 3, 1, 1, 4, 1]);
  assert.equal(new DataView(procListenMessage(false).buffer).getUint32(36, true), 2);
});

test('events decode; threads (pid ≠ tgid) and other connectors are left out', () => {
  const both = new Uint8Array([...eventMsg(PROC_EVENT.FORK, [100, 100, 200, 200]), ...eventMsg(PROC_EVENT.EXEC, [200, 200])]);
  assert.deepEqual(decodeProcEvents(both), [
    { type: 'fork', parentTgid: 100, childTgid: 200 },
    { type: 'exec', tgid: 200 },
  ]);
  assert.deepEqual(decodeProcEvents(eventMsg(PROC_EVENT.FORK, [100, 100, 201, 200])), [], 'a new thread');
  assert.deepEqual(decodeProcEvents(eventMsg(PROC_EVENT.EXIT, [200, 200, 0, 17])), [{ type: 'exit', tgid: 200 }]);
  assert.deepEqual(decodeProcEvents(eventMsg(PROC_EVENT.COMM, [200, 200], 'nginx')), [{ type: 'comm', tgid: 200, comm: 'nginx' }]);
  const other = eventMsg(PROC_EVENT.EXEC, [200, 200]);
  new DataView(other.buffer).setUint32(16, 7, true);
  assert.deepEqual(decodeProcEvents(other), []);
  assert.deepEqual(decodeProcEvents(new Uint8Array(10)), [], 'truncated');
  assert.deepEqual(decodeProcEvents(eventMsg(PROC_EVENT.FORK, [100, 100, 200, 200]).subarray(0, 40)), [], 'a message cut short');
});
