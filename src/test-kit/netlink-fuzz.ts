/**
 * Structure-aware netlink mutations for the decoder fuzz tests (src/netlink/decode.fuzz.test.ts,
 * src/ipvs/decode.fuzz.test.ts): a message is a tree — nlmsghdr fields, the fixed struct
 * (ifinfomsg, ifaddrmsg, rtmsg, fib_rule_hdr, genlmsghdr …) and nested attributes — that is
 * mutated as a tree (attributes dropped, repeated, retyped, resized, nested junk) and then
 * as bytes (a length field lying about its size, truncation, bit flips, trailing bytes).
 * The framing oracles here walk nlmsghdr and nlattr lengths by the rules of
 * include/uapi/linux/netlink.h, written apart from src/netlink.
 */
import type { Prng } from './prng.js';

export type Tlv =
  | { type: number; readonly kind: 'leaf'; payload: Uint8Array }
  | { type: number; readonly kind: 'nest'; children: Tlv[] };

export interface MsgTree {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  /** The fixed struct after the nlmsghdr. */
  fixed: Uint8Array;
  attrs: Tlv[];
}

const NLA_F_NESTED = 0x8000;
const align4 = (n: number): number => (n + 3) & ~3;

export const leaf = (type: number, payload: Uint8Array): Tlv => ({ type, kind: 'leaf', payload });
export const nest = (type: number, children: Tlv[]): Tlv => ({ type, kind: 'nest', children });
export const u8 = (v: number): Uint8Array => Uint8Array.of(v & 0xff);
export function u16(v: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, true);
  return b;
}
export function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
export const str = (s: string): Uint8Array => Uint8Array.from(Buffer.from(`${s}\0`, 'latin1'));

function tlvSize(t: Tlv): number {
  return align4(4 + (t.kind === 'leaf' ? t.payload.length : t.children.reduce((n, c) => n + tlvSize(c), 0)));
}

/** Bytes of the tree, and the offset of every nlattr header (for the length mutations). */
export function serialize(msgs: readonly MsgTree[]): { bytes: Uint8Array; attrOffsets: number[]; msgOffsets: number[] } {
  const size = msgs.reduce((n, m) => n + align4(16 + m.fixed.length) + m.attrs.reduce((k, a) => k + tlvSize(a), 0), 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  const attrOffsets: number[] = [];
  const msgOffsets: number[] = [];
  let off = 0;
  const writeTlv = (t: Tlv): void => {
    const start = off;
    attrOffsets.push(start);
    off += 4;
    if (t.kind === 'leaf') {
      out.set(t.payload, off);
      off += t.payload.length;
    } else for (const c of t.children) writeTlv(c);
    dv.setUint16(start, off - start, true);
    dv.setUint16(start + 2, (t.type & 0x7fff) | (t.kind === 'nest' ? NLA_F_NESTED : 0), true);
    off = align4(off);
  };
  for (const m of msgs) {
    const start = off;
    msgOffsets.push(start);
    dv.setUint16(start + 4, m.type, true);
    dv.setUint16(start + 6, m.flags, true);
    dv.setUint32(start + 8, m.seq >>> 0, true);
    dv.setUint32(start + 12, m.pid >>> 0, true);
    out.set(m.fixed, start + 16);
    off = align4(start + 16 + m.fixed.length);
    for (const a of m.attrs) writeTlv(a);
    dv.setUint32(start, off - start, true);
  }
  return { bytes: out, attrOffsets, msgOffsets };
}

function allTlvs(list: Tlv[], out: Tlv[][] = []): Tlv[][] {
  out.push(list);
  for (const t of list) if (t.kind === 'nest') allTlvs(t.children, out);
  return out;
}

/** One tree mutation: an attribute dropped, repeated, retyped, its payload resized or replaced, junk nested. */
export function mutateTree(rng: Prng, m: MsgTree): void {
  const lists = allTlvs(m.attrs);
  const list = rng.pick(lists);
  switch (rng.int(0, 7)) {
    case 0:
      if (list.length > 0) list.splice(rng.int(0, list.length - 1), 1);
      break;
    case 1:
      if (list.length > 0) list.splice(rng.int(0, list.length), 0, structuredClone(rng.pick(list)));
      break;
    case 2:
      if (list.length > 0) rng.pick(list).type = rng.pick([0, 1, 2, 3, 0x7fff, rng.int(0, 64)]);
      break;
    case 3: {
      // a payload shortened or grown (a u32 read from 3 bytes, a string without its NUL …)
      const leaves = list.filter((t): t is Extract<Tlv, { kind: 'leaf' }> => t.kind === 'leaf');
      if (leaves.length > 0) {
        const t = rng.pick(leaves);
        const n = rng.pick([0, 1, 2, 3, 5, t.payload.length - 1, t.payload.length + 1, rng.int(0, 40)]);
        const p = new Uint8Array(Math.max(0, n));
        p.set(t.payload.subarray(0, p.length));
        t.payload = p;
      }
      break;
    }
    case 4:
      list.push(leaf(rng.int(0, 40), rng.bytes(rng.int(0, 24))));
      break;
    case 5:
      // a leaf turned into a nest of junk, or a nest flattened into its bytes
      if (list.length > 0) {
        const i = rng.int(0, list.length - 1);
        const t = list[i]!;
        list[i] = t.kind === 'leaf' ? nest(t.type, [leaf(rng.int(0, 8), rng.bytes(rng.int(0, 8)))]) : leaf(t.type, serialize([{ type: 0, flags: 0, seq: 0, pid: 0, fixed: new Uint8Array(0), attrs: t.children }]).bytes.subarray(16));
      }
      break;
    case 6: {
      // the fixed struct cut short or extended
      const n = rng.int(0, m.fixed.length + 4);
      const f = new Uint8Array(n);
      f.set(m.fixed.subarray(0, n));
      m.fixed = f;
      break;
    }
    default:
      m.flags = rng.pick([0, 0x2, 0x100, 0x200, 0x300, rng.int(0, 0xffff)]);
  }
}

/** One byte-level mutation of a serialized datagram (lengths lying, truncation, flips, junk). */
export function mutateBytes(rng: Prng, s: { bytes: Uint8Array; attrOffsets: readonly number[]; msgOffsets: readonly number[] }): Uint8Array {
  let b = s.bytes;
  const dv = (): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (rng.int(0, 5)) {
    case 0: {
      // an nla_len that lies
      if (s.attrOffsets.length === 0) break;
      const at = rng.pick(s.attrOffsets);
      if (at + 2 > b.length) break;
      const len = dv().getUint16(at, true);
      dv().setUint16(at, rng.pick([0, 1, 3, 4, len - 1, len + 1, len + 4, b.length - at, b.length - at + 1, 0xffff]) & 0xffff, true);
      break;
    }
    case 1: {
      // an nlmsg_len that lies
      const at = rng.pick(s.msgOffsets);
      if (at + 4 > b.length) break;
      const len = dv().getUint32(at, true);
      dv().setUint32(at, rng.pick([0, 1, 15, 16, 17, len - 1, len + 1, len + 4, b.length - at + 1, 0xffffffff]) >>> 0, true);
      break;
    }
    case 2:
      b = b.slice(0, rng.int(0, b.length));
      break;
    case 3:
      if (b.length > 0) b[rng.int(0, b.length - 1)]! ^= 1 << rng.int(0, 7);
      break;
    case 4: {
      const grown = new Uint8Array(b.length + rng.int(1, 20));
      grown.set(b);
      grown.set(rng.bytes(grown.length - b.length), b.length);
      b = grown;
      break;
    }
    default:
      if (b.length > 0) b[rng.int(0, b.length - 1)] = rng.pick([0, 0xff, 0x80, 0x7f]);
  }
  return b;
}

/** nlmsghdr framing as netlink(7) defines it: each length ≥ 16 and within what is left. */
export function framingValid(buf: Uint8Array): boolean {
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 16) return false;
    const len = buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16) | (buf[off + 3]! * 0x1000000);
    if (len < 16 || len > buf.length - off) return false;
    off += align4(len);
  }
  return true;
}

/** nlattr framing: each nla_len ≥ 4 and within what is left (the last one's padding may be missing). */
export function attrsValid(buf: Uint8Array): boolean {
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 4) return false;
    const len = buf[off]! | (buf[off + 1]! << 8);
    if (len < 4 || len > buf.length - off) return false;
    off += align4(len);
  }
  return true;
}

/** True for the exceptions the netlink decoders are meant to throw: KA_ERR_NL_PROTOCOL. */
export function isProtocolError(e: unknown): boolean {
  return e instanceof Error && (e as { code?: unknown }).code === 'KA_ERR_NL_PROTOCOL';
}

/** Tree and byte mutations (none in about one case of five: those must round-trip). */
export function mutateMessages(rng: Prng, msgs: MsgTree[]): { bytes: Uint8Array; mutated: boolean } {
  const treeMutations = rng.chance(0.5) ? rng.int(0, 3) : 0;
  for (let i = 0; i < treeMutations; i++) mutateTree(rng, rng.pick(msgs));
  const s = serialize(msgs);
  const byteMutations = treeMutations === 0 ? (rng.chance(0.35) ? 0 : rng.int(1, 2)) : rng.chance(0.5) ? 0 : 1;
  let bytes = s.bytes;
  for (let i = 0; i < byteMutations; i++) bytes = mutateBytes(rng, { ...s, bytes });
  return { bytes, mutated: treeMutations + byteMutations > 0 };
}
