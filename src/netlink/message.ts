/**
 * Netlink message framing: struct nlmsghdr (u32 len, u16 type, u16 flags, u32 seq, u32 pid),
 * a datagram holding several messages (multipart dumps end with NLMSG_DONE), and the
 * NLMSG_ERROR payload (ack when error == 0) with its extended-ack TLVs (NETLINK_EXT_ACK).
 * Pure; used by ./netlink-socket.ts in the VRRP process.
 */
import { HOST_LE, align4, attrMap, concatBytes, protocolError, readString, readU32, view } from './attr.js';
import {
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
} from './constants.js';

export interface NlMessageHeader {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  /** nlmsg_pid: 0 for messages to or from the kernel. */
  readonly pid: number;
}

export interface NlMessage extends NlMessageHeader {
  /** Payload after the 16-byte header, without trailing padding; a view into the datagram. */
  readonly payload: Uint8Array;
}

/** One message: header + payload parts (each part is already 4-aligned: structs and attributes). */
export function encodeMessage(h: NlMessageHeader, parts: readonly Uint8Array[]): Uint8Array {
  const body = concatBytes(parts);
  const out = new Uint8Array(NLMSG_HDRLEN + align4(body.length));
  const dv = view(out);
  dv.setUint32(0, NLMSG_HDRLEN + body.length, HOST_LE);
  dv.setUint16(4, h.type, HOST_LE);
  dv.setUint16(6, h.flags, HOST_LE);
  dv.setUint32(8, h.seq >>> 0, HOST_LE);
  dv.setUint32(12, h.pid >>> 0, HOST_LE);
  out.set(body, NLMSG_HDRLEN);
  return out;
}

/** Stamp a new sequence number into an encoded message (requests are built before they are numbered). */
export function setSequence(msg: Uint8Array, seq: number): void {
  view(msg).setUint32(8, seq >>> 0, HOST_LE);
}

/** Split a received datagram into messages. Throws on truncation or a length below the header. */
export function parseMessages(buf: Uint8Array): NlMessage[] {
  const dv = view(buf);
  const out: NlMessage[] = [];
  let off = 0;
  while (off < buf.length) {
    const rest = buf.length - off;
    if (rest < NLMSG_HDRLEN) throw protocolError(`truncated message header (${rest} byte(s))`);
    const len = dv.getUint32(off, HOST_LE);
    if (len < NLMSG_HDRLEN) throw protocolError(`message length ${len} < header length ${NLMSG_HDRLEN}`);
    if (len > rest) throw protocolError(`message length ${len} overruns the ${rest} byte(s) received`);
    out.push({
      type: dv.getUint16(off + 4, HOST_LE),
      flags: dv.getUint16(off + 6, HOST_LE),
      seq: dv.getUint32(off + 8, HOST_LE),
      pid: dv.getUint32(off + 12, HOST_LE),
      payload: buf.subarray(off + NLMSG_HDRLEN, off + len),
    });
    off = Math.min(buf.length, off + align4(len));
  }
  return out;
}

/** Decoded NLMSG_ERROR (an ack when `error` is 0) or the status carried by NLMSG_DONE. */
export interface NlErrorInfo {
  /** 0 = success, otherwise a negative errno as the kernel sends it. */
  readonly error: number;
  /** Sequence and type of the request this answers (0 when the kernel did not echo it). */
  readonly requestSeq: number;
  readonly requestType: number;
  /** NLMSGERR_ATTR_MSG: the kernel's human-readable reason ("Unknown device type", …). */
  readonly extAckMessage?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset of the offending attribute in the request. */
  readonly extAckOffset?: number;
  /** NLMSGERR_ATTR_MISS_TYPE: a required attribute that was missing. */
  readonly extAckMissingType?: number;
}

function parseExtAck(tlvs: Uint8Array): Pick<NlErrorInfo, 'extAckMessage' | 'extAckOffset' | 'extAckMissingType'> {
  const m = attrMap(tlvs);
  const msg = m.get(NLMSGERR_ATTR_MSG);
  const offs = m.get(NLMSGERR_ATTR_OFFS);
  const miss = m.get(NLMSGERR_ATTR_MISS_TYPE);
  return {
    ...(msg !== undefined ? { extAckMessage: readString(msg) } : {}),
    ...(offs !== undefined ? { extAckOffset: readU32(offs) } : {}),
    ...(miss !== undefined ? { extAckMissingType: readU32(miss) } : {}),
  };
}

/**
 * struct nlmsgerr: s32 error, then the request's nlmsghdr and, unless NLM_F_CAPPED,
 * its payload; then, with NLM_F_ACK_TLVS, the extended-ack attributes.
 */
export function parseError(msg: NlMessage): NlErrorInfo {
  if (msg.type !== NLMSG_ERROR) throw protocolError(`message type ${msg.type} is not NLMSG_ERROR`);
  const p = msg.payload;
  if (p.length < 4 + NLMSG_HDRLEN) throw protocolError(`NLMSG_ERROR payload of ${p.length} byte(s) is too short`);
  const dv = view(p);
  const error = dv.getInt32(0, HOST_LE);
  const origLen = dv.getUint32(4, HOST_LE);
  const base = { error, requestType: dv.getUint16(8, HOST_LE), requestSeq: dv.getUint32(12, HOST_LE) };
  if ((msg.flags & NLM_F_ACK_TLVS) === 0) return base;
  // The echoed request is either just its header (capped) or all of it.
  const echoed = (msg.flags & NLM_F_CAPPED) !== 0 ? NLMSG_HDRLEN : Math.max(NLMSG_HDRLEN, origLen);
  const tlvStart = 4 + align4(echoed);
  if (tlvStart > p.length) throw protocolError(`NLMSG_ERROR echoes ${echoed} byte(s) but carries ${p.length - 4}`);
  return { ...base, ...parseExtAck(p.subarray(tlvStart)) };
}

/** NLMSG_DONE carries an s32 status (a dump can fail half way) and, with NLM_F_ACK_TLVS, ext-ack attributes. */
export function parseDone(msg: NlMessage): NlErrorInfo {
  if (msg.type !== NLMSG_DONE) throw protocolError(`message type ${msg.type} is not NLMSG_DONE`);
  const p = msg.payload;
  const error = p.length >= 4 ? view(p).getInt32(0, HOST_LE) : 0;
  const base = { error, requestType: 0, requestSeq: msg.seq };
  if ((msg.flags & NLM_F_ACK_TLVS) === 0 || p.length <= 4) return base;
  return { ...base, ...parseExtAck(p.subarray(4)) };
}
